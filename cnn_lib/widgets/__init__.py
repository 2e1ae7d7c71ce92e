"""Interactive explorers for the notebooks (the only place that imports ipywidgets).

Each explorer is a small class: sliders and other controls, ONE matplotlib Figure made once
and redrawn in place (``set_data``, titles), rendered to PNG into a ``widgets.Image``, and a
text line for shapes and messages. The update methods are plain functions of the controls'
values, so tests call them directly. Display one by making it the last line of a cell.
"""
from .backprop import TrainingStepper
from .base import Explorer
from .digits import DigitExplorer, TrainingMonitor
from .hello import HelloExplorer
from .kernels import KernelExplorer, NodeInspector
from .layers import LayerExplorer
from .stride import StrideExplorer

__all__ = ["Explorer", "HelloExplorer", "LayerExplorer", "KernelExplorer", "NodeInspector",
           "StrideExplorer", "TrainingStepper", "DigitExplorer", "TrainingMonitor"]
