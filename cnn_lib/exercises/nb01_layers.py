"""Exercises on layers: parameter counts, shapes, which layers learn, the loss (notebook 01)."""
import math
import numbers
from functools import partial

from ..arithmetic import conv_params, linear_params
from .core import Feedback, _shape_answer, check_choice, check_number, not_answered, plain, register


def check_conv_params(answer, in_channels, out_channels, kernel_size):
    """Check the number of learnable values of ``Conv2d(in_channels, out_channels, kernel_size)``.

    Slips: forgetting the biases; forgetting that each kernel spans every input channel;
    counting one kernel only; using k instead of k x k.
    """
    c_in, c_out, k = in_channels, out_channels, kernel_size
    right = conv_params(c_in, c_out, k)
    slips = [(conv_params(c_in, c_out, k, bias=False),
              f"you forgot the bias: each of the {c_out} kernels also has one bias, so add {c_out}."),
             (conv_params(1, c_out, k),
              f"you forgot the input channels: each kernel is {c_in} x {k} x {k}, it spans all {c_in} input channels."),
             (conv_params(1, c_out, k, bias=False),
              f"you forgot the input channels (each kernel is {c_in} x {k} x {k}) and the bias (one per kernel)."),
             (c_in * k * k + 1, f"that is one kernel and its bias; the layer has {c_out} kernels (out_channels)."),
             (c_out * c_in * k + c_out, f"a kernel of size {k} is {k} x {k}: square k, do not multiply by k once.")]
    return check_number(answer, right, slips,
                        explain=f"{c_out} kernels x ({c_in} x {k} x {k} weights) + {c_out} biases = {right}.")


def check_shape(answer, expected, slips=(), explain="", hint="follow the shape layer by layer."):
    """Compare a shape (a tuple or list of whole numbers) with ``expected``; ``slips``: (wrong shape, hint) pairs;
    ``hint`` for any other wrong shape."""
    empty = not_answered(answer)
    if empty is not None:
        return empty
    answer = _shape_answer(answer)
    if not isinstance(answer, (tuple, list)) or not all(
            isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in answer):
        return Feedback(False, f"write the shape as a tuple of whole numbers like (8, 26, 26), got {answer!r}."
                        + (" Remove the quotes: a shape is numbers, not text." if isinstance(answer, str) else ""))
    answer = tuple(int(n) for n in answer)
    if answer == tuple(expected):
        return Feedback(True, explain or f"{tuple(expected)}.")
    for wrong, words in slips:
        if answer == tuple(wrong):
            return Feedback(False, words)
    if len(answer) != len(expected):
        return Feedback(False, f"the shape should have {len(expected)} numbers (C, H, W), got {len(answer)}.")
    return Feedback(False, hint)


check_pool2_shape = register(
    "layers.shape_after_second_pool",
    partial(check_shape, expected=(16, 5, 5), slips=[
        ((16, 6, 6), "you rounded up: 11 / 2 = 5.5, and pooling keeps only whole 2 x 2 windows, so 5."),
        ((5, 5, 16), "cnn_lib is channels first (C, H, W): the 16 channels come first."),
        ((1, 16, 5, 5), "leave out the batch axis: the shape of one example is (C, H, W)."),
        ((8, 5, 5), "channels: the second Conv2d has 16 kernels, so 16 feature maps; pooling keeps the channels."),
        ((16, 11, 11), "that is the shape before the pooling: MaxPool2d(2) halves height and width."),
        ((16, 12, 12), "a 3 x 3 convolution without padding shrinks 13 to 13 - 3 + 1 = 11, then pooling halves it.")],
        explain="13 x 13 -> conv 3 x 3 -> 11 x 11 (16 maps) -> pool 2 -> floor(11 / 2) = 5: (16, 5, 5).",
        hint="follow the shape (C, H, W) from (1, 28, 28), one layer at a time: Conv2d(c_in, c_out, 3) without "
             "padding makes C = c_out and each of H, W becomes n - 3 + 1; ReLU keeps the shape; MaxPool2d(2) keeps "
             "C and makes each of H, W floor(n / 2)."),
    solution=(16, 5, 5), wrong={(16, 6, 6): "rounded up", (5, 5, 16): "channels first", (1, 16, 5, 5): "batch",
                                (8, 5, 5): "16 kernels", (16, 4, 4): "one layer at a time"})

