"""Notebook 05's network, trained once by the course and shipped with it. Introduced in notebook 06.

Notebook 06 opens up a trained network; retraining it there would cost half a minute, so the
course ships the weights that ``tools/train_lenet_weights.py`` made with notebook 05's recipe
(:data:`RECIPE`, :func:`train_lenet`). Nothing is downloaded. Provenance: cnn_lib/datasets/README.md.
"""
from pathlib import Path

import numpy as np

from .data import load_mnist
from .models import lenet   # notebook 05's network (the course's preset)
from .optim import Adam
from .train import fit

WEIGHTS_NPZ = Path(__file__).with_name("datasets") / "lenet_05.npz"
# Notebook 05's choices (tests/test_nb06_inside.py checks that 05 still says the same).
RECIPE = {"seed": 0, "validation": 500, "batch_size": 64, "phases": [(5, 0.003), (3, 0.0005)]}


def split_05():
    """Notebook 05's three sets: ``(x_train, y_train, x_val, y_val, x_test, y_test)`` (3,500 / 500 / 1,000)."""
    x_train, y_train, x_test, y_test = load_mnist()
    v = RECIPE["validation"]
    return x_train[:-v], y_train[:-v], x_train[-v:], y_train[-v:], x_test, y_test


def train_lenet(x, y, validation=None, phases=None, on_step=None):
    """Notebook 05's schedule: ``lenet(0)``, one Adam, each phase ``(epochs, lr)`` a ``fit`` with seed = its index.

    x (N, 1, 28, 28), y (N,). Returns ``(model, histories)``, one History per phase.
    """
    if len(x) != len(y):
        raise ValueError(f"train_lenet: x and y must have one label per digit, got {len(x)} digits and {len(y)} "
                         "labels. Hint: slice both the same way, x[:100], y[:100].")
    model = lenet(RECIPE["seed"])
    optimizer = Adam(model, lr=RECIPE["phases"][0][1])
    histories = []
    for seed, (epochs, lr) in enumerate(RECIPE["phases"] if phases is None else phases):
        optimizer.lr = lr
        histories.append(fit(model, optimizer, x, y, epochs=epochs, batch_size=RECIPE["batch_size"], seed=seed,
                             validation=validation, on_step=on_step))
    return model, histories


def parameter_dict(model):
    """``{"0.weight": array, "0.bias": ..., "3.weight": ...}``: PyTorch's names (layer index, then name)."""
    return {f"{i}.{name}": value for i, layer in enumerate(model.layers) for name, value in layer.params.items()}


def load_trained_lenet():
    """A fresh :func:`lenet` holding the shipped weights (test accuracy stated in notebook 06).

    Every call returns a new model, so editing one never changes the next; the generator that
    :func:`~cnn_lib.layers.manual_seed` sets is left alone.
    """
    if not WEIGHTS_NPZ.is_file():
        raise FileNotFoundError(f"load_trained_lenet: expected the weights file {WEIGHTS_NPZ}, but it is missing. "
                                "Hint: reinstall cnn_lib, or rebuild it with `python tools/train_lenet_weights.py`.")
    model = lenet(0)                                  # starting values, all overwritten below
    with np.load(WEIGHTS_NPZ) as npz:
        for name, value in parameter_dict(model).items():
            value[...] = npz[name]                     # same shapes; float32 as stored
    return model
