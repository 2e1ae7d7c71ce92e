"""Notebook 01 (layers): the layer table, and figures of images, feature maps and class scores.

``layer_table`` is numbers only (no drawing); the ``*_figure`` functions build and return a
pyplot Figure for a notebook cell to show.
"""
import html

import matplotlib.pyplot as plt
import numpy as np

from ..arithmetic import linear_params
from ..layers import Conv2d
from .style import DIVERGING, IMAGE, SEQUENTIAL, show_array, symmetric_limits

OTHER, LABEL = "#7fa9d6", "#e08214"   # bar colours: blue for other classes, orange (and hatched) for the label
COLUMNS = ("#", "layer", "kind", "output shape", "nodes", "parameters", "fully connected would need")


class LayerTable:
    """Rows of :func:`layer_table`; shows as an HTML table in a notebook and as text elsewhere."""

    def __init__(self, rows):
        self.rows = rows
        self.total_params = sum(row["params"] for row in rows)

    def cells(self):
        """Each row as strings in the order of ``COLUMNS``; a last row holds the total. The "#" column is
        the layer's index in ``model.layers`` (blank for the input and softmax rows: not layers of the model)."""
        def fmt(n):
            return "" if n is None else f"{n:,}"
        body = [(fmt(r["index"]), r["layer"], r["kind"], str(r["output_shape"]), fmt(r["nodes"]), fmt(r["params"]),
                 fmt(r["fc_params"])) for r in self.rows]
        return body + [("", "total", "", "", "", fmt(self.total_params), "")]

    def __repr__(self):
        rows = [COLUMNS, *self.cells()]
        widths = [max(len(row[j]) for row in rows) for j in range(len(COLUMNS))]
        lines = ["  ".join(c.rjust(w) if j in (0, 4, 5, 6) else c.ljust(w) for j, (c, w) in enumerate(zip(row, widths)))
                 for row in rows]
        return "\n".join(line.rstrip() for line in lines)

    def _repr_html_(self):
        head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self.cells())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def layer_table(model, input_shape, softmax=True):
    """What each layer of ``model`` does to one input of ``input_shape`` (C, H, W), from ``model.summary``.

    One row per layer, numbered like ``model.layers`` (``index`` 0, 1, ...), between two rows that
    are not layers of the model (``index`` None): the input (the preprocessing done before the
    model) and, with ``softmax=True``, the softmax applied after it to turn the last layer's scores
    (logits) into probabilities. Each row: ``index``, ``layer``, ``kind`` ("input", "hidden",
    "output" for the last layer, "after the model" for softmax), ``output_shape``, ``nodes``
    (values in the output), ``params`` (learnable values), ``fc_params``: for a Conv2d, the
    parameters a fully connected layer would need to map the same number of input nodes to the
    same output nodes (``linear_params(nodes_in, nodes_out)``, biases included), else None.
    """
    summary = model.summary(input_shape)
    rows = [dict(summary[0], index=None, layer="input (preprocessing, before the model)", kind="input",
                 fc_params=None)]
    for i, (row, layer) in enumerate(zip(summary[1:], model.layers)):
        kind = "output" if i == len(model.layers) - 1 else "hidden"
        fc = linear_params(rows[-1]["nodes"], row["nodes"]) if isinstance(layer, Conv2d) else None
        rows.append(dict(row, index=i, kind=kind, fc_params=fc))
    if softmax:
        last = rows[-1]
        rows.append(dict(index=None, layer="softmax (applied after the model)", kind="after the model",
                         output_shape=last["output_shape"], nodes=last["nodes"], params=0, fc_params=None))
    return LayerTable(rows)


def _for_display(image, layout):
    """(C, H, W) or (H, W, C) or (H, W) -> what imshow wants: (H, W) grey or (H, W, 3) colour."""
    image = np.asarray(image)
    if image.ndim == 3 and layout == "CHW":
        image = image.transpose(1, 2, 0)                   # (C, H, W) -> (H, W, C)
    return image[..., 0] if image.ndim == 3 and image.shape[2] == 1 else image


