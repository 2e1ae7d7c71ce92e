"""Exercises on output sizes, stride, padding and dilation (notebook 03)."""
from functools import partial

from ..arithmetic import dilated_span, output_size
from .core import check_number, register


def check_output_size(answer, n, kernel_size, stride=1, padding=0, dilation=1):
    """Check an output size for one axis; recognises the usual slips and names them.

    Slips: rounding up (ceil) instead of down; forgetting the +1; padding on one side only;
    using the kernel size instead of the dilated span.
    """
    k, s, p, d = kernel_size, stride, padding, dilation
    span = dilated_span(k, d)
    right = output_size(n, k, s, p, d)
    exact = (n + 2 * p - span) / s + 1
    slips = []
    if exact != right:
        slips.append((-(-(n + 2 * p - span) // s) + 1,
                      f"you rounded up: (n + 2p - span) / s + 1 = {exact:g}, but frameworks floor, because "
                      f"a kernel position that would stick out of the input is not used."))
    slips.append(((n + 2 * p - span) // s, "you forgot the + 1: the kernel's first position, at 0, counts too."))
    if p:
        slips.append(((n + p - span) // s + 1, "padding is added on both sides: use n + 2p, not n + p."))
        slips.append(((n - span) // s + 1, "you left out the padding: it adds 2p pixels to the input size."))
    if d > 1:
        slips.append(((n + 2 * p - k) // s + 1,
                      f"a dilated kernel covers d(k-1)+1 = {span} pixels, not k = {k}: use the span."))
    return check_number(answer, right, slips,
                        explain=f"floor(({n} + 2*{p} - {span}) / {s}) + 1 = {right}.")


check_article_stride_2 = register(
    "stride.article_stride_2", partial(check_output_size, n=128, kernel_size=11, stride=2),
    solution=59, wrong={60: "rounded up", 58: "+ 1"})
