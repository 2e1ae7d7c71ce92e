"""Learner-style bad inputs for notebook 07's public names (contract 7; loaded by tests/test_bad_inputs.py).

CASES = [(target, call, expect)]: ``expect`` is an exception class (the message must name the
target's last part, say what it ``got`` and give a ``Hint``) or a function asserting a valid result.
"""
import numpy as np

import cnn_lib
from cnn_lib import functional_blocks as FB
from cnn_lib.models import modern_cnn
from cnn_lib.exercises import nb07_blocks as EX
from cnn_lib.viz.modern_figures import TransposedConvDrawing, depth_figure, upsampling_figure
from cnn_lib.widgets.transposed_explorer import TransposedConvExplorer, stamp_counts

X = np.zeros((2, 3, 6, 6), dtype=np.float32)
R = np.random.default_rng(0).standard_normal((2, 3, 4, 4))        # float64, not constant


def _bn_backward_agrees():
    """batch_norm2d_backward (closed form) on one example of 2 x 2 pixels: same as the step-by-step one."""
    x, w, dy = R[:1, :, :2, :2], np.ones(3), R[1:, :, :2, :2]
    out = FB.batch_norm2d_train(x, w, np.zeros(3))
    return FB.batch_norm2d_backward(dy, out.x_hat, out.inv_std, w), FB.batch_norm2d_backward_naive(dy, x, w)


def _forward_then(layer, x):
    layer.forward(x)
    return layer


def _explain_output_padding():
    explorer = TransposedConvExplorer(stride=2)
    explorer.output_padding.value = 2                    # not smaller than the stride: explained, not raised
    return explorer


