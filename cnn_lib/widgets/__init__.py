"""Interactive explorers for the notebooks (the only place that imports ipywidgets).

Each explorer is a small class: sliders and other controls, ONE matplotlib Figure made once
and redrawn in place (``set_data``, titles), rendered to PNG into a ``widgets.Image``, and a
text line for shapes and messages. The update methods are plain functions of the controls'
values, so tests call them directly. Display one by making it the last line of a cell.
"""
from .base import Explorer
from .digit_explorer import DigitExplorer, TrainingMonitor
from .hello_explorer import HelloExplorer
from .kernel_explorers import KernelExplorer, NodeInspector
from .layer_explorer import LayerExplorer
from .stride_explorer import StrideExplorer
from .training_stepper import TrainingStepper

__all__ = ["Explorer", "HelloExplorer", "LayerExplorer", "KernelExplorer", "NodeInspector",
           "StrideExplorer", "TrainingStepper", "DigitExplorer", "TrainingMonitor"]
