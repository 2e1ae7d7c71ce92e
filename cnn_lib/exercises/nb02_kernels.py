"""Exercises on kernels, feature maps and nodes (notebook 02)."""
import numbers

import numpy as np

from ..arithmetic import conv_params, output_size, receptive_field
from ..kernels import kernel
from .core import Feedback, _shape_answer, check_choice, check_number, not_answered, register

# ---------------------------------------------------------------- one node by hand
PATCH = np.array([[5, 0, 1], [4, 1, 0], [2, 5, 4]])            # the 3x3 input patch under the kernel
NODE_KERNEL = np.array([[2, -1, -1], [-2, -2, -1], [2, 1, 0]])  # the kernel's weights


def check_node(answer):
    """The node over :data:`PATCH` for :data:`NODE_KERNEL`: the sum of the 9 elementwise products."""
    right = int(np.sum(PATCH * NODE_KERNEL))
    slips = [
        (int(np.sum(PATCH * NODE_KERNEL[::-1, ::-1])),
         "you flipped the kernel (that is textbook convolution). A CNN's 'convolution' is cross-correlation: "
         "each weight multiplies the pixel it lies on, top-left with top-left."),
        (int(np.sum(np.abs(PATCH * NODE_KERNEL))), "you dropped the minus signs: negative weights subtract."),
        (int(np.sum(PATCH * np.maximum(NODE_KERNEL, 0))), "you left out the products with negative weights: "
         "they count too, and subtract."),
        (int(np.sum(PATCH)), "that is the sum of the patch alone: first multiply each pixel by its weight."),
        (int(np.sum(PATCH @ NODE_KERNEL)), "you multiplied the matrices (rows by columns, patch @ kernel). A node "
         "multiplies element by element (patch * kernel), then adds the 9 products."),
        (int(np.sum(PATCH * NODE_KERNEL.T)), "you transposed the kernel: keep each weight at its own row and column."),
    ]
    return check_number(answer, right, slips, explain=f"sum(patch * kernel) = {right}.")


check_node = register("kernels.node_by_hand", check_node, solution=8,
                      wrong={-3: "flipped", 30: "minus signs", 22: "patch alone", -15: "element by element"})

# ---------------------------------------------------------------- which kernel finds horizontal edges
EDGE_QUIZ = {      # none is in the gallery: the learner reasons from the weights, not from a name
    "a": np.array([[2, 1, 0], [1, 0, -1], [0, -1, -2]]),
    "b": np.array([[0, 0, 0], [1, 1, 1], [0, 0, 0]]),
    "c": np.array([[0, -1, 0], [0, 0, 0], [0, 1, 0]]),
    "d": np.array([[0, 0, 0], [-1, 0, 1], [0, 0, 0]]),
}
_EDGE_HINTS = {
    "a": "kernel a (a diagonal edge kernel) does respond to a horizontal edge, but also to a vertical one: its "
         "columns differ as well as its rows. Try it on a patch whose left half is dark and right half bright.",
    "b": "kernel b only adds up a row of pixels: on a flat patch it gives 3 x the brightness, not 0. It follows "
         "brightness, not its change (the usual mix-up: it looks horizontal, but it detects no edge).",
    "d": "kernel d subtracts the left pixel from the right one, so it answers brightness changing from left to right: "
         "a vertical edge. (A horizontal edge is a line running left to right; brightness changes across it, from "
         "top to bottom.) Look for a kernel whose rows differ.",
}


def check_horizontal_edge(answer):
    """Which of the kernels in :data:`EDGE_QUIZ` ('a' to 'd') is a horizontal-edge detector (responds to
    horizontal edges, and gives 0 on vertical edges and on flat patches)?"""
    return check_choice(answer, "c", list(EDGE_QUIZ), _EDGE_HINTS,
                        explain="c is the pixel below minus the pixel above: large where brightness changes "
                                "from top to bottom, which is across a horizontal edge; 0 on flat patches and "
                                "on vertical edges (the pixels above and below are then equal). Two weights "
                                "are enough; the gallery's horizontal_edge does the same with whole rows.")


check_horizontal_edge = register("kernels.horizontal_edge", check_horizontal_edge, solution="c",
                                 wrong={"a": "also to a vertical", "b": "not its change", "d": "vertical edge"})

# ---------------------------------------------------------------- a feature-map stack
STACK = dict(kernels=10, kernel_size=7, stride=2, height=64, width=64, channels=3)


