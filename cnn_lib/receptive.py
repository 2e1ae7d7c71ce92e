"""Receptive fields measured by experiment: light one input pixel at a time. Introduced in notebook 02.

``cnn_lib.receptive_field`` computes a node's receptive field from the layers' kernel sizes and
strides; :func:`influence` measures it instead, by passing impulses (pictures that are 0 except
for one pixel) through convolutions with all-ones kernels, and :func:`extent` reads off the size
of the patch that reaches the node. Numpy and ``cnn_lib.functional`` only.
"""
import numpy as np

from ._checks import check_array, check_int, fail, show
from .functional import conv2d

MAX_SIDE = 40        # n x n impulses of n x n pixels: n**4 numbers (40 -> 2.56 million, 20 MB)


def influence(layers, n, node):
    """How much each pixel of an ``n x n`` input feeds one ``node`` after a stack of convolutions.

    ``layers``: a list of ``(kernel_size, stride)``, applied in order, each with a single all-ones
    kernel (no contribution can cancel another). ``node``: ``(row, col)`` in the last layer's output.
    Returns a float64 array of shape ``(n, n)``: entry ``[r, c]`` is the number of paths from input
    pixel ``(r, c)`` to the node (0: that pixel cannot reach it).
    """
    n = check_int("influence", "n (input size)", n, 1, "Hint: the input is n x n pixels, e.g. 9.")
    if n > MAX_SIDE:
        raise ValueError(f"influence: n must be at most {MAX_SIDE} (it passes n * n impulses of n x n pixels), "
                         f"got {n}. Hint: a receptive field of a few layers fits in a small input, e.g. 11.")
    if not isinstance(layers, (list, tuple)) or not all(isinstance(l, (list, tuple)) and len(l) == 2 for l in layers):
        fail("influence", "layers", "a list of (kernel_size, stride) pairs", show(layers),
             "Hint: influence([(3, 1), (3, 1)], 9, (0, 0)).", TypeError)
    layers = [(check_int("influence", "kernel_size", k, 1), check_int("influence", "stride", s, 1)) for k, s in layers]
    if not (isinstance(node, (list, tuple)) and len(node) == 2):
        fail("influence", "node", "a pair (row, col)", show(node), "Hint: node=(0, 0).", TypeError)
    node = tuple(check_int("influence", "node", v, 0, "Hint: rows and columns count from 0.") for v in node)
    impulses = np.eye(n * n).reshape(n * n, 1, n, n)           # (n*n, 1, n, n): impulse p lights pixel p
    out = impulses
    for size, stride in layers:
        if size > out.shape[2]:
            raise ValueError(f"influence: a {size}x{size} kernel does not fit in the {out.shape[2]} x {out.shape[3]} "
                             f"input it gets, after layers {layers}; got kernel_size {size}. Hint: use a larger n.")
        out = conv2d(out, np.ones((1, 1, size, size)), stride=stride)   # (n*n, 1, h, w) -> (n*n, 1, h', w')
    OH, OW = out.shape[2:]
    i, j = node
    if not (0 <= i < OH and 0 <= j < OW):
        fail("influence", f"node {node} does not exist: the last layer's output is {OH} x {OW} (rows 0 to {OH - 1}, "
             f"columns 0 to {OW - 1}); the node", "inside it", node, "Hint: pick a node inside it.")
    return out[:, 0, i, j].reshape(n, n)                       # (n*n,) -> (n, n): one value per input pixel


def extent(field):
    """``(height, width)`` of the smallest box around the non-zero entries of a 2-D ``field`` (H, W)."""
    field = check_array("extent", "field", field, 2, "(H, W)", "Hint: pass influence(...).")
    rows, cols = np.nonzero(field)
    if rows.size == 0:
        fail("extent", "field", "non-zero somewhere", "0 everywhere (no pixel reaches the node)",
             "Hint: check the node and the layers.")
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)
