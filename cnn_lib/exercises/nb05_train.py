"""Exercises on the trained CNN of notebook 05: parameter counts when a layer widens, and reading
a confusion matrix."""
from functools import partial

import numpy as np

from ..arithmetic import conv_params, linear_params
from ..metrics import most_confused
from .core import Feedback, check_number, not_answered, register


def lenet_params(c1, c2, k=5, side=5, classes=10, bias=True):
    """Learnable values of Conv2d(1, c1, k) -> Conv2d(c1, c2, k) -> Linear(c2*side*side, classes)."""
    return (conv_params(1, c1, k, bias) + conv_params(c1, c2, k, bias)
            + linear_params(c2 * side * side, classes, bias))


def check_double_first_layer(answer, c1, c2, k=5, side=5, classes=10):
    """Total parameters once the first conv has 2 * c1 kernels (the rest of the net unchanged).

    Slips: forgetting that the second conv's kernels now span 2 * c1 input channels; forgetting
    the biases; doubling the whole count; the count before the change; leaving out the linear
    layer; counting the first layer only.
    """
    before, right = lenet_params(c1, c2, k, side, classes), lenet_params(2 * c1, c2, k, side, classes)
    second_same = right - conv_params(2 * c1, c2, k) + conv_params(c1, c2, k)
    slips = [(second_same, f"the first layer's {2 * c1} feature maps are the second conv's input channels: each "
                           f"of its {c2} kernels grows from {c1} x {k} x {k} to {2 * c1} x {k} x {k} weights."),
             (lenet_params(2 * c1, c2, k, side, classes, bias=False),
              "you forgot the biases: one per kernel in each conv layer, one per output in the linear layer."),
             (2 * before, f"not everything doubles: the linear layer still sees the same {side} x {side} x "
                          f"{c2} maps, so its {linear_params(c2 * side * side, classes)} parameters stay."),
             (before, f"that is the count before the change ({before}): the first layer now has {2 * c1} kernels."),
             (right - linear_params(c2 * side * side, classes), "the output layer (Linear) has parameters too."),
             (conv_params(1, 2 * c1, k), "that is the first layer alone; the question asks for the whole network.")]
    return check_number(answer, right, slips, explain=(
        f"conv 1: {conv_params(1, 2 * c1, k)}, conv 2: {conv_params(2 * c1, c2, k)} (its kernels now span "
        f"{2 * c1} channels), linear: {linear_params(c2 * side * side, classes)} (unchanged); total {right}."))


def check_most_confused(answer, matrix):
    """``answer``: the pair ``(true digit, guessed digit)`` of the largest off-diagonal cell of ``matrix``.

    Slips: reading the matrix transposed (columns as the true digits); picking a diagonal cell
    (correct answers, not mistakes); a pair that is not the largest count.
    """
    empty = not_answered(answer)
    if empty is not None:
        return empty
    if not (isinstance(answer, (tuple, list, np.ndarray)) and len(answer) == 2):
        if isinstance(answer, str) and answer.strip().lower() in ("none", "no mistakes") or isinstance(answer, (tuple, list)) and not answer:
            return (Feedback(True, "right: every cell off the diagonal is 0, so no pair of digits is confused.")
                    if most_confused(matrix)[1] == 0 else
                    Feedback(False, "there are mistakes: look for the largest count off the diagonal."))
        quoted = " Remove the quotes: (4, 9), not '(4, 9)'." if isinstance(answer, str) and "," in answer else ""
        return Feedback(False, f"write the answer as a pair (true digit, guessed digit) like (3, 5), got {answer!r}."
                               + quoted)
    try:
        true, guess = (int(a) for a in answer)
        if (true, guess) != tuple(answer):             # 4.5 or "4": not a whole number
            raise ValueError
    except (TypeError, ValueError):
        return Feedback(False, f"both entries should be digits (whole numbers 0-9), got {answer!r}.")
    matrix = np.asarray(matrix)
    pairs, count = most_confused(matrix)
    if count == 0:                                     # a perfect matrix: there is no most-confused pair
        return Feedback(False, "this matrix holds no mistakes at all: every cell off the diagonal is 0, so no "
                               "pair of digits is confused (there is nothing to find here).")
    if (true, guess) in pairs:
        return Feedback(True, f"row {true}, column {guess}: {count} test digits that are {true}s were taken for "
                              f"{guess}s, the largest count off the diagonal.")
    if not (0 <= true < len(matrix) and 0 <= guess < len(matrix)):
        return Feedback(False, f"digits go from 0 to {len(matrix) - 1}.")
    if true == guess:
        return Feedback(False, "that cell is on the diagonal: those digits were recognised correctly. "
                               "Mistakes are off the diagonal.")
    if (guess, true) in pairs:
        return Feedback(False, "you read it transposed: rows are the true digits, columns the guesses.")
    return Feedback(False, f"row {true}, column {guess} holds {matrix[true, guess]} mistakes; "
                           f"another cell off the diagonal holds more.")


