"""The training loop: batches, iterations and epochs, with a history and no drawing. Notebooks 04, 05.

One **iteration** (step) = forward + loss + backward + update on one batch.
One **epoch** = enough iterations to use every training example once.
"""
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_int
from .layers import Sequential
from .losses import softmax_cross_entropy


@dataclass
class History:
    """What happened during :func:`fit`, one entry per epoch (``step_loss``: one per iteration)."""
    loss: list = field(default_factory=list)          # mean training loss over the epoch
    accuracy: list = field(default_factory=list)      # training accuracy over the epoch
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)


@dataclass
class StepInfo:
    """Passed to ``fit``'s ``on_step`` callback after every iteration (for progress bars)."""
    epoch: int           # 0-based
    step: int            # iteration within the epoch, 0-based
    steps_per_epoch: int
    loss: float          # this batch's loss


def _check_data(func, x, y):
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"{func}: x and y must have one label per example, got {len(x)} examples "
                         f"and {len(y)} labels. Hint: slice both the same way, x[:100], y[:100].")
    return x, y


def predict(model, x, batch_size=100):
    """Logits for every example: x (N, ...) -> (N, K), computed in batches to bound memory.

    Speed: batches of 100 keep each convolution's im2col matrix small enough for the CPU's cache;
    notebook 05's network took 1.2-2x longer per digit in batches of 500 (80 MB of columns in conv 2).
    """
    batch_size = check_int("predict", "batch_size", batch_size, 1)
    return np.concatenate([model.forward(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])


def evaluate(model, x, y, batch_size=100):
    """Mean loss and accuracy (fraction correct) on ``(x, y)``: returns ``(loss, accuracy)``."""
    x, y = _check_data("evaluate", x, y)
    logits = predict(model, x, batch_size)
    loss, _ = softmax_cross_entropy(logits, y)
    return loss, float(np.mean(logits.argmax(axis=1) == y))


def train_step(model, optimizer, x, y):
    """One iteration on one batch: forward, loss, backward, update. Returns ``(loss, logits)``."""
    logits = model.forward(x)
    loss, dlogits = softmax_cross_entropy(logits, y)
    if isinstance(model, Sequential):        # speed: no gradient for the images themselves (nothing uses it)
        model.backward(dlogits, input_grad=False)
    else:
        model.backward(dlogits)
    optimizer.step()
    return loss, logits


def fit(model, optimizer, x, y, epochs=1, batch_size=64, seed=0, validation=None, on_step=None):
    """Train ``model`` on x (N, C, H, W), y (N,) int labels; returns a :class:`History`.

    Each epoch shuffles the examples (with ``np.random.default_rng(seed)``, so runs repeat
    exactly) and makes ``ceil(N / batch_size)`` iterations. ``validation=(x_val, y_val)`` adds
    held-out loss and accuracy per epoch. ``on_step(StepInfo)`` is called after each iteration.
    """
    x, y = _check_data("fit", x, y)
    epochs = check_int("fit", "epochs", epochs, 1, "Hint: one epoch is one pass over the training data.")
    batch_size = check_int("fit", "batch_size", batch_size, 1)
    rng = np.random.default_rng(seed)
    history = History()
    steps = -(-len(x) // batch_size)
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        total_loss = correct = 0.0
        for step in range(steps):
            idx = order[step * batch_size:(step + 1) * batch_size]
            loss, logits = train_step(model, optimizer, x[idx], y[idx])
            total_loss += loss * len(idx)
            correct += np.sum(logits.argmax(axis=1) == y[idx])
            history.step_loss.append(loss)
            if on_step is not None:
                on_step(StepInfo(epoch, step, steps, loss))
        history.loss.append(total_loss / len(x))
        history.accuracy.append(float(correct) / len(x))
        if validation is not None:
            val_loss, val_acc = evaluate(model, *validation)
            history.val_loss.append(val_loss)
            history.val_accuracy.append(val_acc)
    return history
