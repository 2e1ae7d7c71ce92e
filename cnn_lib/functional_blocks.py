"""The building blocks of modern CNNs as plain functions, forward and backward. Notebook 07.

Batch normalisation, average pooling (windowed and global), dropout, transposed convolution and
grouped convolution. Where loops make the maths clearer, a ``*_naive`` version stands beside the
vectorized one with the same signature; tests check each pair agrees.

Shapes are NCHW as in PyTorch. A transposed convolution's weight is ``(C_in, C_out, KH, KW)``
(PyTorch's ``ConvTranspose2d`` layout); a grouped convolution's is ``(C_out, C_in/groups, KH, KW)``.
"""
from collections import namedtuple

import numpy as np

from . import functional as F
from ._checks import check_int, check_ndim
from .arithmetic import PADDING_HINT, STRIDE_HINT, output_size, output_size_transposed

BatchNormForward = namedtuple("BatchNormForward", ["y", "x_hat", "mean", "var", "inv_std"])
BatchNormGrads = namedtuple("BatchNormGrads", ["dx", "dweight", "dbias"])
GroupedConvForward = namedtuple("GroupedConvForward", ["y", "cols"])


def _check_x(func, x):
    check_ndim(func, "x", x, 4, "(N, C, H, W)", "Hint: for one grey image use x[None, None].")


# ---------------------------------------------------------------- batch normalisation
def batch_norm2d_train(x, weight, bias, eps=1e-5):
    """Normalise each channel with the batch's own statistics: x (N, C, H, W) -> y (N, C, H, W).

    Per channel c, over the M = N*H*W values of the batch: ``mean``, biased ``var`` (divided by M),
    ``x_hat = (x - mean) / sqrt(var + eps)``, ``y = weight[c] * x_hat + bias[c]``.
    Returns ``BatchNormForward(y, x_hat, mean (C,), var (C,), inv_std (C,))``.
    """
    _check_x("batch_norm2d_train", x)
    mean = x.mean(axis=(0, 2, 3))                                  # (C,)
    var = x.var(axis=(0, 2, 3))                                    # (C,), divided by M (biased)
    inv_std = 1.0 / np.sqrt(var + eps)                             # (C,)
    x_hat = (x - mean[:, None, None]) * inv_std[:, None, None]     # (C,) -> (C, 1, 1): broadcast over H, W
    y = weight[:, None, None] * x_hat + bias[:, None, None]
    return BatchNormForward(y, x_hat, mean, var, inv_std)


def batch_norm2d_eval(x, weight, bias, running_mean, running_var, eps=1e-5):
    """Normalise with stored statistics (inference): x (N, C, H, W) -> (N, C, H, W), example by example."""
    _check_x("batch_norm2d_eval", x)
    scale = weight / np.sqrt(running_var + eps)                    # (C,): one affine map per channel
    return (x - running_mean[:, None, None]) * scale[:, None, None] + bias[:, None, None]


def batch_norm2d_backward_naive(dy, x, weight, eps=1e-5):
    """Batch norm's gradients by the chain rule, one node of the forward graph at a time.

    dy, x (N, C, H, W), weight (C,) -> ``BatchNormGrads(dx, dweight (C,), dbias (C,))``. Each line
    undoes one line of the forward pass, ``x -> centred -> var -> inv_std -> x_hat -> y``.
    """
    axes, M = (0, 2, 3), x.size // x.shape[1]
    mean = x.mean(axis=axes, keepdims=True)                        # (1, C, 1, 1)
    centred = x - mean
    var = (centred ** 2).mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = centred * inv_std
    dbias = dy.sum(axis=axes)
    dweight = (dy * x_hat).sum(axis=axes)
    dx_hat = dy * weight[:, None, None]
    d_inv_std = (dx_hat * centred).sum(axis=axes, keepdims=True)
    dvar = d_inv_std * -0.5 * (var + eps) ** -1.5
    dcentred = dx_hat * inv_std + dvar * 2 * centred / M           # two paths: via x_hat and via var
    dx = dcentred - dcentred.mean(axis=axes, keepdims=True)        # through mean: every x moved it by 1/M
    return BatchNormGrads(dx, dweight, dbias)


