"""Notebook 03's stride explorer: input size, kernel size, stride, padding and dilation sliders.

It draws the padded input with every window's top-left corner, the window at the chosen
position, the kernel positions along one axis as lanes, the pixels never read, and the
output grid, and writes the output-size formula with the numbers filled in
(the drawing itself: :class:`cnn_lib.viz.stride.StrideDrawing`).
"""
import re
import textwrap

import ipywidgets as widgets

from ..arithmetic import dilated_span, leftover, output_size
from ..stride_tools import kernel_starts, never_read
from ..viz.stride import StrideDrawing
from ..viz.style import pixel_list
from .base import Explorer


def plural(count, word):
    """``plural(1, 'pixel') == '1 pixel'``, ``plural(3, 'pixel') == '3 pixels'``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


class StrideExplorer(Explorer):
    """Sliders n, k, stride, padding, dilation and position; every move redraws the same artists.

    ``update()`` returns the status text: the formula with the numbers, the remainder, the
    pixels never read and where the current window is; or, when the kernel cannot fit, why, in
    words (the last drawing stays). Limits keep the picture readable: n <= 32, k <= 11.
    """

    title = "stride explorer"
    image_width = 800

    def __init__(self, n=10, kernel_size=3, stride=2, padding=0, dilation=1, position=0):
        super().__init__(drawing=StrideDrawing())
        slider = dict(continuous_update=True, style={"description_width": "initial"},
                      layout=widgets.Layout(width="260px"))
        self.n = self.int_slider("n", n, 1, 32, description="input size n", **slider)
        self.kernel = self.int_slider("kernel_size", kernel_size, 1, 11, description="kernel size k", **slider)
        self.stride = self.int_slider("stride", stride, 1, 8, description="stride s", **slider)
        self.padding = self.int_slider("padding", padding, 0, 5, description="padding p", **slider)
        self.dilation = self.int_slider("dilation", dilation, 1, 4, description="dilation d", **slider)
        n, k, s, p, d = self.settings()
        if dilated_span(k, d) > n + 2 * p:
            raise ValueError(f"StrideExplorer: kernel_size must fit in the padded input, got a kernel spanning "
                             f"{dilated_span(k, d)} pixels and n + 2 * padding = {n + 2 * p}. Hint: a smaller "
                             f"kernel_size or dilation, or more padding.")
        out = output_size(n, k, s, p, d)
        self.position = self.int_slider("position", position, 0, max(out * out - 1, 1), description="position",
                                    hint=f"position counts the {out} x {out} output nodes row by row", **slider)
        self.finish(self.n, self.kernel, self.stride, self.padding, self.dilation, self.position)

    def png(self):
        """The whole picture, formula and notes included (the static view, e.g. on GitHub)."""
        return self.drawing.png(words=True)

    def render(self):
        """The live picture leaves the formula out (quicker): the status line above it shows it."""
        self.image.value = self.drawing.png(words=False)

    def text(self):
        """The status line as plain text (for printing in a notebook cell)."""
        return re.sub(r"<[^>]+>", "", self.status.value.replace("<br>", "\n"))

    def settings(self):
        """The sliders' values: ``(n, k, s, p, d)``."""
        return self.n.value, self.kernel.value, self.stride.value, self.padding.value, self.dilation.value

    def update(self):
        n, k, s, p, d = self.settings()
        span, N = dilated_span(k, d), n + 2 * p
        if span > N:
            what = f"a kernel of {k} taps at dilation {d} spans d(k-1)+1 = {d}*({k}-1)+1 = {span} pixels" \
                if d > 1 else f"a kernel of size {k} covers {k} pixels"
            return self.explain(
                f"{what}, but the padded input has only n + 2p = {n} + 2*{p} = {N}. There is no place where it "
                f"fits, so there is no output. Make the kernel{' or the dilation' if d > 1 else ''} smaller, or "
                f"add padding. (The picture still shows the last setting that worked.)", reason="too-big")
        out, starts = output_size(n, k, s, p, d), kernel_starts(n, k, s, p, d)
        self.position.max = out * out - 1                # clamps the value if it is now too large
        i, j = divmod(self.position.value, out)          # output row and column of the current window
        room, rest = N - span, leftover(n, k, s, p, d)
        missing = never_read(n, k, s, p, d)
        tail = [m for m in missing if m + p >= N - rest]   # input pixels in the leftover at the end
        holes = [m for m in missing if m + p < N - rest]   # input pixels the taps skip before that
        last = f"The last {plural(rest, 'pixel')} of each row and column"
        if rest == 0:
            words = ["Nothing is left over: the last window ends on the last pixel."]
        elif tail:
            words = [f"{last} (input {pixel_list(tail)}) {'is' if rest == 1 else 'are'} never read."]
        else:
            words = [f"{last} {'is' if rest == 1 else 'are'} padding: never read, nothing lost."]
        if holes:
            words.append(f"The taps never land on input {pixel_list(holes)} either: the stride jumps over them.")
        formula = (f"span = d(k-1)+1 = {d}*({k}-1)+1 = {span}\n"
                   f"out  = floor((n + 2p - span) / s) + 1\n"
                   f"     = floor(({n} + 2*{p} - {span}) / {s}) + 1\n"
                   f"     = floor({room} / {s}) + 1 = {room // s} + 1 = {out}\n"
                   f"remainder: {room} mod {s} = {rest}")
        self.drawing.draw(n, k, s, p, d, i, j, formula, note="\n".join(textwrap.fill(w, 56) for w in words))
        self.facts.update(n=n, k=k, s=s, p=p, d=d, out=out, remainder=rest, position=self.position.value,
                          node=[i, j], never_read=[int(m) for m in missing])
        return (f"<b>Output: {out} x {out}.</b> span = d(k−1)+1 = {d}·({k}−1)+1 = {span}; "
                f"out = floor((n + 2p − span) / s) + 1 = floor(({n} + 2·{p} − {span}) / {s}) + 1 = "
                f"floor({room} / {s}) + 1 = {room // s} + 1 = {out}. Remainder {room} mod {s} = {rest}.<br>"
                + " ".join(words) + "<br>"
                f"Kernel starts along each axis (input index): {', '.join(str(t - p) for t in starts)}. "
                f"Position {self.position.value} is output row {i}, column {j}: its window's top-left "
                f"corner is input row {starts[i] - p}, column {starts[j] - p}.")
