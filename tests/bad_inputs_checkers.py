"""Odd answers to every exercise checker, for tests/test_bad_inputs.py (contract 7): a checker never raises.

Generated per registered exercise (``cnn_lib.exercises.REGISTRY``) plus hand-written cases for the
public checker functions. Targets are found by name, so renaming an exercise module does not break them.
"""
import importlib
import pkgutil

import numpy as np

import cnn_lib.exercises as exercises
from cnn_lib.exercises import REGISTRY, Feedback
from cnn_lib.exercises import core

CASES, CATEGORY = [], []


def where(name):
    """The dotted target of the public checker ``name``, in whichever exercises module defines it."""
    for info in pkgutil.iter_modules(exercises.__path__, "cnn_lib.exercises."):
        module = importlib.import_module(info.name)
        obj = getattr(module, name, None)
        if obj is not None and getattr(obj, "__module__", None) == info.name:
            return f"{info.name}.{name}", obj
    raise LookupError(name)


def registered_name(check):
    """The dotted public name under which a topic module exports the registered checker ``check``."""
    for info in pkgutil.iter_modules(exercises.__path__, "cnn_lib.exercises."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if obj is check and not name.startswith("_"):
                return f"{info.name}.{name}"
    raise LookupError(check)


def feedback(correct=None, *words):
    """Expect a Feedback (never an exception), right or not as given, whose message holds ``words``."""
    def check(result):
        assert isinstance(result, Feedback), f"not a Feedback: {result!r}"
        if correct is not None:
            assert result.correct is correct, result
        for word in words:
            assert word in result.message, f"{word!r} not in {result.message!r}"
    return check


def add(target, call, expect, category="checker"):
    CASES.append((target, call, expect))
    CATEGORY.append(category)


ODD = [10**400, -10**400, 10**5000, "abc", "", b"5", object(), {}, [], (), [1, 2], np.array([1.0, 2.0]),
       np.array([]), float("nan"), float("inf"), -1e308, True, complex(1, 2), (10**400, 5)]

# every registered exercise: odd answers never raise; the solution in numpy or text form is handled
for name, exercise in sorted(REGISTRY.items()):
    target = registered_name(exercise.check)
    for answer in ODD:
        add(target, lambda c=exercise.check, a=answer: c(a), feedback())
    solution = exercise.solution
    if isinstance(solution, (int, float)) and not isinstance(solution, bool):
        add(target, lambda c=exercise.check, s=solution: c(np.float64(s)), feedback(True))
        add(target, lambda c=exercise.check, s=solution: c(np.array([[[[s]]]])), feedback(True))
        add(target, lambda c=exercise.check, s=solution: c(str(s)), feedback(False, "quotes"))
        add(target, lambda c=exercise.check, s=solution: c(np.array([s, s])), feedback(False, ".item()"))
    if isinstance(solution, tuple):
        add(target, lambda c=exercise.check, s=solution: c(list(s)), feedback(True))
        add(target, lambda c=exercise.check, s=solution: c(np.array(s)), feedback())

# hand-written: the generic checkers and the helpers in core
T, check_number = where("check_number")
add(T, lambda: check_number(10**400, 59), feedback(False, "401 digits", "too large"))
add(T, lambda: check_number("59", 59), feedback(False, "remove the quotes"))
add(T, lambda: check_number(" 59 ", 59), feedback(False, "remove the quotes"))
add(T, lambda: check_number(np.array([[[[8.0]]]]), 8), feedback(True))
add(T, lambda: check_number(np.float32(8.0), 8), feedback(True))
add(T, lambda: check_number(np.int64(8), 8), feedback(True))
add(T, lambda: check_number(np.array([[8.0, 1.0]]), 8), feedback(False, ".item()"))
add(T, lambda: check_number(-469, 469), feedback(False, "negative", "count"))
add(T, lambda: check_number(-0.5, 0.25), feedback(False, "negative"))
add(T, lambda: check_number([59], 59), feedback(False, "one number"))
add(T, lambda: check_number(np.nan, 59), feedback(False, "finite"))
T, check_choice = where("check_choice")
add(T, lambda: check_choice(np.str_("B"), "b", ["a", "b"]), feedback(True))
add(T, lambda: check_choice(" (b) ", "b", ["a", "b"]), feedback(True))
add(T, lambda: check_choice(2, "b", ["a", "b"]), feedback(False, "choose one of"))
add(T, lambda: check_choice(object(), "b", ["a", "b"]), feedback(False))
T, not_answered = where("not_answered")
add(T, lambda: not_answered(...), feedback(False, "replace the ..."))
add(T, lambda: not_answered(np.array([1])), lambda result: result is None)
T, plain = where("plain")
add(T, lambda: plain(np.array([[3.0]])), lambda r: r == 3.0 and type(r) is float)
add(T, lambda: plain(np.array([1, 2])), lambda r: r.shape == (2,))
T, close = where("close")
add(T, lambda: close(10**400, 1.0), lambda r: r is False)
T, not_a_number = where("not_a_number")
add(T, lambda: not_a_number("7"), feedback(False, "quotes"))
add(T, lambda: not_a_number(7), lambda r: r is None)
T, never_raises = where("never_raises")
add(T, lambda: never_raises(lambda answer: 1 / 0)(5), feedback(False, "could not be checked"))
T, Feedback_ = where("Feedback")
add(T, lambda: repr(Feedback_(True, "ok")), lambda r: r.startswith("✔"))
T, Exercise = where("Exercise")
add(T, lambda: Exercise("x", print, 1).wrong, lambda r: r == {})
T, register = where("register")
add(T, lambda: register(next(iter(REGISTRY)), print, 1), ValueError, "guard")

# hand-written: the topic checkers called directly, with odd answers
T, f = where("check_output_size")
add(T, lambda f=f: f(np.array([59.0]), 128, 11, 2), feedback(True))
add(T, lambda f=f: f("59", 128, 11, 2), feedback(False, "quotes"))
add(T, lambda f=f: f(10**400, 128, 11, 2), feedback(False, "too large"))
add(T, lambda f=f: f(59.5, 128, 11, 2), feedback(False, "whole number"))
add(T, lambda f=f: f(-59, 128, 11, 2), feedback(False, "negative"))
T, f = where("check_stride_for")
add(T, lambda f=f: f(-10**400, 96, 7, 30), feedback(False, "at least 1"))
add(T, lambda f=f: f(np.int64(3), 96, 7, 30), feedback(True))
add(T, lambda f=f: f("3", 96, 7, 30), feedback(False, "quotes"))
add(T, lambda f=f: f(0, 96, 7, 30), feedback(False, "at least 1"))
T, f = where("check_most_confused")
PERFECT = np.diag([98, 99, 95, 96, 97, 94, 98, 95, 93, 95])
add(T, lambda f=f: f((4, 9), PERFECT), feedback(False, "no mistakes"))
add(T, lambda f=f: f("none", PERFECT), feedback(True))
add(T, lambda f=f: f((), PERFECT), feedback(True))
add(T, lambda f=f: f(np.array([4, 9]), np.eye(10, dtype=int) * 9 + np.eye(10, k=5, dtype=int) * 3), feedback(True))
add(T, lambda f=f: f((np.int64(0), np.int64(5)), np.eye(10, dtype=int) * 9 + np.eye(10, k=5, dtype=int) * 3),
    feedback(True))
add(T, lambda f=f: f((10**400, 1), PERFECT + np.eye(10, k=1, dtype=int)), feedback(False, "0 to 9"))
add(T, lambda f=f: f("none", PERFECT + np.eye(10, k=1, dtype=int)), feedback(False, "there are mistakes"))
T, f = where("check_shape")
add(T, lambda f=f: f(np.array([16, 5, 5]), (16, 5, 5)), feedback())
add(T, lambda f=f: f((np.int64(16), 5, 5), (16, 5, 5)), feedback(True))
add(T, lambda f=f: f("(16, 5, 5)", (16, 5, 5)), feedback(False))
T, f = where("check_conv_params")
add(T, lambda f=f: f(np.float64(1216), 3, 16, 5), feedback(True))
add(T, lambda f=f: f(-1216, 3, 16, 5), feedback(False, "negative"))
T, f = where("check_cross_entropy")
add(T, lambda f=f: f(10**400, 0.01), feedback(False, "too large"))
add(T, lambda f=f: f(np.array([4.605]), 0.01), feedback(True))
T, f = where("check_relu_gradient")
add(T, lambda f=f: f(np.float32(0.0), -0.7, 2.5), feedback(True))
add(T, lambda f=f: f("0", -0.7, 2.5), feedback(False, "quotes"))
T, f = where("check_weight_update")
add(T, lambda f=f: f(np.array(0.375), 0.4, 0.25, 0.1), feedback(True))
T, f = where("check_iterations")
add(T, lambda f=f: f(-469, 60_000, 128), feedback(False, "negative"))
add(T, lambda f=f: f(np.int64(469), 60_000, 128), feedback(True))
T, f = where("check_double_first_layer")
add(T, lambda f=f: f(np.float64(34474), 16, 32), feedback(True))
T, f = where("lenet_params")
add(T, lambda f=f: f(np.int64(16), 32), lambda r: r == 26474)
for name in ("check_node", "check_stack_params", "check_receptive_field_3"):
    T, f = where(name)
    add(T, lambda f=f: f("8"), feedback(False, "quotes"))
    add(T, lambda f=f: f(10**400), feedback(False))
for name in ("check_horizontal_edge", "check_stack_shape"):
    T, f = where(name)
    add(T, lambda f=f: f(10**400), feedback(False))
    add(T, lambda f=f: f(np.array([1, 2])), feedback(False))
