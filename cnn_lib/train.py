"""The training loop: batches, iterations and epochs, with a history and no drawing. Notebooks 04, 05.

One **iteration** (step) = forward + loss + backward + update on one batch.
One **epoch** = enough iterations to use every training example once.
"""
import contextlib
from dataclasses import dataclass, field

import numpy as np

from . import parallel
from ._checks import NCHW_HINT, as_array, check_array, check_int, fail, show
from .layers import inference
from .losses import LR_HINT, softmax_cross_entropy


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


@contextlib.contextmanager
def _named(func):
    """Prefix errors raised inside the block with ``func``: the message names the function the learner called."""
    try:
        yield
    except (ValueError, TypeError, FloatingPointError, RuntimeError, MemoryError) as error:
        raise type(error)(f"{func}: {error}") from None


def _check_model(func, model, optimizer=None):
    """Refuse a model without forward/backward, and an optimizer built for another model."""
    if isinstance(model, type) or not (hasattr(model, "forward") and hasattr(model, "backward")):
        fail(func, "model", "a model (with forward and backward), e.g. a Sequential", show(model),
             "Hint: pass the model built with Sequential(...), with its parentheses.", TypeError)
    if optimizer is not None or func in ("fit", "train_step"):
        if isinstance(optimizer, type) or not callable(getattr(optimizer, "step", None)):
            fail(func, "optimizer", "an optimizer, e.g. SGD(model, lr=0.01)", show(optimizer),
                 "Hint: the order is fit(model, optimizer, x, y), with an optimizer built as SGD(model, lr=0.01).",
                 TypeError)
        if getattr(optimizer, "model", model) is not model:
            fail(func, "optimizer", "built for this model", "an optimizer built for another model object",
                 "Hint: after rebuilding the model (re-running its cell), rebuild the optimizer too: "
                 f"optimizer = {type(optimizer).__name__}(model, lr=...).")


def _check_data(func, x, y=None):
    """x as a float array with at least one example and no NaN; y (if given) one int label per example."""
    x = check_array(func, "x", x, None, "(N, C, H, W)")
    if x.ndim < 2:
        fail(func, "x", "a batch (N, C, H, W) of examples", f"shape {x.shape}", NCHW_HINT)
    if y is None:
        return x
    y = as_array(func, "y", y, "(N,)")
    if x.ndim < 4 and y.ndim == 1 and len(x) != len(y):
        fail(func, "x", "a batch (N, C, H, W) with one example per label", f"shape {x.shape} for {len(y)} labels",
             NCHW_HINT)
    if y.ndim != 1:
        fail(func, "y", "1-D (N,): one class id per example", f"shape {y.shape}",
             "Hint: for one-hot labels use y.argmax(axis=1)." if y.ndim == 2 else "Hint: y[:N], one label per example.")
    if not np.issubdtype(y.dtype, np.integer):
        fail(func, "y", "integer class ids", f"dtype {y.dtype}", "Hint: y.astype(int).", TypeError)
    if len(x) != len(y):
        fail(func, "x and y", "one label per example", f"{len(x)} examples and {len(y)} labels",
             "Hint: slice both the same way, x[:100], y[:100].")
    if y.min() < 0:
        fail(func, "y", "class ids >= 0", y.min(), "Hint: labels are 0..K-1, e.g. the digit itself.")
    return x, y


def predict(model, x, batch_size=32):
    """Logits for every example: x (N, ...) -> (N, K), computed in batches to bound memory.

    Runs in evaluation mode and leaves every layer's ``cache`` as it was (``layers.inference``).
    Speed: batches of 32, the size of a training step's halves (64 / 2), keep each convolution's im2col
    matrix small and reuse the memory training steps freed. Notebook 05's network took 1.2-2x longer per
    digit in batches of 500 (80 MB of columns in conv 2); in batches of 100, evaluating 500 digits after
    each epoch took 50-120 ms instead of 30 and slowed the next training step 2x; in batches of 64 the
    first evaluation took 55-95 ms (new, larger arrays: fresh memory), in batches of 32 35-50 ms.
    Each example's logits are computed on their own, but the products' rounding may differ in the last
    digits from one batch size to another (32 and 64 agree on the course's machine).
    The first half of x and the second half run on two cores (:mod:`cnn_lib.parallel`), each in batches
    of ``batch_size``; on one core the same batches, so the same numbers.
    """
    _check_model("predict", model)
    x = _check_data("predict", x)
    batch_size = check_int("predict", "batch_size", batch_size, 1, "Hint: e.g. 32.")
    with inference(model), _named("predict"):
        return np.concatenate(parallel._map_batches(model, x, batch_size))


def evaluate(model, x, y, batch_size=32):
    """Mean loss and accuracy (fraction correct) on ``(x, y)``: returns ``(loss, accuracy)``."""
    _check_model("evaluate", model)
    if y is None:
        fail("evaluate", "y", "the labels (N,) of x", "None", "Hint: evaluate(model, x, y).", TypeError)
    x, y = _check_data("evaluate", x, y)
    batch_size = check_int("evaluate", "batch_size", batch_size, 1, "Hint: e.g. 32.")
    with _named("evaluate"):
        logits = predict(model, x, batch_size)
    if y.max() >= logits.shape[1]:
        fail("evaluate", "y", f"class ids in 0..{logits.shape[1] - 1} (the model gives {logits.shape[1]} scores)",
             y.max(), "Hint: the output layer needs one score per class, e.g. Linear(..., 10) for the digits.")
    loss, _ = softmax_cross_entropy(logits, y)
    return loss, float(np.mean(logits.argmax(axis=1) == y))


