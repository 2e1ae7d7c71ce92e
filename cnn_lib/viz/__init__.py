"""Drawing for the course: functions that build matplotlib figures from cnn_lib's numbers.

The only place that imports matplotlib (widgets get their pictures from here); the maths never draws.
``style`` holds the one look (colour maps, palette, numbers on cells, arrows, grids); ``canvas`` the
:class:`~cnn_lib.viz.canvas.Drawing` every explorer draws into; one module per notebook topic holds
its figures and its explorer's Drawing (``activations`` 01, ``convolution`` 02, ``stride`` 03,
``backprop`` 04, ``training`` 05, ``inside`` 06, ``modern_figures`` 07; ``derivations``: the
pictures that derive the maths in 02 and 04 (chain rule, gradient paths, pooling); ``diagrams``:
the PNG diagrams of ``images/``).
Colour maps are colour-blind safe: grey for images, viridis / cividis for magnitudes, PuOr
(purple-orange) for signed values such as kernel weights and gradients.
"""
from .canvas import Drawing, figure_png, new_figure
from .style import DIVERGING, IMAGE, SEQUENTIAL, show_array, symmetric_limits

__all__ = ["IMAGE", "SEQUENTIAL", "DIVERGING", "show_array", "symmetric_limits", "new_figure", "figure_png", "Drawing"]
