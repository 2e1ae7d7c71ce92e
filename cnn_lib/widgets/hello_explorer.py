"""Notebook 00's check that widgets work: one slider, one picture that follows it."""
import numpy as np
import ipywidgets as widgets

from ..viz import IMAGE
from .base import Explorer


class HelloExplorer(Explorer):
    """A slider for n and an n x n checkerboard: if the picture follows the slider, widgets work."""

    title = "widget check"
    image_width = 240

    def __init__(self, n=4):
        super().__init__(figsize=(3, 3))
        self.slider = widgets.IntSlider(value=n, min=1, max=12, description="squares",
                                        continuous_update=True)
        ax = self.fig.add_subplot()
        ax.set_axis_off()
        self.artist = ax.imshow(np.zeros((2, 2)), cmap=IMAGE, vmin=0, vmax=1, interpolation="nearest")
        self.finish(self.slider)

    def update(self):
        n = self.slider.value
        board = np.indices((n, n)).sum(axis=0) % 2     # (2, n, n) row and column indices -> (n, n)
        self.artist.set_data(board)
        self.artist.set_extent((-0.5, n - 0.5, n - 0.5, -0.5))
        return f"The picture has {n} x {n} squares. Move the slider: it should change at once."


def demo_moves():
    """Control moves for benchmarks/bench_widgets.py: ``[(label, explorer, control, values)]``."""
    hello = HelloExplorer()
    return [("00 widget check: squares", hello, hello.slider, [3, 8, 12, 1, 6] * 4)]
