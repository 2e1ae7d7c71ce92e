"""Cases for the helpers of the coding-exercise engine (issue 14's diagnose, implement, ladders, solutions).

Contract 7 asks for a case per public callable; these helpers are public by name, and most are
called with what the engine itself passes, so the cases are mostly odd-but-valid calls with the
right answer asserted. Before issue 14's modules exist (branch i12 alone) the file holds no case.
"""
import dataclasses

import numpy as np

import cnn_lib

try:
    from cnn_lib.exercises import diagnose as D
    from cnn_lib.exercises import implement as I
    from cnn_lib.exercises import ladders as L
    from cnn_lib.exercises import solutions as S
except ImportError:                                          # issue 14 not merged yet
    D = None

CASES = []


def add(target, call, expect):
    CASES.append((f"cnn_lib.exercises.{target}", call, expect))


def raises(call, error):
    try:
        call()
    except error:
        return True
    return False


def close(value):
    def check(result):
        np.testing.assert_allclose(np.asarray(result, dtype=float), np.asarray(value, dtype=float), rtol=1e-9)
    return check


def _printed_under_cap(lines):
    """What capped_prints lets through when 10 lines are printed inside it."""
    import contextlib
    import io
    outer = io.StringIO()
    with contextlib.redirect_stdout(outer):
        with D.capped_prints(lines):
            for k in range(10):
                print(k)
    return outer.getvalue()


def placeholder(x):
    raise NotImplementedError


