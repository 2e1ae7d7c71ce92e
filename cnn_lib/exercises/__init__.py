"""Checkers for the course's "check your understanding" exercises, one module per notebook.

Each checker returns a :class:`~cnn_lib.exercises.core.Feedback` that prints a hint aimed at
the mistake made (for example "you rounded up: ... frameworks floor"), not just True / False.
``REGISTRY`` lists every exercise with its solution and typical wrong answers (tested).
``check_implementation(name, fn)`` checks a function the learner wrote (``EXERCISES`` lists them).
Notebooks import their checkers from their own module, named ``nbNN_<topic>`` after the
notebook it serves, e.g. ``cnn_lib.exercises.nb03_stride``. Every module of this package is
imported here (found with :mod:`pkgutil`, not listed by hand), so a new exercise module is
registered, and audited by the tests, as soon as its file exists. See ARCHITECTURE.md.
"""
import importlib
import pkgutil

from .core import REGISTRY, Exercise, Feedback, check_choice, check_number, register

MODULES = sorted(info.name for info in pkgutil.iter_modules(__path__) if info.name != "core")
for _name in MODULES:                                   # importing a module registers its exercises
    importlib.import_module(f"{__name__}.{_name}")

from .implement import EXERCISES, check_implementation  # noqa: E402  ("write it yourself" exercises)
from .nb03_stride import check_article_stride_2, check_output_size  # noqa: E402  (notebook 00's exercise)

__all__ = ["REGISTRY", "Exercise", "Feedback", "check_choice", "check_number", "register",
           "check_output_size", "check_article_stride_2",
           "EXERCISES", "check_implementation"]