def _refuse_divergence(logits):
    """Refuse NaN, inf or huge logits (FloatingPointError) before any update: training has diverged."""
    peak = np.abs(logits).max() if logits.size else 0.0
    if not peak < 1e15:                                  # NaN, inf, or a blow-up on its way to inf
        raise FloatingPointError(f"the model's output (logits) must be finite numbers of a sane size (< 1e15), "
                                 f"got {'NaN or inf' if not np.isfinite(peak) else f'{peak:.3g}'}: training "
                                 f"has diverged. {LR_HINT}")


def _forward_backward(model, x, y, share=1.0):
    """Forward, loss and backward on one batch (or one half of it, weighing ``share`` = n_half / N).

    Returns ``(loss, logits)``; fills every layer's ``grads`` with ``share`` times the gradient of the
    mean loss over ``x``. No gradient for the images themselves: nothing uses it.
    """
    logits = model.forward(x)
    _refuse_divergence(logits)
    loss, dlogits = softmax_cross_entropy(logits, y)
    if share != 1.0:
        dlogits *= share                             # this half's part of the batch's mean loss
    if getattr(model, "skips_input_grad", False):    # speed: no gradient for the images (nothing uses it)
        model.backward(dlogits, input_grad=False)
    else:
        model.backward(dlogits)
    return loss, logits


def train_step(model, optimizer, x, y):
    """One iteration on one batch: forward, loss, backward, update. Returns ``(loss, logits)``.

    A NaN or infinite loss is refused (FloatingPointError) before the update, with a hint.
    Speed: a batch of 32 examples or more is computed as two halves on two cores, and the halves'
    gradients are added (:mod:`cnn_lib.parallel` says why that is the same gradient); the model's
    ``grads`` then hold the whole batch's gradient, as after one ``model.backward``.
    """
    _check_model("train_step", model, optimizer)
    halves = None
    if isinstance(x, np.ndarray) and isinstance(y, np.ndarray) and y.ndim == 1 and len(x) == len(y) \
            and np.issubdtype(y.dtype, np.integer):   # otherwise the whole batch, for the checks' messages
        halves = parallel._halves(model, len(x))
    with _named("train_step"), np.errstate(over="ignore", invalid="ignore"):   # an overflow is refused below
        if halves is None:
            loss, logits = _forward_backward(model, x, y)
        else:
            shares = [(s.stop - s.start) / len(x) for s in halves]
            (loss_a, logits_a, grads_a), (loss_b, logits_b, grads_b) = parallel._on_two_cores(
                model, parallel._half, *((x[half], y[half], share) for half, share in zip(halves, shares)))
            loss = shares[0] * loss_a + shares[1] * loss_b
            logits = np.concatenate([logits_a, logits_b])           # (n_a, K) + (n_b, K) -> (N, K)
            for (_, layer, key), a, b in zip(model.named_slots(), grads_a, grads_b):
                layer.grads[key] = a + b                            # the whole batch's gradient
        optimizer.step()
    return loss, logits


def fit(model, optimizer, x, y, epochs=1, batch_size=64, seed=0, validation=None, on_step=None):
    """Train ``model`` on x (N, C, H, W), y (N,) int labels; returns a :class:`History`.

    Each epoch shuffles the examples (with ``np.random.default_rng(seed)``, so runs repeat
    exactly) and makes ``ceil(N / batch_size)`` iterations. ``validation=(x_val, y_val)`` adds
    held-out loss and accuracy per epoch. ``on_step(StepInfo)`` is called after each iteration.
    """
    _check_model("fit", model, optimizer)
    if y is None:
        fail("fit", "y", "the labels (N,) of x", "None", "Hint: fit(model, optimizer, x, y).", TypeError)
    x, y = _check_data("fit", x, y)
    epochs = check_int("fit", "epochs", epochs, 1, "Hint: one epoch is one pass over the training data.")
    batch_size = check_int("fit", "batch_size", batch_size, 1, "Hint: 64 is common.")
    if epochs * -(-len(x) // batch_size) > 10**6:
        fail("fit", "epochs * iterations per epoch", "at most 1,000,000 (days of training here)",
             f"{epochs} * {-(-len(x) // batch_size)}", "Hint: a few epochs are enough for the course's data.")
    seed = check_int("fit", "seed", seed, 0, "Hint: any whole number >= 0.")
    if validation is not None:
        if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
            fail("fit", "validation", "a pair (x_val, y_val)", show(validation),
                 "Hint: validation=(x_val, y_val).", TypeError)
        validation = _check_data("fit (validation)", *validation)
    if on_step is not None and not callable(on_step):
        fail("fit", "on_step", "a function taking a StepInfo, or None", show(on_step),
             "Hint: on_step=lambda info: print(info.loss).", TypeError)
    rng = np.random.default_rng(seed)
    history = History()
    steps = -(-len(x) // batch_size)
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        total_loss = correct = 0.0
        for step in range(steps):
            idx = order[step * batch_size:(step + 1) * batch_size]
            with _named(f"fit (epoch {epoch}, iteration {step})"):
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
