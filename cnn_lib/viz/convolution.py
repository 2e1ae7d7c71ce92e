"""Figures for notebook 02: kernels beside their feature maps, one node's sum of products, maps in a row."""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from .canvas import Drawing
from .style import (DIVERGING, HIGHLIGHT, IMAGE, as_array, heading, label_cells, number_texts, show_array,
                    symmetric_limits, write_numbers)


def map_style(weights, values):
    """How to colour a feature map made by ``weights``: ``(cmap, vmin, vmax)``.

    A kernel whose weights sum to 1 (identity, blur, sharpen) keeps the brightness, so its map
    is shown like the photo (grey, 0 to 1); any other kernel (edges sum to 0) gives signed
    values, shown with a diverging map centred on 0 whose ends are the 98th percentile of |values|.
    """
    if np.isclose(np.sum(weights), 1.0):
        return IMAGE, 0.0, 1.0
    m = float(np.percentile(np.abs(values), 98)) or 1.0     # the few strongest nodes saturate,
    return DIVERGING, -m, m                                   # so weaker edges stay visible


def kernel_gallery(kernels, maps, detail=None, columns=2, figsize=(9, 9.5)):
    """Each kernel's numbers beside the feature map it makes: a pyplot Figure.

    ``kernels``: dict name -> (k, k) weights; ``maps``: dict name -> (H', W') feature map.
    ``detail``: optional ``(top, left, height, width)``: draw only that window of each map, so thin
    edges are not lost when a large map is shrunk to fit the page.
    """
    kernels = {name: as_array("kernel_gallery", f"kernel {name!r}", w, "(k, k)") for name, w in kernels.items()}
    rows = -(-len(kernels) // columns)
    fig, axes = plt.subplots(rows, 2 * columns, figsize=figsize, dpi=72, layout="constrained",
                             gridspec_kw={"width_ratios": [1, 2.2] * columns})
    for ax in axes.flat:
        ax.set_axis_off()
    for (name, w), ax_k, ax_m in zip(kernels.items(), axes.flat[0::2], axes.flat[1::2]):
        label_cells(ax_k, w, show_array(ax_k, w, title=name, signed=True))
        values = maps[name]
        title = f"feature map {values.shape[0]} x {values.shape[1]}"
        if detail is not None:
            top, left, height, width = detail
            values = values[top:top + height, left:left + width]
            title += ", detail"
        cmap, vmin, vmax = map_style(w, values)
        ax_m.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax)
        ax_m.set_title(title, fontsize=10)
    return fig


def maps_figure(maps, titles, boxes=(), numbers=False, figsize=None, cmap=None, signed=None, limit=None):
    """Arrays side by side with titles, at their own pixel size: a pyplot Figure.

    ``boxes``: optional ``(panel, top, left, height, width)`` outlines (e.g. a receptive field).
    ``numbers``: write each value in its cell (small arrays only). ``cmap`` and ``signed`` (centre
    the colours on 0) default to what each array's sign suggests. ``limit``: colour range
    ``(-limit, limit)`` for every panel (values beyond it saturate).
    """
    maps, n = [as_array("maps_figure", "each map", m, "(H, W)") for m in maps], len(maps)
    fig, axes = plt.subplots(1, n, figsize=figsize or (3 * n, 3), dpi=72, layout="constrained", squeeze=False)
    for ax, values, title in zip(axes[0], maps, titles):
        image = show_array(ax, values, title=title, cmap=cmap, signed=signed)
        if limit is not None:
            image.set_clim(-limit, limit)
        if numbers:
            label_cells(ax, values, image)
    for panel, top, left, height, width in boxes:
        axes[0, panel].add_patch(Rectangle((left - 0.5, top - 0.5), width, height, fill=False, ec=HIGHLIGHT, lw=2.5))
    return fig


def profile_figure(row, response, label, figsize=(8, 3.6)):
    """One row of pixels (W,) above a kernel's response along it (W - k + 1,): a pyplot Figure.

    Output node ``j`` of a k-wide kernel sits over input column ``j + k // 2`` (its centre), so
    the response is drawn shifted by ``k // 2`` columns, under the pixels it compares.
    """
    row, response = (as_array("profile_figure", name, v, "(W,)") for name, v in (("row", row), ("response", response)))
    shift = (len(row) - len(response)) // 2
    fig, (top, bottom) = plt.subplots(2, 1, figsize=figsize, dpi=72, sharex=True, layout="constrained")
    top.plot(np.arange(len(row)), row, color="black")
    top.set_ylabel("brightness")
    bottom.plot(np.arange(len(response)) + shift, response, color="tab:purple")
    bottom.axhline(0, color="grey", lw=0.8)
    bottom.set_ylabel(label)
    bottom.set_xlabel("column")
    return fig


