"""The operations of a CNN as plain functions, forward and backward, written twice.

``*_naive`` versions loop node by node and read like the maths (notebooks 02 and 04).
The unsuffixed versions compute the same numbers with whole-array numpy (no Python loop
over the batch or over output positions) and are what the layers use. Tests check each pair
agrees on random shapes.

Shapes (NCHW, as in PyTorch): x ``(N, C, H, W)``; conv weight ``(C_out, C_in, KH, KW)``;
bias ``(C_out,)``; output ``(N, C_out, OH, OW)`` with ``OH = output_size(H, KH, stride, padding)``.
"Convolution" is cross-correlation, as in every framework: the kernel is not flipped.
"""
from collections import namedtuple

import numpy as np

from ._checks import NCHW_HINT, NHWC_HINT, check_array, check_int, check_loops, check_size, fail, show
from .arithmetic import PADDING_HINT, STRIDE_HINT, _output_size, output_size

ConvGrads = namedtuple("ConvGrads", ["dx", "dweight", "dbias"])
LinearGrads = namedtuple("LinearGrads", ["dx", "dweight", "dbias"])
ConvForward = namedtuple("ConvForward", ["y", "cols"])


# ---------------------------------------------------------------- checks
def _conv_args(func, x, weight, bias, stride, padding):
    """Validate a convolution's arguments; return ``(x, weight, bias, stride, padding, OH, OW)``.

    Lists become arrays and ints floats; NaN / inf, channels-last input, kernels larger than the
    padded input and outputs over the size guard are refused with a hint.
    """
    x = check_array(func, "x", x, 4, "(N, C, H, W)", NCHW_HINT)
    weight = check_array(func, "weight", weight, 4, "(C_out, C_in, KH, KW)",
                         "Hint: one 3x3 kernel on a grey image is w[None, None] of shape (1, 1, 3, 3).")
    s = check_int(func, "stride", stride, 1, STRIDE_HINT)
    p = check_int(func, "padding", padding, 0, PADDING_HINT)
    N, C, H, W = x.shape
    C_out, C_in, KH, KW = weight.shape
    if C != C_in:
        hint = (NHWC_HINT if W == C_in else f"Hint: every kernel spans all input channels; use a weight of shape "
                f"({C_out}, {C}, {KH}, {KW}), or check that x is (N, C, H, W).")
        fail(func, f"x's channel axis (axis 1, weight shape {weight.shape})", f"C_in = {C_in}", f"{C} channels", hint)
    if bias is not None:
        bias = check_array(func, "bias", bias, 1, "(C_out,)", "Hint: one bias per kernel.")
        if bias.shape != (C_out,):
            fail(func, "bias", f"of shape (C_out,) = ({C_out},)", f"shape {bias.shape}", "Hint: one bias per kernel.")
    for axis, n, k in (("height", H, KH), ("width", W, KW)):
        if k > n + 2 * p:
            fail(func, f"the kernel {axis}", f"at most the padded input {axis} {n} + 2*{p} = {n + 2 * p}", k,
                 "Hint: use a smaller kernel or more padding.")
    OH, OW = output_size(H, KH, s, p), output_size(W, KW, s, p)
    check_size(func, "the padded input, the output and the im2col matrix",
               N * C * (H + 2 * p) * (W + 2 * p) + N * OH * OW * (C_out + C * KH * KW), x.itemsize,
               "Hint: use less padding, a smaller batch or fewer channels.")
    return x, weight, bias, s, p, OH, OW


def _refuse_nhwc(func, x):
    """Refuse x (N, H, W, C) given for (N, C, H, W): square images (axis 1 == axis 2) with 1 or 3 'columns'."""
    if x.shape[3] in (1, 3) and x.shape[1] == x.shape[2] > 4:
        fail(func, "x", "(N, C, H, W), channels on axis 1", f"shape {x.shape}, which looks like (N, H, W, C) "
             f"with {x.shape[3]} channel(s) last", NHWC_HINT)