def steps_figure(steps, figsize=(10, 2.8)):
    """One panel per input-layer step: ``steps`` is a list of ``(title, array, layout)``, layout
    "HWC" or "CHW" (a batch (N, C, H, W) shows its first image); titles add the shape and dtype."""
    fig, axes = plt.subplots(1, len(steps), figsize=figsize, dpi=80, layout="constrained")
    for ax, (title, array, layout) in zip(np.atleast_1d(axes), steps):
        shown = array[0] if array.ndim == 4 else array
        image = _for_display(shown, layout)
        vmax = 255 if array.dtype == np.uint8 else 1
        ax.imshow(image, cmap=IMAGE, vmin=0, vmax=vmax, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"{title}\n{tuple(array.shape)} {array.dtype}", fontsize=9)
    return fig


def feature_maps_figure(image, rows, figsize=(10, 3)):
    """The input ``image`` (H, W) on the left; then, per ``rows`` entry ``label: maps (C, H, W)``, one
    row of the C feature maps. Each row shares one colour scale, shown by its colour bar (PuOr, 0 in
    the middle, if it has negative values; viridis from 0 otherwise). Fixed margins, no layout
    engine: with dozens of small axes, constrained layout would take most of a second."""
    n_maps = max(maps.shape[0] for maps in rows.values())
    fig, axes = plt.subplots(len(rows), 2 + n_maps, figsize=figsize, dpi=80, squeeze=False,
                             gridspec_kw=dict(left=0.01, right=0.94, bottom=0.02, top=0.88, wspace=0.08, hspace=0.2,
                                              width_ratios=[1.3, 0.3] + [1] * n_maps))
    for ax in axes.ravel():
        ax.set_axis_off()
    show_array(axes[0, 0], image, "input", cmap=IMAGE)      # column 0: the input; column 1: row labels
    for r, (label, maps) in enumerate(rows.items()):
        signed = bool(np.any(maps < 0))
        lo, hi = symmetric_limits(maps) if signed else (0.0, float(maps.max()) or 1.0)
        for c, fmap in enumerate(maps):
            ax = axes[r, c + 2]
            image = ax.imshow(fmap, cmap=DIVERGING if signed else SEQUENTIAL, vmin=lo, vmax=hi, interpolation="nearest")
            ax.set_title(f"map {c}" if r == 0 else "", fontsize=9)
        box = axes[r, -1].get_position()                     # the row's last map, in figure fractions
        fig.colorbar(image, cax=fig.add_axes((0.95, box.y0, 0.008, box.height)))
        axes[r, 1].text(0.5, 0.5, label, transform=axes[r, 1].transAxes, rotation=90, ha="center", va="center",
                        fontsize=10)
    return fig


def scores_figure(logits, probs, label=None, figsize=(9, 2.8)):
    """Two bar charts for one example: the output layer's scores (logits) and, after softmax, the
    probabilities; the true ``label`` (if given) is the orange, hatched bar."""
    fig, (ax_s, ax_p) = plt.subplots(1, 2, figsize=figsize, dpi=80, layout="constrained")
    classes = np.arange(len(logits))
    for ax, values, title in ((ax_s, logits, "scores (logits): any real numbers"),
                              (ax_p, probs, "softmax: probabilities, sum 1")):
        bars = ax.bar(classes, values, color=OTHER, edgecolor="black")
        if label is not None:
            bars[label].set_facecolor(LABEL)
            bars[label].set_hatch("//")
        ax.set_xticks(classes)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("class (digit)")
        ax.axhline(0, color="black", linewidth=0.8)
    ax_p.set_ylim(0, 1)
    return fig


def cross_entropy_figure(marked, figsize=(5, 3)):
    """The loss -ln(p) for the probability p given to the right class; ``marked`` p values labelled."""
    fig, ax = plt.subplots(figsize=figsize, dpi=80, layout="constrained")
    p = np.linspace(0.005, 1, 400)
    ax.plot(p, -np.log(p), color="#4b2991")
    for q in marked:
        ax.plot(q, -np.log(q), "o", color=LABEL)
        right = q > 0.7                                    # label the points near p = 1 on their left
        ax.annotate(f"p = {q:g}: loss {-np.log(q):.2f}", (q, -np.log(q)), textcoords="offset points",
                    xytext=(-6, 10) if right else (8, 4), ha="right" if right else "left", fontsize=9)
    ax.set_xlabel("probability the network gives the right class")
    ax.set_ylabel("cross-entropy loss")
    ax.set_xlim(0, 1.05)
    return fig