def batch_norm2d_backward(dy, x_hat, inv_std, weight):
    """Batch norm's gradients in closed form (derived in notebook 07), from the forward's saved values.

    dy, x_hat (N, C, H, W), inv_std (C,), weight (C,) -> ``BatchNormGrads(dx, dweight, dbias)``.
    ``dx = inv_std * (g - mean(g) - x_hat * mean(g * x_hat))`` with ``g = weight * dy``, means per channel.
    """
    axes = (0, 2, 3)
    dbias = dy.sum(axis=axes)
    dweight = (dy * x_hat).sum(axis=axes)
    g = dy * weight[:, None, None]                                 # dL/dx_hat
    dx = inv_std[:, None, None] * (g - g.mean(axis=axes, keepdims=True)
                                   - x_hat * (g * x_hat).mean(axis=axes, keepdims=True))
    return BatchNormGrads(dx, dweight, dbias)


# ---------------------------------------------------------------- average pooling
def _pool_args(func, shape, kernel_size, stride):
    """Validate an average pooling's window for an input of ``shape`` (N, C, H, W); return ``(k, stride, OH, OW)``."""
    k = check_int(func, "kernel_size", kernel_size, 1, "Hint: 2 pools 2x2 windows.")
    s = k if stride is None else check_int(func, "stride", stride, 1, STRIDE_HINT)
    H, W = shape[2:]
    if k > min(H, W):
        raise ValueError(f"{func}: kernel_size must fit the input ({H} x {W}), got {k}. "
                         f"Hint: pool with a smaller window, or pool less often.")
    return k, s, output_size(H, k, s), output_size(W, k, s)


def avg_pool2d_naive(x, kernel_size, stride=None):
    """Average pooling by loops: each node is the mean of its window. (N, C, H, W) -> (N, C, OH, OW)."""
    _check_x("avg_pool2d_naive", x)
    k, s, OH, OW = _pool_args("avg_pool2d_naive", x.shape, kernel_size, stride)
    N, C = x.shape[:2]
    y = np.zeros((N, C, OH, OW), dtype=x.dtype)
    for i in range(OH):
        for j in range(OW):
            y[:, :, i, j] = x[:, :, i * s:i * s + k, j * s:j * s + k].mean(axis=(2, 3))
    return y


def avg_pool2d(x, kernel_size, stride=None):
    """Vectorized average pooling: (N, C, H, W) -> (N, C, OH, OW), summing the k*k strided views."""
    _check_x("avg_pool2d", x)
    k, s, OH, OW = _pool_args("avg_pool2d", x.shape, kernel_size, stride)
    y = sum(tap for _, _, tap in F._taps(x, k, s, OH, OW))        # (N, C, OH, OW)
    return y / np.asarray(k * k, dtype=x.dtype)


def avg_pool2d_backward(dy, x_shape, kernel_size, stride=None):
    """dy (N, C, OH, OW) -> dx (N, C, H, W): each window shares its dy equally among its k*k pixels."""
    k, s, OH, OW = _pool_args("avg_pool2d_backward", x_shape, kernel_size, stride)
    dx = np.zeros(x_shape, dtype=dy.dtype)
    share = dy / np.asarray(k * k, dtype=dy.dtype)
    for a, b, view in F._taps(dx, k, s, OH, OW):
        view += share                                              # a strided view of dx: adds in place
    return dx


def global_avg_pool2d(x):
    """The mean of each whole feature map: x (N, C, H, W) -> (N, C). Replaces Flatten + Linear's input."""
    _check_x("global_avg_pool2d", x)
    return x.mean(axis=(2, 3))


def global_avg_pool2d_backward(dy, x_shape):
    """dy (N, C) -> dx (N, C, H, W): every pixel of a map gets 1/(H*W) of its map's gradient."""
    H, W = x_shape[2:]
    return np.broadcast_to(dy[:, :, None, None] / np.asarray(H * W, dtype=dy.dtype), x_shape).copy()


# ---------------------------------------------------------------- dropout
def dropout(x, p, rng):
    """Inverted dropout (training): zero each value with probability ``p``, scale the rest by 1/(1-p).

    x any shape -> ``(y, mask)``, ``mask`` holding 0 or 1/(1-p) (x's dtype), so ``y = x * mask``
    keeps the expected value of every node and the network needs no change at inference.
    """
    keep = rng.random(x.shape) >= p                                # True with probability 1 - p
    mask = (keep / (1.0 - p)).astype(x.dtype) if p < 1 else np.zeros_like(x)
    return x * mask, mask