CASES = [
    ("cnn_lib.BatchNorm2d", lambda: cnn_lib.BatchNorm2d(0), ValueError),
    ("cnn_lib.BatchNorm2d", lambda: cnn_lib.BatchNorm2d(3.0), TypeError),
    ("cnn_lib.BatchNorm2d", lambda: cnn_lib.BatchNorm2d(3, momentum=10), ValueError),
    ("cnn_lib.BatchNorm2d", lambda: cnn_lib.BatchNorm2d(4).forward(X), ValueError),            # 3 channels, not 4
    ("cnn_lib.BatchNorm2d", lambda: cnn_lib.BatchNorm2d(3).forward(X[0]), ValueError),         # no batch axis
    ("cnn_lib.BatchNorm2d", lambda: cnn_lib.BatchNorm2d(3).forward(X[:1, :, :1, :1]), ValueError),  # one value
    ("cnn_lib.BatchNorm2d", lambda: cnn_lib.BatchNorm2d(3).eval().forward(X[:1, :, :1, :1]),
     lambda y: y.shape == (1, 3, 1, 1)),                                                         # fine in eval
    ("cnn_lib.BatchNorm2d", lambda: cnn_lib.BatchNorm2d(3).backward(X), RuntimeError),
    ("cnn_lib.AvgPool2d", lambda: cnn_lib.AvgPool2d(0), ValueError),
    ("cnn_lib.AvgPool2d", lambda: cnn_lib.AvgPool2d(2, stride=0), ValueError),
    ("cnn_lib.AvgPool2d", lambda: cnn_lib.AvgPool2d(7).forward(X), ValueError),
    ("cnn_lib.AvgPool2d", lambda: cnn_lib.AvgPool2d(2).forward(X[0, 0]), ValueError),
    ("cnn_lib.AvgPool2d", lambda: cnn_lib.AvgPool2d(3, stride=2).forward(X), lambda y: y.shape == (2, 3, 2, 2)),
    ("cnn_lib.GlobalAvgPool2d", lambda: cnn_lib.GlobalAvgPool2d().forward(X[0]), ValueError),
    ("cnn_lib.GlobalAvgPool2d", lambda: cnn_lib.GlobalAvgPool2d().forward(np.ones((1, 2, 1, 1))),
     lambda y: y.shape == (1, 2) and np.all(y == 1)),
    ("cnn_lib.Dropout", lambda: cnn_lib.Dropout(1.5), ValueError),
    ("cnn_lib.Dropout", lambda: cnn_lib.Dropout("0.5"), ValueError),
    ("cnn_lib.Dropout", lambda: cnn_lib.Dropout(1.0).forward(np.ones((2, 3))), lambda y: np.all(y == 0)),
    ("cnn_lib.Dropout", lambda: cnn_lib.Dropout(0).forward(np.ones((2, 3))), lambda y: np.all(y == 1)),
    ("cnn_lib.Dropout", lambda: cnn_lib.Dropout().backward(np.ones(3)), RuntimeError),
    ("cnn_lib.ConvTranspose2d", lambda: cnn_lib.ConvTranspose2d(3, 2, 0), ValueError),
    ("cnn_lib.ConvTranspose2d", lambda: cnn_lib.ConvTranspose2d(3, 2, 3, stride=2, output_padding=2), ValueError),
    ("cnn_lib.ConvTranspose2d", lambda: cnn_lib.ConvTranspose2d(4, 2, 3).forward(X), ValueError),
    ("cnn_lib.ConvTranspose2d", lambda: cnn_lib.ConvTranspose2d(3, 2, 3, padding=5).forward(X[:, :, :1, :1]),
     ValueError),
    ("cnn_lib.ConvTranspose2d", lambda: cnn_lib.ConvTranspose2d(3, 2, 2, stride=2).forward(X),
     lambda y: y.shape == (2, 2, 12, 12)),
    ("cnn_lib.Residual", lambda: cnn_lib.Residual(), TypeError),
    ("cnn_lib.Residual", lambda: cnn_lib.Residual(cnn_lib.ReLU), TypeError),
    ("cnn_lib.Residual", lambda: cnn_lib.Residual(cnn_lib.Conv2d(3, 3, 3)).forward(X), ValueError),   # 6 -> 4
    ("cnn_lib.Residual", lambda: cnn_lib.Residual(cnn_lib.ReLU()).forward(-np.ones((1, 1, 2, 2))),
     lambda y: np.all(y == -1)),
    ("cnn_lib.output_size_transposed", lambda: cnn_lib.output_size_transposed(7, 3, stride=2, output_padding=2),
     ValueError),
    ("cnn_lib.output_size_transposed", lambda: cnn_lib.output_size_transposed(1, 1, padding=1), ValueError),
    ("cnn_lib.output_size_transposed", lambda: cnn_lib.output_size_transposed(7.0, 3), TypeError),
    ("cnn_lib.output_size_transposed", lambda: cnn_lib.output_size_transposed(7, 3, 2, 1, 1), lambda n: n == 14),
    ("cnn_lib.Conv2d", lambda: cnn_lib.Conv2d(3, 4, 3, groups=2), ValueError),
    ("cnn_lib.Conv2d", lambda: cnn_lib.Conv2d(4, 4, 3, groups=0), ValueError),
    ("cnn_lib.Conv2d", lambda: cnn_lib.Conv2d(4, 8, 3, groups=4).params["weight"].shape,
     lambda shape: shape == (8, 1, 3, 3)),
    ("cnn_lib.functional_blocks.conv_transpose2d", lambda: FB.conv_transpose2d(X, np.ones((3, 2, 3))), ValueError),
    ("cnn_lib.functional_blocks.conv_transpose2d", lambda: FB.conv_transpose2d(X, np.ones((3, 2, 3, 3)), np.ones(3)),
     ValueError),
    ("cnn_lib.functional_blocks.conv_transpose2d_naive", lambda: FB.conv_transpose2d_naive(X, np.ones((2, 2, 3, 3))),
     ValueError),
    ("cnn_lib.functional_blocks.batch_norm2d_train", lambda: FB.batch_norm2d_train(X[0], np.ones(3), np.zeros(3)),
     ValueError),
    ("cnn_lib.functional_blocks.avg_pool2d", lambda: FB.avg_pool2d(X, 2, stride=0), ValueError),
    ("cnn_lib.functional_blocks.avg_pool2d_naive", lambda: FB.avg_pool2d_naive(X, 9), ValueError),
    ("cnn_lib.functional_blocks.global_avg_pool2d", lambda: FB.global_avg_pool2d(X[0, 0]), ValueError),
    ("cnn_lib.functional_blocks.grouped_conv2d_with_cols",
     lambda: FB.grouped_conv2d_with_cols(X, np.ones((4, 3, 3, 3)), groups=3), ValueError),
    ("cnn_lib.functional_blocks.grouped_conv2d_with_cols",
     lambda: FB.grouped_conv2d_with_cols(X, np.ones((3, 1, 3, 3)), groups=3).y, lambda y: y.shape == (2, 3, 4, 4)),
    ("cnn_lib.functional_blocks.random_shift", lambda: FB.random_shift(X, -1, np.random.default_rng(0)), ValueError),
    ("cnn_lib.functional_blocks.random_shift", lambda: FB.random_shift(X[0], 2, np.random.default_rng(0)), ValueError),
    ("cnn_lib.functional_blocks.random_shift", lambda: FB.random_shift(X + 1, 0, np.random.default_rng(0)),
     lambda y: np.array_equal(y, X + 1)),                                                    # max_shift 0: unchanged
    ("cnn_lib.models.modern_cnn", lambda: modern_cnn(seed=-1), ValueError),
    ("cnn_lib.models.modern_cnn", lambda: modern_cnn(seed="0"), TypeError),
    ("cnn_lib.widgets.transposed_explorer.stamp_counts", lambda: stamp_counts(2, 3, 2), lambda c: c.shape == (5, 5) and c.max() == 4),
    ("cnn_lib.widgets.transposed_explorer.stamp_counts", lambda: stamp_counts(2, 3, 0), ValueError),
    # methods and helpers (each public callable gets a case)
    ("cnn_lib.blocks.AvgPool2d.forward", lambda: cnn_lib.AvgPool2d(2).forward(X[0]), ValueError),
    ("cnn_lib.blocks.AvgPool2d.backward", lambda: cnn_lib.AvgPool2d(2).backward(X), RuntimeError),
    ("cnn_lib.blocks.GlobalAvgPool2d.forward", lambda: cnn_lib.GlobalAvgPool2d().forward(X[0]), ValueError),
    ("cnn_lib.blocks.GlobalAvgPool2d.backward", lambda: cnn_lib.GlobalAvgPool2d().backward(X[:, :, 0, 0]),
     RuntimeError),
    ("cnn_lib.blocks.BatchNorm2d.forward", lambda: cnn_lib.BatchNorm2d(4).forward(X), ValueError),
    ("cnn_lib.blocks.BatchNorm2d.backward", lambda: cnn_lib.BatchNorm2d(3).backward(X), RuntimeError),
    ("cnn_lib.blocks.ConvTranspose2d.forward", lambda: cnn_lib.ConvTranspose2d(4, 2, 3).forward(X), ValueError),
    ("cnn_lib.blocks.ConvTranspose2d.backward", lambda: cnn_lib.ConvTranspose2d(3, 2, 3).backward(X), RuntimeError),
    ("cnn_lib.blocks.Dropout.forward", lambda: cnn_lib.Dropout(0.5).eval().forward(X + 1),
     lambda y: np.array_equal(y, X + 1)),                                                  # eval: the identity
    ("cnn_lib.blocks.Dropout.backward", lambda: cnn_lib.Dropout(0.5).backward(X), RuntimeError),
    ("cnn_lib.blocks.Residual.forward", lambda: cnn_lib.Residual(cnn_lib.Conv2d(3, 3, 3)).forward(X), ValueError),
    ("cnn_lib.blocks.Residual.backward", lambda: cnn_lib.Residual(cnn_lib.BatchNorm2d(3)).backward(X), RuntimeError),
    ("cnn_lib.blocks.Residual.backward", lambda: _forward_then(cnn_lib.Residual(cnn_lib.ReLU()), -np.abs(R) - 1).backward(R),
     lambda dx: np.array_equal(dx, R)),                                                    # ReLU off: dx = dy
    ("cnn_lib.exercises.nb07_blocks.check_batch_norm_forward", lambda: EX.check_batch_norm_forward(lambda x, w, b, e: x),
     lambda f: not f.correct and "expected" in f.message),
    ("cnn_lib.exercises.nb07_blocks.check_batch_norm_forward", lambda: EX.check_batch_norm_forward("my_batch_norm"),
     lambda f: not f.correct and "without parentheses" in f.message),
    ("cnn_lib.exercises.nb07_blocks.check_separable_params", lambda: EX.check_separable_params(18496, 32, 64, 3),
     lambda f: not f.correct and "ordinary" in f.message),
    ("cnn_lib.exercises.nb07_blocks.check_separable_params", lambda: EX.check_separable_params("2432", 32, 64, 3),
     lambda f: not f.correct and "number" in f.message),
    ("cnn_lib.exercises.nb07_blocks.check_transposed_size", lambda: EX.check_transposed_size(13, 7, 3, 2, 1, 1),
     lambda f: not f.correct and "output_padding" in f.message),
    ("cnn_lib.functional_blocks.BatchNormForward", lambda: FB.BatchNormForward(1, 2, 3, 4, 5), lambda t: t.inv_std == 5),
    ("cnn_lib.functional_blocks.BatchNormGrads", lambda: FB.BatchNormGrads(1, 2, 3), lambda t: t.dbias == 3),
    ("cnn_lib.functional_blocks.GroupedConvForward", lambda: FB.GroupedConvForward(1, []), lambda t: t.cols == []),
    ("cnn_lib.functional_blocks.avg_pool2d_backward", lambda: FB.avg_pool2d_backward(X[:, :, :1, :1], X.shape, 7),
     ValueError),
    ("cnn_lib.functional_blocks.batch_norm2d_backward", _bn_backward_agrees,
     lambda pair: all(np.allclose(a, b) for a, b in zip(*pair))),                           # one example: still right
    ("cnn_lib.functional_blocks.batch_norm2d_backward_naive", _bn_backward_agrees,
     lambda pair: all(np.allclose(a, b) for a, b in zip(*pair))),
    ("cnn_lib.functional_blocks.batch_norm2d_eval",
     lambda: FB.batch_norm2d_eval(X[0], np.ones(3), np.zeros(3), np.zeros(3), np.ones(3)), ValueError),
    ("cnn_lib.functional_blocks.conv_transpose2d_backward",
     lambda: FB.conv_transpose2d_backward(np.ones((2, 2, 13, 13)), R, np.ones((3, 2, 3, 3)), 3),
     lambda g: g.dx.shape == R.shape and g.dweight.shape == (3, 2, 3, 3)),                 # output_padding 1 undone
    ("cnn_lib.functional_blocks.dropout", lambda: FB.dropout(np.ones((4, 4)), 0.0, np.random.default_rng(0)),
     lambda pair: np.all(pair[0] == 1)),                                                   # p = 0 keeps all
    ("cnn_lib.functional_blocks.global_avg_pool2d_backward",
     lambda: FB.global_avg_pool2d_backward(np.ones((1, 2)), (1, 2, 1, 1)), lambda dx: np.all(dx == 1)),
    ("cnn_lib.functional_blocks.grouped_conv2d_backward",
     lambda: FB.grouped_conv2d_backward(X[:, :, :4, :4], X, np.ones((4, 1, 3, 3)), groups=3), ValueError),
    ("cnn_lib.viz.modern_figures.TransposedConvDrawing", TransposedConvDrawing, lambda d: d.png()[:4] == b"\x89PNG"),
    ("cnn_lib.viz.modern_figures.depth_figure", lambda: depth_figure({"one layer": [1.0]}, "value", "title"),
     lambda fig: len(fig.axes) == 1),
    ("cnn_lib.viz.modern_figures.upsampling_figure", lambda: upsampling_figure([-R[0, 0]], ["signed"]),
     lambda fig: len(fig.axes) == 2),                                                      # image + colour bar
    ("cnn_lib.widgets.transposed_explorer.TransposedConvExplorer.update", lambda: TransposedConvExplorer(kernel_size=1).update(),
     lambda text: "Output: 5 x 5" in text),
    ("cnn_lib.widgets.transposed_explorer.TransposedConvExplorer", _explain_output_padding,
     lambda e: "must be smaller than the stride" in e.status.value),
    ("cnn_lib.widgets.transposed_explorer.TransposedConvExplorer", lambda: TransposedConvExplorer(n=0),
     ValueError),                                             # refused, never clamped to the slider's min (issue 12)
]
