"""The tiny CNN of notebook 04 and its tiny dataset: small enough to print every number.

    input x (N, 1, 6, 6) -> Conv2d(1, 1, 3) -> (N, 1, 4, 4) -> ReLU -> Flatten -> (N, 16)
    -> Linear(16, 2) -> logits (N, 2)

The model outputs logits, one score per class; softmax(logits) are the predicted probabilities.
During training, softmax and the cross-entropy loss are computed together from the logits
(``softmax_cross_entropy``, like PyTorch's ``nn.CrossEntropyLoss``); the loss is not part of the
model at prediction time. Everything is float64, so gradient checks are exact to about 1e-8.
The network itself is the preset :func:`cnn_lib.models.tiny_cnn`; ``model.named_parameters()``
names its arrays like PyTorch (``"0.weight"`` is the kernel). Introduced in notebook 04 (the
widget :class:`~cnn_lib.widgets.training_stepper.TrainingStepper` uses the same network and data). Numpy only.
"""
import numpy as np

from ._checks import called_as, check_int, check_real, fail
from .losses import softmax_cross_entropy
from .models import tiny_cnn  # noqa: F401  (the network is a preset; notebook 04 imports it from here)
from .train import _check_model, train_step

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
    noise = check_real("tiny_data", "noise", noise, "a number in [0, 1)", lambda v: 0 <= v < 1,
                       "Hint: 0.3 keeps the bar (1.0) brighter than the background.")
    x = np.random.default_rng(check_int("tiny_data", "seed", seed, 0)).uniform(0, noise, size=(N_IMAGES, 1, 6, 6))
    y = np.tile([0, 1], 4)                               # (8,): 0 1 0 1 0 1 0 1
    for i in range(4):
        x[2 * i, 0, :, i + 1] = 1.0                      # vertical bar in column i + 1
        x[2 * i + 1, 0, i + 1, :] = 1.0                  # horizontal bar in row i + 1
    return x, y


def loss_on(model, x, y):
    """The mean cross-entropy loss of ``model`` on x (N, 1, 6, 6), y (N,): a float (no update)."""
    _check_model("loss_on", model)
    with called_as("loss_on"):
        return softmax_cross_entropy(model.forward(x), y)[0]


def batch_slice(iteration):
    """Which of the 8 images iteration number ``iteration`` (0-based) trains on: a slice of BATCH_SIZE.

    Batches go in a fixed order, images 0-3 then 4-7, then again, with no shuffling (``fit``
    shuffles): ITERATIONS_PER_EPOCH = 2 iterations make one epoch.
    """
    b = check_int("batch_slice", "iteration", iteration, 0, "Hint: iterations count from 0.") % ITERATIONS_PER_EPOCH
    return slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE)


def train(model, optimizer, x, y, iterations, start=0):
    """Run ``iterations`` training iterations on the tiny data; returns the loss on all of x after each.

    x (8, 1, 6, 6), y (8,). Iteration ``i`` (0-based, from ``start``) is ``train_step`` (forward,
    loss, backward, ``optimizer.step()``) on the batch ``x[batch_slice(i)]`` (BATCH_SIZE, 1, 6, 6).
    Returns a list of ``iterations`` floats: ``loss_on(model, x, y)`` after each update.
    """
    iterations = check_int("train", "iterations", iterations, 0, "Hint: e.g. 10.")
    if iterations > 10**5:                                   # about 1 ms each: more would run for minutes
        fail("train", "iterations", "at most 100,000 (the tiny data is learnt in a few dozen)", iterations,
             "Hint: e.g. 10; call train again to go on (start=...).")
    start = check_int("train", "start", start, 0, "Hint: the first iteration's number, 0 for a fresh model.")
    losses = []
    for i in range(start, start + iterations):
        batch = batch_slice(i)
        train_step(model, optimizer, x[batch], y[batch])
        losses.append(loss_on(model, x, y))
    return losses