# ---------------------------------------------------------------- transposed convolution
def _transposed_args(func, x, weight, bias, stride, padding, output_padding):
    _check_x(func, x)
    check_ndim(func, "weight", weight, 4, "(C_in, C_out, KH, KW)",
               "Hint: ConvTranspose2d's weight is (in_channels, out_channels, k, k), as in PyTorch.")
    s = check_int(func, "stride", stride, 1, STRIDE_HINT)
    p = check_int(func, "padding", padding, 0, PADDING_HINT)
    op = check_int(func, "output_padding", output_padding, 0, "Hint: 0 unless you need one more row.")
    if x.shape[1] != weight.shape[0]:
        raise ValueError(f"{func}: x must have C_in = {weight.shape[0]} channels (weight shape {weight.shape}), "
                         f"got {x.shape[1]}. Hint: the weight of a transposed convolution is "
                         f"(C_in, C_out, k, k), C_in first.")
    if bias is not None and np.shape(bias) != (weight.shape[1],):
        raise ValueError(f"{func}: bias must have shape (C_out,) = ({weight.shape[1]},), got {np.shape(bias)}. "
                         f"Hint: one bias per output channel.")
    OH = output_size_transposed(x.shape[2], weight.shape[2], s, p, op)
    OW = output_size_transposed(x.shape[3], weight.shape[3], s, p, op)
    return s, p, OH, OW


def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0, output_padding=0):
    """Transposed convolution by loops: each input pixel stamps its kernel, scaled, onto the output.

    x (N, C_in, H, W), weight (C_in, C_out, KH, KW) -> (N, C_out, OH, OW) with
    ``OH = (H-1)*stride - 2*padding + KH + output_padding``. Stamps start ``stride`` pixels apart;
    overlaps add up; ``padding`` rows are cropped from each border.
    """
    s, p, OH, OW = _transposed_args("conv_transpose2d_naive", x, weight, bias, stride, padding, output_padding)
    N, C_in, H, W = x.shape
    _, C_out, KH, KW = weight.shape
    full = np.zeros((N, C_out, OH + 2 * p, OW + 2 * p), dtype=np.result_type(x, weight))
    for n in range(N):
        for c in range(C_in):
            for i in range(H):
                for j in range(W):
                    full[n, :, i * s:i * s + KH, j * s:j * s + KW] += x[n, c, i, j] * weight[c]
    y = full[:, :, p:p + OH, p:p + OW]
    return y + bias[:, None, None] if bias is not None else y


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0):
    """Vectorized transposed convolution: x (N, C_in, H, W) -> (N, C_out, OH, OW).

    It is exactly the input gradient of a convolution (notebook 04's dx): ``conv2d`` with this
    weight maps (C_out, OH, OW) down to (C_in, H, W), and ``conv_transpose2d`` maps back up
    the same way ``conv2d_backward`` sends dy to dx: one matrix product, then ``col2im``.
    """
    s, p, OH, OW = _transposed_args("conv_transpose2d", x, weight, bias, stride, padding, output_padding)
    N, C_in, H, W = x.shape
    _, C_out, KH, KW = weight.shape
    x_t = x.transpose(1, 0, 2, 3).reshape(C_in, N * H * W)       # (N, C_in, H, W) -> (C_in, N*H*W)
    cols_t = weight.reshape(C_in, C_out * KH * KW).T @ x_t        # (C_out*KH*KW, N*H*W)
    # (C_out*KH*KW, N*H*W) -> (C_out, KH, KW, N, H, W) -> (C_out, N, H, W, KH, KW), a view
    win = cols_t.reshape(C_out, KH, KW, N, H, W).transpose(0, 3, 4, 5, 1, 2)
    y = F.col2im(win, (C_out, N, OH, OW), s, p).transpose(1, 0, 2, 3)   # (C_out, N, OH, OW) -> (N, C_out, OH, OW)
    return y + bias[:, None, None] if bias is not None else y


def conv_transpose2d_backward(dy, x, weight, stride=1, padding=0):
    """Gradients of :func:`conv_transpose2d`: dy (N, C_out, OH, OW) -> ``ConvGrads(dx, dweight, dbias)``.

    The roles swap: dx is an ordinary convolution of dy with the same weight, and dweight
    correlates dy's windows with x, as ``conv2d_backward`` does for a convolution.
    """
    fwd = F.conv2d_with_cols(dy, weight, None, stride, padding)  # dx (N, C_in, H, W); cols (N*H*W, C_out*KH*KW)
    N, C_in, H, W = x.shape
    x_t = x.transpose(1, 0, 2, 3).reshape(C_in, N * H * W)       # (N, C_in, H, W) -> (C_in, N*H*W)
    dweight = (x_t @ fwd.cols).reshape(weight.shape)              # (C_in, C_out*KH*KW) -> (C_in, C_out, KH, KW)
    return F.ConvGrads(fwd.y, dweight, dy.sum(axis=(0, 2, 3)))


