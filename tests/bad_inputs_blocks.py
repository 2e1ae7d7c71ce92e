"""Learner-style bad inputs for notebook 07's public names (contract 7; loaded by tests/test_bad_inputs.py).

CASES = [(target, call, expect)]: ``expect`` is an exception class (the message must name the
target's last part, say what it ``got`` and give a ``Hint``) or a function asserting a valid result.
"""
import numpy as np

import cnn_lib
from cnn_lib import functional_blocks as FB
from cnn_lib.blocks import modern_cnn
from cnn_lib.widgets.blocks import TransposedConvExplorer, stamp_counts

X = np.zeros((2, 3, 6, 6), dtype=np.float32)


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
    ("cnn_lib.GlobalAvgPool2d", lambda: cnn_lib.GlobalAvgPool2d().forward([[1.0]]), TypeError),
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
    ("cnn_lib.blocks.modern_cnn", lambda: modern_cnn(seed=-1), ValueError),
    ("cnn_lib.blocks.modern_cnn", lambda: modern_cnn(seed="0"), TypeError),
    ("cnn_lib.widgets.blocks.stamp_counts", lambda: stamp_counts(2, 3, 2), lambda c: c.shape == (5, 5) and c.max() == 4),
    ("cnn_lib.widgets.blocks.stamp_counts", lambda: stamp_counts(2, 3, 0), ValueError),
    ("cnn_lib.widgets.blocks.TransposedConvExplorer", _explain_output_padding,
     lambda e: "must be smaller than the stride" in e.status.value),
    ("cnn_lib.widgets.blocks.TransposedConvExplorer", lambda: TransposedConvExplorer(n=0),
     lambda e: e.n.value == 1 and "(1−1)·2" in e.status.value),                        # clamped to the slider's min
]
