"""Figures for notebook 03 (stride arithmetic): every kernel position along an axis, pixels never read.

The pictures are categorical images (one int per cell, colours below), so a widget can redraw
them with ``set_data`` alone. Colours are colour-blind safe (Okabe-Ito orange and blues) and
also differ in lightness, so they read in grey too: padding light grey, never-read pixels
orange, kernel taps sky blue, the current window dark blue.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .._checks import called_as, fail, show
from ..stride_tools import kernel_starts, never_read
from .canvas import Drawing
from .style import (CURRENT, EMPTY, GAP, IMAGE, LIMITS, NEVER, PAD, TAP, as_array, cell_borders, grid_image,
                    lanes_image, legend_handles, pixel_list, show_array)


def positions_figure(cases, titles=None, width=8.0):
    """Every kernel position along one axis, one panel per case; returns the Figure.

    ``cases``: a list of ``(n, kernel_size, stride, padding, dilation)`` (the last two optional).
    Each panel shows the padded axis (top row) and, below it, one lane per kernel position in
    order, so the positions form a staircase: count the steps. Orange cells are never read.
    """
    if not isinstance(cases, (list, tuple)) or not cases or not all(isinstance(c, (list, tuple)) and 3 <= len(c) <= 5
                                                                 for c in cases):
        fail("positions_figure", "cases", "a non-empty list of (n, kernel_size, stride[, padding, dilation])",
             show(cases), "Hint: positions_figure([(12, 4, 3)]).", TypeError)
    if titles is not None and (isinstance(titles, str) or len(titles) != len(cases)):
        fail("positions_figure", "titles", f"a list of {len(cases)} title(s), one per case", show(titles),
             "Hint: one title per case, or leave titles out.")
    cases = [tuple(c) + (0, 1)[len(c) - 3:] for c in cases]
    for n, k, s, p, d in cases:                          # one picture cell per pixel: keep it drawable
        if isinstance(n, int) and isinstance(p, int) and n + 2 * p > 500:
            fail("positions_figure", "n + 2*padding", "at most 500 (one drawn cell per pixel)", n + 2 * p,
                 "Hint: draw a learner-sized axis, e.g. (32, 3, 2); stride_tools.kernel_starts counts any size.")
    with called_as("positions_figure"):
        lanes = [len(kernel_starts(*c)) for c in cases]
    heights = [0.8 + (0.2 * m if m <= 12 else 0.6 + 0.02 * min(m, 60)) for m in lanes]
    fig, axes = plt.subplots(len(cases), 1, figsize=(width, sum(heights) + 0.5), dpi=80,
                             gridspec_kw=dict(height_ratios=heights), squeeze=False, layout="constrained")
    for i, (ax, (n, k, s, p, d)) in enumerate(zip(axes[:, 0], cases)):
        N, starts = n + 2 * p, kernel_starts(n, k, s, p, d)
        top = max(1, len(starts) // 8)                  # many lanes: draw the input row taller
        image = lanes_image(n, k, s, p, d, axis_rows=top)
        ax.imshow(image, aspect="auto", **LIMITS)
        first = top + 1                                 # image row of lane 0
        if N <= 48:                                     # cell borders, when cells are wide enough to see
            ax.vlines(np.arange(N + 1) - 0.5, -0.5, image.shape[0] - 0.5, color="0.75", lw=0.5)
            ax.hlines(np.arange(first, image.shape[0]) + 0.5, -0.5, N - 0.5, color="white", lw=1.5)
        ax.hlines(top - 0.5, -0.5, N - 0.5, color="0.3", lw=0.8)
        step = 1 if N <= 24 else (4 if N <= 48 else 16)
        ticks = [c for c in range(N) if (c - p) % step == 0 or c == N - 1]
        ax.set_xticks(ticks, [str(c - p) for c in ticks], fontsize=9)
        shown = range(len(starts)) if len(starts) <= 12 else (0, len(starts) - 1)
        ax.set_yticks([(top - 1) / 2] + [first + j for j in shown],
                      ["input"] + [f"start {starts[j] - p}" for j in shown], fontsize=9)
        ax.tick_params(length=0)
        missing = never_read(n, k, s, p, d)
        if N > 48 and len(missing):                     # thin orange cells: point at them
            ax.annotate("never read", xy=(missing[-1] + p, top - 0.5), xytext=(0.78 * N, 0.3 * image.shape[0]),
                        fontsize=9, arrowprops=dict(arrowstyle="->", color="black"))
        title = titles[i] if titles else f"n={n}, k={k}, stride={s}" + (f", padding={p}" if p else "") + \
            (f", dilation={d}" if d > 1 else "")
        ax.set_title(f"{title}: {len(starts)} positions; never read: {pixel_list(missing)}", fontsize=10)
    axes[-1, 0].set_xlabel("pixel index (padding outside 0 .. n-1)", fontsize=9)
    categories = [c for c in (PAD, NEVER, GAP, TAP) if any(c in lanes_image(*case) for case in cases)]
    fig.legend(handles=legend_handles(categories), loc="outside lower center", ncols=len(categories),
               fontsize=9, frameon=False)
    return fig


def downsampling_figure(image, full, strided, stride):
    """A grey image, its stride-1 feature map and the stride-``stride`` one side by side; returns the Figure.

    Both maps share one diverging colour scale, clipped at the 99th percentile of ``|full|`` so
    that a few very strong edges do not wash out the rest.
    """
    image, full = (as_array("downsampling_figure", name, v, "(H, W)") for name, v in (("image", image), ("full", full)))
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.3), dpi=80, layout="constrained")
    limit = float(np.percentile(np.abs(full), 99)) or 1.0
    show_array(axes[0], image, f"input {image.shape[0]} x {image.shape[1]}", cmap=IMAGE)
    for ax, values, title in ((axes[1], full, "stride 1"), (axes[2], strided, f"stride {stride}")):
        show_array(ax, np.clip(values, -limit, limit), f"{title}: {values.shape[0]} x {values.shape[1]}",
                   signed=True).set_clim(-limit, limit)
    return fig


class TextStamps:
    """Short labels drawn as pixels: each distinct text is rendered once, then pasted by a fixed pool
    of figure images. Drawing text is most of a redraw's cost; pasting pixels is almost free."""

    SHIFT = {"left": 0, "center": 0.5, "right": 1, "bottom": 0, "top": 1}

    def __init__(self, fig, count, fontsize):
        self.fig, self.fontsize, self.cache = fig, fontsize, {}
        self.pool = [fig.figimage(np.zeros((1, 1, 4))) for _ in range(count)]

    def pixels(self, text):
        """The RGBA pixels of ``text``, cropped to its ink box: (height, width, 4) uint8."""
        if text not in self.cache:
            scratch = Figure(figsize=(6, 1), dpi=self.fig.dpi)
            scratch.patch.set_alpha(0)
            label = scratch.text(0.02, 0.3, text, fontsize=self.fontsize)
            canvas = FigureCanvasAgg(scratch)
            canvas.draw()
            rgba, box = np.asarray(canvas.buffer_rgba()), label.get_window_extent().padded(1)
            top = rgba.shape[0]                              # buffer rows run top-down, pixel y bottom-up
            self.cache[text] = rgba[int(top - box.y1):int(np.ceil(top - box.y0)),
                                    int(box.x0):int(np.ceil(box.x1))].copy()
        return self.cache[text]

    def place(self, labels):
        """Show ``labels``, a list of ``(text, x, y, ha, va)`` in figure pixels; hide the rest of the pool."""
        if len(labels) > len(self.pool):
            raise ValueError(f"TextStamps.place: at most {len(self.pool)} labels fit the pool, got {len(labels)}. "
                             f"Hint: make the TextStamps with a larger count.")
        for i, image in enumerate(self.pool):
            image.set_visible(i < len(labels))
            if i < len(labels):
                text, x, y, ha, va = labels[i]
                pixels = self.pixels(text)
                image.set_data(pixels)
                image.ox = round(x - self.SHIFT[ha] * pixels.shape[1])
                image.oy = round(y - self.SHIFT[va] * pixels.shape[0])


