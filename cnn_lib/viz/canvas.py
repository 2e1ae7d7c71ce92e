"""What every explorer draws into: a :class:`Drawing`, made once, updated in place, turned into PNG bytes.

An explorer (``cnn_lib.widgets``) owns one Drawing and calls its methods; the Drawing owns the
matplotlib Figure and the one PNG path (:meth:`Drawing.png`). Artists marked with
:meth:`Drawing.changing` are "blitted": the rest of the figure (axes, ticks, titles: text is the
slow part) is drawn once into a cached picture and only the changing artists are drawn on top.
"""
import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .style import IMAGE


def new_figure(figsize=(8, 3), dpi=80, layout="constrained"):
    """A Figure outside pyplot (nothing is queued for display): what drawings are made of."""
    return Figure(figsize=figsize, dpi=dpi, layout=layout)


class Drawing:
    """A Figure made once and redrawn in place; :meth:`png` renders it (the only PNG path of the explorers).

    ``layout``: "constrained" lays the figure out at its first rendering (the explorer then freezes
    that layout), None when the subclass places its axes itself.
    """

    def __init__(self, figsize=(8, 3), dpi=80, layout="constrained", fig=None):
        self.fig = new_figure(figsize, dpi, layout) if fig is None else fig
        # a pyplot figure keeps its own (Agg) canvas; a bare Figure gets one
        self.canvas = self.fig.canvas if isinstance(self.fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(self.fig)
        self._changing, self._background = [], None

    def changing(self, *artists):
        """Mark ``artists`` as the only ones that change after the first rendering (they are blitted)."""
        for artist in artists:
            artist.set_animated(True)          # left out of the cached picture of the fixed parts
        self._changing.extend(artists)
        return artists

    def stale(self):
        """Something fixed changed (axis limits, ticks): the next rendering draws everything again."""
        self._background = None

    def pixels(self):
        """Render the figure -> (H, W, 3) uint8: the cached fixed parts, then the changing artists on top."""
        if self._background is None or not self._changing:
            self.canvas.draw()                 # everything but the changing artists
            if self._changing:
                self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(self._background)
        for artist in self._changing:
            self.fig.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())[:, :, :3]      # (H, W, 4) -> (H, W, 3): no alpha to encode

    def png(self):
        """The figure as PNG bytes (RGB, light compression: quick to make, still small; exact colours)."""
        buffer = io.BytesIO()
        Image.fromarray(self.pixels()).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def jpeg(self):
        """The figure as JPEG bytes, for a view that changes at every stroke (notebook 06): encoded about
        6x faster than PNG. Quality 92 without colour subsampling keeps thin lines and the maps' colours."""
        buffer = io.BytesIO()
        Image.fromarray(self.pixels()).save(buffer, format="jpeg", quality=92, subsampling=0)
        return buffer.getvalue()


def figure_png(fig):
    """Render any Figure to PNG bytes, the same way explorers do."""
    return Drawing(fig=fig).png()


class CheckerboardDrawing(Drawing):
    """Notebook 00's widget check: an n x n checkerboard, redrawn by :meth:`show`."""

    def __init__(self):
        super().__init__(figsize=(3, 3))
        ax = self.fig.add_subplot()
        ax.set_axis_off()
        self.board = ax.imshow(np.zeros((2, 2)), cmap=IMAGE, vmin=0, vmax=1, interpolation="nearest")

    def show(self, n):
        board = np.indices((n, n)).sum(axis=0) % 2     # (2, n, n) row and column indices -> (n, n)
        self.board.set_data(board)
        self.board.set_extent((-0.5, n - 0.5, n - 0.5, -0.5))
