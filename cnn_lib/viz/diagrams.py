"""The course's diagrams, drawn from cnn_lib's own numbers (shapes from ``Sequential.summary``,
sizes from ``output_size`` and ``leftover``). ``images/make_figures.py`` saves them as the PNGs
that notebooks 01-04 show in markdown; each function builds and returns a pyplot Figure.

Fonts are at least 10 pt at dpi 100. Colours are colour-blind safe and never the only cue:
boxes of layers that learn are light viridis green *and* say how many parameters they hold;
forward arrows are solid purple, backward (gradient) arrows dashed orange (PuOr's two ends).
"""
import numbers

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyBboxPatch, Rectangle

from .._checks import called_as, fail
from ..arithmetic import leftover, output_size
from ..functional import conv2d
from ..layers import Conv2d, Linear, MaxPool2d
from ..stride_tools import kernel_starts, never_read
from .style import (BACKWARD, CURRENT, DIVERGING, EMPTY, FIXED, FORWARD, HIGHLIGHT, IMAGE, LEARNS, LIMITS, NEVER, TAP,
                    arrow, grid_image, lanes_image, legend_handles, number_texts, pixel_list, show_array,
                    symmetric_limits, write_numbers)
TEXT = dict(ha="center", va="center", fontsize=10)
LEFT = dict(TEXT, ha="left")


def shape_text(shape):
    """``(8, 26, 26)`` -> ``'8×26×26'``."""
    return "×".join(str(n) for n in shape)


def describe(layer):
    """A layer in a few short lines for a box: ``'Conv2d\\n8 kernels\\n3×3'``."""
    name = type(layer).__name__
    if isinstance(layer, Conv2d):
        c_out, _, k, _ = layer.params["weight"].shape
        return f"{name}\n{c_out} kernels\n{k}×{k}" + (f", stride {layer.stride}" if layer.stride > 1 else "")
    if isinstance(layer, MaxPool2d):
        return f"{name}\n{layer.kernel_size}×{layer.kernel_size}"
    if isinstance(layer, Linear):
        return f"{name}\n{layer.params['weight'].shape[1]} → {layer.params['weight'].shape[0]}"
    return name


def _canvas(width, height):
    """A figure whose one axes spans it, in inches as data units (y up)."""
    fig = plt.figure(figsize=(width, height), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1), xlim=(0, width), ylim=(0, height))
    ax.set_axis_off()
    return fig, ax


def _box(ax, left, bottom, width, height, text, colour, dashed=False):
    ax.add_patch(FancyBboxPatch((left, bottom), width, height, "round,pad=0.02", fc=colour, ec="0.25", lw=1.2,
                                ls="--" if dashed else "-"))
    ax.text(left + width / 2, bottom + height / 2, text, **TEXT)


def layer_schema_figure(model, input_shape, width=0.84, pitch=1.07):
    """The layers of ``model`` as boxes in a row, from the input (preprocessing, before the model)
    to softmax (after it), each with its output shape and parameter count from ``model.summary``.
    ``input_shape``: one example's (C, H, W)."""
    with called_as("layer_schema_figure"):
        rows = model.summary(input_shape)               # input, then one row per layer; softmax keeps the shape:
    rows += [dict(output_shape=rows[-1]["output_shape"], params=0)]
    names = ["input x\n(prepared\nimage)", *map(describe, model.layers), "softmax\n(after\nthe model)"]
    fig, ax = _canvas(pitch * len(names) + 0.2, 2.9)
    for i, (name, row) in enumerate(zip(names, rows)):
        left = 0.1 + (pitch - width) / 2 + i * pitch
        inside = 0 < i < len(names) - 1                  # a layer of the model
        _box(ax, left, 1.0, width, 0.95, name, LEARNS if row["params"] else FIXED if inside else "white",
             dashed=not inside)
        centre = left + width / 2
        if inside:
            ax.text(centre, 2.08, f"layer {i - 1}", **TEXT)
        ax.text(centre, 0.78, shape_text(row["output_shape"]), **TEXT)
        ax.text(centre, 0.5, f"{row['params']:,} params" if row["params"] else "no params", color="0.3", **TEXT)
        if i:
            arrow(ax, (left - (pitch - width), 1.475), (left, 1.475), size=14)
    ax.add_patch(Rectangle((0.07 + pitch, 0.32), pitch * (len(names) - 2) + 0.06, 2.0, fill=False, ec="0.5", ls=":"))
    ax.text(0.1 + pitch, 2.5, "the model (Sequential): from the input x to one score per class (the logits)", **LEFT)
    ax.text(0.1, 0.12, "under each box: its output for one example (channels×height×width), and its learnable "
            "parameters", **LEFT, color="0.3")
    return fig


