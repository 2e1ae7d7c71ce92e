"""The tiny CNN of notebook 04 and its tiny dataset: small enough to print every number.

    input x (N, 1, 6, 6) -> Conv2d(1, 1, 3) -> (N, 1, 4, 4) -> ReLU -> Flatten -> (N, 16)
    -> Linear(16, 2) -> logits (N, 2)

The model outputs logits, one score per class; softmax(logits) are the predicted probabilities.
During training, softmax and the cross-entropy loss are computed together from the logits
(``softmax_cross_entropy``, like PyTorch's ``nn.CrossEntropyLoss``); the loss is not part of the
model at prediction time. Everything is float64, so gradient checks are exact
to about 1e-8. Introduced in notebook 04 (the widget :class:`~cnn_lib.widgets.training_stepper.TrainingStepper`
uses the same network and data). Numpy only.
"""
import numpy as np

from .layers import Conv2d, Flatten, Linear, ReLU, Sequential
from .losses import softmax_cross_entropy
from .train import train_step

CLASSES = ("vertical", "horizontal")     # label 0: a vertical bar; label 1: a horizontal bar
N_IMAGES = 8                             # tiny_data's training set
BATCH_SIZE = 4                           # 8 images in batches of 4: 2 iterations per epoch
ITERATIONS_PER_EPOCH = -(-N_IMAGES // BATCH_SIZE)      # ceil(8 / 4) = 2


def tiny_data(noise=0.3, seed=0):
    """Eight 6x6 grey images of one bright bar on a noisy background, and their labels.

    Returns ``x`` float64 (8, 1, 6, 6) in [0, 1] and ``y`` int64 (8,): the images alternate
    vertical (label 0, bar in column 1, 2, 3, 4) and horizontal (label 1, bar in row 1, 2, 3, 4),
    so every batch of 4 holds two of each. The background is uniform noise in [0, ``noise``).
    """
    x = np.random.default_rng(seed).uniform(0, noise, size=(N_IMAGES, 1, 6, 6))
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


def named_parameters(model):
    """``(label, layer, name)`` for every learnable array, labelled like PyTorch's ``state_dict`` keys:
    the layer's index in the Sequential, a dot, the parameter name (``"0.weight"`` is the kernel)."""
    return [(f"{i}.{name}", layer, name) for i, layer in enumerate(model.layers) for name in layer.params]


def batch_slice(iteration):
    """Which of the 8 images iteration number ``iteration`` (0-based) trains on: a slice of BATCH_SIZE.

    Batches go in a fixed order, images 0-3 then 4-7, then again, with no shuffling (``fit``
    shuffles): ITERATIONS_PER_EPOCH = 2 iterations make one epoch.
    """
    b = iteration % ITERATIONS_PER_EPOCH
    return slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE)


def train(model, optimizer, x, y, iterations, start=0):
    """Run ``iterations`` training iterations on the tiny data; returns the loss on all of x after each.

    x (8, 1, 6, 6), y (8,). Iteration ``i`` (0-based, from ``start``) is ``train_step`` (forward,
    loss, backward, ``optimizer.step()``) on the batch ``x[batch_slice(i)]`` (BATCH_SIZE, 1, 6, 6).
    Returns a list of ``iterations`` floats: ``loss_on(model, x, y)`` after each update.
    """
    losses = []
    for i in range(start, start + iterations):
        batch = batch_slice(i)
        train_step(model, optimizer, x[batch], y[batch])
        losses.append(loss_on(model, x, y))
    return losses