check_conv_params_3_16_5 = register(
    "layers.conv_params_3_16_5", partial(check_conv_params, in_channels=3, out_channels=16, kernel_size=5),
    solution=1216, wrong={1200: "bias", 416: "input channels", 400: "input channels", 76: "16 kernels",
                          256: "square"})

NO_PARAMS_OPTIONS = {
    "a": "only the input row",
    "b": "the input row, ReLU, MaxPool2d, Flatten and the softmax row",
    "c": "Conv2d and Linear",
    "d": "none: every row has some parameters",
}
check_no_params = register(
    "layers.no_params",
    partial(check_choice, expected="b", options=list(NO_PARAMS_OPTIONS), hints={
        "a": "ReLU, MaxPool2d, Flatten and softmax have 0 parameters too: each computes a fixed function "
             "(max with 0, the max of a window, a reshape, exponentials divided by their sum) with nothing to learn.",
        "c": "those are the two kinds that DO have parameters (weights and biases): look at the parameters column.",
        "d": "look at the parameters column of the table: several rows show 0.",
    }, explain="only Conv2d and Linear have weights and biases; the input row, ReLU, MaxPool2d, Flatten and "
               "softmax compute fixed functions."),
    solution="b", wrong={"a": "fixed function", "c": "do have", "d": "several rows"})


def check_cross_entropy(answer, p, decimals=2):
    """Check the cross-entropy loss -ln(p) when the network gives the right class probability ``p``.

    The answer may be rounded or cut to ``decimals`` decimals: it must be within 0.6 units of the
    last decimal (an absolute tolerance: for -ln(0.01) = 4.605, 4.60 and 4.61 pass, 4.59 and 4.62 do not).
    """
    answer = plain(answer)
    right, tolerance = -math.log(p), 0.6 * 10.0 ** -decimals
    slips = [(-math.log10(p), "that is log base 10; cross-entropy uses the natural log, ln (np.log)."),
             (math.log(p), "mind the minus sign: ln(p) is negative for p < 1, the loss is -ln(p) >= 0."),
             (p, "the loss is not the probability itself: it is -ln(p)."),
             (1 - p, "the loss is not 1 - p: it is -ln(p), which grows without limit as p goes to 0.")]
    explain = f"-ln({p:g}) = {right:.3f}: the smaller p, the larger the loss."
    if isinstance(answer, numbers.Real) and not isinstance(answer, bool) and abs(answer) < 1e300:
        if abs(answer - right) <= tolerance:
            return Feedback(True, explain)
        for wrong, hint in slips:
            if abs(answer - wrong) <= tolerance:
                return Feedback(False, hint)
    return check_number(answer, right, explain=explain)   # placeholders, non-numbers, "too large / too small"


check_loss_p001 = register(
    "layers.cross_entropy_p0.01", partial(check_cross_entropy, p=0.01),
    solution=4.605, wrong={2.0: "natural log", -4.605: "minus sign", 0.99: "1 - p", 4.65: "too large",
                           4.56: "too small"})


