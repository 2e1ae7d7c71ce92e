"""Explorers and the control moves that exercise them: shared by tests/test_widgets.py and
benchmarks/bench_widgets.py (fixtures live here, not in the library).

``scenarios()`` returns ``[(label, explorer, control, values)]``: move ``control`` of ``explorer``
to each of ``values`` with ``explorer.move(control, value)`` (a button is clicked once per value).
Together the scenarios move every control of every explorer in ``cnn_lib.widgets``.
"""
import numpy as np

from cnn_lib.data import load_mnist
from cnn_lib.kernels import KERNEL_NAMES
from cnn_lib.layers import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential
from cnn_lib.widgets import (DigitExplorer, HelloExplorer, KernelExplorer, LayerExplorer, NodeInspector,
                             StrideExplorer, TrainingStepper)


def small_cnn(rng):
    """Notebook 01's network, untrained (same work per move as the trained one)."""
    # integrator: use cnn_lib.models.small_cnn
    return Sequential(Conv2d(1, 8, 3, rng=rng), ReLU(), MaxPool2d(2), Conv2d(8, 16, 3, rng=rng), ReLU(),
                      MaxPool2d(2), Flatten(), Linear(400, 10, rng=rng))


def lenet(rng):
    """Notebook 05's network, untrained."""
    # integrator: use cnn_lib.models.lenet
    return Sequential(Conv2d(1, 16, 5, padding=2, rng=rng), ReLU(), MaxPool2d(2), Conv2d(16, 32, 5, rng=rng),
                      ReLU(), MaxPool2d(2), Flatten(), Linear(800, 10, rng=rng))


def hello():
    explorer = HelloExplorer()
    return [("00 widget check: squares", explorer, explorer.slider, [3, 8, 12, 1, 6] * 4)]


def layer_explorer():
    _, _, x_test, y_test = load_mnist()
    rng = np.random.default_rng(0)
    models = {"untrained": small_cnn(rng), "trained": small_cnn(rng)}
    by_digit = LayerExplorer(models, x_test[:100], y_test[:100], photo=x_test[100])
    by_layer = LayerExplorer(models, x_test[:100], y_test[:100], photo=x_test[100])
    return [("01 layer explorer: test digit (conv maps)", by_digit, by_digit.digit, [5, 17, 42, 3, 99] * 4),
            ("01 layer explorer: layer", by_layer, by_layer.layer, [0, 1, 3, 6, 7, "softmax", "input", 5] * 3),
            ("01 layer explorer: network", by_layer, by_layer.network, ["trained", "untrained"] * 5),
            ("01 layer explorer: use the photo", by_layer, by_layer.use_photo, [True, False] * 5)]


def kernel_explorers():
    explorer, blur, custom, inspector = (KernelExplorer(), KernelExplorer(name="box_blur"),
                                         KernelExplorer(name="custom"), NodeInspector())
    return [("02 kernel explorer: stride", explorer, explorer.stride, [1, 2, 4, 8, 3] * 4),
            ("02 kernel explorer: kernel", explorer, explorer.name, list(KERNEL_NAMES) * 2),
            ("02 kernel explorer: size (box blur)", blur, blur.size, [3, 5, 7, 9, 1] * 4),
            ("02 kernel explorer: custom weight", custom, custom.cells[4], [1.0, -2.0, 4.0, 0.5, -1.0] * 4),
            ("02 node inspector: row", inspector, inspector.row, [1, 4, 7, 2, 5] * 4),
            ("02 node inspector: column", inspector, inspector.col, [1, 4, 7, 2, 5] * 4)]


def stride_explorer():
    moves = [("stride", "stride", [1, 2, 3, 4, 5, 8] * 3), ("input size", "n", [12, 20, 32, 7, 25] * 3),
             ("kernel size", "kernel", [1, 3, 7, 11, 5] * 3), ("padding", "padding", [0, 1, 3, 5, 2] * 3),
             ("dilation", "dilation", [1, 2, 3, 4] * 4), ("position", "position", [0, 5, 17, 40, 3, 60] * 3)]
    scenarios = []
    for label, name, values in moves:
        explorer = StrideExplorer(n=24, kernel_size=5, stride=3, padding=2, dilation=1)
        scenarios.append((f"03 stride explorer: {label}", explorer, getattr(explorer, name), values))
    return scenarios


def training_stepper():
    stepper = TrainingStepper()
    return [("04 training stepper: Step button", stepper, stepper.step_button, list(range(20))),
            ("04 training stepper: 10 steps button", stepper, stepper.ten_button, list(range(10))),
            ("04 training stepper: learning rate", stepper, stepper.lr, [0.1, 3.0, 0.01, 30.0, 1.0] * 4),
            ("04 training stepper: Reset button", stepper, stepper.reset_button, list(range(10)))]


def digit_explorer():
    _, _, x, y = load_mnist()
    explorer = DigitExplorer(lenet(np.random.default_rng(0)), x, y)
    return [("05 digit explorer: test digit", explorer, explorer.slider, [5, 17, 400, 999, 0, 250] * 4),
            ("05 digit explorer: only mistakes", explorer, explorer.only_mistakes, [True, False] * 5)]


SCENARIOS = (hello, layer_explorer, kernel_explorers, stride_explorer, training_stepper, digit_explorer)


def scenarios():
    """Every scenario of every explorer: ``[(label, explorer, control, values)]``."""
    return [s for make in SCENARIOS for s in make()]