def _window_args(func, x, KH, KW, stride, padding):
    """Validate ``windows``' and ``im2col``'s arguments; return ``(x, KH, KW, stride, padding)``."""
    x = check_array(func, "x", x, 4, "(N, C, H, W)", NCHW_HINT)
    _refuse_nhwc(func, x)
    KH, KW = (check_int(func, name, k, 1, "Hint: 3 for a 3x3 window.") for name, k in (("KH", KH), ("KW", KW)))
    stride, padding = check_int(func, "stride", stride, 1, STRIDE_HINT), check_int(func, "padding", padding, 0)
    check_size(func, "the padded input", x.shape[0] * x.shape[1] * (x.shape[2] + 2 * padding) * (x.shape[3] + 2 * padding))
    _output_size(func, x.shape[2], KH, stride, padding), _output_size(func, x.shape[3], KW, stride, padding)
    return x, KH, KW, stride, padding


def _grad_arg(func, dy, shape):
    """``dy`` as a float array of the forward output's ``shape`` (no broadcasting), else a clear error."""
    dy = check_array(func, "dy", dy)
    if dy.shape != tuple(shape):
        nhwc = len(shape) == 4 and dy.shape == (shape[0], shape[2], shape[3], shape[1])
        fail(func, "dy (the gradient of the output)", f"of the forward output's shape {tuple(shape)}",
             f"shape {dy.shape}", NHWC_HINT.replace("x.", "dy.") if nhwc else NCHW_HINT.replace("x[", "dy[")
             if dy.ndim < len(shape) else "Hint: pass the gradient of this function's output, e.g. np.ones_like(y).")
    return dy


def _pad(x, p):
    """Zero-pad the two spatial axes: (N, C, H, W) -> (N, C, H+2p, W+2p)."""
    if not p:
        return x
    # Speed: what np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))) gives, in two numpy calls instead of a dozen
    # (np.pad is general; 0.1 ms of a 9 ms half batch in notebook 05's first convolution)
    N, C, H, W = x.shape
    xp = np.zeros((N, C, H + 2 * p, W + 2 * p), dtype=x.dtype)
    xp[:, :, p:p + H, p:p + W] = x
    return xp


# ---------------------------------------------------------------- convolution, naive
def conv2d_naive(x, weight, bias=None, stride=1, padding=0):
    """Cross-correlation by loops, one output node at a time: x (N, C, H, W) -> (N, C_out, OH, OW).

    Node ``y[n, o, i, j]`` is the sum of ``weight[o] * patch`` over the (C, KH, KW) patch of the
    padded input whose top-left corner is ``(i * stride, j * stride)``, plus ``bias[o]``.
    """
    x, weight, bias, s, p, OH, OW = _conv_args("conv2d_naive", x, weight, bias, stride, padding)
    N = x.shape[0]
    C_out, _, KH, KW = weight.shape
    check_loops("conv2d_naive", N * C_out * OH * OW, "Hint: conv2d computes the same numbers without Python loops.")
    xp = _pad(x, p)
    y = np.zeros((N, C_out, OH, OW), dtype=np.result_type(x, weight))
    for n in range(N):
        for o in range(C_out):
            for i in range(OH):
                for j in range(OW):
                    patch = xp[n, :, i * s:i * s + KH, j * s:j * s + KW]
                    y[n, o, i, j] = np.sum(patch * weight[o]) + (bias[o] if bias is not None else 0)
    return y


def conv2d_backward_naive(dy, x, weight, stride=1, padding=0):
    """Gradients of a convolution by loops: each node sends ``dy`` back to the patch it read.

    dy (N, C_out, OH, OW), x (N, C, H, W), weight (C_out, C, KH, KW) ->
    ``ConvGrads(dx (N, C, H, W), dweight (C_out, C, KH, KW), dbias (C_out,))``.
    """
    x, weight, _, s, p, OH, OW = _conv_args("conv2d_backward_naive", x, weight, None, stride, padding)
    N = x.shape[0]
    C_out, _, KH, KW = weight.shape
    dy = _grad_arg("conv2d_backward_naive", dy, (N, C_out, OH, OW))
    check_loops("conv2d_backward_naive", N * C_out * OH * OW, "Hint: conv2d_backward gives the same numbers fast.")
    xp = _pad(x, p)
    dxp = np.zeros_like(xp, dtype=np.result_type(dy, x))
    dweight = np.zeros_like(weight, dtype=np.result_type(dy, weight))
    for n in range(N):
        for o in range(C_out):
            for i in range(OH):
                for j in range(OW):
                    rows, cols = slice(i * s, i * s + KH), slice(j * s, j * s + KW)
                    dweight[o] += dy[n, o, i, j] * xp[n, :, rows, cols]
                    dxp[n, :, rows, cols] += dy[n, o, i, j] * weight[o]
    dx = dxp[:, :, p:p + x.shape[2], p:p + x.shape[3]]
    return ConvGrads(dx, dweight, dy.sum(axis=(0, 2, 3)))


