"""Interactive explorers for the notebooks (the only place that imports ipywidgets).

Each explorer is a small class of controls and wiring (:class:`~cnn_lib.widgets.base.Explorer`):
sliders and other controls, a drawing from :mod:`cnn_lib.viz` made once and redrawn in place,
rendered to PNG into a ``widgets.Image`` (the live frames of notebook 06's drawing explorer are
JPEG, quicker to encode; its static picture stays PNG), and a text line for shapes and messages.
No module here imports matplotlib. The update methods are plain functions of the controls'
values, so tests call them directly. Display one by making it the last line of a cell.
Notebooks: ``HelloExplorer`` 00, ``LayerExplorer`` 01, ``KernelExplorer`` and ``NodeInspector`` 02,
``StrideExplorer`` 03, ``TrainingStepper`` 04, ``DigitExplorer`` and ``TrainingMonitor`` 05,
``DrawExplorer`` and ``AttackExplorer`` 06, ``TransposedConvExplorer`` 07.
"""
from .base import Explorer
from .digit_explorer import DigitExplorer, TrainingMonitor
from .draw import AttackExplorer, DrawExplorer
from .hello_explorer import HelloExplorer
from .kernel_explorers import KernelExplorer, NodeInspector
from .layer_explorer import LayerExplorer
from .stride_explorer import StrideExplorer
from .training_stepper import TrainingStepper
from .transposed_explorer import TransposedConvExplorer

__all__ = ["Explorer", "HelloExplorer", "LayerExplorer", "KernelExplorer", "NodeInspector",
           "StrideExplorer", "TrainingStepper", "DigitExplorer", "TrainingMonitor",
           "DrawExplorer", "AttackExplorer", "TransposedConvExplorer"]
