"""The course's networks by name, so tests, benchmarks, figures and explorers build the same ones.

Each notebook still types its network where it teaches it, then asserts it equals the preset
here with :func:`same_network`; nothing else in the repository types these layer lists again
(tests/test_models.py checks). Presets draw their starting weights from their own generator,
``np.random.default_rng(seed)``: the same weights as ``manual_seed(seed)`` followed by the
``Sequential(...)``, without moving the generator that other new layers draw from.
"""
import numpy as np

from ._checks import called_as, check_int
from .blocks import BatchNorm2d, GlobalAvgPool2d, Residual
from .layers import Conv2d, Flatten, Layer, Linear, MaxPool2d, ReLU, Sequential

SEED_HINT = "Hint: any whole number >= 0; the same seed gives the same starting weights."


def _rng(func, seed):
    return np.random.default_rng(check_int(func, "seed", seed, 0, SEED_HINT))


def small_cnn(seed=0):
    """Notebook 01's CNN: x (N, 1, 28, 28) -> logits (N, 10); 5,258 parameters, float32.

    Conv2d(1, 8, 3) -> ReLU -> MaxPool2d(2) -> Conv2d(8, 16, 3) -> ReLU -> MaxPool2d(2) -> Flatten
    -> Linear(16*5*5 = 400, 10). Shapes: 28 -> 26 -> 13 -> 11 -> 5.
    """
    rng = _rng("small_cnn", seed)
    return Sequential(Conv2d(1, 8, 3, rng=rng), ReLU(), MaxPool2d(2),
                      Conv2d(8, 16, 3, rng=rng), ReLU(), MaxPool2d(2),
                      Flatten(), Linear(16 * 5 * 5, 10, rng=rng))


def tiny_cnn(seed=4, n_classes=2):
    """Notebook 04's tiny CNN: x (N, 1, 6, 6) -> logits (N, n_classes), float64 weights.

    Conv2d(1, 1, 3) -> (N, 1, 4, 4) -> ReLU -> Flatten -> (N, 16) -> Linear(16, n_classes). 44
    learnable values for 2 classes: kernel 3x3 + 1 bias, then 16 x 2 weights + 2 biases. Float64,
    so gradient checks are exact to about 1e-8. The default seed starts with most ReLU nodes
    above 0; with some seeds (3, say) every node starts at 0, no gradient reaches the kernel and
    nothing learns (a "dead" ReLU).
    """
    rng = _rng("tiny_cnn", seed)
    classes = check_int("tiny_cnn", "n_classes", n_classes, 1, "Hint: 2 for the vertical and horizontal bars.")
    with called_as("tiny_cnn"):
        model = Sequential(Conv2d(1, 1, 3, rng=rng), ReLU(), Flatten(), Linear(16, classes, rng=rng))
    for layer, name in model.parameters():
        layer.params[name] = layer.params[name].astype(np.float64)
    return model


def lenet(seed=0):
    """Notebook 05's LeNet-like CNN: x (N, 1, 28, 28) -> logits (N, 10); 21,258 parameters, float32.

    Conv2d(1, 16, 5, padding=2) -> ReLU -> MaxPool2d(2) -> Conv2d(16, 32, 5) -> ReLU -> MaxPool2d(2)
    -> Flatten -> Linear(32*5*5 = 800, 10). Shapes: 28 -> 28 -> 14 -> 10 -> 5.
    """
    rng = _rng("lenet", seed)
    return Sequential(Conv2d(1, 16, 5, padding=2, rng=rng), ReLU(), MaxPool2d(2),
                      Conv2d(16, 32, 5, rng=rng), ReLU(), MaxPool2d(2),
                      Flatten(), Linear(32 * 5 * 5, 10, rng=rng))


def lenet_strided(seed=0):
    """Notebook 05's variant of :func:`lenet`: each "conv + max pool" becomes one convolution at stride 2.

    Conv2d(1, 16, 5, stride=2, padding=2) -> ReLU -> Conv2d(16, 32, 5, stride=2) -> ReLU -> Flatten
    -> Linear(800, 10). Shapes: 28 -> 14 -> 5 (one pixel left over).
    """
    rng = _rng("lenet_strided", seed)
    return Sequential(Conv2d(1, 16, 5, stride=2, padding=2, rng=rng), ReLU(),
                      Conv2d(16, 32, 5, stride=2, rng=rng), ReLU(),
                      Flatten(), Linear(32 * 5 * 5, 10, rng=rng))


def modern_cnn(seed=0):
    """Notebook 07's small modern CNN for (N, 1, 28, 28) digits -> (N, 10) logits, weights from ``seed``.

    Convolutions with batch norm, two residual blocks, a stride-2 convolution instead of the
    second pooling, global average pooling instead of Flatten:
    28 -> conv 3x3 (16) -> 28 -> pool -> 14 -> residual -> conv stride 2 (32) -> 7 -> residual -> GAP -> 10.
    """
    rng = _rng("modern_cnn", seed)

    def block(c):                                           # x + BN(conv(ReLU(BN(conv(x))))), shape kept
        return Residual(Conv2d(c, c, 3, padding=1, rng=rng), BatchNorm2d(c), ReLU(),
                        Conv2d(c, c, 3, padding=1, rng=rng), BatchNorm2d(c))

    return Sequential(Conv2d(1, 16, 3, padding=1, rng=rng), BatchNorm2d(16), ReLU(), MaxPool2d(2),   # 28 -> 14
                      block(16), ReLU(),
                      Conv2d(16, 32, 3, stride=2, padding=1, rng=rng), BatchNorm2d(32), ReLU(),     # 14 -> 7
                      block(32), ReLU(),
                      GlobalAvgPool2d(), Linear(32, 10, rng=rng))                                  # (N, 32) -> (N, 10)


def same_network(a, b):
    """True when ``a`` and ``b`` have the same layers (same reprs) and equal parameters, name by name.

    What a notebook asserts after typing its network: ``assert same_network(net, models.lenet())``.
    """
    for which, model in (("a", a), ("b", b)):
        if not isinstance(model, Layer):
            raise TypeError(f"same_network: {which} must be a layer or Sequential, got {type(model).__name__}. "
                            f"Hint: pass the model itself, e.g. same_network(net, lenet()).")
    named_a, named_b = a.named_parameters(), b.named_parameters()
    return repr(a) == repr(b) and [n for n, _ in named_a] == [n for n, _ in named_b] and all(
        x.dtype == y.dtype and np.array_equal(x, y) for (_, x), (_, y) in zip(named_a, named_b))