def sliding_kernel_figure(x, w, i, j):
    """A k×k kernel ``w`` on a 2-D input ``x``, at the window of node (i, j): the input with the window,
    the kernel, the nine products and their sum, and the feature map ``conv2d(x, w)`` with the node."""
    k = w.shape[0]
    with called_as("sliding_kernel_figure"):
        y = conv2d(x[None, None], w[None, None])[0, 0]               # (H, W) -> (OH, OW)
    if not (all(isinstance(v, numbers.Integral) for v in (i, j)) and 0 <= i < y.shape[0] and 0 <= j < y.shape[1]):
        fail("sliding_kernel_figure", "(i, j)", f"a node of the {y.shape[0]}x{y.shape[1]} feature map", (i, j),
             f"Hint: rows 0..{y.shape[0] - 1}, columns 0..{y.shape[1] - 1}.")
    assert y.shape == (output_size(x.shape[0], k), output_size(x.shape[1], k))
    products = x[i:i + k, j:j + k] * w                               # (k, k)
    fig, axes = plt.subplots(1, 7, figsize=(10, 3.8), dpi=100, layout="constrained",
                             gridspec_kw=dict(width_ratios=[x.shape[1], 1.3, k, 0.7, k, 1.3, y.shape[1]]))
    panels = [(x, f"input {x.shape[0]}×{x.shape[1]}", IMAGE, (x.min(), x.max())),
              (w, f"kernel {k}×{k}", DIVERGING, symmetric_limits(w)),
              (products, f"products, sum {products.sum():g}", DIVERGING, symmetric_limits(products)),
              (y, f"feature map {y.shape[0]}×{y.shape[1]}", DIVERGING, symmetric_limits(y))]
    for ax, (values, title, cmap, limits) in zip(axes[::2], panels):
        image = show_array(ax, values, cmap=cmap)
        image.set_clim(*limits)
        write_numbers(number_texts(ax, *values.shape, fontsize=11), values, image, fmt="{:g}")
        ax.set_title(title, fontsize=11)
    axes[0].add_patch(Rectangle((j - 0.5, i - 0.5), k, k, fill=False, ec=HIGHLIGHT, lw=3.5))
    axes[0].add_patch(Rectangle((j + 0.5, i - 0.5), k, k, fill=False, ec=HIGHLIGHT, lw=1.5, ls="--"))
    axes[0].set_xlabel("window of node (%d, %d); dashed:\nthe next one, 1 pixel right" % (i, j), fontsize=10)
    axes[6].add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec=HIGHLIGHT, lw=3.5))
    axes[6].set_xlabel(f"node ({i}, {j}) = the sum", fontsize=10)
    for ax, sign in zip(axes[1::2], ["window\n×", "=", "add\n→"]):
        ax.set_axis_off()
        ax.text(0.5, 0.5, sign, transform=ax.transAxes, **dict(TEXT, fontsize=16))
    return fig


