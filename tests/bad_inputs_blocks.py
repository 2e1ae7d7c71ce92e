"""Learner-style bad inputs for notebook 07's public names (contract 7; loaded by tests/test_bad_inputs.py).

CASES = [(target, call, expect)]: ``expect`` is an exception class (the message must name the
target's last part, say what it ``got`` and give a ``Hint``) or a function asserting a valid result.
"""
import numpy as np

import cnn_lib
from cnn_lib.widgets.blocks import TransposedConvExplorer

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
    ("cnn_lib.widgets.blocks.TransposedConvExplorer", _explain_output_padding,
     lambda e: "must be smaller than the stride" in e.status.value),
    ("cnn_lib.widgets.blocks.TransposedConvExplorer", lambda: TransposedConvExplorer(n=0),
     lambda e: e.n.value == 1 and "(1−1)·2" in e.status.value),                        # clamped to the slider's min
]