if D is not None:
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 1, 5, 5)), rng.standard_normal((3, 1, 3, 3))
    add("diagnose.Run", lambda: D.Run(result=3).error, lambda e: e is None)
    add("diagnose.placeholder_only", lambda: D.placeholder_only(lambda v: v), lambda r: r is False)
    add("diagnose.call", lambda: D.call(lambda: 1 / 0, ()).error, lambda e: isinstance(e, ZeroDivisionError))
    add("diagnose.call", lambda: D.call(lambda a: a + 1, (1,)).result, lambda r: r == 2)
    add("diagnose.learner_line", lambda: D.learner_line(lambda: 1, None), lambda r: r == "")
    add("diagnose.changed_inputs", lambda: D.changed_inputs([np.zeros(2)], [np.ones(2)], ["x"]), lambda r: r == ["x"])
    add("diagnose.snapshot", lambda: (lambda a: (D.snapshot((a,))[0] is not a))(np.zeros(2)), lambda r: r is True)
    add("diagnose.as_array", lambda: D.as_array([1, 2]), close([1, 2]))
    add("diagnose.as_array", lambda: D.as_array("abc"), lambda r: isinstance(r, str) and "abc" in r)
    add("diagnose.as_array", lambda: D.as_array([[1, 2], [3]]), lambda r: isinstance(r, str))
    add("diagnose.same", lambda: D.same(np.array([np.nan]), np.array([np.nan])), lambda r: r is True)
    add("diagnose.same", lambda: D.same(np.ones(2), np.ones(3)), lambda r: r is False)
    add("diagnose.shape_hint", lambda: D.shape_hint((1, 28, 28, 1), (1, 1, 28, 28), "y"), lambda r: "NCHW" in r)
    add("diagnose.shape_hint", lambda: D.shape_hint((2, 3), (3, 2), "y"), lambda r: "transposed" in r)
    add("diagnose.pattern_hint", lambda: D.pattern_hint(np.ones((2, 2)) * 2, np.ones((2, 2))), lambda r: "2 times" in r)
    add("diagnose.where_hint", lambda: D.where_hint(np.ones((1, 1, 3, 3)), np.zeros((1, 1, 3, 3))), lambda r: "9" in r)
    add("diagnose.show", lambda: D.show(np.zeros((100, 100))), lambda r: "(100, 100)" in r)
    add("diagnose.differ", lambda: D.differ(np.array([1.0, np.nan]), np.array([1.0, np.nan])), close([0, 1]))
    add("diagnose.mask_picture", lambda: D.mask_picture(np.eye(2, dtype=bool)), lambda r: r.split() == list("X..X"))
    add("diagnose.show_slice", lambda: D.show_slice(np.ones((1, 1, 2, 2)), np.zeros((1, 1, 2, 2))), lambda r: "X" in r)
    add("implement.Case", lambda: I.Case("tiny", (1,)).args, lambda r: r == (1,))
    add("implement.Wrong", lambda: I.Wrong("hint", print).raises, lambda r: r is False)
    add("implement.Wrong", lambda: I.Wrong("hint", print).shape, lambda r: r is False)
    add("implement.CannotShow", lambda: raises(L.cannot_show, I.CannotShow), lambda r: r is True)
    add("diagnose.capped_prints", lambda: _printed_under_cap(3), lambda r: "first ones:\n0\n1\n2\n..." in r)
    add("diagnose.show", lambda: D.show(np.int64(3)), lambda r: r == "3")
    add("implement.Spec", lambda: dataclasses.replace(I.EXERCISES["relu_backward"]).name, lambda r: r == "relu_backward")
    add("implement.exercise", lambda: I.exercise(I.EXERCISES["relu_backward"]), lambda spec: spec.name == "relu_backward")
    add("implement.not_written", lambda: I.not_written(I.EXERCISES["relu_backward"]),
        lambda feedback: not feedback and "not written" in feedback.message)
    add("ladders.ints", lambda: L.ints(0, 2, 2), lambda a: a.shape == (2, 2) and (a == np.round(a)).all())
    add("ladders.normal", lambda: L.normal(0, 3), lambda a: a.shape == (3,))
    add("ladders.cannot_show", lambda: raises(L.cannot_show, LookupError), lambda r: r is True)
    add("ladders.sgd_momentum_reference", lambda: L.sgd_momentum_reference(np.ones(2), np.ones(2), np.zeros(2), 0.1, 0.9),
        lambda r: np.allclose(r[0], 0.9) and np.allclose(r[1], 1.0))
    add("solutions.output_size", lambda: S.output_size(np.int64(128), 11, 2), lambda r: r == 59)
    add("solutions.conv_node", lambda: S.conv_node(np.ones((3, 3)), np.ones((2, 2)), 0, 0), close(4.0))
    add("solutions.conv2d_naive", lambda: S.conv2d_naive(x, w, np.zeros(3), 1, 1), close(cnn_lib.conv2d(x, w, np.zeros(3), 1, 1)))
    add("solutions.max_pool2d_naive", lambda: S.max_pool2d_naive(x, 2), close(cnn_lib.max_pool2d(x, 2)))
    add("solutions.softmax", lambda: S.softmax(np.array([[1000.0, 0.0]])), close([[1.0, 0.0]]))
    add("solutions.softmax_cross_entropy", lambda: S.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1]))[0],
        close(np.log(3)))
    add("solutions.relu_backward", lambda: S.relu_backward(np.ones(3), np.array([-1.0, 0.0, 1.0])), close([0, 0, 1]))
    add("solutions.linear_backward", lambda: S.linear_backward(np.ones((2, 3)), np.ones((2, 4)), np.ones((3, 4)))[0],
        close(np.full((2, 4), 3.0)))
    add("solutions.conv2d_backward_naive", lambda: S.conv2d_backward_naive(np.ones((2, 3, 3, 3)), x, w)[1],
        close(cnn_lib.functional.conv2d_backward(np.ones((2, 3, 3, 3)), x, w).dweight))
    add("solutions.max_pool2d_backward_naive", lambda: S.max_pool2d_backward_naive(np.ones((2, 1, 2, 2)), x, 2),
        close(cnn_lib.functional.max_pool2d_backward(np.ones((2, 1, 2, 2)), x, 2)))
    add("solutions.sgd_momentum_step", lambda: S.sgd_momentum_step(np.ones(2), np.ones(2), np.zeros(2), 0.1, 0.9),
        lambda r: np.allclose(r[0], 0.9))

    def _train_step_solution():
        cnn_lib.manual_seed(0)
        model = cnn_lib.Sequential(cnn_lib.Flatten(), cnn_lib.Linear(25, 3))
        return S.train_step(model, cnn_lib.SGD(model, 0.1), x, np.array([0, 2]))

    add("solutions.train_step", _train_step_solution, lambda r: np.isfinite(r[0]) and r[1].shape == (2, 3))
