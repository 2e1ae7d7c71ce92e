"""Exercises on backpropagation (notebook 04): a ReLU node's gradient, paths that meet, one weight
update, two steps of gradient descent, and counting iterations and epochs."""
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


# ---------------------------------------------------------------- exercises that need a step of thought
def check_paths_meet(answer, z, weights, upstream):
    """dL/dz for a ReLU node ``a = max(z, 0)`` whose output feeds several scores.

    ``weights[k]``: the weight from a to score k; ``upstream[k]``: dL/dscore_k. The paths from
    the scores meet at a, so dL/da = sum_k upstream[k] * weights[k]; then ReLU's slope (1 or 0).
    Slips: one path only; the sum of the upstream values; multiplying by z; blocking a positive z.
    """
    paths = [u * w for u, w in zip(upstream, weights)]
    slope = 1.0 if z > 0 else 0.0
    right = sum(paths) * slope
    slips = [(p, f"that is one path only ({u:g} x {w:g}); a feeds every score, so the shares of all the paths "
                 f"add where they meet: dL/da = " + " + ".join(f"{u:g} x {w:g}" for u, w in zip(upstream, weights)))
             for p, u, w in zip(paths, upstream, weights)]
    slips += [(sum(paths) * z, f"you multiplied by the node's input z = {z:g}: ReLU's slope is 1 where z > 0, "
                               f"never z itself."),
              (sum(upstream), "the upstream gradients must each be multiplied by the weight on their path "
                              "(the local slope d score_k / d a) before they add."),
              (0.0, f"z = {z:g} is > 0, so ReLU passes the gradient through (slope 1): it blocks only where z <= 0.")
              if z > 0 else (sum(paths), f"z = {z:g} <= 0: ReLU's slope there is 0, so nothing passes back."),
              (paths[0] - paths[1] if len(paths) == 2 else None, "mind the signs: each path's share is "
                                                                 "upstream x weight, with both signs kept; then add.")]
    slips = [(v, h) for v, h in slips if v is not None]
    return check_number(answer, right, slips, tolerance=1e-6, explain=(
        f"dL/da = {' + '.join(f'{u:g} x {w:g}' for u, w in zip(upstream, weights))} = {sum(paths):g} (paths add "
        f"where they meet), then ReLU's slope {slope:g}: dL/dz = {right:g}."))


def check_two_steps(answer, w0, target, lr):
    """w after two gradient-descent steps on ``L(w) = (w - target)**2`` from ``w0``.

    Each step recomputes the gradient 2 (w - target) at the CURRENT w. Slips: one step only;
    adding the step; reusing the first gradient; leaving out the learning rate or the 2.
    """
    def run(steps, sign=-1.0, factor=2.0, rate=lr, reuse=False):
        w, grad = w0, None
        for _ in range(steps):
            grad = grad if reuse and grad is not None else factor * (w - target)
            w = w + sign * rate * grad
        return w

    right = run(2)
    slips = [(run(1), "that is after one step; take a second step, with the gradient recomputed at the new w."),
             (run(2, reuse=True), "you reused the first step's gradient: the gradient changes with w, so compute "
                                  "2 (w - target) again at the new w before the second step."),
             (run(2, sign=1.0), "the update subtracts lr x gradient (the gradient points uphill); you added it."),
             (run(2, rate=1.0), "you left out the learning rate: each step is lr x gradient."),
             (run(2, factor=1.0), f"the derivative of (w - {target:g})^2 is 2 (w - {target:g}): you left out the 2.")]
    w1 = run(1)
    return check_number(answer, right, slips, tolerance=1e-6, explain=(
        f"step 1: gradient 2 ({w0:g} - {target:g}) = {2 * (w0 - target):g}, w = {w1:g}; step 2: gradient "
        f"2 ({w1:g} - {target:g}) = {2 * (w1 - target):g}, w = {right:g}. Each step covers half the remaining "
        f"distance here: the gradient shrinks as w nears the minimum."))


check_paths_meet_node = register(
    "backprop.paths_meet", partial(check_paths_meet, z=0.8, weights=(0.5, -1.5), upstream=(0.3, -0.2)),
    solution=0.45, wrong={0.15: "one path only", 0.3: "one path only", 0.36: "multiplied by the node's input",
                          0.0: "passes the gradient through", -0.15: "mind the signs", 0.1: "multiplied by the weight"})

check_two_steps_quadratic = register(
    "backprop.two_steps", partial(check_two_steps, w0=0.0, target=3.0, lr=0.25),
    solution=2.25, wrong={1.5: "after one step", 3.0: "reused", -3.75: "subtracts", 0.0: "learning rate",
                          1.3125: "left out the 2"})