# ---------------------------------------------------------------- grouped convolution
def _check_groups(func, in_channels, out_channels, groups):
    """``groups`` as an int that divides both channel counts, else a learner-facing error."""
    g = check_int(func, "groups", groups, 1, "Hint: groups=1 is an ordinary convolution.")
    if in_channels % g or out_channels % g:
        raise ValueError(f"{func}: groups must divide in_channels ({in_channels}) and out_channels "
                         f"({out_channels}), got groups={g}. Hint: depthwise is groups = in_channels.")
    return g


def _group_args(func, x, weight, groups):
    _check_x(func, x)
    check_ndim(func, "weight", weight, 4, "(C_out, C_in/groups, KH, KW)")
    g = _check_groups(func, x.shape[1], weight.shape[0], groups)
    if x.shape[1] != weight.shape[1] * g:
        raise ValueError(f"{func}: with groups={g}, weight must be (C_out, C_in/groups, k, k) = "
                         f"({weight.shape[0]}, {x.shape[1] // g}, k, k), got weight shape {weight.shape}. "
                         f"Hint: each kernel spans only the {x.shape[1] // g} channels of its group.")
    return g, x.shape[1] // g, weight.shape[0] // g


def grouped_conv2d_with_cols(x, weight, bias=None, stride=1, padding=0, groups=1):
    """Grouped convolution: the channels split into ``groups``, each convolved with its own kernels.

    x (N, C_in, H, W), weight (C_out, C_in/groups, KH, KW) -> ``GroupedConvForward(y (N, C_out, OH, OW),
    cols)``, ``cols`` a list of each group's im2col matrix. Group ``g`` reads input channels
    ``g*C_in/groups ...`` and writes output channels ``g*C_out/groups ...``. groups = C_in is depthwise.
    """
    g, ci, co = _group_args("grouped_conv2d_with_cols", x, weight, groups)
    outs = [F.conv2d_with_cols(x[:, i * ci:(i + 1) * ci], weight[i * co:(i + 1) * co],
                               None if bias is None else bias[i * co:(i + 1) * co], stride, padding)
            for i in range(g)]
    return GroupedConvForward(np.concatenate([o.y for o in outs], axis=1), [o.cols for o in outs])


def grouped_conv2d_backward(dy, x, weight, stride=1, padding=0, groups=1, cols=None):
    """Gradients of a grouped convolution, one group at a time through ``conv2d_backward``.

    dy (N, C_out, OH, OW) -> ``ConvGrads(dx (N, C_in, H, W), dweight (C_out, C_in/groups, KH, KW), dbias)``.
    """
    g, ci, co = _group_args("grouped_conv2d_backward", x, weight, groups)
    grads = [F.conv2d_backward(dy[:, i * co:(i + 1) * co], x[:, i * ci:(i + 1) * ci], weight[i * co:(i + 1) * co],
                               stride, padding, cols=None if cols is None else cols[i]) for i in range(g)]
    return F.ConvGrads(*(np.concatenate(parts, axis=a) for parts, a in zip(zip(*grads), (1, 0, 0))))


# ---------------------------------------------------------------- data augmentation
def random_shift(x, max_shift, rng):
    """Move each image by a random whole number of pixels, up to ``max_shift`` each way, zeros filling in.

    x (N, C, H, W) -> (N, C, H, W): new training examples that are still the same digit, so the
    network learns that a small shift does not change the answer. Loops over the (2s+1)^2 shifts,
    never over the images.
    """
    _check_x("random_shift", x)
    s = check_int("random_shift", "max_shift", max_shift, 0, "Hint: 2 moves images by up to 2 pixels.")
    N, C, H, W = x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (s, s), (s, s)))          # (N, C, H+2s, W+2s)
    rows, cols = rng.integers(0, 2 * s + 1, size=(2, N))           # each image's top-left corner in padded
    out = np.empty_like(x)
    for a in range(2 * s + 1):
        for b in range(2 * s + 1):
            pick = (rows == a) & (cols == b)
            out[pick] = padded[pick, :, a:a + H, b:b + W]
    return out
