"""The tiny CNN of notebook 04 and its tiny dataset: small enough to print every number.

    input x (N, 1, 6, 6) -> Conv2d(1, 1, 3) -> (N, 1, 4, 4) -> ReLU -> Flatten -> (N, 16)
    -> Linear(16, 2) -> logits (N, 2)

softmax(logits) are the predicted probabilities of the two classes; the loss compares them
with the labels during training only. Everything is float64, so gradient checks are exact
to about 1e-8. Introduced in notebook 04 (the widget :class:`~cnn_lib.widgets.backprop.TrainingStepper`
uses the same network and data). Numpy only.
"""
import numpy as np

from .layers import Conv2d, Flatten, Linear, ReLU, Sequential
from .losses import softmax_cross_entropy

CLASSES = ("vertical", "horizontal")     # label 0: a vertical bar; label 1: a horizontal bar
BATCH_SIZE = 4                           # 8 images in batches of 4: 2 iterations per epoch


def tiny_data(noise=0.3, seed=0):
    """Eight 6x6 grey images of one bright bar on a noisy background, and their labels.

    Returns ``x`` float64 (8, 1, 6, 6) in [0, 1] and ``y`` int64 (8,): the images alternate
    vertical (label 0, bar in column 1, 2, 3, 4) and horizontal (label 1, bar in row 1, 2, 3, 4),
    so every batch of 4 holds two of each. The background is uniform noise in [0, ``noise``).
    """
    x = np.random.default_rng(seed).uniform(0, noise, size=(8, 1, 6, 6))
    y = np.tile([0, 1], 4)                               # (8,): 0 1 0 1 0 1 0 1
    for i in range(4):
        x[2 * i, 0, :, i + 1] = 1.0                      # vertical bar in column i + 1
        x[2 * i + 1, 0, i + 1, :] = 1.0                  # horizontal bar in row i + 1
    return x, y


def tiny_cnn(seed=4, n_classes=2):
    """The tiny CNN above (``Sequential`` of Conv2d, ReLU, Flatten, Linear) with float64 weights.

    Initial weights come from ``np.random.default_rng(seed)`` (PyTorch's uniform rule); 44
    learnable values for 2 classes: kernel 3x3 + 1 bias, then 16 x 2 weights + 2 biases.
    The default seed starts with most ReLU nodes above 0; with some seeds (3, say) every node
    starts at 0, no gradient reaches the kernel and nothing learns (a "dead" ReLU).
    """
    rng = np.random.default_rng(seed)
    model = Sequential(Conv2d(1, 1, 3, rng=rng), ReLU(), Flatten(), Linear(16, n_classes, rng=rng))
    for layer, name in model.parameters():
        layer.params[name] = layer.params[name].astype(np.float64)
    return model


def loss_on(model, x, y):
    """The mean cross-entropy loss of ``model`` on x (N, 1, 6, 6), y (N,): a float (no update)."""
    return softmax_cross_entropy(model.forward(x), y)[0]


def batch_slice(iteration):
    """Which of the 8 images iteration number ``iteration`` (0-based) trains on: a slice of BATCH_SIZE.

    Batches go in order, images 0-3 then 4-7, then again: 2 iterations make one epoch.
    """
    b = iteration % (8 // BATCH_SIZE)
    return slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE)
