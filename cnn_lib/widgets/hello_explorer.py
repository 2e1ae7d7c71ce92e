"""Notebook 00's check that widgets work: one slider, one picture that follows it."""
from ..viz.canvas import CheckerboardDrawing
from .base import Explorer


class HelloExplorer(Explorer):
    """A slider for n and an n x n checkerboard: if the picture follows the slider, widgets work."""

    title = "widget check"
    image_width = 240

    def __init__(self, n=4):
        super().__init__(drawing=CheckerboardDrawing())
        self.slider = self.int_slider("n", n, 1, 12, description="squares", continuous_update=True)
        self.finish(self.slider)

    def update(self):
        n = self.slider.value
        self.drawing.show(n)
        self.facts["squares"] = n
        return f"The picture has {n} x {n} squares. Move the slider: it should change at once."
