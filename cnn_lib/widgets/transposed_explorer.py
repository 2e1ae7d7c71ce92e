"""Notebook 07's transposed-convolution explorer: input size, kernel, stride, padding, output_padding.

It draws each input pixel's kernel stamp on the output canvas, coloured by how many stamps
cover each pixel (uneven counts: the checkerboard artefact), the rows ``padding`` crops, and
writes the output-size formula with the numbers (the drawing: :class:`cnn_lib.viz.modern_figures.TransposedConvDrawing`).
"""
import ipywidgets as widgets
import numpy as np

from .._checks import check_int
from ..arithmetic import output_size_transposed
from ..functional_blocks import conv_transpose2d
from ..viz.modern_figures import TransposedConvDrawing
from .base import Explorer


def stamp_counts(n, k, s, output_padding=0):
    """How many kernel stamps cover each pixel of the uncropped canvas: (F, F) with F = (n-1)s + k + output_padding.

    A transposed convolution of an all-ones n x n input with an all-ones k x k kernel (padding 0).
    """
    for name, value in (("n", n), ("k", k), ("s", s)):
        check_int("stamp_counts", name, value, 1, "Hint: sizes and the stride are whole numbers >= 1.")
    ones = np.ones((1, 1, n, n))                                   # one input channel of ones
    return conv_transpose2d(ones, np.ones((1, 1, k, k)), None, s, 0, output_padding)[0, 0]   # (1, 1, F, F) -> (F, F)


class TransposedConvExplorer(Explorer):
    """Sliders n, k, stride, padding, output_padding and the input pixel whose stamp is outlined.

    ``update()`` returns the status text: the formula with the numbers, whether the overlaps are
    even (no checkerboard) or not; or why a setting cannot work (the last drawing stays).
    """

    title = "transposed-convolution explorer"
    image_width = 760

    def __init__(self, n=3, kernel_size=3, stride=2, padding=0, output_padding=0):
        super().__init__(drawing=TransposedConvDrawing())
        slider = dict(continuous_update=True, style={"description_width": "initial"},
                      layout=widgets.Layout(width="240px"))
        self.n = self.int_slider("n", n, 1, 6, description="input size n", **slider)
        self.kernel = self.int_slider("kernel_size", kernel_size, 1, 5, description="kernel size k", **slider)
        self.stride = self.int_slider("stride", stride, 1, 3, description="stride s", **slider)
        self.padding = self.int_slider("padding", padding, 0, 3, description="padding p", **slider)
        self.output_padding = self.int_slider("output_padding", output_padding, 0, 2, description="output_padding",
                                              **slider)
        self.pixel = widgets.IntSlider(value=0, min=0, max=max(self.n.value ** 2 - 1, 1), description="input pixel", **slider)
        self.finish(self.n, self.kernel, self.stride, self.padding, self.output_padding, self.pixel)

    def settings(self):
        """The sliders' values: ``(n, k, s, p, output_padding)``."""
        return self.n.value, self.kernel.value, self.stride.value, self.padding.value, self.output_padding.value

    def update(self):
        n, k, s, p, op = self.settings()
        if op >= s:
            return self.explain(f"output_padding {op} must be smaller than the stride {s}: it only picks one of "
                                f"the {s} sizes that a stride-{s} convolution maps to {n}. Lower it.")
        full = (n - 1) * s + k + op
        if full - 2 * p < 1:
            return self.explain(f"padding {p} crops 2*{p} = {2 * p} rows from a canvas of {full}: nothing is "
                                f"left. Lower the padding.")
        out = output_size_transposed(n, k, s, p, op)
        counts = stamp_counts(n, k, s, op)
        self.pixel.max = max(n * n - 1, 1)              # clamps the value if the input shrank
        row, col = divmod(min(self.pixel.value, n * n - 1), n)
        self.drawing.draw(n, k, s, p, op, counts, (row, col))
        inner = counts[k - 1:full - op - k + 1, k - 1:full - op - k + 1]    # pixels every nearby stamp reaches
        even = k % s == 0 or inner.size == 0 or inner.min() == inner.max()
        self.facts = {"n": n, "kernel": k, "stride": s, "padding": p, "output_padding": op, "out": out,
                      "pixel": [row, col], "checkerboard": not even}
        if even:
            words = "inside the borders every pixel gets the same number of stamps: no checkerboard."
        else:
            words = (f"k = {k} is not a multiple of s = {s}: inside the borders neighbouring pixels get "
                     f"{int(inner.min())} to {int(inner.max())} stamps, a checkerboard even for a constant input.")
        return (f"<b>Output: {out} x {out}.</b> out = (n−1)·s − 2p + k + output_padding = "
                f"({n}−1)·{s} − 2·{p} + {k} + {op} = {out}. Input pixel ({row}, {col}) stamps a {k} x {k} "
                f"kernel at canvas row {row * s}, column {col * s}; stamps start s = {s} pixels apart, so "
                + words)
