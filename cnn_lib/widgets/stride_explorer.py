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
from ..viz.stride import StrideDrawing, pixel_list
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
        super().__init__()
        self.drawing = StrideDrawing()
        self.fig = self.drawing.fig                 # the one Figure every move redraws
        slider = dict(continuous_update=True, style={"description_width": "initial"},
                      layout=widgets.Layout(width="260px"))
        self.n = widgets.IntSlider(value=n, min=1, max=32, description="input size n", **slider)
        self.kernel = widgets.IntSlider(value=kernel_size, min=1, max=11, description="kernel size k", **slider)
        self.stride = widgets.IntSlider(value=stride, min=1, max=8, description="stride s", **slider)
        self.padding = widgets.IntSlider(value=padding, min=0, max=5, description="padding p", **slider)
        self.dilation = widgets.IntSlider(value=dilation, min=1, max=4, description="dilation d", **slider)
        self.position = widgets.IntSlider(value=position, min=0, max=max(position, 1), description="position",
                                          **slider)
        self._busy = False                          # True while refreshing: a slider update() clamps must not recurse
        self.finish(self.n, self.kernel, self.stride, self.padding, self.dilation, self.position)

    def refresh(self):
        if not self._busy:
            self._busy = True
            try:
                super().refresh()
            finally:
                self._busy = False

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
                f"add padding. (The picture still shows the last setting that worked.)")
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
        return (f"<b>Output: {out} x {out}.</b> span = d(k−1)+1 = {d}·({k}−1)+1 = {span}; "
                f"out = floor((n + 2p − span) / s) + 1 = floor(({n} + 2·{p} − {span}) / {s}) + 1 = "
                f"floor({room} / {s}) + 1 = {room // s} + 1 = {out}. Remainder {room} mod {s} = {rest}.<br>"
                + " ".join(words) + "<br>"
                f"Kernel starts along each axis (input index): {', '.join(str(t - p) for t in starts)}. "
                f"Position {self.position.value} is output row {i}, column {j}: its window's top-left "
                f"corner is input row {starts[i] - p}, column {starts[j] - p}.")


def demo_moves():
    """Control moves for benchmarks/bench_widgets.py: ``[(label, explorer, control, values)]``."""
    def make():
        return StrideExplorer(n=24, kernel_size=5, stride=3, padding=2, dilation=1)
    moves = [("stride", "stride", [1, 2, 3, 4, 5, 8] * 3), ("input size", "n", [12, 20, 32, 7, 25] * 3),
             ("kernel size", "kernel", [1, 3, 7, 11, 5] * 3), ("padding", "padding", [0, 1, 3, 5, 2] * 3),
             ("dilation", "dilation", [1, 2, 3, 4] * 4), ("position", "position", [0, 5, 17, 40, 3, 60] * 3)]
    scenarios = []
    for label, name, values in moves:
        explorer = make()
        scenarios.append((f"03 stride explorer: {label}", explorer, getattr(explorer, name), values))
    return scenarios
