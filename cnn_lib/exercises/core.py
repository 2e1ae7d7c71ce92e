"""Feedback for "check your understanding" exercises: right or not, and a hint that teaches.

A checker takes the learner's answer and returns a :class:`Feedback`, which prints as one
line and is truthy when the answer is right. Every exercise is also registered with its
solution and the typical wrong answers, so a test can prove each checker accepts the one and
names the mistake in the others.
"""
import math
import numbers
from dataclasses import dataclass, field

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
        raise ValueError(f"register: an exercise named {name!r} exists already. Hint: names are unique.")
    REGISTRY[name] = Exercise(name, check, solution, dict(wrong or {}))
    return check


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
    empty = not_answered(answer)
    if empty is not None:
        return empty
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return Feedback(False, f"the answer should be a number, got {answer!r} ({type(answer).__name__}).")
    if not math.isfinite(answer):
        return Feedback(False, f"{answer} is not a finite number: check for a division by zero or an overflow.")
    if math.isclose(answer, expected, rel_tol=tolerance, abs_tol=tolerance):
        return Feedback(True, explain or f"{expected}.")
    for wrong, hint in mistakes:
        if math.isclose(answer, wrong, rel_tol=tolerance, abs_tol=tolerance):
            return Feedback(False, hint)
    direction = "too large" if answer > expected else "too small"
    return Feedback(False, f"{answer} is {direction}. Work it through step by step and try again.")


def check_choice(answer, expected, options, hints=None, explain=""):
    """Compare a multiple-choice answer (a string from ``options``, case-insensitive)."""
    empty = not_answered(answer)
    if empty is not None:
        return empty
    key = str(answer).strip().lower()
    options = [o.lower() for o in options]
    if key not in options:
        return Feedback(False, f"choose one of {options}, got {answer!r}.")
    if key == expected.lower():
        return Feedback(True, explain or f"{expected}.")
    return Feedback(False, (hints or {}).get(key, "not that one: look again at the figure above."))
