"""Notebook 01 (layers): what each layer outputs (its activations): the layer table, and figures of
images, feature maps and class scores.

``layer_table`` is numbers only (no drawing); the ``*_figure`` functions build and return a
pyplot Figure for a notebook cell to show; :class:`LayerDrawing` is the layer explorer's picture.
"""
import html

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..arithmetic import linear_params
from ..layers import Conv2d
from .canvas import Drawing
from .style import (CURVE, DIVERGING, IMAGE, LABEL, OTHER, SEQUENTIAL, as_array, map_cmap, mosaic, show_array,
                    symmetric_limits)

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
    if len(np.shape(input_shape)) != 1 or len(input_shape) != 3:
        raise ValueError(f"layer_table: input_shape must be one example's (C, H, W), got {input_shape!r}. "
                         f"Hint: drop the batch axis, e.g. x_train.shape[1:] gives (1, 28, 28).")
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
        ax.set(xticks=[], yticks=[])
        ax.set_title(f"{title}\n{tuple(array.shape)} {array.dtype}", fontsize=9)
    return fig


def feature_maps_figure(image, rows, figsize=(10, 3)):
    """The input ``image`` (H, W) on the left; then, per ``rows`` entry ``label: maps (C, H, W)``, one
    row of the C feature maps. Each row shares one colour scale, shown by its colour bar (PuOr, 0 in
    the middle, if it has negative values; viridis from 0 otherwise). Fixed margins, no layout
    engine: with dozens of small axes, constrained layout would take most of a second."""
    image = as_array("feature_maps_figure", "image", image, "(H, W)")
    rows = {label: as_array("feature_maps_figure", f"maps {label!r}", maps, "(C, H, W)")
            for label, maps in rows.items()}
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
    logits, probs = (as_array("scores_figure", name, v, "(K,)") for name, v in (("logits", logits), ("probs", probs)))
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
    if not all(0 < q <= 1 for q in as_array("cross_entropy_figure", "marked", marked, "(n,)")):
        raise ValueError(f"cross_entropy_figure: marked must be probabilities in (0, 1], got {list(marked)}. "
                         f"Hint: -ln(0) is infinite; mark p = 0.01 instead of 0.")
    fig, ax = plt.subplots(figsize=figsize, dpi=80, layout="constrained")
    p = np.linspace(0.005, 1, 400)
    ax.plot(p, -np.log(p), color=CURVE)
    for q in marked:
        ax.plot(q, -np.log(q), "o", color=LABEL)
        right = q > 0.7                                    # label the points near p = 1 on their left
        ax.annotate(f"p = {q:g}: loss {-np.log(q):.2f}", (q, -np.log(q)), textcoords="offset points",
                    xytext=(-6, 10) if right else (8, 4), ha="right" if right else "left", fontsize=9)
    ax.set_xlabel("probability the network gives the right class")
    ax.set_ylabel("cross-entropy loss")
    ax.set_xlim(0, 1.05)
    return fig


