"""Where a kernel goes along one axis: its start positions, the pixels it reads, strides that reach a size.

Small helpers behind notebook 03's figures, explorer and exercises (introduced in notebook 03).
Positions are indices into the *padded* axis of ``n + 2*padding`` pixels: with padding p, index
0 is the first padding pixel and the first real pixel is index p.
"""
import numpy as np

from ._checks import as_number, called_as, check_int, check_size, fail
from .arithmetic import _output_size, dilated_span


def _axis(func, n, kernel_size, stride, padding, dilation):
    """Check one axis' arguments like ``output_size`` (naming ``func``); return them as ints, and the output size."""
    out = _output_size(func, n, kernel_size, stride, padding, dilation)
    return (*(int(as_number(v)) for v in (n, kernel_size, stride, padding, dilation)), out)


def kernel_starts(n, kernel_size, stride=1, padding=0, dilation=1):
    """Start index of every kernel position along one axis: ``[0, s, 2s, ...]``, one per output.

    A window starting at ``t`` reads pixels ``t, t + d, ..., t + d(k-1)`` of the padded axis; the
    list stops at the last start where all of them exist, so ``len(...) == output_size(...)``.
    Raises ``output_size``'s ValueError when the kernel does not fit at all.
    """
    n, kernel_size, stride, padding, dilation, out = _axis("kernel_starts", n, kernel_size, stride, padding, dilation)
    check_size("kernel_starts", "the list of start positions", out, 8, "Hint: try a learner-sized axis, e.g. n=32.")
    return list(range(0, out * stride, stride))


def coverage(n, kernel_size, stride=1, padding=0, dilation=1):
    """How many kernel positions read each pixel of the padded axis: int array ``(n + 2*padding,)``.

    A 0 marks a pixel that no position reads: the leftover pixels at the end (``cnn_lib.leftover``
    of them) and pixels between windows: when the stride is larger than the kernel, or with
    dilation, the holes between the taps that the stride skips over (see :func:`never_read`).
    Along both axes of a square image, pixel (i, j) is read iff row i and column j are.
    """
    n, kernel_size, stride, padding, dilation, _ = _axis("coverage", n, kernel_size, stride, padding, dilation)
    check_size("coverage", "the padded axis", n + 2 * padding, 8, "Hint: try a learner-sized axis, e.g. n=32.")
    starts = np.array(kernel_starts(n, kernel_size, stride, padding, dilation))   # (OUT,)
    taps = np.arange(kernel_size) * dilation                                     # (k,) offsets in a window
    read = starts[:, None] + taps[None, :]                                       # (OUT, k) pixel indices
    return np.bincount(read.ravel(), minlength=n + 2 * padding)


def never_read(n, kernel_size, stride=1, padding=0, dilation=1):
    """Input pixels that no kernel position reads: int array of indices in 0 .. n-1 (unpadded numbering).

    They are the leftover pixels at the end of the axis (``cnn_lib.leftover`` counts those that
    are not padding) plus the pixels *between* windows that a stride larger than the kernel's
    span, or the holes of a dilated kernel, skip: ``never_read(10, 2, stride=3) == [2, 5, 8, 9]``.
    """
    n, kernel_size, stride, padding, dilation, _ = _axis("never_read", n, kernel_size, stride, padding, dilation)
    with called_as("never_read"):
        cov = coverage(n, kernel_size, stride, padding, dilation)[padding:padding + n]   # (n + 2p,) -> (n,)
    return np.flatnonzero(cov == 0)


def strides_for(n, kernel_size, target, padding=0, dilation=1):
    """Every stride that turns ``n`` pixels into ``target`` outputs, smallest first (maybe none).

    Example: ``strides_for(128, 11, 20) == [6]``, while ``strides_for(128, 6, 32) == []``: no
    whole stride gives 32 there (padding 1 does, at stride 4). Strides larger than the room the
    kernel has to move all give 1 output; the list stops at the first of them.
    """
    target = check_int("strides_for", "target", target, 1, "Hint: an output has at least one pixel.")
    n, kernel_size, _, padding, dilation, _ = _axis("strides_for", n, kernel_size, 1, padding, dilation)
    room = n + 2 * padding - dilated_span(kernel_size, dilation)     # how far the window can move
    # output_size = room // s + 1 = target  <=>  room / target < s <= room / (target - 1); no scan over s
    if target == 1:
        return [room + 1]                                            # the first stride that gives one output
    low, high = room // target + 1, room // (target - 1)
    if high - low >= 10**5:
        fail("strides_for", "the number of strides that work", "at most 100,000 (a list a person can read)",
             f"{high - low + 1:,} (every stride from {low:,} to {high:,})",
             "Hint: the answer is that whole range; ask for a smaller n or a larger target.")
    return list(range(low, high + 1))