# A worked example for the registry audit: the notebook passes its own matrix.
EXAMPLE = np.diag([98, 99, 95, 96, 97, 94, 98, 95, 93, 95])
EXAMPLE[4, 9], EXAMPLE[9, 4], EXAMPLE[7, 2], EXAMPLE[3, 5] = 3, 1, 2, 2

check_double_first_layer_16_32 = register(
    "training.double_first_layer", partial(check_double_first_layer, c1=16, c2=32),
    solution=34474, wrong={21674: "input channels", 34400: "bias", 42516: "linear layer", 21258: "before",
                           26464: "output layer", 832: "first layer alone"})

check_most_confused_example = register(
    "training.most_confused", partial(check_most_confused, matrix=EXAMPLE),
    solution=(4, 9), wrong={(9, 4): "transposed", (4, 4): "diagonal", (7, 2): "another cell", (3, 12): "0 to 9"})


def check_precision(answer, matrix, digit):
    """Of the test digits the network GUESSED as ``digit``, the fraction that really are ``digit``.

    That is the column: ``matrix[digit, digit] / matrix[:, digit].sum()`` (precision). A fraction
    or a percentage is accepted (to 0.005, i.e. half a percentage point). Slips: the row (recall:
    of the real ``digit``s, the fraction recognised); the count instead of a fraction; the accuracy.
    """
    empty = not_answered(answer)
    if empty is not None:
        return empty
    matrix = np.asarray(matrix)
    column, row = matrix[:, digit].sum(), matrix[digit].sum()
    right = matrix[digit, digit] / column if column else 0.0
    recall = matrix[digit, digit] / row if row else 0.0
    explain = (f"column {digit} holds every digit guessed as {digit}: {column}, of which {matrix[digit, digit]} "
               f"really are {digit}s, so {matrix[digit, digit]} / {column} = {right:.3f}.")
    if isinstance(answer, (int, float, np.floating, np.integer)) and not isinstance(answer, bool) \
            and 1 < answer <= 100 and abs(answer / 100 - right) <= 0.005:
        return Feedback(True, explain + " (As a percentage, fine.)")
    slips = [(matrix[digit, digit], f"that is a count; the question asks for a fraction: divide by the column's "
                                    f"total, every digit guessed as {digit}."),
             (np.trace(matrix) / matrix.sum(), "that is the accuracy over all digits; the question is about the "
                                               f"digits guessed as {digit}: column {digit} only.")]
    if abs(recall - right) > 0.005:        # the row-versus-column mix-up, only when the two differ
        slips.insert(0, (recall, f"you read row {digit}: of the real {digit}s, the fraction recognised (the "
                                 f"recall). The question starts from the guesses: read column {digit}."))
    return check_number(answer, right, slips, tolerance=0.005, explain=explain)


check_precision_example = register(
    "training.precision", partial(check_precision, matrix=EXAMPLE, digit=9),
    solution=95 / 98, wrong={95 / 96: "row", 95: "a count"})
