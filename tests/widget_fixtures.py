"""Explorers and the control moves that exercise them: shared by tests/test_widgets.py and
benchmarks/bench_widgets.py (fixtures live here, not in the library).

``scenarios()`` returns ``[(label, explorer, control, values)]``: move ``control`` of ``explorer``
to each of ``values`` with ``explorer.move(control, value)`` (a button is clicked once per value).
Together the scenarios move every control of every explorer in ``cnn_lib.widgets``.
"""
import numpy as np

from cnn_lib.data import load_mnist
from cnn_lib.kernels import KERNEL_NAMES
from cnn_lib.models import lenet, small_cnn
from cnn_lib.pretrained import load_trained_lenet
from cnn_lib.widgets import (DigitExplorer, HelloExplorer, KernelExplorer, LayerExplorer, NodeInspector,
                             StrideExplorer, TrainingStepper)
from cnn_lib.widgets.draw import SIZE, AttackExplorer, DrawExplorer
from cnn_lib.widgets.transposed_explorer import TransposedConvExplorer


def hello():
    explorer = HelloExplorer()
    return [("00 widget check: squares", explorer, explorer.slider, [3, 8, 12, 1, 6] * 4)]


def layer_explorer():
    _, _, x_test, y_test = load_mnist()
    models = {"untrained": small_cnn(0), "trained": small_cnn(1)}      # untrained: the same work per move
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
    explorer = DigitExplorer(lenet(0), x, y)
    return [("05 digit explorer: test digit", explorer, explorer.slider, [5, 17, 400, 999, 0, 250] * 4),
            ("05 digit explorer: only mistakes", explorer, explorer.only_mistakes, [True, False] * 5)]


def inside_explorers():
    """Notebook 06: strokes on the trained network (each picture one more stroke), and FGSM's epsilon."""
    _, _, x, y = load_mnist()
    explorer = DrawExplorer(load_trained_lenet(), {int(y[i]): x[i, 0] for i in range(3)})
    attack = AttackExplorer(explorer.model, x, y)
    return [("06 drawing explorer: one more stroke", explorer, explorer.canvas, stroke_pictures()),
            ("06 FGSM explorer: epsilon", attack, attack.epsilon, [0.01 * k for k in (0, 3, 7, 12, 20, 30, 5)] * 3),
            ("06 FGSM explorer: test digit", attack, attack.digit, [5, 17, 400, 999, 0, 250] * 3)]


def stroke_pictures(count=12, seed=0):
    """``count`` drawings (SIZE, SIZE) uint8 as a canvas would send them: random thick strokes, one more each
    time (each picture = the previous one plus a stroke), for the benchmark and the tests."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    picture, pictures = np.zeros((SIZE, SIZE)), []
    for _ in range(count):
        (y0, x0), (y1, x1) = rng.uniform(15, SIZE - 15, size=(2, 2))
        t = np.clip(((yy - y0) * (y1 - y0) + (xx - x0) * (x1 - x0)) / max((y1 - y0) ** 2 + (x1 - x0) ** 2, 1), 0, 1)
        distance = np.hypot(yy - (y0 + t * (y1 - y0)), xx - (x0 + t * (x1 - x0)))   # to the segment
        picture = np.maximum(picture, np.clip(3.5 - distance, 0, 1))
        pictures.append((picture * 255).round().astype(np.uint8).tobytes())
    return pictures


def transposed_explorer():
    """Notebook 07: every control of the transposed-convolution explorer."""
    scenarios = []
    for label, name, values in [("stride", "stride", [1, 2, 3, 2] * 4), ("kernel size", "kernel", [1, 2, 3, 4, 5] * 3),
                                ("input size", "n", [1, 3, 6, 4] * 4), ("padding", "padding", [0, 1, 2, 3] * 4),
                                ("output_padding", "output_padding", [1, 0, 1, 2, 0] * 3),
                                ("input pixel", "pixel", [0, 4, 8, 2] * 4)]:
        explorer = TransposedConvExplorer(n=4, kernel_size=3, stride=2)
        scenarios.append((f"07 transposed-convolution explorer: {label}", explorer, getattr(explorer, name), values))
    return scenarios


SCENARIOS = (hello, layer_explorer, kernel_explorers, stride_explorer, training_stepper, digit_explorer,
             inside_explorers, transposed_explorer)


def scenarios():
    """Every scenario of every explorer: ``[(label, explorer, control, values)]``."""
    return [s for make in SCENARIOS for s in make()]