# ---------------------------------------------------------------- convolution, vectorized
def windows(x, KH, KW, stride=1, padding=0):
    """Every (KH, KW) window of the padded input, as a view: (N, C, H, W) -> (N, C, OH, OW, KH, KW).

    No copy: ``numpy.lib.stride_tricks.sliding_window_view`` reads the same memory.
    """
    return _windows(*_window_args("windows", x, KH, KW, stride, padding))


def _windows(x, KH, KW, stride, padding):
    """:func:`windows` without the checks (for callers that checked already)."""
    view = np.lib.stride_tricks.sliding_window_view(_pad(x, padding), (KH, KW), axis=(2, 3))
    return view[:, :, ::stride, ::stride]    # (N, C, H+2p-KH+1, ...) -> (N, C, OH, OW, KH, KW)


def im2col(x, KH, KW, stride=1, padding=0):
    """Windows laid out as rows of a matrix: (N, C, H, W) -> (N*OH*OW, C*KH*KW).

    One row per output node, one column per weight, so a convolution is a single matrix product:
    row ``n*OH*OW + i*OW + j`` is ``windows(x, ...)[n, :, i, j].ravel()``, window (i, j) of image n.
    For speed the matrix is built transposed, as a contiguous (C*KH*KW, N*OH*OW) array in which
    the rows of kernel offset (a, b) hold the input as that offset sees it, and its transpose is
    returned: same values, a view, no second copy.
    """
    x, KH, KW, stride, padding = _window_args("im2col", x, KH, KW, stride, padding)   # np.array([3]) -> 3
    N, C, H, W = x.shape
    OH, OW = (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1
    check_size("im2col", "the im2col matrix", C * KH * KW * N * OH * OW, x.itemsize,
               "Hint: use a smaller batch or fewer channels.")
    return _im2col(x, KH, KW, stride, padding)


def _im2col(x, KH, KW, stride, padding):
    """:func:`im2col` without the checks, for callers that checked already (conv2d: once per call, not twice)."""
    xp = _pad(x, padding)                                 # (N, C, H+2p, W+2p)
    N, C, Hp, Wp = xp.shape
    OH, OW = (Hp - KH) // stride + 1, (Wp - KW) // stride + 1
    cols_t = np.empty((C, KH, KW, N, OH, OW), dtype=x.dtype)
    # Speed: copied straight from windows(x), the runs of neighbouring pixels are only OW long
    # (10 in notebook 05's conv 2); in two steps, first one kernel column, they are OH*OW (1.3x faster).
    for b in range(KW):
        # what kernel column b sees: (N, C, H+2p, W+2p) -> (N, C, H+2p, OW) -> (C, N, H+2p, OW), a copy
        seen = xp[:, :, :, b:b + stride * OW:stride].transpose(1, 0, 2, 3).copy()
        for a in range(KH):
            cols_t[:, a, b] = seen[:, :, a:a + stride * OH:stride]        # (C, N, OH, OW): offset (a, b)
    # (C, KH, KW, N, OH, OW) -> (C*KH*KW, N*OH*OW) -> (N*OH*OW, C*KH*KW), a view
    return cols_t.reshape(C * KH * KW, N * OH * OW).T


def col2im(dwin, x_shape, stride=1, padding=0):
    """Add window gradients back into the input they were read from (the reverse of ``windows``).

    dwin (N, C, OH, OW, KH, KW) -> dx (N, C, H, W). Overlapping windows add up. Loops only over
    the KH*KW offsets inside a window, never over the batch or output positions.
    """
    dwin = check_array("col2im", "dwin", dwin, 6, "(N, C, OH, OW, KH, KW)", "Hint: pass windows-shaped gradients.",
                       finite=False)
    if not (isinstance(x_shape, tuple) and len(x_shape) == 4):
        fail("col2im", "x_shape", "a tuple (N, C, H, W)", show(x_shape), "Hint: pass x.shape.", TypeError)
    N, C, H, W = (check_int("col2im", "x_shape", n, 1) for n in x_shape)
    stride, padding = check_int("col2im", "stride", stride, 1, STRIDE_HINT), check_int("col2im", "padding", padding, 0)
    _, _, OH, OW, KH, KW = dwin.shape
    if dwin.shape[:2] != (N, C) or output_size(H, KH, stride, padding) != OH or output_size(W, KW, stride, padding) != OW:
        fail("col2im", "dwin", f"of the shape windows(x) has for x_shape {x_shape}", f"shape {dwin.shape}",
             "Hint: stride and padding must be those the windows were taken with.")
    # Speed: dxp is laid out in memory with its axes in the same order as dwin's (conv2d_backward puts
    # the batch innermost), so each += below walks both arrays in step, in long contiguous runs.
    order = np.argsort([-step for step in dwin.strides[:4]], kind="stable")   # dwin's axes, slowest first
    padded = (N, C, H + 2 * padding, W + 2 * padding)
    dxp = np.zeros([padded[i] for i in order], dtype=dwin.dtype).transpose(np.argsort(order))   # (N, C, H+2p, W+2p)
    for a in range(KH):
        for b in range(KW):
            dxp[:, :, a:a + stride * OH:stride, b:b + stride * OW:stride] += dwin[..., a, b]
    return dxp[:, :, padding:padding + H, padding:padding + W]


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Cross-correlation as one matrix product: x (N, C, H, W) -> y (N, C_out, OH, OW).

    Same numbers as :func:`conv2d_naive`, hundreds of times faster. Introduced in notebook 02.
    """
    x, weight, bias, s, p, _, _ = _conv_args("conv2d", x, weight, bias, stride, padding)
    return conv2d_with_cols(x, weight, bias, s, p).y


def conv2d_with_cols(x, weight, bias=None, stride=1, padding=0):
    """:func:`conv2d` that also returns the ``im2col`` matrix it built, for the backward pass.

    Returns ``ConvForward(y (N, C_out, OH, OW), cols (N*OH*OW, C*KH*KW))``.
    """
    x, weight, bias, s, p, OH, OW = _conv_args("conv2d_with_cols", x, weight, bias, stride, padding)
    N = x.shape[0]
    C_out, C, KH, KW = weight.shape
    cols = _im2col(x, KH, KW, s, p)                      # (N*OH*OW, C*KH*KW), a view of a (C*KH*KW, N*OH*OW) array
    y = weight.reshape(C_out, C * KH * KW) @ cols.T     # (C_out, C*KH*KW) @ (C*KH*KW, N*OH*OW) -> (C_out, N*OH*OW)
    if bias is not None:
        y += bias[:, None]                               # (C_out,) -> (C_out, 1): one bias per row
    # (C_out, N*OH*OW) -> (C_out, N, OH, OW) -> (N, C_out, OH, OW)
    return ConvForward(y.reshape(C_out, N, OH, OW).transpose(1, 0, 2, 3), cols)


def conv2d_backward(dy, x, weight, stride=1, padding=0, cols=None, input_grad=True):
    """Vectorized gradients of :func:`conv2d`; same result as :func:`conv2d_backward_naive`.

    dy (N, C_out, OH, OW) -> ``ConvGrads(dx (N, C, H, W), dweight (C_out, C, KH, KW), dbias (C_out,))``.
    ``cols`` may pass ``im2col(x, ...)`` saved by the forward pass, to avoid building it again.
    ``input_grad=False`` skips dx (returned as None): a network's first layer needs no gradient for
    the images it reads, and PyTorch skips it too (about a tenth of notebook 05's training time).
    dweight correlates the input with dy; dx spreads dy back through the kernel (notebook 04).
    """
    x, weight, _, s, p, OH, OW = _conv_args("conv2d_backward", x, weight, None, stride, padding)
    dy = _grad_arg("conv2d_backward", dy, (x.shape[0], weight.shape[0], OH, OW))
    return _conv2d_backward(dy, x, weight, s, p, cols, input_grad)


def _conv2d_backward(dy, x, weight, s, p, cols=None, input_grad=True):
    """:func:`conv2d_backward` without the checks: for ``Conv2d.backward``, whose x and weight were
    checked by its forward pass and dy by ``Layer._saved`` (speed: no second round of checks per step)."""
    N, C, H, W = x.shape
    C_out, _, KH, KW = weight.shape
    OH, OW = dy.shape[2:]
    if cols is None:
        cols = _im2col(x, KH, KW, s, p)
    # For speed, work with "channels first" matrices, (channels, N*OH*OW), like im2col's copy.
    # (N, C_out, OH, OW) -> (C_out, N, OH, OW) -> (C_out, N*OH*OW)
    dy_t = dy.transpose(1, 0, 2, 3).reshape(C_out, N * OH * OW)
    # dweight = dy_t @ cols, computed as the transpose of (C*KH*KW, N*OH*OW) @ (N*OH*OW, C_out):
    # the same sums, in the operand order BLAS runs fastest here
    dweight = (cols.T @ dy_t.T).T.reshape(weight.shape)  # (C_out, C*KH*KW) -> (C_out, C, KH, KW)
    if not input_grad:
        return ConvGrads(None, dweight, dy_t.sum(axis=1))
    # dx spreads dy back through the kernel: dcols = weight.T @ dy, then col2im adds each window back.
    if C * KH * KW >= C_out * OW / 4:
        # Speed, when windows are many and dy is small (conv 2 of notebook 05: 1.4x faster): put the
        # columns in (OH, OW, N) order, batch innermost, so that col2im adds runs of OW*N numbers, not OW.
        # (N, C_out, OH, OW) -> (C_out, OH, OW, N) -> (C_out, OH*OW*N)
        dy_b = dy.transpose(1, 2, 3, 0).reshape(C_out, OH * OW * N)
        dcols_b = weight.reshape(C_out, -1).T @ dy_b     # (C*KH*KW, C_out) @ (C_out, OH*OW*N)
        # (C*KH*KW, OH*OW*N) -> (C, KH, KW, OH, OW, N) -> (N, C, OH, OW, KH, KW), a view
        dwin = dcols_b.reshape(C, KH, KW, OH, OW, N).transpose(5, 0, 3, 4, 1, 2)
        dx = col2im(dwin, x.shape, s, p)                 # (N, C, H, W), batch innermost in memory
    else:                                                # few windows, big dy (a first layer): no reordering
        dcols_t = weight.reshape(C_out, -1).T @ dy_t     # (C*KH*KW, C_out) @ (C_out, N*OH*OW)
        # (C*KH*KW, N*OH*OW) -> (C, KH, KW, N, OH, OW) -> (N, C, OH, OW, KH, KW), a view
        dwin = dcols_t.reshape(C, KH, KW, N, OH, OW).transpose(3, 0, 4, 5, 1, 2)
        dx = col2im(dwin, x.shape, s, p)                 # (N, C, H, W), channels outermost in memory
    return ConvGrads(dx, dweight, dy_t.sum(axis=1))


# ---------------------------------------------------------------- max pooling
def _pool_args(func, x, kernel_size, stride):
    """Validate a pooling's arguments; return ``(x, k, stride, OH, OW)``."""
    x = check_array(func, "x", x, 4, "(N, C, H, W)", NCHW_HINT)
    _refuse_nhwc(func, x)
    k = check_int(func, "kernel_size", kernel_size, 1, "Hint: 2 pools 2x2 windows.")
    s = k if stride is None else check_int(func, "stride", stride, 1, STRIDE_HINT)
    H, W = x.shape[2:]
    if k > min(H, W):
        fail(func, "kernel_size", f"at most the input's height and width ({H} x {W})", k,
             NHWC_HINT if W in (1, 3, 4) and H > 4 else "Hint: pool with a smaller window, or pool less often.")
    return x, k, s, output_size(H, k, s), output_size(W, k, s)


def max_pool2d_naive(x, kernel_size, stride=None):
    """Max pooling by loops: each node is the largest value in its window. (N, C, H, W) -> (N, C, OH, OW).

    ``stride`` defaults to ``kernel_size`` (windows side by side); a smaller stride overlaps them.
    """
    x, k, s, OH, OW = _pool_args("max_pool2d_naive", x, kernel_size, stride)
    N, C = x.shape[:2]
    check_loops("max_pool2d_naive", N * C * OH * OW, "Hint: max_pool2d computes the same numbers without loops.")
    y = np.zeros((N, C, OH, OW), dtype=x.dtype)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    y[n, c, i, j] = x[n, c, i * s:i * s + k, j * s:j * s + k].max()
    return y


def max_pool2d_backward_naive(dy, x, kernel_size, stride=None):
    """Max pooling's gradient by loops: each node's dy goes to the (first) position of its maximum.

    dy (N, C, OH, OW), x (N, C, H, W) -> dx (N, C, H, W).
    """
    x, k, s, OH, OW = _pool_args("max_pool2d_backward_naive", x, kernel_size, stride)
    N, C = x.shape[:2]
    dy = _grad_arg("max_pool2d_backward_naive", dy, (N, C, OH, OW))
    check_loops("max_pool2d_backward_naive", N * C * OH * OW, "Hint: max_pool2d_backward is the fast version.")
    dx = np.zeros_like(x, dtype=np.result_type(dy, x))
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    window = x[n, c, i * s:i * s + k, j * s:j * s + k]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * s + a, j * s + b] += dy[n, c, i, j]
    return dx


def _taps(x, k, s, OH, OW):
    """For each offset (a, b) inside a k x k window, the pixel at that offset of every window.

    Yields ``(a, b, tap)`` with ``tap`` a strided view (N, C, H, W) -> (N, C, OH, OW): ``tap[.., i, j]``
    is ``x[.., i*s + a, j*s + b]``. Offsets come in row order, so the first one is the top-left.
    """
    for a in range(k):
        for b in range(k):
            yield a, b, x[:, :, a:a + s * (OH - 1) + 1:s, b:b + s * (OW - 1) + 1:s]


def max_pool2d(x, kernel_size, stride=None):
    """Vectorized max pooling: (N, C, H, W) -> (N, C, OH, OW). Same numbers as the naive loops.

    Loops over the k*k offsets inside a window (4 for 2x2 pooling), never over pixels: the
    running maximum of the k*k strided views is each window's maximum.
    """
    x, k, s, OH, OW = _pool_args("max_pool2d", x, kernel_size, stride)
    y = None
    for _, _, tap in _taps(x, k, s, OH, OW):
        # (N, C, OH, OW); order="K" keeps x's memory order, so later passes walk x and y alike (speed)
        y = tap.copy(order="K") if y is None else np.maximum(y, tap, out=y)
    return y


def max_pool2d_backward(dy, x, kernel_size, stride=None, y=None):
    """Vectorized max-pool gradient: dy (N, C, OH, OW) -> dx (N, C, H, W), routed to each window's argmax.

    Each window's dy goes to the first position (in row order) holding its maximum, as in the
    naive loops: offsets are visited in row order and a window stops being ``free`` once served.
    ``y`` may pass ``max_pool2d(x, ...)`` kept by the forward pass, to avoid computing it again.
    """
    x, k, s, OH, OW = _pool_args("max_pool2d_backward", x, kernel_size, stride)
    dy = _grad_arg("max_pool2d_backward", dy, (*x.shape[:2], OH, OW))
    if y is None:
        y = max_pool2d(x, k, s)                               # (N, C, OH, OW): each window's maximum
    elif np.shape(y) != (x.shape[0], x.shape[1], OH, OW):
        raise ValueError(f"max_pool2d_backward: y must be max_pool2d(x, ...) of shape "
                         f"{(x.shape[0], x.shape[1], OH, OW)}, got shape {np.shape(y)}. Hint: pass the "
                         f"forward pass's output, or leave y out.")
    return _max_pool2d_backward(dy, x, k, s, y)


def _max_pool2d_backward(dy, x, k, s, y):
    """:func:`max_pool2d_backward` without the checks, for ``MaxPool2d.backward`` (x and y from its own
    forward pass, dy checked by ``Layer._saved``)."""
    OH, OW = y.shape[2:]
    # Speed: every array below is laid out in memory like x (conv2d's outputs are "channels first" in memory),
    # so each pass walks them all in the same order. dy may come in another order (Flatten's): copy it once.
    dy_in_order = np.empty_like(y, dtype=dy.dtype)            # (N, C, OH, OW), in x's memory order
    dy_in_order[...] = dy
    dy = dy_in_order
    # zeros_like etc. keep x's memory order. Speed: when the windows tile x exactly (the usual 2x2, stride 2),
    # the loop below writes every pixel of dx, so it need not be zeroed first.
    tiled = s == k and x.shape[2] == OH * k and x.shape[3] == OW * k
    dx = (np.empty_like if tiled else np.zeros_like)(x, dtype=np.result_type(dy, x))
    free = np.ones_like(y, dtype=bool)                        # windows whose dy has not been routed yet
    hit = np.empty_like(y, dtype=bool)                        # reused each offset: no new mask per pass
    for a, b, tap in _taps(x, k, s, OH, OW):
        np.equal(tap, y, out=hit)                             # (N, C, OH, OW): the maximum is at offset (a, b)
        hit &= free                                           # ... and no earlier offset held it (first max wins)
        free ^= hit                                           # served: no longer free (hit implies free)
        view = dx[:, :, a:a + s * (OH - 1) + 1:s, b:b + s * (OW - 1) + 1:s]   # (N, C, OH, OW), strided
        if s >= k:                                            # windows do not overlap: one dy per pixel at most
            np.multiply(dy, hit, out=view)                    # dy where hit, 0 elsewhere, written in place
        else:                                                 # overlapping windows: a pixel can collect several
            view += dy * hit
    # -0.0 (negative dy times False) -> 0.0, as the loops give. (Masked writes, np.copyto(where=hit), avoid
    # the -0.0 but took 2x longer in notebook 05's network: the mask is random, so they branch; benchmarks/README.md.)
    dx += 0.0
    return dx


# ---------------------------------------------------------------- linear and relu
def linear(x, weight, bias=None):
    """Fully connected layer: x (N, in) @ weight.T (in, out) + bias (out,) -> (N, out)."""
    x = check_array("linear", "x", x, 2, "(N, in_features)",
                    "Hint: flatten feature maps first: x.reshape(len(x), -1), or cnn_lib.Flatten(); one example: x[None].")
    weight = check_array("linear", "weight", weight, 2, "(out_features, in_features)", "Hint: Linear's weight.")
    if x.shape[1] != weight.shape[1]:
        fail("linear", f"x's number of features (weight shape {weight.shape})", f"in_features = {weight.shape[1]}",
             x.shape[1], "Hint: compute in_features from the shape before Flatten (C * H * W).")
    bias = None if bias is None else check_array("linear", "bias", bias, 1, "(out_features,)", "Hint: one per output.")
    if bias is not None and bias.shape != weight.shape[:1]:
        fail("linear", "bias", f"of shape (out_features,) = {weight.shape[:1]}", f"shape {np.shape(bias)}",
             "Hint: one bias per output.")
    y = x @ weight.T
    return y + bias if bias is not None else y


def linear_backward(dy, x, weight):
    """dy (N, out), x (N, in), weight (out, in) -> ``LinearGrads(dx (N, in), dweight (out, in), dbias (out,))``."""
    x = check_array("linear_backward", "x", x, 2, "(N, in_features)", "Hint: the x the forward pass got.")
    weight = check_array("linear_backward", "weight", weight, 2, "(out_features, in_features)", "Hint: Linear's weight.")
    if x.shape[1] != weight.shape[1]:
        fail("linear_backward", "x's number of features", f"in_features = {weight.shape[1]}", x.shape[1],
             "Hint: pass the x and weight of the forward pass.")
    dy = _grad_arg("linear_backward", dy, (len(x), len(weight)))
    return LinearGrads(dy @ weight, dy.T @ x, dy.sum(axis=0))


def relu(x):
    """max(x, 0), elementwise; any shape."""
    x = check_array("relu", "x", x)
    return np.maximum(x, 0)


def relu_backward(dy, x):
    """Gradient passes where x > 0 and stops where x <= 0; any shape."""
    x = check_array("relu_backward", "x", x)
    dy = _grad_arg("relu_backward", dy, x.shape)
    return dy * (x > 0)
