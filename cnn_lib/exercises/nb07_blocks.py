"""Exercises on the building blocks of modern CNNs (notebook 07): savings, sizes, and batch norm by hand."""
from functools import partial

import numpy as np

from ..arithmetic import output_size_transposed
from ..functional_blocks import batch_norm2d_train
from .core import Feedback, check_number, not_answered, register


def check_separable_params(answer, in_channels, out_channels, kernel_size):
    """Parameters (weights and biases) of a depthwise k x k convolution followed by a 1x1 convolution."""
    c, o, k = in_channels, out_channels, kernel_size
    depthwise, pointwise = c * k * k + c, o * c + o
    full = o * c * k * k + o
    return check_number(answer, depthwise + pointwise, [
        (full, f"{full} is the ordinary {k}x{k} convolution. Depthwise: each of the {c} channels has ONE "
               f"{k}x{k} kernel of its own ({c}*{k}*{k} + {c} biases); then the 1x1 mixes channels."),
        (c * k * k + o * c, "you left out the biases: each of the two convolutions has one per output channel."),
        (o * c * k * k + o * c + o, "the depthwise part has one k x k kernel per input channel, not one per "
                                    "(output, input) pair: that would be the ordinary convolution again."),
        (depthwise, f"that is only the depthwise part; add the 1x1 (pointwise) part: {o}*{c} + {o}."),
    ], explain=f"depthwise {c}*{k}*{k} + {c} = {depthwise}, pointwise {o}*{c} + {o} = {pointwise}: "
               f"{depthwise + pointwise} instead of {full} ({full / (depthwise + pointwise):.1f} times fewer).")


def check_transposed_size(answer, n, kernel_size, stride=1, padding=0, output_padding=0):
    """Output size of a transposed convolution; names the usual slips."""
    n_, k, s, p, op = n, kernel_size, stride, padding, output_padding
    right = output_size_transposed(n_, k, s, p, op)
    slips = [(n_ * s - 2 * p + k + op, "stamps start s apart, so the last of n starts at (n - 1)*s, not n*s."),
             (right + 4 * p, "padding crops the output: subtract 2p, do not add it."),
             (right + 2 * p, "padding crops p rows on each side: subtract 2p (you left it out)."),
             ((n_ - 1) * s + k, "you left out padding and output_padding.")]
    if op:
        slips.append((right - op, "you forgot output_padding: it adds that many rows at the end."))
    return check_number(answer, right, [w for w in slips if w[0] != right],
                        explain=f"({n_} - 1)*{s} - 2*{p} + {k} + {op} = {right}.")


check_depthwise_separable = register(
    "blocks.depthwise_separable", partial(check_separable_params, in_channels=32, out_channels=64, kernel_size=3),
    solution=32 * 9 + 32 + 64 * 32 + 64, wrong={18496: "ordinary", 2336: "biases", 320: "pointwise"})

check_upsample_size = register(
    "blocks.transposed_size", partial(check_transposed_size, n=7, kernel_size=3, stride=2, padding=1,
                                      output_padding=1),
    solution=14, wrong={13: "output_padding", 18: "do not add it", 16: "(n - 1)*s", 15: "left out padding"})


# ---------------------------------------------------------------- write it yourself: batch norm
def _reference(x, weight, bias, eps):
    return batch_norm2d_train(x, weight, bias, eps).y


def _bug(fn_out, x, weight, bias, eps):
    """Name the mistake whose output matches the learner's, or None."""
    def norm(mean, var):
        return weight[:, None, None] * (x - mean) / np.sqrt(var + eps) + bias[:, None, None]
    suspects = [
        ("you normalised each example's channel on its own (axes (2, 3)); batch norm pools the whole batch "
         "of that channel: mean and var over axes (0, 2, 3).",
         norm(x.mean(axis=(2, 3), keepdims=True), x.var(axis=(2, 3), keepdims=True))),
        ("you normalised over everything at once; batch norm keeps one mean and variance PER CHANNEL: "
         "axes (0, 2, 3), not all axes.", norm(x.mean(), x.var())),
        ("you normalised over the channels (axis 1), as layer or instance norms do; batch norm uses axes (0, 2, 3).",
         norm(x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True))),
        ("you used the unbiased variance (ddof=1); batch norm normalises with the biased one (divide by N*H*W).",
          norm(x.mean(axis=(0, 2, 3), keepdims=True), x.var(axis=(0, 2, 3), keepdims=True, ddof=1))),
        ("you forgot eps: divide by sqrt(var + eps), which also keeps a constant channel from dividing by 0.",
         norm(x.mean(axis=(0, 2, 3), keepdims=True), x.var(axis=(0, 2, 3), keepdims=True) - eps)),
        ("you divided by the variance; divide by the standard deviation, sqrt(var + eps).",
         weight[:, None, None] * (x - x.mean(axis=(0, 2, 3))[:, None, None])
         / (x.var(axis=(0, 2, 3)) + eps)[:, None, None] + bias[:, None, None]),
        ("you forgot the learned scale and shift: y = weight[c] * x_hat + bias[c] (weight and bias shaped (C,) "
         "broadcast as [:, None, None]).", batch_norm2d_train(x, np.ones_like(weight), np.zeros_like(bias), eps).y),
    ]
    for hint, wrong in suspects:
        if wrong is not None and np.shape(fn_out) == wrong.shape and np.allclose(fn_out, wrong, atol=1e-6):
            return hint
    return None


