"""Figures for notebook 04 (backpropagation): the tiny CNN's schema, rows of small arrays with
their numbers, loss curves, and the heat maps the training widget updates in place."""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

from .style import DIVERGING, IMAGE, SEQUENTIAL, symmetric_limits

FORWARD = "#5e3c99"     # dark purple, solid arrows   (PuOr's ends: colour-blind safe, and the
BACKWARD = "#e66101"    # dark orange, dashed arrows   line style tells them apart without colour)


def _grid(ax, x0, y0, rows, cols, cell, values=None, cmap=IMAGE, vlim=(0, 1)):
    """Draw a rows x cols grid of squares with its top-left corner at (x0, y0), shaded by ``values``."""
    colours = plt.get_cmap(cmap)
    for i in range(rows):
        for j in range(cols):
            shade = "white" if values is None else colours((values[i, j] - vlim[0]) / (vlim[1] - vlim[0]))
            ax.add_patch(Rectangle((x0 + j * cell, y0 - (i + 1) * cell), cell, cell, fc=shade, ec="0.4", lw=0.6))


def _arrow(ax, start, end, colour, style="-", text="", text_at=None):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=colour, lw=1.6,
                                 linestyle=style))
    if text:
        ax.text(*(text_at or ((start[0] + end[0]) / 2, start[1] + 1)), text, color=colour, ha="center",
                va="bottom", fontsize=9)


