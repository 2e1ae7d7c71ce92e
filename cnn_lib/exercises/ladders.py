"""The implementation exercises: for each, its ladder of cases and the mistakes a TA sees most.

Each ``Wrong`` computes what a typical buggy version returns, so the checker can recognise
the bug by its output (see :mod:`cnn_lib.exercises.implement`). Cases go from the smallest
that can show a mistake to the general one; values are small integers where a learner will
read them, and random with large values at the end.
"""
import numpy as np

from .. import functional as F
from ..arithmetic import output_size
from ..layers import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential
from ..losses import softmax, softmax_cross_entropy
from ..optim import SGD
from ..train import train_step
from .implement import Case, CannotShow, Spec, Wrong, exercise


def ints(seed, *shape, low=-3, high=4):
    """Small whole numbers as floats, easy to read and to check by hand."""
    return np.random.default_rng(seed).integers(low, high, shape).astype(float)


def normal(seed, *shape, scale=1.0):
    return np.round(np.random.default_rng(seed).normal(0, scale, shape), 2)


def cannot_show():
    """Called by a wrong variant in a case where its mistake makes no difference: no match there."""
    raise CannotShow("this mistake cannot show in this case")


# ---------------------------------------------------------------- notebook 03: the output size
exercise(Spec(
    "output_size", ("n", "kernel_size", "stride", "padding"), ("size",),
    lambda n, k, s, p: output_size(n, k, s, p),
    [Case("n=5, kernel 3", (5, 3, 1, 0)),
     Case("with padding: n=5, kernel 3, padding 2", (5, 3, 1, 2)),
     Case("stride 2 that divides evenly: n=7, kernel 3", (7, 3, 2, 0)),
     Case("stride 2 with a pixel left over: n=8, kernel 3", (8, 3, 2, 0)),
     Case("stride 4 with 2 pixels left over: n=9, kernel 3", (9, 3, 4, 0)),
     Case("the kernel as large as the input: n=5, kernel 5", (5, 5, 1, 0)),
     Case("general: n=224, kernel 11, stride 4, padding 2", (224, 11, 4, 2)),
     Case("general: n=28, kernel 5, stride 3, padding 2", (28, 5, 3, 2))],
    [Wrong("you rounded up: a position where the kernel would stick out is not used, so round the "
           "division DOWN (use //).", lambda n, k, s, p: -(-(n + 2 * p - k) // s) + 1),
     Wrong("you forgot to round: a count of positions is whole. Use // (floor division) for "
           "(n + 2*padding - kernel_size) // stride.", lambda n, k, s, p: (n + 2 * p - k) / s + 1),
     Wrong("you forgot the + 1: the kernel's first position, at 0, counts too.",
           lambda n, k, s, p: (n + 2 * p - k) // s),
     Wrong("the + 1 went inside the division: it counts the first position, so add it AFTER dividing by the stride.",
           lambda n, k, s, p: (n + 2 * p - k + 1) // s),
     Wrong("padding is added on both sides: use n + 2*padding, not n + padding.",
           lambda n, k, s, p: (n + p - k) // s + 1),
     Wrong("you left out the padding: it adds 2*padding pixels to the input.",
           lambda n, k, s, p: (n - k) // s + 1),
     Wrong("you left out the stride: the kernel moves stride pixels per step, so divide by it.",
           lambda n, k, s, p: n + 2 * p - k + 1),
     Wrong("round() rounds .5 to the nearest even number: a count of positions needs floor (//).",
           lambda n, k, s, p: round((n + 2 * p - k) / s) + 1)],
    library="cnn_lib.output_size (cnn_lib/arithmetic.py), which adds dilation"))


# ---------------------------------------------------------------- notebook 02: one node, conv2d, max pooling
def _node(x, kernel, i, j):
    return float(F.conv2d_naive(x[None, None], kernel[None, None])[0, 0, i, j])


def _node_at(x, kernel, r, c):
    kh, kw = kernel.shape
    if r < 0 or c < 0 or r + kh > x.shape[0] or c + kw > x.shape[1]:
        raise IndexError("window outside the input")
    return float(np.sum(x[r:r + kh, c:c + kw] * kernel))


exercise(Spec(
    "conv_node", ("x", "kernel", "i", "j"), ("value",), _node,
    [Case("3x3 input, 2x2 kernel, node (0, 0)", (ints(1, 3, 3), np.array([[1., 2.], [0., -1.]]), 0, 0)),
     Case("node (1, 0): row 1, column 0", (ints(2, 3, 3), np.array([[1., 2.], [3., -1.]]), 1, 0)),
     Case("4x5 input, 3x3 kernel, node (1, 2)", (ints(3, 4, 5), ints(4, 3, 3), 1, 2)),
     Case("general: 6x7 input, 3x2 kernel, node (2, 4), large values", (normal(5, 6, 7, scale=100), normal(6, 3, 2), 2, 4))],
    [Wrong("you flipped the kernel (that is the mathematicians' convolution). CNNs compute "
           "cross-correlation: kernel[a, b] multiplies x[i + a, j + b], no flip.",
           lambda x, k, i, j: _node(x, k[::-1, ::-1], i, j)),
     Wrong("rows and columns are swapped: node (i, j) is row i, column j; its window starts at x[i, j].",
           lambda x, k, i, j: _node_at(x, k, j, i)),
     Wrong("the kernel is transposed: kernel[a, b] (row a, column b) multiplies x[i + a, j + b].",
           lambda x, k, i, j: _node_at(x, k.T, i, j) if k.shape[0] == k.shape[1] else cannot_show()),
     Wrong("you averaged: a node is the SUM of kernel * window, not its mean.",
           lambda x, k, i, j: _node(x, k, i, j) / k.size),
     Wrong("you summed the window without the kernel's weights: multiply each pixel by its weight first.",
           lambda x, k, i, j: _node_at(x, np.ones_like(k), i, j)),
     Wrong("your loops stop one short: range(KH - 1) misses the kernel's last row (and range(KW - 1) its last "
           "column); range(KH) and range(KW) cover the whole kernel.",
           lambda x, k, i, j: _node_at(x, k[:-1, :-1], i, j)),
     Wrong("you returned the products kernel * window: a node is their SUM, one number (np.sum).",
           lambda x, k, i, j: np.ones(k.shape), shape=True)],
    library="cnn_lib.functional.conv2d_naive, whose inner line computes one node"))


def _conv_x(seed, n, c, h, w, **kw):
    return ints(seed, n, c, h, w, **kw)


def _out_shape(x, w, s, p):
    return output_size(x.shape[2], w.shape[2], s, p), output_size(x.shape[3], w.shape[3], s, p)


exercise(Spec(
    "conv2d_naive", ("x", "weight", "bias", "stride", "padding"), ("y",), F.conv2d_naive,
    [Case("one channel, 3x3 input, one 2x2 kernel, no bias (bias=None)",
          (ints(1, 1, 1, 3, 3), np.array([[[[1., 2.], [0., -1.]]]]), None, 1, 0)),
     Case("with a bias", (ints(2, 1, 1, 3, 3), np.array([[[[2., 0.], [1., -1.]]]]), np.array([0.5]), 1, 0)),
     Case("two input channels (they add up)", (ints(3, 1, 2, 3, 3), ints(4, 1, 2, 2, 2), np.array([1.0]), 1, 0)),
     Case("two kernels: two output channels", (ints(5, 1, 2, 4, 4), ints(6, 2, 2, 2, 2), np.array([1.0, -2.0]), 1, 0)),
     Case("stride 2", (ints(7, 1, 1, 5, 5), ints(8, 1, 1, 3, 3), np.array([0.0]), 2, 0)),
     Case("padding 1", (ints(9, 1, 1, 3, 3), ints(10, 1, 1, 3, 3), np.array([0.5]), 1, 1)),
     Case("a batch of 2 images", (ints(11, 2, 1, 3, 3), ints(12, 1, 1, 2, 2), np.array([0.5]), 1, 0)),
     Case("general: batch 2, 3 channels, 4 kernels of 4x2, 9x5 input, stride 2 (a pixel left over), padding 1, "
          "large values", (normal(13, 2, 3, 9, 5, scale=100), normal(14, 4, 3, 4, 2), normal(15, 4), 2, 1))],
    [Wrong("you flipped the kernel (true convolution). CNN layers compute cross-correlation: "
           "weight[o, c, a, b] multiplies x[n, c, i*stride + a, j*stride + b], no flip.",
           lambda x, w, b, s, p: F.conv2d(x, w[:, :, ::-1, ::-1], b, s, p)),
     Wrong("the bias is missing: add bias[o] to every node of output channel o (when bias is not None).",
           lambda x, w, b, s, p: F.conv2d(x, w, None, s, p)),
     Wrong("the bias was added once per input channel: sum over the channels first, then add bias[o] once.",
           lambda x, w, b, s, p: F.conv2d(x, w, b, s, p) + (x.shape[1] - 1) * b[None, :, None, None]
           if b is not None else cannot_show()),
     Wrong("bias=None means no bias: add bias[o] only when bias is not None.",
           lambda x, w, b, s, p: b[0], raises=True),
     Wrong("only the last input channel counts: an = inside the channel loop overwrites. Sum over ALL "
           "input channels (+=, or np.sum over the whole (C, KH, KW) patch).",
           lambda x, w, b, s, p: F.conv2d(x[:, -1:], w[:, -1:], b, s, p)),
     Wrong("only the first input channel counts: a node sums weight * patch over ALL input channels.",
           lambda x, w, b, s, p: F.conv2d(x[:, :1], w[:, :1], b, s, p)),
     Wrong("the stride is ignored inside the loop: window (i, j) starts at row i*stride, column j*stride.",
           lambda x, w, b, s, p: F.conv2d(x, w, b, 1, p)[:, :, :_out_shape(x, w, s, p)[0], :_out_shape(x, w, s, p)[1]]),
     Wrong("the stride is ignored: the windows moved 1 pixel at a time. Step by stride.",
           lambda x, w, b, s, p: F.conv2d(x, w, b, 1, p)),
     Wrong("you padded the output instead of the input: pad x with zeros first "
           "(np.pad on the two spatial axes), then slide the kernel.",
           lambda x, w, b, s, p: np.pad(F.conv2d(x, w, b, s, 0), ((0, 0), (0, 0), (p, p), (p, p)))),
     Wrong("xp[:, :, p:-p, p:-p] is empty when padding = 0 (-0 is 0): write the slice as p:p + H, p:p + W, "
           "or pad with np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))).",
           lambda x, w, b, s, p: _pad_with_negative_slice(x, p), raises=True),
     Wrong("the padding is ignored: pad x with `padding` zeros on each side of H and W first.",
           lambda x, w, b, s, p: F.conv2d(x, w, b, s, 0)),
     Wrong("the kernel is transposed: weight[o, c, a, b] multiplies row a, column b of the window.",
           lambda x, w, b, s, p: F.conv2d(x, w.swapaxes(2, 3), b, s, p)),
     Wrong("rows and columns are swapped in the output: y[n, o, i, j] is row i, column j.",
           lambda x, w, b, s, p: F.conv2d(x, w, b, s, p).swapaxes(2, 3)),
     Wrong("you averaged each window (np.mean): a node is the SUM of weight * patch, plus the bias.",
           lambda x, w, b, s, p: F.conv2d(x, w / w[0].size, b, s, p)),
     Wrong("you rounded the output size up (ceil): frameworks floor, floor((H + 2*padding - KH) / stride) + 1; "
           "a window that would stick out of the padded input is not used.",
           lambda x, w, b, s, p: _shaped(x, w, s, p, (x.shape[2] + 2 * p - w.shape[2] + s - 1) // s + 1,
                                         (x.shape[3] + 2 * p - w.shape[3] + s - 1) // s + 1), shape=True),
     Wrong("the output's width came from the height: OW = floor((W + 2*padding - KW) / stride) + 1 uses W, "
           "the input's width.", lambda x, w, b, s, p: _shaped(x, w, s, p, ow=output_size(x.shape[2], w.shape[3], s, p)),
           shape=True),
     Wrong("the kernel's width was taken from its height (a square kernel assumed): KH, KW = weight.shape[2:].",
           lambda x, w, b, s, p: _shaped(x, w, s, p, ow=output_size(x.shape[3], w.shape[2], s, p)), shape=True),
     Wrong("your loops stop one short: range(OH - 1) misses the last row of the output (and range(OW - 1) the "
           "last column); loop over range(OH) and range(OW).", lambda x, w, b, s, p: _last_left(F.conv2d(x, w, b, s, p))),
     Wrong("the padding is all on one side: np.pad(x, ..., (padding, padding)) puts `padding` zeros before AND "
           "after the map, so the windows stay centred.",
           lambda x, w, b, s, p: F.conv2d(np.pad(x, ((0, 0), (0, 0), (0, 2 * p), (0, 2 * p))), w, b, s, 0)
           if p else cannot_show()),
     Wrong("every example got the first one's output: inside the batch loop read x[n], not x[0].",
           lambda x, w, b, s, p: np.repeat(F.conv2d(x[:1], w, b, s, p), len(x), axis=0) if len(x) > 1 else cannot_show()),
     Wrong("the stride was applied twice: window (i, j) starts at row i*stride (not i*stride*stride).",
           lambda x, w, b, s, p: _conv_starts(x, w, b, s, p, lambda i: i * s * s) if s > 1 else cannot_show())],
    library="cnn_lib.functional.conv2d_naive, then the vectorized cnn_lib.functional.conv2d (im2col)"))


def _shaped(x, w, s, p, oh=None, ow=None):
    """Zeros of shape (N, C_out, oh, ow) (None: the right size), for a mistake seen in the output's shape alone."""
    right = _out_shape(x, w, s, p)
    size = (oh or right[0], ow or right[1])
    return np.zeros((x.shape[0], w.shape[0]) + size) if size != right else cannot_show()


def _last_left(y):
    """y with its last row and column left unwritten (zeros)."""
    y = y.copy()
    y[:, :, -1], y[:, :, :, -1] = 0, 0
    return y


def _conv_starts(x, w, b, s, p, start):
    """The output of the right size, node i reading the window at row start(i) (column start(j)), kept inside."""
    oh, ow = _out_shape(x, w, s, p)
    full = F.conv2d(x, w, b, 1, p)                            # every window position: stride 1
    rows, cols = (np.minimum(start(np.arange(n)), full.shape[axis] - 1) for n, axis in ((oh, 2), (ow, 3)))
    return full[:, :, rows][:, :, :, cols]


def _pad_with_negative_slice(x, p):
    """The classic manual padding slip: xp[:, :, p:-p, p:-p] = x, which is empty when p = 0."""
    N, C, H, W = x.shape
    xp = np.zeros((N, C, H + 2 * p, W + 2 * p))
    xp[:, :, p:-p, p:-p] = x
    return xp


def _pool_windows(x, k, s, reduce, size=None):
    """Reduce every k x k window (stride s); ``size`` crops to that output size."""
    win = F.windows(x, k, k, s)                               # (N, C, OH', OW', k, k)
    if size is not None:
        win = win[:, :, :size[0], :size[1]]
    return reduce(win, axis=(-2, -1))


def _pool_size(x, k, s):
    s = k if s is None else s
    return output_size(x.shape[2], k, s), output_size(x.shape[3], k, s)


exercise(Spec(
    "max_pool2d_naive", ("x", "kernel_size", "stride"), ("y",), F.max_pool2d_naive,
    [Case("one 4x4 map, 2x2 windows (stride=None means stride = kernel_size)", (ints(1, 1, 1, 4, 4), 2, None)),
     Case("all values negative", (ints(2, 1, 1, 4, 4, low=-9, high=-1), 2, None)),
     Case("stride 1: overlapping windows", (ints(3, 1, 1, 3, 3), 2, 1)),
     Case("3x3 windows with stride 2", (ints(4, 1, 1, 5, 5), 3, 2)),
     Case("batch 2, 3 channels, 6x4 maps", (ints(5, 2, 3, 6, 4), 2, None)),
     Case("general: batch 2, 2 channels, 8x9, 3x3 windows, stride 2 (a row left over), large values",
          (normal(6, 2, 2, 8, 9, scale=1000), 3, 2))],
    [Wrong("you averaged: this is max pooling, each node is the LARGEST value of its window.",
           lambda x, k, s: _pool_windows(x, k, k if s is None else s, np.mean)),
     Wrong("you stored where the maximum is (np.argmax), not its value: use window.max().",
           lambda x, k, s: _pool_windows(x, k, k if s is None else s,
                                         lambda v, axis: v.reshape(v.shape[:4] + (-1,)).argmax(-1).astype(float))),
     Wrong("you took the minimum: max pooling keeps the largest value of each window.",
           lambda x, k, s: _pool_windows(x, k, k if s is None else s, np.min)),
     Wrong("your running maximum started at 0, so negative windows give 0: start from the window's "
           "first value (or -inf), or use window.max().",
           lambda x, k, s: np.maximum(F.max_pool2d(x, k, s), 0)),
     Wrong("with stride=None the stride is the kernel size (windows side by side), as in PyTorch; "
           "you used stride 1.", lambda x, k, s: F.max_pool2d(x, k, 1) if s is None else cannot_show()),
     Wrong("the stride argument is ignored: you always stepped by kernel_size.",
           lambda x, k, s: F.max_pool2d(x, k, k)),
     Wrong("the stride is ignored inside the loop: window (i, j) starts at (i*stride, j*stride).",
           lambda x, k, s: _pool_windows(x, k, 1, np.max, _pool_size(x, k, s))),
     Wrong("you took the largest absolute value: max pooling keeps the largest value, sign included.",
           lambda x, k, s: _pool_windows(x, k, k if s is None else s,
                                         lambda v, axis: np.take_along_axis(
                                             v.reshape(v.shape[:4] + (-1,)),
                                             np.abs(v).reshape(v.shape[:4] + (-1,)).argmax(-1)[..., None], -1)[..., 0])),
     Wrong("you took the largest absolute value: max pooling keeps the largest value, sign included.",
           lambda x, k, s: _pool_windows(x, k, k if s is None else s, lambda v, axis: np.abs(v).max(axis=axis))),
     Wrong("you rounded the output size up (ceil): frameworks floor, floor((H - kernel_size) / stride) + 1; a "
           "window that would stick out of the input is not used (PyTorch's ceil_mode=False).",
           lambda x, k, s: np.zeros(x.shape[:2] + tuple(-(-(n - k) // (s or k)) + 1 for n in x.shape[2:]))
           if any((n - k) % (s or k) for n in x.shape[2:]) else cannot_show(), shape=True),
     Wrong("each window is one pixel short: x[i*s : i*s + kernel_size] takes kernel_size pixels (the end of a "
           "slice is left out), so do not subtract 1.",
           lambda x, k, s: _pool_windows(x, k - 1, k if s is None else s, np.max, _pool_size(x, k, s)) if k > 1 else cannot_show()),
     Wrong("the maximum was taken across the channels: pool each channel's map on its own.",
           lambda x, k, s: np.broadcast_to(F.max_pool2d(x, k, s).max(axis=1, keepdims=True),
                                           F.max_pool2d(x, k, s).shape))],
    library="cnn_lib.functional.max_pool2d_naive, then the vectorized cnn_lib.functional.max_pool2d"))


# ---------------------------------------------------------------- notebook 01: softmax
def _exp_rows(z):
    return np.exp(z - z.max(axis=1, keepdims=True))


exercise(Spec(
    "softmax", ("logits",), ("probabilities",), softmax,
    [Case("one row of 3 scores", (np.array([[1.0, 2.0, 0.5]]),)),
     Case("a batch of 3 rows (each row on its own)", (ints(1, 3, 3),)),
     Case("a batch of 2 rows of 4 scores", (ints(2, 2, 4),)),
     Case("large scores (1000): exp overflows unless you subtract the row's maximum",
          (np.array([[1000.0, 1001.0, 1002.0], [-5.0, 0.0, 5.0]]),)),
     Case("general: 5 rows of 10 scores, large values", (normal(3, 5, 10, scale=300),))],
    [Wrong("each column sums to 1, not each row: normalise along axis=1 (the classes), one example per row.",
           lambda z: np.exp(z - z.max(0)) / np.exp(z - z.max(0)).sum(axis=0, keepdims=True)),
     Wrong("the row sums were divided along the wrong axis: e.sum(axis=1) has shape (N,); keep it (N, 1) "
           "with keepdims=True so each row is divided by its own sum.",
           lambda z: np.exp(z - z.max(1, keepdims=True)) / np.exp(z - z.max(1, keepdims=True)).sum(axis=1)),
     Wrong("the whole batch was normalised together: divide each row by its own sum (axis=1, keepdims=True).",
           lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()),
     Wrong("the whole batch was normalised together: divide each row by its own sum (axis=1, keepdims=True).",
           lambda z: _exp_rows(z) / _exp_rows(z).sum()),
     Wrong("you returned log-softmax (the log of the probabilities, all negative): softmax is exp(z) / sum(exp(z)) "
           "in each row, without a log.", lambda z: np.log(_exp_rows(z) / _exp_rows(z).sum(axis=1, keepdims=True))),
     Wrong("you forgot to normalise: divide exp(scores) by their sum in each row.", lambda z: np.exp(z)),
     Wrong("that is the sigmoid, 1 / (1 + exp(-z)), one score at a time: softmax divides exp(z) by the sum "
           "of exp over the whole row, so the row sums to 1.", lambda z: 1 / (1 + np.exp(-z))),
     Wrong("you divided the scores by their sum without exp: softmax is exp(z) / sum(exp(z)).",
           lambda z: z / z.sum(axis=1, keepdims=True)),
     Wrong("you subtracted the largest score of the whole batch: a row far below it underflows, exp gives "
           "0 everywhere and 0 / 0 = nan. Subtract each row's own maximum (axis=1, keepdims=True).",
           lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=1, keepdims=True)),
     Wrong("np.exp(1000) overflows to inf (and inf / inf = nan): subtract each row's maximum before exp; "
           "it changes nothing mathematically.",
           lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True))],
    library="cnn_lib.softmax (cnn_lib/losses.py)"))


# ---------------------------------------------------------------- notebook 04: backward passes
exercise(Spec(
    "relu_backward", ("dy", "x"), ("dx",), F.relu_backward,
    [Case("four values", (np.array([0.5, -1.0, 2.0, 3.0]), np.array([-1.0, 2.0, -3.0, 4.0]))),
     Case("x has zeros (ReLU's slope at 0 is taken as 0, as in PyTorch)",
          (np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 1.0, 0.0, -1.0]))),
     Case("a batch of feature maps (2, 2, 3, 3)", (ints(1, 2, 2, 3, 3), ints(2, 2, 2, 3, 3))),
     Case("general: (3, 4, 5, 5), large values", (normal(3, 3, 4, 5, 5, scale=100), normal(4, 3, 4, 5, 5)))],
    [Wrong("you returned dy unchanged: ReLU passes the gradient only where its input x was > 0.",
           lambda dy, x: dy.copy()),
     Wrong("you returned the mask (x > 0) alone: multiply it by dy (the chain rule).",
           lambda dy, x: (x > 0).astype(float)),
     Wrong("the mask came from dy: it must come from the forward input x (where ReLU was on).",
           lambda dy, x: dy * (dy > 0)),
     Wrong("at x == 0 the gradient must be 0 (x > 0, not x >= 0), as in PyTorch.",
           lambda dy, x: dy * (x >= 0)),
     Wrong("you multiplied dy by x: ReLU's slope is 1 where x > 0 and 0 elsewhere, never x itself.",
           lambda dy, x: dy * x),
     Wrong("you multiplied dy by sign(x): where x < 0 the slope is 0, not -1; ReLU's slope is (x > 0).",
           lambda dy, x: dy * np.sign(x)),
     Wrong("you multiplied dy by relu(x): the slope is 1 where x > 0, not the value of relu(x).",
           lambda dy, x: dy * np.maximum(x, 0)),
     Wrong("you returned relu(x), the forward pass: backward returns dx = dy * (x > 0).",
           lambda dy, x: np.maximum(x, 0))],
    library="cnn_lib.functional.relu_backward"))


exercise(Spec(
    "linear_backward", ("dy", "x", "weight"), ("dx", "dweight", "dbias"), F.linear_backward,
    [Case("one example, 3 inputs, 2 outputs", (np.array([[1.0, -2.0]]), np.array([[1.0, 2.0, 3.0]]), ints(1, 2, 3))),
     Case("a batch of 3 (the weight's gradient adds up over the batch)", (ints(2, 3, 2), ints(3, 3, 3), ints(4, 2, 3))),
     Case("general: batch 4, 5 inputs, 3 outputs, large values",
          (normal(5, 4, 3), normal(6, 4, 5, scale=100), normal(7, 3, 5)))],
    [Wrong("dweight is transposed: it has weight's shape (out, in), dweight = dy.T @ x.",
           lambda dy, x, w: (dy @ w, x.T @ dy, dy.sum(0))),
     Wrong("dbias was not summed over the batch: one bias serves every example, dbias = dy.sum(axis=0).",
           lambda dy, x, w: (dy @ w, dy.T @ x, dy)),
     Wrong("dbias was summed over the wrong axis: sum over the batch, axis=0, to get shape (out,).",
           lambda dy, x, w: (dy @ w, dy.T @ x, dy.sum(1))),
     Wrong("dbias was averaged: the gradient of a sum of per-example terms is the sum, dy.sum(axis=0) "
           "(dy already holds the 1/N of the mean loss).", lambda dy, x, w: (dy @ w, dy.T @ x, dy.mean(0))),
     Wrong("dweight was divided by the batch size: dy already holds the 1/N of the mean loss.",
           lambda dy, x, w: (dy @ w, dy.T @ x / len(x), dy.sum(0))),
     Wrong("dweight holds only the last example: a loop over the batch with = overwrote; use += (or dy.T @ x).",
           lambda dy, x, w: (dy @ w, dy[-1:].T @ x[-1:], dy.sum(0))),
     Wrong("dbias is all zeros: it was never filled in. Each bias is added to every example, so dbias = dy.sum(axis=0).",
           lambda dy, x, w: (dy @ w, dy.T @ x, np.zeros(w.shape[0]))),
     Wrong("dx used weight.T: y = x @ weight.T, so dx = dy @ weight (shape (N, in)).",
           lambda dy, x, w: (dy @ w.T, dy.T @ x, dy.sum(0)), raises=True)],
    library="cnn_lib.functional.linear_backward"))


def _ce_naive(z, labels, mean_loss=True, mean_grad=True, sign=1, one_hot=True, shift=None):
    """Softmax cross-entropy with switches for the usual slips; sign=0: exp without any shift."""
    if shift is not None:
        p = np.exp(z - shift) / np.exp(z - shift).sum(1, keepdims=True)
    else:
        p = np.exp(z) / np.exp(z).sum(1, keepdims=True) if sign == 0 else softmax(z)
    n = len(z)
    loss = -np.log(p[np.arange(n), labels])
    grad = p.copy()
    if one_hot:
        grad[np.arange(n), labels] -= 1
    return (loss.mean() if mean_loss else loss.sum()), (sign or 1) * grad / (n if mean_grad else 1)


def _ce_columns(z, t):
    """The N x N slip: p[:, labels] for the loss and d[:, labels] -= 1 for the gradient."""
    p = softmax(z)
    d = p.copy()
    d[:, t] -= 1
    return -np.log(p[:, t]).mean(), d / len(z)


exercise(Spec(
    "softmax_cross_entropy", ("logits", "labels"), ("mean_loss", "dlogits"), softmax_cross_entropy,
    [Case("one example, 3 classes", (np.array([[1.0, 2.0, 0.5]]), np.array([1]))),
     Case("a batch of 3 (the loss is the MEAN over the batch)", (ints(1, 3, 4), np.array([0, 3, 1]))),
     Case("large logits (1000)", (np.array([[1000.0, 1001.0, 998.0], [0.0, -2.0, 3.0]]), np.array([2, 0]))),
     Case("general: 6 examples, 10 classes, large values", (normal(2, 6, 10, scale=50), np.array([3, 9, 0, 0, 5, 1])))],
    [Wrong("the loss was summed over the batch: take the mean (and divide the gradient by N too).",
           lambda z, t: _ce_naive(z, t, mean_loss=False)),
     Wrong("the loss was averaged over all N*K entries of the (N, K) array: average over the N examples only "
           "(one -log p per example).", lambda z, t: (_ce_naive(z, t)[0] / z.shape[1], _ce_naive(z, t)[1])),
     Wrong("the gradient was not divided by N: the loss is a mean, so dlogits = (softmax - one_hot) / N.",
           lambda z, t: _ce_naive(z, t, mean_grad=False)),
     Wrong("loss and gradient were both summed, not averaged: divide both by N.",
           lambda z, t: _ce_naive(z, t, mean_loss=False, mean_grad=False)),
     Wrong("the gradient has the wrong sign: dlogits = (softmax - one_hot) / N, so the step lowers the loss.",
           lambda z, t: _ce_naive(z, t, sign=-1)),
     Wrong("the one-hot part is missing: subtract 1 at each row's label, dlogits = (softmax - one_hot) / N.",
           lambda z, t: _ce_naive(z, t, one_hot=False)),
     Wrong("exp(1000) overflowed (inf / inf = nan): subtract each row's maximum from the logits before exp "
           "(log-sum-exp); the loss does not change.", lambda z, t: _ce_naive(z, t, sign=0)),
     Wrong("p[:, labels] (or d[:, labels]) takes every label's column in EVERY row (an N x N block): take one "
           "entry per row, p[np.arange(N), labels], and subtract 1 there only.", lambda z, t: _ce_columns(z, t)),
     Wrong("p[:, labels] (or d[:, labels]) takes every label's column in EVERY row (an N x N block): take one "
           "entry per row, p[np.arange(N), labels], and subtract 1 there only.",
           lambda z, t: (_ce_naive(z, t)[0], _ce_columns(z, t)[1])),
     Wrong("the log is missing: the loss is the mean of -log p[label], not of -p[label].",
           lambda z, t: (-softmax(z)[np.arange(len(z)), t].mean(), _ce_naive(z, t)[1])),
     Wrong("the gradient used the raw logits: dlogits = (softmax(logits) - one_hot) / N, with the probabilities.",
           lambda z, t: (_ce_naive(z, t)[0], (z - np.eye(z.shape[1])[t]) / len(z))),
     Wrong("you subtracted the largest logit of the whole batch: a row far below it underflows (exp gives 0, "
           "log 0 = -inf). Subtract each row's own maximum (axis=1, keepdims=True).",
           lambda z, t: _ce_naive(z, t, shift=z.max()))],
    library="cnn_lib.softmax_cross_entropy (cnn_lib/losses.py)"))


def _conv_back(dy, x, w, s, p, add_w=True, add_x=True, crop=True, stride_in_index=True):
    """conv2d_backward by loops, with switches for the usual slips (``=`` for ``+=``, no crop, ...)."""
    N, _, OH, OW = dy.shape
    C_out, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    t = s if stride_in_index else 1
    for n in range(N):
        for o in range(C_out):
            for i in range(OH):
                for j in range(OW):
                    r, c = slice(i * t, i * t + KH), slice(j * t, j * t + KW)
                    if add_w:
                        dw[o] += dy[n, o, i, j] * xp[n, :, r, c]
                    else:
                        dw[o] = dy[n, o, i, j] * xp[n, :, r, c]
                    if add_x:
                        dxp[n, :, r, c] += dy[n, o, i, j] * w[o]
                    else:
                        dxp[n, :, r, c] = dy[n, o, i, j] * w[o]
    dx = dxp[:, :, p:p + x.shape[2], p:p + x.shape[3]] if crop else dxp
    return dx, dw, dy.sum(axis=(0, 2, 3))


def _conv_back_case(seed, n, c, c_out, h, w, k, s, p, scale=1.0):
    x = normal(seed, n, c, h, w, scale=scale) if scale != 1.0 else ints(seed, n, c, h, w)
    weight = ints(seed + 1, c_out, c, k, k)
    oh, ow = output_size(h, k, s, p), output_size(w, k, s, p)
    return ints(seed + 2, n, c_out, oh, ow), x, weight, s, p


exercise(Spec(
    "conv2d_backward_naive", ("dy", "x", "weight", "stride", "padding"), ("dx", "dweight", "dbias"),
    F.conv2d_backward_naive,
    [Case("one channel, 3x3 input, one 2x2 kernel", _conv_back_case(1, 1, 1, 1, 3, 3, 2, 1, 0)),
     Case("two input channels, two kernels", _conv_back_case(4, 1, 2, 2, 3, 3, 2, 1, 0)),
     Case("a batch of 2", _conv_back_case(7, 2, 1, 1, 3, 3, 2, 1, 0)),
     Case("stride 2", _conv_back_case(10, 1, 1, 1, 5, 5, 3, 2, 0)),
     Case("padding 1", _conv_back_case(13, 1, 1, 1, 3, 3, 3, 1, 1)),
     Case("general: batch 2, 3 channels, 2 kernels, 6x5 input, stride 2, padding 1, large values",
          _conv_back_case(16, 2, 3, 2, 6, 5, 3, 2, 1, scale=100.0))],
    [Wrong("dweight was overwritten instead of accumulated: the same weight is used at every position (and "
           "every example), so its gradient is the SUM over them: dweight[o] += ..., not =.",
           lambda dy, x, w, s, p: _conv_back(dy, x, w, s, p, add_w=False)),
     Wrong("dx was overwritten where windows overlap: a pixel read by several windows (and kernels) "
           "collects the sum of their gradients: dx[...] += ..., not =.",
           lambda dy, x, w, s, p: _conv_back(dy, x, w, s, p, add_x=False)),
     Wrong("dx still has the padding: cut the p-pixel border off the padded gradient "
           "(dx_padded[:, :, p:p+H, p:p+W]) so dx has x's shape.",
           lambda dy, x, w, s, p: _conv_back(dy, x, w, s, p, crop=False)),
     Wrong("dxp[:, :, p:-p, p:-p] is empty when padding = 0 (-0 is 0): cut the border with "
           "dxp[:, :, p:p + H, p:p + W].",
           lambda dy, x, w, s, p: (_conv_back(dy, x, w, s, p, crop=False)[0][:, :, p:-p, p:-p],)
           + _conv_back(dy, x, w, s, p)[1:]),
     Wrong("the stride is ignored in the backward loop: node (i, j) read the window at (i*stride, j*stride).",
           lambda dy, x, w, s, p: _conv_back(dy, x, w, s, p, stride_in_index=False)),
     Wrong("dbias was not summed over the batch and positions: dbias[o] = dy[:, o].sum(), shape (C_out,).",
           lambda dy, x, w, s, p: _conv_back(dy, x, w, s, p)[:2] + (dy.sum(axis=(2, 3)),)),
     Wrong("dbias was summed over everything, output channels too: one value per kernel, dy.sum(axis=(0, 2, 3)).",
           lambda dy, x, w, s, p: _conv_back(dy, x, w, s, p)[:2] + (dy.sum(),)),
     Wrong("dbias was summed over the batch only: also sum over the positions, dy.sum(axis=(0, 2, 3)).",
           lambda dy, x, w, s, p: _conv_back(dy, x, w, s, p)[:2] + (dy.sum(axis=0),)),
     Wrong("dbias was averaged: the bias is added at every position of every example, so its gradient is "
           "the sum, dy.sum(axis=(0, 2, 3)).",
           lambda dy, x, w, s, p: _conv_back(dy, x, w, s, p)[:2] + (dy.mean(axis=(0, 2, 3)),)),
     Wrong("dbias counts only the first example: sum over the batch too, dy.sum(axis=(0, 2, 3)).",
           lambda dy, x, w, s, p: _conv_back(dy, x, w, s, p)[:2] + (dy[0].sum(axis=(1, 2)),)),
     Wrong("dx used the flipped kernel: with the loop form, each node sends dy * weight[o] back to the "
           "very window it read, unflipped.",
           lambda dy, x, w, s, p: F.conv2d_backward_naive(dy, x, w[:, :, ::-1, ::-1], s, p)[:1]
           + F.conv2d_backward_naive(dy, x, w, s, p)[1:]),
     Wrong("dx used the kernel transposed: weight[o, c, a, b] goes back to row a, column b of the window.",
           lambda dy, x, w, s, p: F.conv2d_backward_naive(dy, x, w.swapaxes(2, 3), s, p)[:1]
           + F.conv2d_backward_naive(dy, x, w, s, p)[1:]),
     Wrong("dweight was divided by the batch size: dy already holds the 1/N of the mean loss.",
           lambda dy, x, w, s, p: (lambda g: (g.dx, g.dweight / len(x), g.dbias))(F.conv2d_backward_naive(dy, x, w, s, p))),
     Wrong("dweight was computed from the unpadded x: the forward pass read windows of the PADDED input, so "
           "dweight sums dy times the padded windows (pad x first, as in the forward pass).",
           lambda dy, x, w, s, p: (lambda g: (g.dx, F.conv2d_backward_naive(
               dy, np.pad(x, ((0, 0), (0, 0), (0, 2 * p), (0, 2 * p))), w, s, 0).dweight, g.dbias))(
               F.conv2d_backward_naive(dy, x, w, s, p)) if p else cannot_show())],
    library="cnn_lib.functional.conv2d_backward_naive, then the vectorized cnn_lib.functional.conv2d_backward"))


def _pool_back(dy, x, k, s, route):
    """max_pool2d backward by loops; ``route(window, g)`` returns the window's gradient."""
    s = k if s is None else s
    N, C, OH, OW = dy.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    r, q = slice(i * s, i * s + k), slice(j * s, j * s + k)
                    dx[n, c, r, q] = route(dx[n, c, r, q], x[n, c, r, q], dy[n, c, i, j])
    return dx


def _first_max(window):
    mask = np.zeros(window.shape, dtype=bool)
    mask[np.unravel_index(np.argmax(window), window.shape)] = True
    return mask


def _last_max(window):
    flat = window.ravel()
    mask = np.zeros(flat.shape, dtype=bool)
    mask[len(flat) - 1 - np.argmax(flat[::-1])] = True
    return mask.reshape(window.shape)


def _pool_case(seed, n, c, h, w, k, s, ties=False, scale=None):
    x = normal(seed, n, c, h, w, scale=scale) if scale else ints(seed, n, c, h, w, low=-9, high=10)
    if ties:
        x = ints(seed, n, c, h, w, low=0, high=3)
    oh, ow = _pool_size(x, k, s)
    return ints(seed + 1, n, c, oh, ow, low=1, high=6), x, k, s


exercise(Spec(
    "max_pool2d_backward_naive", ("dy", "x", "kernel_size", "stride"), ("dx",), F.max_pool2d_backward_naive,
    [Case("one 4x4 map, 2x2 windows, no ties", _pool_case(1, 1, 1, 4, 4, 2, None)),
     Case("ties: equal maxima in a window (only the first, in row order, gets dy, as in PyTorch)",
          (np.array([[[[3.0, 4.0]]]]), np.array([[[[5.0, 5.0, 1.0, 2.0], [1.0, 5.0, 2.0, 2.0]]]]), 2, None)),
     Case("stride 1: overlapping windows share a maximum (their gradients add up)",
          (np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), np.array([[[[0.0, 1.0, 0.0], [2.0, 9.0, 3.0], [0.0, 4.0, 0.0]]]]), 2, 1)),
     Case("batch 2, 2 channels, 4x6 maps, with ties", _pool_case(3, 2, 2, 4, 6, 2, None, ties=True)),
     Case("general: batch 2, 3 channels, 7x5, 3x3 windows, stride 2, large values",
          _pool_case(5, 2, 3, 7, 5, 3, 2, scale=1000))],
    [Wrong("the gradient was spread over the whole window (dy / k*k each): only the maximum affected "
           "the output, so only it gets dy.",
           lambda dy, x, k, s: _pool_back(dy, x, k, s, lambda d, win, g: d + g / win.size)),
     Wrong("dy was copied to every pixel of the window: only the position of the maximum gets it, the "
           "others get 0.", lambda dy, x, k, s: _pool_back(dy, x, k, s, lambda d, win, g: d + g)),
     Wrong("every tied maximum got dy: route it to ONE position, the first maximum in row order "
           "(np.argmax), as PyTorch does; otherwise the gradient is counted twice.",
           lambda dy, x, k, s: _pool_back(dy, x, k, s, lambda d, win, g: d + g * (win == win.max()))),
     Wrong("a tie went to the LAST maximum: the convention (np.argmax, PyTorch) is the first one in row order.",
           lambda dy, x, k, s: _pool_back(dy, x, k, s, lambda d, win, g: d + g * _last_max(win))),
     Wrong("overlapping windows overwrote each other: a pixel that is the maximum of two windows collects "
           "both gradients, dx[...] += dy, not =.",
           lambda dy, x, k, s: _pool_back(dy, x, k, s, lambda d, win, g: np.where(_first_max(win), g, d))),
     Wrong("the maximum's row and column are swapped: np.argmax gives a flat index a; its row is a // k and "
           "its column a % k (or use np.unravel_index(a, window.shape)).",
           lambda dy, x, k, s: _pool_back(dy, x, k, s, lambda d, win, g: d + g * _first_max(win).T)),
     Wrong("you returned dy itself: dx has the INPUT's shape (N, C, H, W), with each dy placed at its "
           "window's maximum and 0 elsewhere.", lambda dy, x, k, s: dy.copy()),
     Wrong("dy was ignored: the maximum gets the incoming gradient dy[n, c, i, j], not 1.",
           lambda dy, x, k, s: _pool_back(np.ones_like(dy), x, k, s, lambda d, win, g: d + g * _first_max(win))),
     Wrong("dx started from x (x.copy()): start from zeros (np.zeros_like(x)); a pixel that is no window's "
           "maximum gets gradient 0.", lambda dy, x, k, s: _pool_back(dy, x, k, s, lambda d, win, g: d + g * _first_max(win)) + x),
     Wrong("dx started from x (x.copy()): start from zeros (np.zeros_like(x)); a pixel that is no window's "
           "maximum gets gradient 0.",
           lambda dy, x, k, s: np.where(_pool_back(np.ones_like(dy), x, k, s, lambda d, win, g: d + g * _first_max(win)) > 0,
                                        _pool_back(dy, x, k, s, lambda d, win, g: d + g * _first_max(win)), x)),
     Wrong("with stride=None the stride is the kernel size (windows side by side), as in the forward pass.",
           lambda dy, x, k, s: _pool_back(dy, x, k, 1, lambda d, win, g: d + g * _first_max(win))
           if s is None else cannot_show())],
    library="cnn_lib.functional.max_pool2d_backward_naive, then the vectorized cnn_lib.functional.max_pool2d_backward"))


# ---------------------------------------------------------------- notebook 04: the update; notebook 05: a training step
def sgd_momentum_reference(weight, grad, velocity, lr, momentum):
    """PyTorch's SGD with momentum, as :class:`cnn_lib.SGD`: v <- momentum*v + grad; w <- w - lr*v."""
    v = momentum * velocity + grad
    return weight - lr * v, v


exercise(Spec(
    "sgd_momentum_step", ("weight", "grad", "velocity", "lr", "momentum"), ("new_weight", "new_velocity"),
    sgd_momentum_reference,
    [Case("momentum 0: plain SGD (the stored velocity plays no part)",
          (np.array([1.0, -2.0]), np.array([0.5, 1.0]), np.array([0.3, -0.2]), 0.1, 0.0)),
     Case("first step with momentum 0.9 (velocity starts at 0)",
          (np.array([1.0, -2.0]), np.array([0.5, 1.0]), np.zeros(2), 0.1, 0.9)),
     Case("a velocity carried over from earlier steps",
          (np.array([1.0, -2.0]), np.array([0.5, 1.0]), np.array([2.0, -1.0]), 0.1, 0.9)),
     Case("general: a 3x4 weight, large values", (normal(1, 3, 4, scale=100), normal(2, 3, 4), normal(3, 3, 4), 0.05, 0.8))],
    [Wrong("the step went uphill: w <- w - lr * v (minus: the gradient points towards a larger loss).",
           lambda w, g, v, lr, m: (w + lr * (m * v + g), m * v + g)),
     Wrong("the weight moved with the OLD velocity: update v first (v = momentum*v + grad), then w -= lr*v.",
           lambda w, g, v, lr, m: (w - lr * v, m * v + g)),
     Wrong("momentum is ignored: v = momentum * v + grad carries the earlier steps along.",
           lambda w, g, v, lr, m: (w - lr * g, g.copy())),
     Wrong("you used the other convention (v = momentum*v - lr*grad; w += v). Same steps, but cnn_lib and "
           "PyTorch keep v = momentum*v + grad and apply lr to the weight: w -= lr*v.",
           lambda w, g, v, lr, m: (w + (m * v - lr * g), m * v - lr * g)),
     Wrong("lr went into the velocity (v = momentum*v + lr*grad): PyTorch keeps v = momentum*v + grad "
           "and applies lr to the weight.", lambda w, g, v, lr, m: (w - (m * v + lr * g), m * v + lr * g)),
     Wrong("you damped the gradient, (1 - momentum) * grad: PyTorch's SGD adds the full grad, v = momentum*v + grad.",
           lambda w, g, v, lr, m: (w - lr * (m * v + (1 - m) * g), m * v + (1 - m) * g)),
     Wrong("the velocity you returned is the old one: return the updated v, the next step needs it.",
           lambda w, g, v, lr, m: (w - lr * (m * v + g), v.copy())),
     Wrong("the weight ignores the velocity: w -= lr * v, where v = momentum*v + grad.",
           lambda w, g, v, lr, m: (w - lr * g, m * v + g)),
     Wrong("the learning rate is missing from the step: w <- w - lr * v.",
           lambda w, g, v, lr, m: (w - (m * v + g), m * v + g)),
     Wrong("momentum multiplies the wrong term: it scales the OLD velocity, v = momentum * velocity + grad.",
           lambda w, g, v, lr, m: (w - lr * (v + m * g), v + m * g))],
    library="cnn_lib.SGD.step (cnn_lib/optim.py), which updates every layer's weights in place"))


def _model(kind, seed):
    rng = np.random.default_rng(seed)
    if kind == "linear":
        model = Sequential(Linear(4, 3, rng=rng))
    else:
        model = Sequential(Conv2d(1, 2, 3, padding=1, rng=rng), ReLU(), MaxPool2d(2), Flatten(), Linear(8, 3, rng=rng))
    for layer, name in model.parameters():
        layer.params[name] = layer.params[name].astype(np.float64)
    return model


def _train_case(kind, seed, momentum=0.0, warm=False):
    model = _model(kind, seed)
    optimizer = SGD(model, lr=0.5, momentum=momentum)
    shape = (3, 4) if kind == "linear" else (3, 1, 4, 4)
    x, y = normal(seed + 1, *shape), np.array([0, 2, 1])
    if warm:                                                  # a previous step left gradients behind
        train_step(model, optimizer, normal(seed + 2, *shape), np.array([1, 1, 0]))
    return model, optimizer, x, y


def _params_after(args):
    return [(f"weights after the step ({name} of layer {i})", layer.params[name])
            for i, layer in enumerate(args[0].layers) for name in sorted(layer.params)]


def _variant_step(model, optimizer, x, y, backward=True, steps=1, scale=1.0, loss_after=False, probs=False,
                  logits_after=False, loss_scale=1.0, softmax_first=False):
    logits = model.forward(x)
    loss, dlogits = softmax_cross_entropy(softmax(logits) if softmax_first else logits, y)
    if backward:
        model.backward(scale * dlogits)
    for _ in range(steps):
        optimizer.step()
    if loss_after:
        loss = softmax_cross_entropy(model.forward(x), y)[0]
    if logits_after:
        logits = model.forward(x)
    return loss * loss_scale, softmax(logits) if probs else logits


exercise(Spec(
    "train_step", ("model", "optimizer", "x", "y"), ("loss", "logits"), train_step,
    [Case("a Linear(4, 3) model, a batch of 3, SGD lr 0.5", _train_case("linear", 1)),
     Case("the same after an earlier step (old gradients are still stored)", _train_case("linear", 2, warm=True)),
     Case("general: a small CNN (Conv2d, ReLU, MaxPool2d, Flatten, Linear), SGD with momentum 0.9",
          _train_case("cnn", 3, momentum=0.9, warm=True))],
    [Wrong("the weights did not change: call optimizer.step() after model.backward(dlogits).",
           lambda m, o, x, y: _variant_step(m, o, x, y, backward=False, steps=0)),
     Wrong("optimizer.step() found no gradients: call model.backward(dlogits) BEFORE optimizer.step() "
           "(the step reads the gradients backward stores).",
           lambda m, o, x, y: _variant_step(m, o, x, y, backward=False), raises=True),
     Wrong("optimizer.step() used stale gradients: call model.backward(dlogits) BEFORE optimizer.step() "
           "(the step reads the gradients backward stores).",
           lambda m, o, x, y: _variant_step(m, o, x, y, backward=False), raises=True),
     Wrong("the step went uphill: pass dlogits itself to model.backward (not -dlogits); the optimizer "
           "subtracts lr * gradient.", lambda m, o, x, y: _variant_step(m, o, x, y, scale=-1.0)),
     Wrong("the gradient is N times too large: softmax_cross_entropy's dlogits already has the 1/N of the "
           "mean loss; pass it to model.backward unchanged.",
           lambda m, o, x, y: _variant_step(m, o, x, y, scale=float(len(x)))),
     Wrong("you returned the loss AFTER the update: return the loss of the forward pass that gave the gradients.",
           lambda m, o, x, y: _variant_step(m, o, x, y, loss_after=True)),
     Wrong("the weights moved twice: call optimizer.step() once per iteration.",
           lambda m, o, x, y: _variant_step(m, o, x, y, steps=2), raises=True),
     Wrong("you returned probabilities: return the logits, model.forward(x) itself (softmax is inside the loss).",
           lambda m, o, x, y: _variant_step(m, o, x, y, probs=True)),
     Wrong("you returned the logits of a second forward pass, after the step: return the logits the loss was "
           "computed from (the forward pass before optimizer.step()).",
           lambda m, o, x, y: _variant_step(m, o, x, y, logits_after=True)),
     Wrong("the loss is N times too large: softmax_cross_entropy already returns the MEAN over the batch; "
           "return it as it is.", lambda m, o, x, y: _variant_step(m, o, x, y, loss_scale=float(len(x)))),
     Wrong("softmax was applied before the loss: softmax_cross_entropy takes the logits and applies softmax "
           "itself.", lambda m, o, x, y: _variant_step(m, o, x, y, softmax_first=True))],
    library="cnn_lib.train_step (cnn_lib/train.py), which fit() calls once per batch",
    pure=False, after=_params_after))