# ---------------------------------------------------------------- exercises that need a step of thought
def check_loss_from_scores(answer, scores, label, decimals=2):
    """The cross-entropy loss for raw ``scores`` (logits) and the true class index ``label``.

    The learner must apply softmax first, then -ln of the label's probability. Slips: the wrong
    class (counting classes from 1), no softmax (-ln of the score, or of score / sum of scores),
    log base 10.
    """
    z = [float(s) for s in scores]
    exp = [math.exp(s - max(z)) for s in z]
    probs = [e / sum(exp) for e in exp]
    right, tolerance = -math.log(probs[label]), 0.6 * 10.0 ** -decimals
    slips = [(-math.log10(probs[label]), "that is log base 10; cross-entropy uses the natural log, ln (np.log)."),
             (-math.log(probs[label - 1]), f"that is the loss for index {label - 1}: class indices count from 0, so "
                                           f"label {label} is the score {z[label]:g}, not {z[label - 1]:g}."),
             (-z[label], "the scores are not probabilities: turn them into probabilities with softmax first, "
                         "p_j = exp(z_j) / sum_k exp(z_k)."),
             (-math.log(z[label] / sum(z)) if z[label] / sum(z) > 0 else math.nan,
              "softmax divides exponentials, exp(z_j) / sum_k exp(z_k), not the scores themselves.")]
    explain = (f"softmax gives p = ({', '.join(f'{p:.3f}' for p in probs)}); the label's p = {probs[label]:.4f}, "
               f"and -ln({probs[label]:.4f}) = {right:.3f}.")
    if isinstance(answer, numbers.Real) and not isinstance(answer, bool) and math.isfinite(answer):
        if abs(answer - right) <= tolerance:
            return Feedback(True, explain)
        for wrong, hint in slips:
            if math.isfinite(wrong) and abs(answer - wrong) <= tolerance:
                return Feedback(False, hint)
    return check_number(answer, right, explain=explain)


check_loss_from_scores_2_1_m1 = register(
    "layers.loss_from_scores", partial(check_loss_from_scores, scores=(2.0, 1.0, -1.0), label=1),
    solution=1.349, wrong={0.586: "base 10", 0.349: "count from 0", -1.0: "softmax first", 0.693: "exponentials"})


def check_output_layer_params(answer, side, channels=16, classes=10):
    """Parameters of notebook 01's output layer, Linear(channels * s * s, classes), for a ``side`` x ``side`` input.

    The convolution layers keep their parameters (a kernel does not depend on the image size);
    only the output layer, which sees every value of the last maps, changes. Slips: the 28 x 28
    count; no bias; rounding a pooling up; ignoring the convolutions' shrinking.
    """
    def after(n, pool_round=math.floor, conv=True):                     # conv 3, pool 2, conv 3, pool 2
        for _ in range(2):
            n = pool_round((n - 2 * conv) / 2)
        return n

    right = linear_params(channels * after(side) ** 2, classes)
    slips = [(linear_params(channels * after(28) ** 2, classes),
              "that is the count for 28 x 28 inputs: the maps reaching the output layer are larger now."),
             (channels * after(side) ** 2 * classes, "you forgot the output layer's biases, one per class."),
             (linear_params(channels * after(side, math.ceil) ** 2, classes),
              "MaxPool2d(2) rounds down: a 13 x 13 map gives 6 x 6 (the last row and column are left over)."),
             (linear_params(channels * after(side, conv=False) ** 2, classes),
              "each 3 x 3 convolution without padding first shrinks the map by 2 (n - 3 + 1), before each pooling.")]
    n = side
    steps = []
    for _ in range(2):
        steps.append(f"{n} -> conv {n - 2} -> pool {(n - 2) // 2}")
        n = (n - 2) // 2
    return check_number(answer, right, slips, explain=(
        f"{'; '.join(steps)}: the output layer is Linear({channels} x {n} x {n} = {channels * n * n}, {classes}), "
        f"{channels * n * n} x {classes} weights + {classes} biases = {right}. The conv layers do not change."))


check_output_layer_params_32 = register(
    "layers.output_layer_params_32", partial(check_output_layer_params, side=32),
    solution=5770, wrong={4010: "28 x 28", 5760: "biases", 7850: "rounds down", 10250: "shrinks"})
