"""Figures for notebook 02: kernels beside their feature maps, one node's sum of products, maps in a row."""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from .style import DIVERGING, IMAGE, show_array, symmetric_limits

HIGHLIGHT = "deepskyblue"    # outlines: stands out on grey photos and on purple-orange maps alike


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
    n = len(maps)
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


def heading(ax, text, fontsize=10):
    """A title drawn as plain text above ``ax`` (cheaper to redraw than ``set_title``); returns the Text."""
    return ax.text(0.5, 1.03, text, transform=ax.transAxes, ha="center", va="bottom", fontsize=fontsize)


def number_texts(ax, rows, cols, fontsize=9):
    """A ``rows x cols`` grid of empty Text artists centred on the cells of an image on ``ax``."""
    return [ax.text(j, i, "", ha="center", va="center", fontsize=fontsize)
            for i in range(rows) for j in range(cols)]


def write_numbers(texts, values, image, fmt="{:.2g}", labels=None):
    """Write ``values`` (rows, cols) into the first rows*cols ``texts``, black on light cells, white on dark.

    The colour comes from ``image`` (the AxesImage under the numbers), so the text stays readable
    without a box behind it. ``labels``: rows*cols strings to write instead of ``fmt``-ed values.
    Texts beyond the values are hidden.
    """
    values = np.asarray(values)
    rgba = image.cmap(image.norm(values))                       # (rows, cols, 4) colours of the cells
    light = rgba[..., :3] @ np.array([0.299, 0.587, 0.114]) > 0.5
    k = values.shape[1]
    for index, text in enumerate(texts):
        visible = index < values.size
        text.set_visible(visible)
        if visible:
            i, j = divmod(index, k)
            text.set_position((j, i))
            text.set_text(fmt.format(values[i, j]) if labels is None else labels[index])
            text.set_color("black" if light[i, j] else "white")


def profile_figure(row, response, label, figsize=(8, 3.6)):
    """One row of pixels (W,) above a kernel's response along it (W - k + 1,): a pyplot Figure.

    Output node ``j`` of a k-wide kernel sits over input column ``j + k // 2`` (its centre), so
    the response is drawn shifted by ``k // 2`` columns, under the pixels it compares.
    """
    shift = (len(row) - len(response)) // 2
    fig, (top, bottom) = plt.subplots(2, 1, figsize=figsize, dpi=72, sharex=True, layout="constrained")
    top.plot(np.arange(len(row)), row, color="black")
    top.set_ylabel("brightness")
    bottom.plot(np.arange(len(response)) + shift, response, color="tab:purple")
    bottom.axhline(0, color="grey", lw=0.8)
    bottom.set_ylabel(label)
    bottom.set_xlabel("column")
    return fig


def label_cells(ax, values, image, fmt="{:.2g}"):
    """Write each value of a small 2-D array in its cell of ``image`` (see :func:`write_numbers`)."""
    values = np.asarray(values)
    write_numbers(number_texts(ax, *values.shape, fontsize=9 if max(values.shape) <= 9 else 8), values, image, fmt)


class NodeDrawing:
    """One node of a feature map as a sum of products, drawn in a Figure and redrawn in place.

    Panels: the input (H, W) with the node's receptive field outlined; the patch under the
    kernel, each pixel with the weight lying on it; their products (which sum to the node); the
    feature map (OH, OW) with the node outlined. ``show(i, j)`` moves everything to node ``(i, j)``.
    """

    def __init__(self, fig, x, w, y, stride=1):
        self.x, self.w, self.y, self.stride = x, w, y, stride
        k = w.shape[0]
        axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [2, 1.25, 1.25, 2]})
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
    y = conv2d(x[None, None], w[None, None], stride=stride)[0, 0]     # (H, W) -> (OH, OW)
    fig = plt.figure(figsize=figsize, dpi=72, layout="constrained")
    NodeDrawing(fig, x, w, y, stride).show(i, j)
    return fig
