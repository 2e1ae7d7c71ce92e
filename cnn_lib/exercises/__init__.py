"""Checkers for the course's "check your understanding" exercises, one module per topic.

Each checker returns a :class:`~cnn_lib.exercises.core.Feedback` that prints a hint aimed at
the mistake made (for example "you rounded up: ... frameworks floor"), not just True / False.
``REGISTRY`` lists every exercise with its solution and typical wrong answers (tested).
Notebooks import their checkers from the topic module, e.g. ``cnn_lib.exercises.stride``.
"""
from . import backprop, kernels, layers, nb07_blocks, stride, training   # importing a topic registers its exercises
from .core import REGISTRY, Exercise, Feedback, check_choice, check_number, register
from .stride import check_article_stride_2, check_output_size

__all__ = ["REGISTRY", "Exercise", "Feedback", "check_choice", "check_number", "register",
           "check_output_size", "check_article_stride_2"]