def check_batch_norm_forward(fn):
    """Check a learner's ``fn(x, weight, bias, eps) -> y``, batch norm in training mode; never raises."""
    empty = not_answered(fn)
    if empty is not None:
        return empty
    if not callable(fn):
        return Feedback(False, f"pass your function itself (its name, without parentheses), got {fn!r}.")
    rng = np.random.default_rng(7)
    cases = [(rng.normal(2.0, 3.0, (4, 3, 5, 5)), rng.normal(1, 0.5, 3), rng.normal(0, 1, 3), 1e-5),
             (rng.normal(0.0, 0.01, (2, 2, 3, 4)), rng.normal(1, 0.5, 2), rng.normal(0, 1, 2), 1e-3)]
    for i, (x, weight, bias, eps) in enumerate(cases):
        try:
            y = fn(x.copy(), weight.copy(), bias.copy(), eps)
        except Exception as error:                                  # the learner's code may fail in any way
            return Feedback(False, f"your function raised {type(error).__name__}: {error} (on x of shape {x.shape}).")
        if y is ...:
            return Feedback(False, "your function returns ...: replace the ... in it with your code, then run the cell again.")
        right = _reference(x, weight, bias, eps)
        if np.shape(y) != right.shape:
            return Feedback(False, f"the output must keep x's shape {right.shape}, got {np.shape(y)}. "
                                   f"Keep the axes when averaging (keepdims=True) or broadcast (C,) as [:, None, None].")
        try:
            y = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError) as error:
            return Feedback(False, f"your function must return an array of numbers, got {type(y).__name__} ({error}).")
        if not np.allclose(y, right, atol=1e-6):
            try:
                bug = _bug(y, x, weight, bias, eps)
            except Exception:                                       # an odd output: no name for the bug
                bug = None
            worst = [int(i) for i in np.unravel_index(np.argmax(np.abs(y - right)), right.shape)]
            return Feedback(False, bug or f"test {i + 1}: y{worst} is {y[tuple(worst)]:.4f}, expected "
                                          f"{right[tuple(worst)]:.4f}. Compute mean and var per channel over "
                                          f"axes (0, 2, 3), x_hat = (x - mean) / sqrt(var + eps), then "
                                          f"weight * x_hat + bias.")
    return Feedback(True, "your batch norm matches cnn_lib's on both tests (per-channel statistics over "
                          "the batch and both image axes, biased variance, eps inside the square root).")


def _solution(x, weight, bias, eps):
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    return weight[:, None, None] * (x - mean) / np.sqrt(var + eps) + bias[:, None, None]


def _per_example(x, weight, bias, eps):
    mean, var = x.mean(axis=(2, 3), keepdims=True), x.var(axis=(2, 3), keepdims=True)
    return weight[:, None, None] * (x - mean) / np.sqrt(var + eps) + bias[:, None, None]


def _unbiased(x, weight, bias, eps):
    mean, var = x.mean(axis=(0, 2, 3), keepdims=True), x.var(axis=(0, 2, 3), keepdims=True, ddof=1)
    return weight[:, None, None] * (x - mean) / np.sqrt(var + eps) + bias[:, None, None]


def _no_affine(x, weight, bias, eps):
    return (x - x.mean(axis=(0, 2, 3), keepdims=True)) / np.sqrt(x.var(axis=(0, 2, 3), keepdims=True) + eps)


check_batch_norm = register("blocks.batch_norm_forward", check_batch_norm_forward, solution=_solution,
                            wrong={_per_example: "axes (0, 2, 3)", _unbiased: "ddof=1", _no_affine: "scale and shift",
                                   len: "raised"})
