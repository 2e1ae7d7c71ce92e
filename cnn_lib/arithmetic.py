"""Sizes and counts: how big a feature map is, what a node sees, how many parameters a layer has.

Plain integer arithmetic (no numpy), taught in notebook 03 (stride arithmetic) and used by
notebooks 01, 02 and 05.
"""
from ._checks import as_number, check_bool, check_int, fail, show

STRIDE_HINT = "Hint: stride 1 moves the kernel one pixel at a time; it cannot be 0 or negative."
PADDING_HINT = "Hint: padding adds zeros around the input; 0 means none (valid)."
DILATION_HINT = "Hint: dilation 1 is an ordinary, dense kernel; 2 leaves one pixel between taps."


def dilated_span(kernel_size, dilation=1):
    """Pixels covered by a kernel of ``kernel_size`` taps spaced ``dilation`` apart: d(k-1)+1."""
    k = check_int("dilated_span", "kernel_size", kernel_size, 1, "Hint: the smallest kernel is 1x1.")
    return check_int("dilated_span", "dilation", dilation, 1, DILATION_HINT) * (k - 1) + 1


def output_size(n, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    """Output length along one axis of a convolution or pooling window sliding over ``n`` pixels.

    ``floor((n + 2*padding - dilation*(kernel_size-1) - 1) / stride) + 1``, PyTorch's rule. With
    ``ceil_mode=True`` the division rounds up (one extra, partial window covers the leftover
    pixels), but as in PyTorch's pooling the last window must start inside the input or the left
    padding, never in the right padding.

    Example: ``output_size(128, 11, stride=2)`` is 59 (the window fits at 0, 2, ..., 116;
    pixel 127 is never covered); ``ceil_mode=True`` gives 60. Introduced in notebook 03.
    """
    return _output_size("output_size", n, kernel_size, stride, padding, dilation, ceil_mode)


def _window(func, n, kernel_size, stride, padding, dilation):
    """``(n, k, s, p, d)`` checked as whole numbers (n, k, s, d >= 1, p >= 0), errors naming ``func``."""
    return (check_int(func, "n (input size)", n, 1, "Hint: the input must have at least one pixel."),
            check_int(func, "kernel_size", kernel_size, 1, "Hint: the smallest kernel is 1x1."),
            check_int(func, "stride", stride, 1, STRIDE_HINT), check_int(func, "padding", padding, 0, PADDING_HINT),
            check_int(func, "dilation", dilation, 1, DILATION_HINT))


def _output_size(func, n, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    """:func:`output_size`, with ``func`` (the function the learner called) named in its errors."""
    n, k, s, p, d = _window(func, n, kernel_size, stride, padding, dilation)
    ceil_mode = check_bool(func, "ceil_mode", ceil_mode)
    span = dilated_span(k, d)
    if span > n + 2 * p:
        covered = f"kernel_size {k} at dilation {d} covers {span} pixels" if d > 1 else f"kernel_size {k}"
        raise ValueError(
            f"{func}: the kernel does not fit: {covered}, but got a padded input of only "
            f"{n} + 2*{p} = {n + 2 * p} pixels. Hint: use a smaller kernel or more padding.")
    room = n + 2 * p - span                  # how far the window can move
    if not ceil_mode:
        return room // s + 1
    out = -(-room // s) + 1                  # ceil division: one partial window for the leftovers
    if (out - 1) * s >= n + p:               # it would start in the right padding: drop it
        out -= 1
    return out


def leftover(n, kernel_size, stride=1, padding=0, dilation=1):
    """Pixels at the end of the padded input that no window covers (floor mode): ``room % stride``."""
    out = _output_size("leftover", n, kernel_size, stride, padding, dilation)
    n, k, s, p, d = (int(as_number(v)) for v in (n, kernel_size, stride, padding, dilation))   # checked above
    return n + 2 * p - ((out - 1) * s + dilated_span(k, d))


def receptive_field(layers):
    """Receptive field of one node after a stack of layers, and the stride between neighbours.

    ``layers``: a list of ``(kernel_size, stride)`` or ``(kernel_size, stride, dilation)``.
    Returns ``(rf, jump)``: the input patch is rf x rf; moving one node over moves it ``jump``
    pixels. Two stacked 3x3 convolutions see 5x5: ``receptive_field([(3, 1), (3, 1)]) == (5, 1)``.
    Introduced in notebook 02.
    """
    func = "receptive_field"
    if not isinstance(layers, (list, tuple)):
        fail(func, "layers", "a list of (kernel_size, stride) pairs", show(layers),
             "Hint: receptive_field([(3, 1), (2, 2)]) for a 3x3 conv then 2x2 pooling.", TypeError)
    rf, jump = 1, 1
    for i, layer in enumerate(layers):
        if not isinstance(layer, (list, tuple)) or len(layer) not in (2, 3):
            fail(func, f"layers[{i}]", "a pair (kernel_size, stride) or a triple with dilation", show(layer),
                 "Hint: write (3, 1) for a 3x3 kernel at stride 1, even when the stride is 1.", TypeError)
        k, s, *rest = layer
        k = check_int(func, f"layers[{i}] kernel_size", k, 1, "Hint: the smallest kernel is 1x1.")
        s = check_int(func, f"layers[{i}] stride", s, 1, STRIDE_HINT)
        d = check_int(func, f"layers[{i}] dilation", rest[0] if rest else 1, 1, DILATION_HINT)
        rf += (dilated_span(k, d) - 1) * jump
        jump *= s
    return rf, jump


def conv_params(in_channels, out_channels, kernel_size, bias=True):
    """Learnable numbers in a conv layer: ``out * in * k * k`` weights (+ ``out`` biases).

    Each of the ``out_channels`` kernels spans all ``in_channels``. Introduced in notebook 01.
    """
    func = "conv_params"
    c_in = check_int(func, "in_channels", in_channels, 1)
    c_out = check_int(func, "out_channels", out_channels, 1)
    k = check_int(func, "kernel_size", kernel_size, 1)
    return c_out * c_in * k * k + (c_out if check_bool(func, "bias", bias) else 0)


def linear_params(in_features, out_features, bias=True):
    """Learnable numbers in a fully connected layer: ``out * in`` weights (+ ``out`` biases)."""
    func = "linear_params"
    n_in = check_int(func, "in_features", in_features, 1)
    n_out = check_int(func, "out_features", out_features, 1)
    return n_out * n_in + (n_out if check_bool(func, "bias", bias) else 0)



def output_size_transposed(n, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """Output length along one axis of a transposed convolution (PyTorch's ``ConvTranspose2d`` rule).

    ``(n - 1)*stride - 2*padding + dilation*(kernel_size - 1) + 1 + output_padding``: the inverse of
    :func:`output_size`, which maps several sizes to the same ``n`` when stride > 1 (floor);
    ``output_padding`` (< stride) picks which one. Introduced in notebook 07.
    """
    func = "output_size_transposed"
    n, k, s, p, d = _window(func, n, kernel_size, stride, padding, dilation)
    op = check_int(func, "output_padding", output_padding, 0, "Hint: 0 unless you need one more row.")
    if op >= max(s, d):
        raise ValueError(f"{func}: output_padding must be smaller than stride or dilation, got output_padding "
                         f"{op} with stride {s}, dilation {d}. Hint: output_padding only picks one of the "
                         f"{s} sizes a stride-{s} convolution maps to the same n.")
    out = (n - 1) * s - 2 * p + dilated_span(k, d) + op
    if out < 1:
        fail(func, "the output size", "at least 1", f"{out} (padding {p} crops 2*{p} pixels from {out + 2 * p})",
             "Hint: use less padding.")
    return out
