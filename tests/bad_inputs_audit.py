"""Learner-style calls found by the independent audit of issue 12 (/work/notes/audit), for tests/test_bad_inputs.py.

Each case is ``(target, call, expect)`` (contract 7): an exception class the call must raise with a
message naming the target, saying what came ("got") and how to fix it ("Hint"), or a function that
asserts the result of an odd-looking but valid call.
"""
import numpy as np

import cnn_lib
import cnn_lib.metrics as M
import cnn_lib.tiny as T
from cnn_lib import SGD, Adam, MaxPool2d, fit, models
from cnn_lib import functional as F
from cnn_lib.exercises import REGISTRY, check_implementation
from cnn_lib.exercises import diagnose as D
from cnn_lib.gradcheck import check_layer, numerical_gradient
from cnn_lib.losses import softmax

CASES = []


def add(target, call, expect):
    CASES.append((target, call, expect))


def x4(*shape):
    return np.random.default_rng(0).standard_normal(shape).astype(np.float32)


def with_nan(a, value=np.nan):
    a = a.copy()
    a.flat[3] = value
    return a


def stepped(optimizer_class, grad):
    """A tiny model after forward/backward, its first gradient replaced by ``grad(old)``; then step()."""
    model = models.tiny_cnn()
    x, y = T.tiny_data()
    _, dlogits = cnn_lib.softmax_cross_entropy(model.forward(x), y)
    model.backward(dlogits)
    conv = model.layers[0]
    conv.grads["weight"] = grad(conv.grads["weight"])
    return optimizer_class(model, lr=0.01).step()


def feedback(correct, *words):
    def check(fb):
        assert fb.correct is correct, fb.message
        for word in words:
            assert word in fb.message, (word, fb.message)
    return check


# -- optimizers: a NaN or wrong-shape gradient is refused before it reaches the weights
for opt in (SGD, Adam):
    add(f"cnn_lib.optim.{opt.__name__}.step", lambda opt=opt: stepped(opt, lambda g: with_nan(g)), FloatingPointError)
    add(f"cnn_lib.optim.{opt.__name__}.step", lambda opt=opt: stepped(opt, lambda g: g[:, :, :1, :1]), ValueError)

# -- fit with a learning rate that diverges: refused, not a history of 1e58 losses
def diverging_fit():
    model = models.tiny_cnn()
    return fit(model, SGD(model, lr=1e30), *T.tiny_data(), epochs=3, batch_size=4)


add("cnn_lib.train.fit", diverging_fit, FloatingPointError)

# -- NHWC arrays given where NCHW is expected, NaN / inf where finite numbers are needed
NHWC = x4(2, 8, 8, 3)
for name in ("max_pool2d", "max_pool2d_naive"):
    add(f"cnn_lib.functional.{name}", lambda name=name: getattr(F, name)(NHWC, 2), ValueError)
add("cnn_lib.layers.MaxPool2d.forward", lambda: MaxPool2d(2).forward(NHWC), ValueError)
for name in ("windows", "im2col"):
    add(f"cnn_lib.functional.{name}", lambda name=name: getattr(F, name)(NHWC, 3, 3), ValueError)
    add(f"cnn_lib.functional.{name}", lambda name=name: getattr(F, name)(with_nan(x4(2, 3, 8, 8)), 3, 3), ValueError)
    add(f"cnn_lib.functional.{name}", lambda name=name: getattr(F, name)(with_nan(x4(2, 3, 8, 8), np.inf), 3, 3),
        ValueError)
add("cnn_lib.functional.max_pool2d", lambda: F.max_pool2d(x4(2, 4, 8, 8), 2),       # 4 channels: valid, any C
    lambda y: np.testing.assert_array_equal(y, F.max_pool2d_naive(x4(2, 4, 8, 8), 2)))
add("cnn_lib.functional.im2col", lambda: F.im2col(x4(1, 1, 4, 4), np.array([3]), 3),  # a one-element array is 3
    lambda cols: np.testing.assert_array_equal(cols, F.im2col(x4(1, 1, 4, 4), 3, 3)))
add("cnn_lib.losses.softmax", lambda: softmax(with_nan(x4(6, 10))), ValueError)
add("cnn_lib.losses.softmax", lambda: softmax(with_nan(x4(6, 10), np.inf)), ValueError)
add("cnn_lib.gradcheck.numerical_gradient",
    lambda: numerical_gradient(lambda: 0.0, with_nan(np.ones((2, 3)))), ValueError)

