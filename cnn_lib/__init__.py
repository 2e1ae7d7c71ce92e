"""cnn_lib: the small library the CNN course builds and uses, notebook by notebook.

Arrays are NCHW like PyTorch: x ``(N, C, H, W)``; conv weight ``(C_out, C_in, KH, KW)``.
Math lives in numpy-only modules; drawing in :mod:`cnn_lib.viz`; widgets in
:mod:`cnn_lib.widgets` (imported on demand, so the math works without matplotlib or ipywidgets).
"""
from .arithmetic import (conv_params, dilated_span, leftover, linear_params, output_size, output_size_transposed,
                         receptive_field)
from .blocks import AvgPool2d, BatchNorm2d, ConvTranspose2d, Dropout, GlobalAvgPool2d, Residual
from .data import load_mnist, sample_image
from .functional import conv2d, conv2d_naive, max_pool2d, max_pool2d_naive
from .gradcheck import check_layer, numerical_gradient, rel_error
from .layers import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, manual_seed
from .losses import softmax, softmax_cross_entropy
from .optim import SGD, Adam
from .pretrained import load_trained_lenet
from .train import History, evaluate, fit, predict, train_step

__version__ = "0.1.0"

from . import parallel as _parallel  # noqa: E402

_parallel._code_at_import = _parallel._code()     # what the helper process imports (see parallel._helper_for)

__all__ = [
    "output_size", "dilated_span", "leftover", "receptive_field", "conv_params", "linear_params",
    "conv2d", "conv2d_naive", "max_pool2d", "max_pool2d_naive",
    "Conv2d", "MaxPool2d", "ReLU", "Flatten", "Linear", "Sequential", "manual_seed",
    "softmax", "softmax_cross_entropy", "SGD", "Adam",
    "fit", "evaluate", "predict", "train_step", "History",
    "rel_error", "numerical_gradient", "check_layer",
    "load_mnist", "sample_image",
    "load_trained_lenet",
    "BatchNorm2d", "AvgPool2d", "GlobalAvgPool2d", "Dropout", "ConvTranspose2d", "Residual",   # notebook 07
    "output_size_transposed",
]