class StrideDrawing(Drawing):
    """The stride explorer's picture: made once on a Figure, then redrawn in place by :meth:`draw`.

    Left: the kernel positions along one row as lanes (top) and the padded input grid with every
    window's top-left corner and the current window (bottom). Right: the formula, notes in
    words, and the output grid with the current node. Axes sit at fixed places (in inches), so
    no layout engine runs on each redraw.
    """

    SIZE = (10.0, 5.6)                       # inches, at 80 dpi: 800 x 448 pixels

    def __init__(self, dpi=80):
        W, H = self.SIZE
        super().__init__(self.SIZE, dpi, layout=None)        # no layout engine: nothing to recompute

        def box(left, bottom, width, height):                 # inches -> figure fractions
            return [left / W, bottom / H, width / W, height / H]

        self.ax_lanes = self.fig.add_axes(box(0.75, 4.3, 3.6, 0.95))
        self.ax_grid = self.fig.add_axes(box(0.75, 0.4, 3.6, 3.6))
        self.ax_out = self.fig.add_axes(box(5.1, 0.4, 2.3, 2.3))
        self.images, self.borders = {}, {}
        for name, ax in (("lanes", self.ax_lanes), ("grid", self.ax_grid), ("out", self.ax_out)):
            self.images[name] = ax.imshow(np.zeros((2, 2)), aspect="auto", **LIMITS)
            self.borders[name] = ax.add_collection(LineCollection([], colors="0.75", linewidths=0.5))
            ax.set(xticks=[], yticks=[])             # tick labels are stamps (below): text is slow
        self.stamps = TextStamps(self.fig, count=30, fontsize=8)   # tick labels and titles
        self.input_box = self.ax_grid.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec="black", lw=1.5))
        self.window_box = self.ax_grid.add_patch(Rectangle((0, 0), 1, 1, fill=False, ec="black", lw=2.5))
        (self.corners,) = self.ax_grid.plot([], [], "o", color="black", ms=2.5)
        text = dict(fontsize=10, va="top", ha="left")
        self.formula = self.fig.text(5.1 / W, 5.45 / H, "", family="monospace", **text)
        self.note = self.fig.text(5.1 / W, 4.0 / H, "", **text)
        self.fig.figimage(self._legend_pixels(dpi), xo=int(7.55 * dpi), yo=int(0.4 * dpi), origin="upper")

    @staticmethod
    def _legend_pixels(dpi):
        """The colour key as an RGBA array, drawn once: pasting pixels is far quicker than drawing text."""
        key = Figure(figsize=(2.4, 1.1), dpi=dpi)
        window = Rectangle((0, 0), 1, 1, fc="white", ec="black", lw=2.5, label="the window at 'position'")
        key.legend(handles=legend_handles() + [window], loc="center left", fontsize=8, frameon=False)
        canvas = FigureCanvasAgg(key)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()           # (height, width, 4) uint8

    def draw(self, n, kernel_size, stride, padding, dilation, row, column, formula="", note=""):
        """Redraw for one setting, with the window of output node (``row``, ``column``) highlighted."""
        k, s, p, d = kernel_size, stride, padding, dilation
        N, span = n + 2 * p, d * (k - 1) + 1
        starts = kernel_starts(n, k, s, p, d)
        out, top, left = len(starts), starts[row], starts[column]
        cells = np.full((out, out), EMPTY)
        cells[row, column] = CURRENT
        tall = max(3, out // 5)                         # the lanes panel's input row, this many lanes tall
        pictures = {"lanes": lanes_image(n, k, s, p, d, current=column, axis_rows=tall),
                    "grid": grid_image(n, k, s, p, d, current=(top, left)), "out": cells}
        for name, ax in (("lanes", self.ax_lanes), ("grid", self.ax_grid), ("out", self.ax_out)):
            rows, columns = pictures[name].shape
            self.images[name].set_data(pictures[name])
            self.images[name].set_extent((-0.5, columns - 0.5, rows - 0.5, -0.5))
            ax.set_xlim(-0.5, columns - 0.5)
            ax.set_ylim(rows - 0.5, -0.5)
            self.borders[name].set_segments(cell_borders(columns, 1, tall) if name == "lanes"
                                            else cell_borders(columns, rows))
        self.input_box.set_bounds(p - 0.5, p - 0.5, n, n)
        self.window_box.set_bounds(left - 0.5, top - 0.5, span, span)
        corner = np.array(starts)                       # (OUT,) -> (column, row) of every window: (OUT*OUT,) each
        self.corners.set_data(np.tile(corner, out), np.repeat(corner, out))
        step = 1 if N <= 12 else 2 if N <= 16 else 4 if N <= 32 else 8
        ticks = [c for c in range(N) if (c - p) % step == 0]          # labelled with input indices
        to_pixels = self.ax_grid.transData.transform                   # (x, y) data -> figure pixels
        grid, lanes, outs = self.ax_grid.bbox, self.ax_lanes.bbox, self.ax_out.bbox
        self.stamps.place(
            [(str(c - p), to_pixels((c, 0))[0], grid.y0 - 3, "center", "top") for c in ticks]
            + [(str(c - p), grid.x0 - 4, to_pixels((0, c))[1], "right", "center") for c in ticks]
            + [("input", lanes.x0 - 4, self.ax_lanes.transData.transform((0, (tall - 1) / 2))[1], "right",
                "center"),
               (f"the {out} kernel positions along a row (one lane each)", (lanes.x0 + lanes.x1) / 2,
                lanes.y1 + 4, "center", "bottom"),
               (f"{'padded input' if p else 'input'} {N} x {N} (dots: window corners)", (grid.x0 + grid.x1) / 2,
                grid.y1 + 4,
                "center", "bottom"),
               (f"output {out} x {out}", (outs.x0 + outs.x1) / 2, outs.y1 + 4, "center", "bottom")])
        self.formula.set_text(formula)
        self.note.set_text(note)

    def png(self, words=True):
        """The figure as PNG bytes. ``words=False`` leaves out the formula and the notes (long text is slow
        to draw): the live explorer shows them as text above the picture instead."""
        self.formula.set_visible(words)
        self.note.set_visible(words)
        return super().png()