# -- errors from inside name the function the learner called
add("cnn_lib.tiny.loss_on", lambda: T.loss_on(models.tiny_cnn(), T.tiny_data()[0][0, 0], T.tiny_data()[1]), ValueError)
add("cnn_lib.tiny.loss_on", lambda: T.loss_on(models.tiny_cnn(), T.tiny_data()[0], T.tiny_data()[1] + 2), ValueError)
add("cnn_lib.train.evaluate", lambda: cnn_lib.evaluate(models.tiny_cnn(), *T.tiny_data(), batch_size=0), ValueError)
add("cnn_lib.gradcheck.check_layer", lambda: check_layer(cnn_lib.Conv2d(1, 2, 3), x4(1, 5, 5)), ValueError)
add("cnn_lib.metrics.multiply_adds", lambda: M.multiply_adds(models.lenet(), None), TypeError)

# -- the size guard refuses up front with a ValueError that says how much it would need
add("cnn_lib.stride_tools.never_read", lambda: cnn_lib.stride_tools.never_read(10**9, 3), ValueError)
add("cnn_lib.models.tiny_cnn", lambda: models.tiny_cnn(n_classes=10**10), ValueError)

# -- exercise checkers: equivalent forms accepted; check_implementation never hangs nor raises
add("cnn_lib.exercises.nb02_kernels.check_stack_shape",
    lambda: REGISTRY["kernels.stack_shape"].check(np.array((10, 29, 29))), feedback(True))
add("cnn_lib.exercises.nb01_layers.check_shape",
    lambda: REGISTRY["layers.shape_after_second_pool"].check(np.array((16, 5, 5))), feedback(True))
add("cnn_lib.exercises.nb02_kernels.check_horizontal_edge",     # the audit's "'(b)'" case passes "(c)", right
    lambda: REGISTRY["kernels.horizontal_edge"].check("(b)"), feedback(False))
add("cnn_lib.exercises.nb02_kernels.check_horizontal_edge",
    lambda: REGISTRY["kernels.horizontal_edge"].check("(c)"), feedback(True))
add("cnn_lib.exercises.check_implementation", lambda: check_implementation(F.conv2d_naive),
    feedback(False, "pass the name and your function"))
add("cnn_lib.exercises.check_implementation", lambda: check_implementation("conv2d_naive"),
    feedback(False, "pass your function too"))


def endless_softmax(logits):
    while True:
        pass


def check_with_short_limit(fn):
    """check_implementation with the time limit cut to 0.2 s, so the test does not wait 5 s."""
    saved, D.TIME_LIMIT = D.TIME_LIMIT, 0.2
    try:
        return check_implementation("softmax", fn)
    finally:
        D.TIME_LIMIT = saved


add("cnn_lib.exercises.check_implementation", lambda: check_with_short_limit(endless_softmax),
    feedback(False, "did not finish within 0.2 s", "infinite loop"))


# -- second round: fit / evaluate mistakes, tiny.train's bound, dy as a nested list, widgets refusing, figures
X8, Y8 = T.tiny_data()
add("cnn_lib.train.fit", lambda: fit(models.tiny_cnn(), None, X8, Y8), TypeError)
add("cnn_lib.train.fit", lambda: fit(models.tiny_cnn(), SGD, X8, Y8), TypeError)
add("cnn_lib.train.fit", lambda: fit(m := models.tiny_cnn(), SGD(m), X8, None), TypeError)
add("cnn_lib.train.evaluate", lambda: cnn_lib.evaluate(models.tiny_cnn(), X8[0, 0], Y8), ValueError)
add("cnn_lib.tiny.train", lambda: T.train(m := models.tiny_cnn(), SGD(m), X8, Y8, 10**10), ValueError)


def backward_list(layer, x):
    y = layer.forward(x)
    return layer.backward(np.ones_like(y).tolist()), layer.backward(np.ones_like(y))


def same_as_array_dy(pair):
    from_list, from_array = pair
    assert from_list.dtype == from_array.dtype
    np.testing.assert_array_equal(from_list, from_array)


add("cnn_lib.layers.Conv2d.backward", lambda: backward_list(cnn_lib.Conv2d(3, 4, 3), x4(2, 3, 8, 8)), same_as_array_dy)
add("cnn_lib.layers.Linear.backward", lambda: backward_list(cnn_lib.Linear(5, 6), x4(4, 5)), same_as_array_dy)


def widget(make):
    from cnn_lib.widgets import digit_explorer, draw, transposed_explorer
    return make(type("W", (), dict(TransposedConvExplorer=transposed_explorer.TransposedConvExplorer,
                                   DigitExplorer=digit_explorer.DigitExplorer, AttackExplorer=draw.AttackExplorer)))


add("cnn_lib.widgets.transposed_explorer.TransposedConvExplorer",
    lambda: widget(lambda w: w.TransposedConvExplorer(n=10)), ValueError)
add("cnn_lib.widgets.transposed_explorer.TransposedConvExplorer",
    lambda: widget(lambda w: w.TransposedConvExplorer(stride=0)), ValueError)
