"""Figures for notebook 07 (modern building blocks): the transposed convolution's stamps and overlaps.

:class:`TransposedConvDrawing` is the reusable figure of
:class:`~cnn_lib.widgets.transposed_explorer.TransposedConvExplorer`; the ``*_figure`` functions build static
figures (pyplot) for the notebook. Colour maps: cividis for counts, PuOr for signed values.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from .canvas import Drawing
from .style import BACKWARD, DIVERGING, IMAGE


class TransposedConvDrawing(Drawing):
    """Input grid (left) and the output canvas (right) coloured by how many kernel stamps cover each pixel.

    The chosen input pixel and its stamp are outlined (orange); the rows and columns that
    ``padding`` crops are washed out; the kept output is outlined (dashed). Counts use cividis
    from 0 (dark blue) to the largest count (yellow), written in the title. Made once; :meth:`draw` updates the same artists.
    """

    def __init__(self):
        super().__init__((7.6, 3.3), 72)
        self.ax_in, self.ax_out = self.fig.subplots(1, 2, width_ratios=[1, 2.2])
        self.input = self.ax_in.imshow(np.zeros((1, 1)), cmap=IMAGE, vmin=0, vmax=1, interpolation="nearest")
        self.counts = self.ax_out.imshow(np.zeros((1, 1)), cmap="cividis", vmin=0, vmax=1, interpolation="nearest")
        style = dict(fill=False, lw=2.5)
        self.pixel = self.ax_in.add_patch(Rectangle((0, 0), 1, 1, ec=BACKWARD, **style))
        self.stamp = self.ax_out.add_patch(Rectangle((0, 0), 1, 1, ec=BACKWARD, **style))
        self.crops = [self.ax_out.add_patch(Rectangle((0, 0), 0, 0, fc="white", alpha=0.6, lw=0)) for _ in range(4)]
        self.kept = self.ax_out.add_patch(Rectangle((0, 0), 1, 1, ec="white", ls="--", **style))
        for ax in (self.ax_in, self.ax_out):
            ax.set_xticks([])                   # no tick labels: quicker to redraw; sizes are in the titles
            ax.set_yticks([])

    def draw(self, n, k, s, p, op, counts, pixel=(0, 0)):
        """Redraw for input n x n, kernel k, stride s, padding p, output_padding op.

        ``counts``: (F, F) stamps per pixel of the full (uncropped) canvas, F = (n-1)s + k + op.
        ``pixel``: (row, column) of the input pixel whose stamp is outlined.
        """
        F = counts.shape[0]
        image = np.full((n, n), 0.35)
        image[pixel] = 0.9
        self.input.set_data(image)
        self.input.set_extent((-0.5, n - 0.5, n - 0.5, -0.5))
        self.ax_in.set_title(f"input {n} x {n}", fontsize=10)
        self.pixel.set_xy((pixel[1] - 0.5, pixel[0] - 0.5))
        self.counts.set_data(counts)
        self.counts.set_extent((-0.5, F - 0.5, F - 0.5, -0.5))
        self.counts.set_clim(0, max(1, counts.max()))
        self.stamp.set_bounds(pixel[1] * s - 0.5, pixel[0] * s - 0.5, k, k)
        out = F - 2 * p
        self.kept.set_bounds(p - 0.5, p - 0.5, out, out)
        for patch, (x, y, w, h) in zip(self.crops, [(0, 0, F, p), (0, F - p, F, p), (0, p, p, out),
                                                    (F - p, p, p, out)]):
            patch.set_bounds(x - 0.5, y - 0.5, w, h)
        self.ax_out.set_title(f"canvas {F} x {F}, cropped by padding {p} to {out} x {out}\n"
                              f"stamps per pixel: dark blue 0 ... yellow {int(counts.max())}", fontsize=10)
        for ax, size in ((self.ax_in, n), (self.ax_out, F)):
            ax.set_xlim(-0.5, size - 0.5)
            ax.set_ylim(size - 0.5, -0.5)


def upsampling_figure(panels, titles, figsize=(9, 2.6)):
    """Images side by side, each with its own colour bar: panels (P, H, W) arrays, signed ones in PuOr."""
    fig, axes = plt.subplots(1, len(panels), figsize=figsize, dpi=80, layout="constrained")
    for ax, values, title in zip(np.atleast_1d(axes), panels, titles):
        values = np.asarray(values)
        signed = bool(values.min() < 0)
        m = float(np.abs(values).max()) or 1.0
        image = ax.imshow(values, cmap=DIVERGING if signed else "cividis", vmin=-m if signed else 0, vmax=m,
                          interpolation="nearest")
        fig.colorbar(image, ax=ax, shrink=0.8).ax.tick_params(labelsize=9)
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def depth_figure(curves, ylabel, title, figsize=(5.2, 3.2), log=True):
    """One line per named curve: ``curves`` maps a label to values per layer (1-based on the x axis)."""
    fig, ax = plt.subplots(figsize=figsize, dpi=80, layout="constrained")
    for (label, values), marker in zip(curves.items(), "os^vD"):
        ax.plot(np.arange(1, len(values) + 1), values, marker=marker, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("layer (1 = nearest the input)", fontsize=10)
    ax.set_ylabel(ylabel, fontsize=10)
    ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=9)
    ax.legend(fontsize=9)
    return fig
