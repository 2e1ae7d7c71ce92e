"""Drawing for the course: functions that build matplotlib figures from cnn_lib's numbers.

The only place that imports matplotlib (widgets get their figures from here); the maths never draws.
Colour maps are colour-blind safe: grey for images, viridis / cividis for magnitudes, PuOr
(purple-orange) for signed values such as kernel weights and gradients.
"""
from .style import DIVERGING, IMAGE, SEQUENTIAL, figure_png, new_figure, show_array, symmetric_limits

__all__ = ["IMAGE", "SEQUENTIAL", "DIVERGING", "show_array", "symmetric_limits", "new_figure", "figure_png"]