def draw_tiny_cnn(image=None, kernel=None, classes=("vertical", "horizontal")):
    """The tiny CNN of notebook 04 as a figure, with its forward (solid) and backward (dashed) flows.

    Inside the model box: input 6x6 -> 3x3 kernel -> 4x4 feature map -> ReLU -> flatten (16) ->
    fully connected -> ``len(classes)`` logits (one score per class). Outside it, dashed: the
    training-time head, softmax + cross-entropy loss against the label. ``image`` (6, 6) and
    ``kernel`` (3, 3), if given, shade the input and the kernel with their real values.
    Returns the Figure.
    """
    K = len(classes)
    fig, ax = plt.subplots(figsize=(10, 3.6), dpi=80, layout="constrained")
    ax.set_xlim(0, 110)
    ax.set_ylim(-2.5, 35.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    top, cell = 22, 2.0                                   # grids hang down from about y = top
    ax.add_patch(Rectangle((0.2, 1.8), 88.3, 27.7, fc="#f2f2f2", ec="0.5", lw=1, zorder=-1))
    ax.text(1.2, 28.7, "the model (all that predictions use): input x -> logits", va="top", fontsize=9)
    _grid(ax, 1, top, 6, 6, cell, image)
    ax.add_patch(Rectangle((1, top - 3 * cell), 3 * cell, 3 * cell, fill=False, ec=FORWARD, lw=2))
    _grid(ax, 18, top - 1.5 * cell, 3, 3, cell, kernel, DIVERGING,
          symmetric_limits(kernel) if kernel is not None else (0, 1))
    _grid(ax, 30, top - cell, 4, 4, cell)
    ax.add_patch(Rectangle((30, top - 2 * cell), cell, cell, fill=False, ec=FORWARD, lw=2))
    _grid(ax, 44, top - cell, 4, 4, cell)
    _grid(ax, 58, top + 3.6, 16, 1, 1.2)                  # the 16 flattened values, a column
    middle = top - 6
    node_y = [middle + 3 * (K - 1) - 6 * k for k in range(K)]
    for k, y in enumerate(node_y):
        for i in range(16):
            ax.plot([59.2, 70], [top + 3 - 1.2 * i, y], color="0.75", lw=0.4, zorder=0)
        ax.add_patch(Circle((71.2, y), 1.2, fc="white", ec="0.3"))
        ax.text(73.2, y, classes[k], va="center", fontsize=9)
    ax.add_patch(Rectangle((93, middle - 6), 16, 12, fc="white", ec="0.3", ls="--"))
    ax.text(101, middle, "softmax +\ncross-entropy\nloss L vs.\nlabel y", ha="center", va="center", fontsize=9)
    labels = [(7, "input x\n6 x 6"), (21, "kernel W\n3 x 3 + bias"), (34, "feature map\n4 x 4"),
              (48, "ReLU\n4 x 4"), (59, "flatten\n16"), (74, "fully conn. 16 -> %d:\n%d logits (scores)" % (K, K)),
              (101, "training-time head\n(not in the model)")]
    for x, text in labels:
        ax.text(x, 5.5, text, ha="center", va="top", fontsize=9)
    gaps = [(13.5, 17.5), (24.5, 29.5), (38.5, 43.5), (52.5, 57.5), (60, 69.5), (85, 92.5)]
    for a, b in gaps:
        _arrow(ax, (a, middle + 1.5), (b, middle + 1.5), FORWARD)
        _arrow(ax, (b, middle - 1.5), (a, middle - 1.5), BACKWARD, "--")
    _arrow(ax, (5, 32), (105, 32), FORWARD, text="forward: compute every value, keep it for backward",
           text_at=(55, 32.6))
    _arrow(ax, (105, -1.5), (5, -1.5), BACKWARD, "--", text="backward: gradients dL/d(every value and weight), "
           "from the loss back to the kernel", text_at=(55, -0.9))
    return fig


def show_panels(panels, numbers=True, fmt="{:.2f}", cmap=None, size=2.0, shared=False):
    """A row of small 2-D arrays side by side: ``panels`` is a list of ``(title, array (H, W))``.

    Signed arrays get the diverging map centred on 0, others viridis (or ``cmap``, e.g. "gray"),
    each value written in its cell (9 pt) when ``numbers``. ``shared``: one colour scale for all
    panels (use it whenever the panels' values are compared). Returns the Figure.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(size * len(panels), size + 0.4), dpi=80,
                             layout="constrained", squeeze=False)
    everything = np.concatenate([np.ravel(values) for _, values in panels])
    for ax, (title, values) in zip(axes[0], panels):
        values = np.asarray(values)
        scale = everything if shared else values
        signed = bool(np.any(scale < 0))
        vmin, vmax = symmetric_limits(scale) if signed else (0, max(float(scale.max()), 1e-12))
        ax.imshow(values, cmap=cmap or (DIVERGING if signed else SEQUENTIAL), vmin=vmin, vmax=vmax)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=9)
        for (i, j), v in np.ndenumerate(values if numbers else np.zeros((0, 0))):
            dark = abs(v) > 0.6 * vmax if signed else v < 0.4 * vmax         # white text on dark cells
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=9,
                    color="white" if dark else "black")
    return fig


def plot_loss_curves(curves, title="Training loss for three learning rates"):
    """One line per learning rate: ``curves`` maps a label to losses, one per iteration (log scale)."""
    fig, ax = plt.subplots(figsize=(6.5, 3.4), dpi=80, layout="constrained")
    for (label, losses), style, colour in zip(curves.items(), ["-", "--", ":", "-."],
                                              ["#440154", "#21918c", "#e66101", "0.3"]):
        ax.plot(np.arange(len(losses)), losses, style, color=colour, lw=2, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss on all training images")
    ax.set_title(title, fontsize=11)
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3)
    return fig


# ---------------------------------------------------------------- for the training widget
def heatmap(ax, values, title, fmt="{:.2f}"):
    """A signed (H, W) heat map with a number in each cell; returns ``(image, texts)`` for :func:`set_heatmap`."""
    image = ax.imshow(values, cmap=DIVERGING, vmin=-1, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10, y=1)            # a fixed y: no auto-placement on every redraw
    texts = [ax.text(j, i, "", ha="center", va="center", fontsize=9) for i, j in np.ndindex(values.shape)]
    set_heatmap(image, texts, values, fmt)
    return image, texts


def set_heatmap(image, texts, values, fmt="{:.2f}"):
    """Redraw a :func:`heatmap` in place: new values, colours centred on 0, new numbers."""
    vmin, vmax = symmetric_limits(values)
    image.set_data(values)
    image.set_clim(vmin, vmax)
    for text, v in zip(texts, values.ravel()):
        text.set_text(fmt.format(v))
        text.set_color("white" if abs(v) > 0.6 * vmax else "black")     # readable on dark cells
