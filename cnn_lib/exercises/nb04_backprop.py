"""Exercises on backpropagation (notebook 04): a ReLU node's gradient, one weight update, and
counting iterations and epochs."""
import math
from functools import partial

from .core import check_number, register


def check_relu_gradient(answer, z, upstream):
    """dL/dz for a ReLU node ``a = max(z, 0)``, given its input ``z`` and the upstream gradient dL/da.

    The chain rule: dL/dz = dL/da * da/dz, and ReLU's slope da/dz is 1 where z > 0, else 0.
    """
    right = upstream if z > 0 else 0.0
    slips = [(upstream * z, "you multiplied by the node's input z: ReLU's slope is 1 where z > 0 and 0 "
                            "where z <= 0, never z itself.")]
    if z > 0:
        slips.append((0.0, f"z = {z} is > 0, so ReLU's slope there is 1: the gradient passes through unchanged."))
    else:
        slips.append((upstream, f"z = {z} is <= 0, so the node outputs the constant 0 and its slope is 0: "
                                f"no gradient passes back through it."))
    return check_number(answer, right, slips, tolerance=1e-9,
                        explain=f"dL/dz = dL/da * slope = {upstream} * {1 if z > 0 else 0} = {right:g}.")


def check_weight_update(answer, weight, gradient, lr, decimals=3):
    """The new value of one weight after one SGD step: ``weight - lr * gradient``, to ``decimals`` places.

    Answers within half a unit of the last decimal place are right; the same value rounded to
    fewer places gets a hint about rounding rather than a generic "too small".
    """
    right = weight - lr * gradient
    slips = [(weight + lr * gradient, "you added lr * gradient, but the update subtracts it: the gradient points "
                                      "uphill (towards a larger loss), so the step goes against it."),
             (weight - gradient, "you left out the learning rate: the step is lr * gradient, not the gradient."),
             (-lr * gradient, "that is the change, - lr * gradient; the new weight is the old one plus that change."),
             (weight, "that is the old weight: one update changes it by - lr * gradient.")]
    exact = " (it needs no rounding)" if math.isclose(right, round(right, decimals), abs_tol=1e-12) else ""
    for places in range(decimals - 1, 0, -1):           # the right value rounded down or up to fewer places
        scale = 10 ** places
        for rounded in (math.floor(right * scale) / scale, math.ceil(right * scale) / scale):
            slips.append((rounded, f"close, but rounded to {places} decimal place{'s' * (places > 1)}: give the "
                                   f"new weight to {decimals} decimal places{exact}."))
    return check_number(answer, right, slips, tolerance=0.5 * 10 ** -decimals,
                        explain=f"w - lr * grad = {weight} - {lr} * {gradient} = {right:.{decimals}f}.")


def check_iterations(answer, n_examples, batch_size, epochs=1):
    """Iterations (updates) for ``epochs`` passes over ``n_examples`` in batches of ``batch_size``.

    Each epoch makes ``ceil(n_examples / batch_size)`` iterations: the last, partial batch is kept
    (PyTorch's ``DataLoader`` default, ``drop_last=False``), so it may be smaller.
    """
    per_epoch = math.ceil(n_examples / batch_size)
    right = per_epoch * epochs
    slips = [((n_examples // batch_size) * epochs,
              f"you dropped the last, partial batch. That is the other convention (drop_last=True in PyTorch's "
              f"DataLoader); here, as by default, {n_examples} / {batch_size} is not whole and the leftover "
              f"examples make one more, smaller batch each epoch, so round up."),
             (n_examples / batch_size * epochs, "a number of iterations is a whole number of batches: round up, "
                                                "because the last, partial batch is one more iteration.")]
    if epochs > 1:
        slips.append((per_epoch, f"that is one epoch's iterations; the training makes {epochs} epochs."))
    slips.append((epochs, "you counted epochs, not iterations: an iteration is one update on one batch, and "
                          "one epoch (one pass over all the data) takes many of them."))
    return check_number(answer, right, slips,
                        explain=f"ceil({n_examples} / {batch_size}) = {per_epoch} iterations per epoch"
                                + (f", times {epochs} epochs = {right}." if epochs > 1 else "."))


check_relu_node = register(
    "backprop.relu_node", partial(check_relu_gradient, z=-0.7, upstream=2.5),
    solution=0, wrong={2.5: "slope is 0", -1.75: "multiplied by the node's input"})

check_update = register(
    "backprop.weight_update", partial(check_weight_update, weight=0.4, gradient=0.25, lr=0.1),
    solution=0.375, wrong={0.425: "subtracts", 0.15: "learning rate", -0.025: "the change", 0.38: "decimal places",
                           0.37: "decimal places", 0.4: "old weight"})

check_iterations_per_epoch = register(
    "backprop.iterations_per_epoch", partial(check_iterations, n_examples=60_000, batch_size=128),
    solution=469, wrong={468: "drop_last=True", 468.75: "whole number", 1: "counted epochs"})

check_total_iterations = register(
    "backprop.total_iterations", partial(check_iterations, n_examples=60_000, batch_size=128, epochs=3),
    solution=1407, wrong={1404: "round up", 469: "one epoch's", 3: "counted epochs"})