class KernelDrawing(Drawing):
    """The kernel explorer's picture (notebook 02), made once: the input photo (H, W), the kernel with its
    numbers (up to ``max_numbers`` x ``max_numbers``), and the feature map. :meth:`show` redraws it."""

    def __init__(self, x, max_numbers=5):
        super().__init__(figsize=(9.5, 3.6))
        ax_x, ax_k, ax_y = self.fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 0.8, 1]})
        show_array(ax_x, x, cmap=IMAGE)
        heading(ax_x, f"input {x.shape[0]} x {x.shape[1]}")
        self.max_numbers = max_numbers
        self.k_image = show_array(ax_k, np.zeros((3, 3)), signed=True)
        self.k_text = number_texts(ax_k, max_numbers, max_numbers)
        self.k_title, self.y_title = heading(ax_k, "kernel"), heading(ax_y, "feature map")
        self.y_image = show_array(ax_y, np.zeros((2, 2)), cmap=IMAGE)

    def show(self, w, y):
        """The kernel ``w`` (k, k), its numbers if small enough, and its feature map ``y`` (OH, OW)."""
        k = w.shape[0]
        self.k_image.set_data(w)
        self.k_image.set_clim(*symmetric_limits(w))
        self.k_image.set_extent((-0.5, k - 0.5, k - 0.5, -0.5))
        self.k_title.set_text(f"kernel {k} x {k}")
        write_numbers(self.k_text, w if k <= self.max_numbers else np.zeros((0, 0)), self.k_image, fmt="{:.2g}")
        cmap, vmin, vmax = map_style(w, y)
        self.y_image.set_data(y)
        self.y_image.set_cmap(cmap)
        self.y_image.set_clim(vmin, vmax)
        self.y_image.set_extent((-0.5, y.shape[1] - 0.5, y.shape[0] - 0.5, -0.5))
        self.y_title.set_text(f"feature map {y.shape[0]} x {y.shape[1]}")


class NodeDrawing(Drawing):
    """One node of a feature map as a sum of products, drawn in a Figure and redrawn in place.

    Panels: the input (H, W) with the node's receptive field outlined; the patch under the
    kernel, each pixel with the weight lying on it; their products (which sum to the node); the
    feature map (OH, OW) with the node outlined. ``show(i, j)`` moves everything to node ``(i, j)``.
    """

    def __init__(self, x, w, y, stride=1, fig=None, figsize=(11, 2.9)):
        super().__init__(figsize, fig=fig)
        self.x, self.w, self.y, self.stride = x, w, y, stride
        k = w.shape[0]
        axes = self.fig.subplots(1, 4, gridspec_kw={"width_ratios": [2, 1.25, 1.25, 2]})
        small = max(x.shape) <= 7                     # write numbers on small inputs only
        x_image = show_array(axes[0], x, cmap=IMAGE)
        if small:
            label_cells(axes[0], x, x_image)
        self.field = axes[0].add_patch(Rectangle((-0.5, -0.5), k, k, fill=False, ec=HIGHLIGHT, lw=3))
        self.patch = show_array(axes[1], np.zeros((k, k)), cmap=IMAGE, signed=False)
        self.patch.set_clim(x.min(), x.max())
        self.products = show_array(axes[2], np.zeros((k, k)), signed=True)
        y_image = show_array(axes[3], y, signed=bool(np.any(y < 0)))
        if max(y.shape) <= 7:
            label_cells(axes[3], y, y_image)
        self.node = axes[3].add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, ec=HIGHLIGHT, lw=3))
        self.texts = {name: number_texts(axes[n], k, k) for n, name in ((1, "patch"), (2, "products"))}
        heading(axes[0], f"input {x.shape[0]} x {x.shape[1]}")
        heading(axes[3], f"feature map {y.shape[0]} x {y.shape[1]}")
        heading(axes[1], "patch × kernel weight")
        self.sum_text = heading(axes[2], "= products")
        self.changing(self.field, self.node, self.patch, self.products, self.sum_text,
                      *self.texts["patch"], *self.texts["products"])

    def show(self, i, j):
        """Outline node (i, j) and its receptive field; fill in patch, weights, products and their sum."""
        k, s = self.w.shape[0], self.stride
        patch = self.x[i * s:i * s + k, j * s:j * s + k]           # (k, k), what node (i, j) sees
        products = patch * self.w
        self.field.set_xy((j * s - 0.5, i * s - 0.5))
        self.node.set_xy((j - 0.5, i - 0.5))
        self.patch.set_data(patch)
        self.products.set_data(products)
        self.products.set_clim(*symmetric_limits(products))
        pairs = [f"{p:.2g}\n× {v:g}" for p, v in zip(patch.flat, self.w.flat)]
        write_numbers(self.texts["patch"], patch, self.patch, labels=pairs)
        write_numbers(self.texts["products"], products, self.products)
        self.sum_text.set_text(f"= products, sum {products.sum():.3g}")
        return products.sum()


def node_figure(x, w, i, j, stride=1, figsize=(10, 2.6)):
    """A pyplot Figure of node (i, j) of ``conv2d(x, w)`` for a 2-D input ``x`` and (k, k) kernel ``w``."""
    from ..functional import conv2d
    x, w = as_array("node_figure", "x", x, "(H, W)"), as_array("node_figure", "w", w, "(k, k)")
    y = conv2d(x[None, None], w[None, None], stride=stride)[0, 0]     # (H, W) -> (OH, OW)
    fig = plt.figure(figsize=figsize, dpi=72, layout="constrained")
    NodeDrawing(x, w, y, stride, fig=fig).show(i, j)
    return fig
