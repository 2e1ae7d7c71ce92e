"""Feedback for "check your understanding" exercises: right or not, and a hint that teaches.

A checker takes the learner's answer and returns a :class:`Feedback`, which prints as one
line and is truthy when the answer is right. Every exercise is also registered with its
solution and the typical wrong answers, so a test can prove each checker accepts the one and
names the mistake in the others.
"""
import functools
import math
import numbers
from dataclasses import dataclass, field

import numpy as np

REGISTRY = {}


@dataclass
class Feedback:
    """The result of checking an answer: ``bool(feedback)`` is whether it is right."""
    correct: bool
    message: str

    def __bool__(self):
        return self.correct

    def __repr__(self):
        return f"{'✔ Correct' if self.correct else '✘ Not yet'}: {self.message}"


@dataclass
class Exercise:
    """A registered exercise: ``check(answer) -> Feedback``, its solution, and typical wrong answers."""
    name: str
    check: object
    solution: object
    wrong: dict = field(default_factory=dict)   # wrong answer -> words its hint must contain


def register(name, check, solution, wrong=None):
    """Record an exercise for the audit test and return its checker (for the module to export)."""
    if name in REGISTRY:
        raise ValueError(f"register: name must be new, got {name!r}, which names an exercise already. "
                         f"Hint: names are unique, e.g. 'topic.question'.")
    check = never_raises(check)
    REGISTRY[name] = Exercise(name, check, solution, dict(wrong or {}))
    return check


def plain(answer):
    """A numpy scalar or one-element array as the Python number it holds; anything else unchanged."""
    if isinstance(answer, np.ndarray) and answer.size == 1 and answer.dtype.kind in "biuf":
        answer = answer.reshape(-1)[0]
    return answer.item() if isinstance(answer, np.generic) else answer


def _shape_answer(answer):
    """A 1-D integer array (``np.array((10, 29, 29))``, or ``x.shape`` as an array) as a tuple of ints."""
    if isinstance(answer, np.ndarray) and answer.ndim == 1 and answer.dtype.kind in "iu":
        return tuple(answer.tolist())
    return answer


def never_raises(check):
    """Wrap a checker so that any answer, however odd, gets a Feedback instead of an exception."""
    @functools.wraps(check)
    def safe(answer, *args, **kwargs):
        try:
            return check(plain(answer), *args, **kwargs)
        except Exception as error:             # a checker must never fail on a learner's answer
            return Feedback(False, f"this answer could not be checked ({type(error).__name__}); "
                                   f"write it in the form the question shows, e.g. a plain number or a tuple.")
    safe.__module__ = getattr(check, "func", check).__module__     # the topic module, also for a partial
    return safe


def _text(number):
    """A number for a message, short even for 10**400."""
    if isinstance(number, numbers.Integral) and abs(number).bit_length() > 64:
        return f"a number with {int(abs(number).bit_length() * math.log10(2)) + 1} digits"
    return f"{number:g}" if isinstance(number, float) else str(number)


def close(a, b, tolerance=0.0):
    """``math.isclose`` that answers False instead of overflowing on huge ints (10**400)."""
    try:
        return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)
    except OverflowError:
        return a == b


def not_a_number(answer):
    """Feedback when ``answer`` is not one real number (a string, an array, a list...), else None."""
    if isinstance(answer, str):
        try:
            float(answer)
            return Feedback(False, f"{answer!r} is text (a string), not a number: remove the quotes and write "
                                   f"{answer.strip()}.")
        except ValueError:
            return Feedback(False, f"the answer should be a number, got the text {answer!r}.")
    if isinstance(answer, np.ndarray):
        return Feedback(False, f"the answer should be one number, got an array of shape {answer.shape}. Pick the "
                               f"entry you mean (e.g. y[0, 0, 0, 0]); .item() turns a one-element array into a number.")
    if isinstance(answer, (list, tuple)):
        return Feedback(False, f"the answer should be one number, got a {type(answer).__name__} of {len(answer)}.")
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return Feedback(False, f"the answer should be a number, got {answer!r} ({type(answer).__name__}).")
    if not isinstance(answer, numbers.Integral) and not math.isfinite(answer):
        return Feedback(False, f"{answer} is not a finite number: check for a division by zero or an overflow.")
    return None


def not_answered(answer):
    """Feedback for the placeholder ``...`` (or None) a notebook leaves for the learner, else None."""
    if answer is ... or answer is None:
        return Feedback(False, "replace the ... with your answer, then run the cell again.")
    return None


def check_number(answer, expected, mistakes=(), tolerance=0.0, explain=""):
    """Compare a numeric answer with ``expected``; ``mistakes`` maps typical wrong values to hints.

    ``mistakes``: a list of ``(wrong_value, hint)`` pairs, tried in order. ``explain`` is said
    when the answer is right (the reasoning in one line).
    """
    answer = plain(answer)
    empty = not_answered(answer)
    if empty is None:
        empty = not_a_number(answer)
    if empty is not None:
        return empty
    if close(answer, expected, tolerance):
        return Feedback(True, explain or f"{expected}.")
    for wrong, hint in mistakes:
        if close(answer, wrong, tolerance):
            return Feedback(False, hint)
    if answer < 0 <= expected:
        what = "a count" if isinstance(expected, numbers.Integral) else "this quantity"
        return Feedback(False, f"{_text(answer)} is negative, but {what} cannot be: check the signs in your working.")
    direction = "too large" if answer > expected else "too small"
    return Feedback(False, f"{_text(answer)} is {direction}. Work it through step by step and try again.")


def check_choice(answer, expected, options, hints=None, explain=""):
    """Compare a multiple-choice answer (a string from ``options``, case-insensitive)."""
    empty = not_answered(answer)
    if empty is not None:
        return empty
    key = (answer if isinstance(answer, str) else repr(plain(answer))).strip().strip("'\"()").lower()
    options = [o.lower() for o in options]
    if key not in options:
        return Feedback(False, f"choose one of {options}, got {answer!r}.")
    if key == expected.lower():
        return Feedback(True, explain or f"{expected}.")
    return Feedback(False, (hints or {}).get(key, "not that one: look again at the figure above."))
