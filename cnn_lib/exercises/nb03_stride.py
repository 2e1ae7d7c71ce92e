"""Exercises on output sizes, stride, padding and dilation (notebook 03)."""
import math
import numbers
from functools import partial

from ..arithmetic import dilated_span, output_size
from ..stride_tools import strides_for
from .core import Feedback, _text, check_number, not_a_number, not_answered, plain, register


def check_output_size(answer, n, kernel_size, stride=1, padding=0, dilation=1):
    """Check an output size for one axis; recognises the usual slips and names them.

    Slips: rounding up (ceil) instead of down; not rounding at all (a fraction: a count of
    positions is whole); forgetting the +1; padding on one side only; using the kernel size
    instead of the dilated span.
    """
    answer = plain(answer)
    k, s, p, d = kernel_size, stride, padding, dilation
    span = dilated_span(k, d)
    right = output_size(n, k, s, p, d)
    exact = (n + 2 * p - span) / s + 1
    worked = f"({n} + 2*{p} - {span}) / {s} + 1 = {exact:g}"
    slips = []
    if exact != right:
        slips.append((-(-(n + 2 * p - span) // s) + 1,
                      f"you rounded up: (n + 2p - span) / s + 1 = {worked}, but frameworks floor, because "
                      f"a kernel position that would stick out of the input is not used."))
        slips.append((exact, f"a count of positions is a whole number: you forgot to floor. "
                             f"(n + 2p - span) / s + 1 = {worked}; round the division down before adding 1."))
        slips.append((exact - 1, f"a count of positions is a whole number: you forgot to floor "
                                 f"({n} + 2*{p} - {span}) / {s} = {exact - 1:g}, and the + 1 for the "
                                 f"kernel's first position, at 0."))
    slips.append(((n + 2 * p - span) // s, "you forgot the + 1: the kernel's first position, at 0, counts too."))
    if p:
        slips.append(((n + p - span) // s + 1, "padding is added on both sides: use n + 2p, not n + p."))
        slips.append(((n - span) // s + 1, "you left out the padding: it adds 2p pixels to the input size."))
    if d > 1:
        slips.append(((n + 2 * p - k) // s + 1,
                      f"a dilated kernel covers d(k-1)+1 = {span} pixels, not k = {k}: use the span."))
    feedback = check_number(answer, right, slips, explain=f"floor(({n} + 2*{p} - {span}) / {s}) + 1 = {right}.")
    if not feedback and _fraction(answer) and not any(math.isclose(answer, wrong) for wrong, _ in slips):
        return Feedback(False, f"a count of positions is a whole number, got {answer:g}: work out "
                               f"floor((n + 2p - span) / s) + 1 with the numbers, rounding the division down.")
    return feedback


def _fraction(answer):
    """True for a finite real number that is not whole (a bool or a non-number is not one)."""
    return isinstance(answer, numbers.Real) and not isinstance(answer, numbers.Integral) and math.isfinite(answer) \
        and answer != int(answer)


check_article_stride_2 = register(
    "stride.article_stride_2", partial(check_output_size, n=128, kernel_size=11, stride=2),
    solution=59, wrong={60: "rounded up", 58: "+ 1"})


def check_stride_for(answer, n, kernel_size, target, padding=0, dilation=1):
    """Check a stride meant to turn ``n`` pixels into ``target`` outputs; says what a wrong stride gives.

    Any stride that gives ``target`` is right. A fractional answer (e.g. (n - k) / (target - 1)
    computed exactly) is told that strides are whole numbers.
    """
    k, p, d = kernel_size, padding, dilation
    good = strides_for(n, k, target, p, d)
    answer = plain(answer)
    empty = not_answered(answer)
    if empty is None and not (isinstance(answer, float) and not math.isfinite(answer)):
        empty = not_a_number(answer)
    if empty is not None:
        return empty
    if isinstance(answer, float) and (not math.isfinite(answer) or answer != int(answer)):
        return Feedback(False, f"a stride is a whole number of pixels, got {answer:g}. Try the whole numbers "
                               f"next to it: which one gives {target}?")
    if answer < 1:
        return Feedback(False, f"a stride is at least 1, got {_text(answer)}.")
    got = output_size(n, k, int(answer), p, d)
    span = dilated_span(k, d)
    explain = (f"floor(({n} + 2*{p} - {span}) / {int(answer)}) + 1 = {got}"
               + ("; the only stride that does" if good == [int(answer)] else f"; strides {good} all do"))
    if got == target:
        return Feedback(True, explain + ".")
    way = "larger" if got > target else "smaller"
    return Feedback(False, f"stride {int(answer)} gives {got}, not {target}: "
                           f"floor(({n} + 2*{p} - {span}) / {int(answer)}) + 1 = {got}. Try a {way} stride.")


check_article_stride_6 = register(
    "stride.article_stride_6", partial(check_output_size, n=128, kernel_size=11, stride=6),
    solution=20, wrong={21: "rounded up", 19: "+ 1", 20.5: "forgot to floor", 19.5: "whole number"})
check_same_padding = register(
    "stride.same_padding", partial(check_output_size, n=28, kernel_size=5, stride=1, padding=2),
    solution=28, wrong={26: "both sides", 24: "left out the padding", 27: "+ 1"})
check_dilated = register(
    "stride.dilated", partial(check_output_size, n=64, kernel_size=3, stride=2, dilation=4),
    solution=28, wrong={31: "span", 29: "rounded up"})
check_alexnet_224 = register(
    "stride.alexnet_224", partial(check_output_size, n=224, kernel_size=11, stride=4),
    solution=54, wrong={55: "rounded up", 53: "+ 1"})
check_stride_for_target = register(
    "stride.stride_for_target", partial(check_stride_for, n=96, kernel_size=7, target=30),
    solution=3, wrong={4: "gives 23, not 30", 2: "gives 45, not 30", 89 / 29: "whole number"})