add("cnn_lib.widgets.digit_explorer.DigitExplorer",
    lambda: widget(lambda w: w.DigitExplorer(models.lenet(), x4(3, 1, 28, 28), [1, 2, 3], names=["only one"])),
    ValueError)
add("cnn_lib.widgets.draw.AttackExplorer",
    lambda: widget(lambda w: w.AttackExplorer(models.lenet(), x4(3, 1, 28, 28), [1, 2, 3], epsilon=0.5)), ValueError)
add("cnn_lib.widgets.draw.AttackExplorer",
    lambda: widget(lambda w: w.AttackExplorer(models.lenet(), x4(3, 1, 28, 28), [1, 2, 3], index=3)), ValueError)
add("cnn_lib.viz.stride.positions_figure", lambda: __import__("cnn_lib.viz.stride").viz.stride.positions_figure(
    [(10**6, 3, 1)]), ValueError)
add("cnn_lib.viz.stride.positions_figure", lambda: __import__("cnn_lib.viz.stride").viz.stride.positions_figure(
    [(12, 4, 3)], titles=["a", "b"]), ValueError)
add("cnn_lib.viz.stride.positions_figure", lambda: __import__("cnn_lib.viz.stride").viz.stride.positions_figure(
    [(12, 4, 0)]), ValueError)
add("cnn_lib.viz.diagrams.stride_grid_figure",
    lambda: __import__("cnn_lib.viz.diagrams").viz.diagrams.stride_grid_figure(10**5, 3, 1), ValueError)
add("cnn_lib.viz.diagrams.stride_grid_figure",
    lambda: __import__("cnn_lib.viz.diagrams").viz.diagrams.stride_grid_figure(5, 7, 1), ValueError)


# -- figures: mismatched or missing inputs refused with the figure's name
def viz(module):
    import importlib
    return importlib.import_module(f"cnn_lib.viz.{module}")


DIGITS = np.zeros((3, 1, 28, 28))
add("cnn_lib.viz.training.digits_figure", lambda: viz("training").digits_figure(DIGITS, ["a"]), ValueError)
add("cnn_lib.viz.training.digits_figure", lambda: viz("training").digits_figure(DIGITS, list("abc"), columns=0),
    ValueError)
add("cnn_lib.viz.training.mistakes_figure",
    lambda: viz("training").mistakes_figure(DIGITS, [1, 2, 3], [0, 0], np.full((3, 10), 0.1)), ValueError)
add("cnn_lib.viz.training.history_figure", lambda: viz("training").history_figure(cnn_lib.History()), ValueError)
add("cnn_lib.viz.training.history_figure", lambda: viz("training").history_figure([0.5, 0.4]), TypeError)
add("cnn_lib.viz.training.confusion_figure", lambda: viz("training").confusion_figure(np.ones((3, 4))), ValueError)
add("cnn_lib.viz.training.kernels_figure", lambda: viz("training").kernels_figure(None), TypeError)
add("cnn_lib.viz.backprop.show_panels", lambda: viz("backprop").show_panels([]), TypeError)
add("cnn_lib.viz.backprop.plot_loss_curves", lambda: viz("backprop").plot_loss_curves([0.5, 0.4]), TypeError)
add("cnn_lib.viz.backprop.draw_tiny_cnn", lambda: viz("backprop").draw_tiny_cnn(np.zeros((28, 28))), ValueError)

# -- a gradient dy in the wrong layout: the hint names the layout mistake
X38, W43 = x4(2, 3, 8, 8), x4(4, 3, 3, 3)
add("cnn_lib.functional.conv2d_backward", lambda: F.conv2d_backward(np.ones((2, 6, 6, 4)), X38, W43), ValueError)
add("cnn_lib.functional.max_pool2d_backward", lambda: F.max_pool2d_backward(np.ones((4, 4)), X38, 2), ValueError)
add("cnn_lib.viz.diagrams.sliding_kernel_figure",
    lambda: viz("diagrams").sliding_kernel_figure(np.ones((6, 6)), np.ones((3, 3)), 50, 50), ValueError)
add("cnn_lib.viz.diagrams.layer_schema_figure", lambda: viz("diagrams").layer_schema_figure(models.lenet(), (28, 28)),
    ValueError)
add("cnn_lib.exercises.nb02_kernels.check_stack_shape",
    lambda: REGISTRY["kernels.stack_shape"].check("(10, 29, 29)"), feedback(False, "Remove the quotes"))


def _says_remove_the_quotes(feedback):
    assert not feedback and "Remove the quotes" in feedback.message, feedback


CASES += [   # a pair typed in quotes gets the same hint as a number in quotes
    ("cnn_lib.exercises.nb05_train.check_most_confused",
     lambda: __import__("cnn_lib.exercises.nb05_train", fromlist=["x"]).check_most_confused(
         "(4, 9)", np.eye(10, dtype=int) * 50), _says_remove_the_quotes),
]