class LayerDrawing(Drawing):
    """The layer explorer's picture (notebook 01), made once: the input on the left; on the right one
    of three panels in the same place: feature maps in a grid (one colour scale, with its colour bar),
    a flattened vector (one row per channel), or class scores / probabilities as bars.

    ``n_classes``: bars. The maps are one tiled image (:func:`~cnn_lib.viz.style.mosaic`), its axes sized
    for each layer's count and size. Axes sit at fixed places (figure fractions): no layout pass.
    """

    def __init__(self, n_classes, figsize=(9.5, 3.3)):
        super().__init__(figsize, dpi=80, layout=None)
        width, height = figsize
        bottom, top = 0.1, 0.86                               # room for the headline and the bar labels
        side = (top - bottom) * height / width                 # a square, in figure-width fractions
        self.input_ax = self.fig.add_axes((0.01, bottom, side, top - bottom))
        self.input_art = self.input_ax.imshow(np.zeros((2, 2)), cmap=IMAGE, vmin=0, vmax=1, interpolation="nearest")
        self.input_ax.set(xticks=[], yticks=[])
        self.input_title = self.input_ax.set_title("", fontsize=10)
        self.area = (0.03 + side, bottom, 0.9, top)           # the maps' area (figure fractions)
        self.maps_ax = self.fig.add_axes((0, 0, 0.1, 0.1))     # placed for each layer's map count and size
        self.maps_ax.set_axis_off()
        self.maps_art = self.maps_ax.imshow(np.zeros((2, 2)), aspect="auto", interpolation="nearest")
        self.bar_cax = self.fig.add_axes((0.92, bottom + 0.1, 0.012, top - bottom - 0.2))
        self.colour_bar = self.fig.colorbar(self.maps_art, cax=self.bar_cax)
        self.maps_art.callbacks.disconnect(self.maps_art.colorbar_cid)   # updated once per move, by hand
        self.colour_bar.ax.tick_params(labelsize=8)
        self.colour_bar.locator = MaxNLocator(4)
        left = self.area[0]
        panel = (left + 0.05, bottom + 0.04, 0.9 - left - 0.06, top - bottom - 0.04)
        self.vector_ax = self.fig.add_axes(panel)
        self.vector_art = self.vector_ax.imshow(np.zeros((2, 2)), aspect="auto", interpolation="nearest")
        self.vector_ax.set_xlabel("position within the channel's map (one row per channel)", fontsize=9)
        self.vector_ax.set_ylabel("channel", fontsize=9)
        self.vector_ax.locator_params(nbins=4)
        self.bar_ax = self.fig.add_axes(panel)
        classes = np.arange(n_classes)
        self.bars = self.bar_ax.bar(classes, np.zeros(n_classes), color=OTHER, edgecolor="black")
        self.bar_ax.set_xticks(classes)
        self.bar_ax.set_xlabel("class (digit); the orange, hatched bar is the label", fontsize=9)
        self.bar_ax.axhline(0, color="black", linewidth=0.8)
        self.bar_ax.locator_params(axis="y", nbins=4)        # few labels: each text costs ~1 ms per draw
        self.headline = self.fig.suptitle("", fontsize=11, y=0.985)

    def _place_maps(self, count, H, W):
        """The grid of ``count`` maps of H x W that makes them largest in the area, centred, with the colour
        bar just right of it; returns its number of columns."""
        width, height = self.fig.get_size_inches()
        left, bottom, right, top = self.area
        area_w, area_h = (right - left) * width, (top - bottom) * height

        def size(cols):                                        # inches per image pixel with ``cols`` columns
            return min(area_w / (cols * (W + 1) - 1), area_h / (-(-count // cols) * (H + 1) - 1))
        cols = max(range(1, count + 1), key=size)
        box_w = (cols * (W + 1) - 1) * size(cols) / width
        box_h = (-(-count // cols) * (H + 1) - 1) * size(cols) / height
        x0, y0 = left + (right - left - box_w) / 2, bottom + (top - bottom - box_h) / 2
        self.maps_ax.set_position((x0, y0, box_w, box_h))
        self.bar_cax.set_position((x0 + box_w + 0.015, y0 + 0.05 * box_h, 0.012, 0.9 * box_h))
        return cols

    def show_input(self, image, title, headline):
        """The input (H, W) in grey, its title, and the figure's headline."""
        self.input_art.set_data(image)
        self.input_title.set_text(title)
        self.headline.set_text(headline)

    def _panels(self, maps=False, vector=False, bars=False):
        self.maps_ax.set_visible(maps)
        self.bar_cax.set_visible(maps or vector)
        self.vector_ax.set_visible(vector)
        self.bar_ax.set_visible(bars)

    def show_maps(self, out):
        """Feature maps (C, H, W) on one colour scale: PuOr centred on 0 if signed, else viridis from 0.
        Returns the scale ``(lo, hi, signed)``."""
        C, H, W = out.shape
        self._panels(maps=True)
        signed = bool(np.any(out < 0))
        lo, hi = symmetric_limits(out) if signed else (0.0, float(out.max()) or 1.0)
        tiles = mosaic(out, self._place_maps(C, H, W))
        self.maps_art.set_data(tiles)
        self.maps_art.set_extent((-0.5, tiles.shape[1] - 0.5, tiles.shape[0] - 0.5, -0.5))
        self.maps_art.set_cmap(map_cmap(signed))                 # signed: 0 in the middle of PuOr
        self.maps_art.set_clim(lo, hi)
        self.colour_bar.update_normal(self.maps_art)
        return lo, hi, signed

    def show_vector(self, picture):
        """A flattened layer output drawn as (rows, columns): one row per channel of the layer before."""
        self._panels(vector=True)
        self.bar_cax.set_position((0.92, 0.2, 0.012, 0.56))
        self.vector_art.set_data(picture)
        self.vector_art.set_extent((-0.5, picture.shape[1] - 0.5, picture.shape[0] - 0.5, -0.5))
        self.vector_art.set_cmap(SEQUENTIAL)
        self.vector_art.set_clim(float(picture.min()), float(picture.max()) or 1.0)
        self.colour_bar.update_normal(self.vector_art)

    def show_bars(self, values, label=None, probabilities=False):
        """One bar per class (K,); the ``label``'s bar orange and hatched; probabilities on 0..1."""
        self._panels(bars=True)
        for k, bar in enumerate(self.bars):
            bar.set_height(values[k])
            bar.set_facecolor(LABEL if k == label else OTHER)
            bar.set_hatch("//" if k == label else "")
        lo, hi = (0.0, 1.0) if probabilities else (float(min(values.min(), 0)), float(max(values.max(), 0)))
        pad = 0 if probabilities else 0.1 * (hi - lo or 1)
        self.bar_ax.set_ylim(lo - pad, hi + pad)