def check_stack_shape(answer):
    """Shape (K, H', W') of the feature-map stack of the layer in :data:`STACK`, for one image."""
    empty = not_answered(answer)
    if empty is not None:
        return empty
    K, k, s, C = STACK["kernels"], STACK["kernel_size"], STACK["stride"], STACK["channels"]
    n, answer = STACK["height"], _shape_answer(answer)
    if not isinstance(answer, (tuple, list)) or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in answer):
        return Feedback(False, f"write the shape as a tuple of whole numbers (K, H', W'), got {answer!r}."
                        + (" Remove the quotes: a shape is numbers, not text." if isinstance(answer, str) else ""))
    answer = tuple(int(v) for v in answer)
    side = output_size(n, k, s)
    if answer == (K, side, side):
        return Feedback(True, f"({K}, {side}, {side}): one {side} x {side} map per kernel; "
                              f"floor(({n} - {k}) / {s}) + 1 = {side}.")
    if len(answer) == 4:
        return Feedback(False, "give the shape for one image, (K, H', W'), without the batch axis N.")
    if len(answer) != 3:
        return Feedback(False, f"a stack of feature maps has 3 axes (K, H', W'), your answer has {len(answer)}.")
    ceil_side = -(-(n - k) // s) + 1
    slips = {
        (K, ceil_side, ceil_side): f"you rounded up: ({n} - {k}) / {s} + 1 = {(n - k) / s + 1:g}, but a kernel "
                                   "position that would stick out of the input does not exist: round down.",
        (K, side - 1, side - 1): "you forgot the + 1: the kernel's first position counts too.",
        (K, n - k + 1, n - k + 1): f"you left out the stride: at stride {s} the kernel skips positions.",
        (K * C, side, side): f"each kernel spans all {C} input channels and gives ONE map: {K} kernels, {K} maps.",
        (C, side, side): f"there is one feature map per kernel ({K}), not one per input channel.",
        (side, side, K): "that is channels-last (H', W', K), the article's way of writing it; cnn_lib, like "
                         "PyTorch, puts channels first: (K, H', W').",
    }
    return Feedback(False, slips.get(answer, "the number of maps is the number of kernels, and each "
                                             "side is output_size(n, kernel_size, stride)."))


check_stack_shape = register("kernels.stack_shape", check_stack_shape, solution=(10, 29, 29),
                             wrong={(10, 30, 30): "rounded up", (30, 29, 29): "all 3 input channels",
                                    (29, 29, 10): "channels first", (10, 58, 58): "stride",
                                    (1, 10, 29, 29): "batch axis", (10, 28, 28): "+ 1"})


def check_stack_params(answer):
    """Learnable numbers (weights + biases) of the layer in :data:`STACK`."""
    K, k, C = STACK["kernels"], STACK["kernel_size"], STACK["channels"]
    right = conv_params(C, K, k)
    slips = [(K * k * k + K, f"each kernel spans all {C} input channels: it has {C} x {k} x {k} weights."),
             (K * C * k * k, f"add the biases: one per kernel, {K} in all."),
             (K * C * k * k + K * C, "one bias per kernel (per output map), not per input channel."),
             (K * k * k, f"each kernel spans all {C} input channels, and each has a bias too.")]
    return check_number(answer, right, slips,
                        explain=f"{K} kernels x ({C} x {k} x {k} weights) + {K} biases = {right}.")


check_stack_params = register("kernels.stack_params", check_stack_params, solution=1480,
                              wrong={500: "all 3 input channels", 1470: "biases", 1500: "per kernel",
                                     490: "each has a bias"})

# ---------------------------------------------------------------- receptive field
def check_receptive_field_3(answer):
    """Receptive field (one side, in input pixels) of a node after three 3x3 convolutions at stride 1."""
    right = receptive_field([(3, 1)] * 3)[0]
    slips = [(9, "you added the kernel sizes: each extra 3x3 layer widens the field by k - 1 = 2, not by 3."),
             (27, "you multiplied the kernel sizes: each 3x3 layer adds 2 pixels to the field, "
                  "it does not multiply it."),
             (6, "start from the node's own pixel: 1 + 2 + 2 + 2."),
             (5, "that is the field after two layers (1 + 2 + 2): the third 3x3 layer adds k - 1 = 2 more."),
             (3, "that is one layer only: a single 3x3 kernel sees 3 x 3 pixels; the second and the third "
                 "layer each add k - 1 = 2 more.")]
    return check_number(answer, right, slips,
                        explain=f"1 + 3 x (3 - 1) = {right}: the node sees {right} x {right} pixels.")


check_receptive_field_3 = register("kernels.receptive_field_3", check_receptive_field_3, solution=7,
                                   wrong={9: "added the kernel sizes", 27: "multiplied", 6: "own pixel",
                                          5: "two layers", 3: "one layer only"})