def stride_grid_figure(n, kernel_size, stride):
    """Every position of a kernel with ``stride`` on an n×n input (no padding): the positions along
    one row as lanes, the grid with every window's top-left corner, the output grid, and the count."""
    k, s = kernel_size, stride
    if isinstance(n, numbers.Integral) and not 1 <= n <= 64:          # n x n cells (kernel_starts checks the rest)
        fail("stride_grid_figure", "n", "a whole number in 1..64 (an n x n grid is drawn)", n,
             "Hint: the figure is for small examples, e.g. stride_grid_figure(7, 3, 2).")
    with called_as("stride_grid_figure"):
        starts, out, rest = kernel_starts(n, k, s), output_size(n, k, stride=s), leftover(n, k, stride=s)
    W, H = 8.4, 6.0                                                  # inches
    fig = plt.figure(figsize=(W, H), dpi=100)
    inch = lambda left, bottom, w, h: fig.add_axes((left / W, bottom / H, w / W, h / H))  # noqa: E731
    lanes, grid, cells = inch(0.9, 4.3, 3.6, 1.3), inch(0.9, 0.45, 3.6, 3.3), inch(5.6, 2.05, 1.6, 1.6)
    nodes = np.where(np.add.outer(range(out), range(out)) == 0, CURRENT, EMPTY)     # the first window's node
    pictures = [(lanes, lanes_image(n, k, s, current=0), f"the {out} positions along a row"),
                (grid, grid_image(n, k, s, current=(0, 0)), f"input {n}×{n}: a dot at each window's corner"),
                (cells, nodes, f"output {out}×{out}")]
    for ax, picture, title in pictures:
        ax.imshow(picture, aspect="auto", **LIMITS)
        rows, columns = picture.shape
        ax.vlines(np.arange(columns + 1) - 0.5, -0.5, rows - 0.5, color="0.7", lw=0.6)
        ax.hlines(np.arange(rows + 1) - 0.5, -0.5, columns - 0.5, color="0.7", lw=0.6)
        ax.set_title(title, fontsize=11)
        ax.set(xticks=range(columns), yticks=range(rows))
        ax.tick_params(labelsize=10, length=0)
    lanes.set_xticks([])                                             # the grid below labels the columns
    lanes.set_yticks([0] + [2 + m for m in range(out)], ["input"] + [f"start {t}" for t in starts])
    grid.plot(np.tile(starts, out), np.repeat(starts, out), "o", color="black", ms=5)
    grid.add_patch(Rectangle((s - 0.5, -0.5), k, k, fill=False, ec="black", lw=2, ls="--"))
    grid.annotate(f"stride {s}", (s + k - 0.5, k / 2), (s + k + 1.5, k), fontsize=11, va="center",
                  arrowprops=dict(arrowstyle="->", lw=1.4))
    count = (f"output_size({n}, {k}, stride={s})\n = floor(({n} - {k}) / {s}) + 1 = {out}\n\n"
             f"leftover({n}, {k}, stride={s})\n = ({n} - {k}) % {s} = {rest}\n\n"
             f"never read: row and column {pixel_list(never_read(n, k, s))}")
    fig.text(5.3 / W, 0.96, count, fontsize=11, family="monospace", va="top")
    window = Rectangle((0, 0), 1, 1, fc="white", ec="black", lw=2, ls="--", label="the next window, one stride on")
    fig.legend(handles=legend_handles((NEVER, TAP, CURRENT)) + [window], loc="lower left",
               bbox_to_anchor=(5.3 / W, 0.04), fontsize=10, frameon=False)
    return fig


def backprop_flow_figure(model, input_shape, names=("x", "z", "a", "f", "logits")):
    """The training pass through ``model`` (one example of ``input_shape``): forward arrows (solid)
    carry each value (``names``: the input, then each layer's output but the last) to the next layer
    and on to the loss L; backward arrows (dashed) carry dL/d(value) back, and each layer with
    weights also gets dL/dW and dL/db (their shapes: the weights' own)."""
    shapes = [shape_text(row["output_shape"]) for row in model.summary(input_shape)]
    stages = [(f"layer {i}\n{type(layer).__name__}" + ("\nW, b" if layer.params else ""), 0.85, layer)
              for i, layer in enumerate(model.layers)]
    stages += [("softmax +\ncross-entropy\nwith label y", 1.1, None), ("loss\nL", 0.55, None)]
    gap = 0.85
    fig, ax = _canvas(sum(width for _, width, _ in stages) + gap * len(stages) + 0.3, 3.6)
    left = 0.1 + gap
    for b, (label, width, layer) in enumerate(stages):
        start, middle = left - gap, left - gap / 2
        value = list(names)[b] if b < len(names) else "L"
        arrow(ax, (start, 2.3), (left, 2.3), size=14)
        arrow(ax, (left, 1.75), (start, 1.75), BACKWARD, dashed=True, size=14)
        ax.text(middle, 2.45, value + (f"\n{shapes[b]}" if b < len(shapes) else ""), **dict(TEXT, va="bottom"),
                color=FORWARD)
        ax.text(middle, 1.6, "dL/dL\n= 1" if value == "L" else f"dL/d{value}", **dict(TEXT, va="top"), color=BACKWARD)
        learns = layer is not None and bool(layer.params)
        _box(ax, left, 1.5, width, 1.05, label, LEARNS if learns else FIXED if layer else "white",
             dashed=layer is None)
        if learns:
            arrow(ax, (left + width / 2, 1.5), (left + width / 2, 0.95), BACKWARD, dashed=True, size=14)
            grads = [f"dL/d{'W' if n == 'weight' else 'b'} {shape_text(p.shape)}" for n, p in layer.params.items()]
            ax.text(left + width / 2, 0.9, "\n".join(grads), **dict(TEXT, va="top"), color=BACKWARD)
        left += width + gap
    ax.text(0.1, 3.35, "forward (solid): each layer computes its output and keeps what backward needs", **LEFT,
            color=FORWARD)
    ax.text(0.1, 0.2, "backward (dashed): the chain rule, from the loss back, layer by layer; then update every "
            "weight: W ← W − lr · dL/dW", **LEFT, color=BACKWARD)
    return fig
