"""Figures for notebook 04 (backpropagation): the tiny CNN's schema, rows of small arrays with
their numbers, loss curves, and the heat maps the training widget updates in place."""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, Rectangle

from .._checks import fail, show
from .canvas import Drawing
from .style import (BACKWARD, DARK, DIVERGING, FORWARD, IMAGE, PANEL, SEQUENTIAL, TEAL, arrow, as_array, label_cells,
                    number_texts, square_grid, symmetric_limits, write_numbers)


def draw_tiny_cnn(image=None, kernel=None, classes=("vertical", "horizontal")):
    """The tiny CNN of notebook 04 as a figure, with its forward (solid) and backward (dashed) flows.

    Inside the model box: input 6x6 -> 3x3 kernel -> 4x4 feature map -> ReLU -> flatten (16) ->
    fully connected -> ``len(classes)`` logits (one score per class). Outside it, dashed: the
    training-time head, softmax + cross-entropy loss against the label. ``image`` (6, 6) and
    ``kernel`` (3, 3), if given, shade the input and the kernel with their real values.
    Returns the Figure.
    """
    for name, value, shape in (("image", image, (6, 6)), ("kernel", kernel, (3, 3))):
        if value is not None and np.shape(value) != shape:
            fail("draw_tiny_cnn", name, f"None or an array of shape {shape}", f"shape {np.shape(value)}",
                 "Hint: the tiny CNN's input is one 6x6 image, e.g. x[0, 0] of tiny_data(); its kernel is "
                 "model.layers[0].params['weight'][0, 0].")
    K = len(classes)
    fig, ax = plt.subplots(figsize=(10, 3.6), dpi=80, layout="constrained")
    ax.set_xlim(0, 110)
    ax.set_ylim(-2.5, 35.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    top, cell = 22, 2.0                                   # grids hang down from about y = top
    ax.add_patch(Rectangle((0.2, 1.8), 88.3, 27.7, fc=PANEL, ec="0.5", lw=1, zorder=-1))
    ax.text(1.2, 28.7, "the model (all that predictions use): input x -> logits", va="top", fontsize=9)
    square_grid(ax, 1, top, 6, 6, cell, image)
    ax.add_patch(Rectangle((1, top - 3 * cell), 3 * cell, 3 * cell, fill=False, ec=FORWARD, lw=2))
    square_grid(ax, 18, top - 1.5 * cell, 3, 3, cell, kernel, DIVERGING,
          symmetric_limits(kernel) if kernel is not None else (0, 1))
    square_grid(ax, 30, top - cell, 4, 4, cell)
    ax.add_patch(Rectangle((30, top - 2 * cell), cell, cell, fill=False, ec=FORWARD, lw=2))
    square_grid(ax, 44, top - cell, 4, 4, cell)
    square_grid(ax, 58, top + 3.6, 16, 1, 1.2)                  # the 16 flattened values, a column
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
        arrow(ax, (a, middle + 1.5), (b, middle + 1.5), FORWARD)
        arrow(ax, (b, middle - 1.5), (a, middle - 1.5), BACKWARD, dashed=True)
    arrow(ax, (5, 32), (105, 32), FORWARD, text="forward: compute every value, keep it for backward",
           text_at=(55, 32.6))
    arrow(ax, (105, -1.5), (5, -1.5), BACKWARD, dashed=True, text="backward: gradients dL/d(every value and weight), "
           "from the loss back to the kernel", text_at=(55, -0.9))
    return fig


def show_panels(panels, numbers=True, fmt="{:.2f}", cmap=None, size=2.0, shared=False):
    """A row of small 2-D arrays side by side: ``panels`` is a list of ``(title, array (H, W))``.

    Signed arrays get the diverging map centred on 0, others viridis (or ``cmap``, e.g. "gray"),
    each value written in its cell (9 pt; panels grow to fit) when ``numbers``. ``shared``: one
    colour scale for all panels (use it whenever the panels' values are compared). Returns the Figure.
    """
    if not isinstance(panels, (list, tuple)) or not panels or not all(
            isinstance(p, (list, tuple)) and len(p) == 2 for p in panels):
        fail("show_panels", "panels", "a non-empty list of (title, array (H, W)) pairs", show(panels),
             "Hint: show_panels([('input', x[0, 0]), ('kernel', w[0, 0])]).", TypeError)
    panels = [(title, as_array("show_panels", f"panel {title!r}", values, "(H, W)")) for title, values in panels]
    size = max(size, 0.33 * max(np.shape(values)[-1] for _, values in panels))   # room for 9 pt numbers
    fig, axes = plt.subplots(1, len(panels), figsize=(size * len(panels), size + 0.4), dpi=80,
                             layout="constrained", squeeze=False)
    everything = np.concatenate([np.ravel(values) for _, values in panels])
    for ax, (title, values) in zip(axes[0], panels):
        scale = everything if shared else values
        signed = bool(np.any(scale < 0))
        vmin, vmax = symmetric_limits(scale) if signed else (0, max(float(scale.max()), 1e-12))
        image = ax.imshow(values, cmap=cmap or (DIVERGING if signed else SEQUENTIAL), vmin=vmin, vmax=vmax)
        ax.set(xticks=[], yticks=[])
        ax.set_title(title, fontsize=9)
        if numbers:
            label_cells(ax, values, image, fmt)
    return fig


def plot_loss_curves(curves, title="Training loss for three learning rates"):
    """One line per learning rate: ``curves`` maps a label to losses, one per iteration (log scale)."""
    if not isinstance(curves, dict) or not curves:
        fail("plot_loss_curves", "curves", "a dict {label: losses}", show(curves),
             "Hint: plot_loss_curves({'lr 0.1': losses}), one entry per learning rate.", TypeError)
    fig, ax = plt.subplots(figsize=(6.5, 3.4), dpi=80, layout="constrained")
    for (label, losses), style, colour in zip(curves.items(), ["-", "--", ":", "-."],
                                              [DARK, TEAL, BACKWARD, "0.3"]):
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
    ax.set(xticks=[], yticks=[])
    ax.set_title(title, fontsize=10, y=1)            # a fixed y: no auto-placement on every redraw
    texts = number_texts(ax, *values.shape)
    set_heatmap(image, texts, values, fmt)
    return image, texts


def set_heatmap(image, texts, values, fmt="{:.2f}"):
    """Redraw a :func:`heatmap` in place: new values, colours centred on 0, new numbers."""
    image.set_data(values)
    image.set_clim(*symmetric_limits(values))
    write_numbers(texts, values, image, fmt)


class StepperDrawing(Drawing):
    """The training stepper's picture (notebook 04), made once: the loss so far (on all 8 images: line;
    on each step's batch: dots), the 3x3 kernel, the gradient the last step used, and each image's
    probability of its true class (bars, the 8 images drawn under them). :meth:`show` redraws it."""

    def __init__(self, images):
        super().__init__(figsize=(10, 2.6), dpi=72)
        ax_loss, ax_w, ax_g, ax_p = self.fig.subplots(1, 4, width_ratios=[1.7, 1, 1, 1.7])
        self.ax_loss = ax_loss               # few texts everywhere: each costs ~1 ms per redraw
        (self.full_line,) = ax_loss.plot([], [], ".-", color=FORWARD, lw=2)
        (self.batch_line,) = ax_loss.plot([], [], "o", color=BACKWARD, ms=3)
        ax_loss.set_title("loss", fontsize=9, y=1)     # a fixed y skips the title's auto-placement
        ax_loss.tick_params(labelsize=8)
        ax_loss.locator_params(nbins=3)
        self.w_art = heatmap(ax_w, np.zeros((3, 3)), "kernel")
        self.g_art = heatmap(ax_g, np.zeros((3, 3)), "gradient")
        n = len(images)
        self.bars = ax_p.bar(np.arange(n), np.zeros(n), color=TEAL)
        half = ax_p.axhline(0.5, color="0.3", ls="--", lw=1)                # chance: drawn over the bars
        H, W = images.shape[-2:]
        strip = np.full((H, n * (W + 1) - 1), np.nan)      # the images side by side, NaN gaps
        for i in range(n):
            strip[:, (W + 1) * i:(W + 1) * i + W] = images[i, 0]
        ax_p.imshow(strip, cmap=IMAGE, extent=(-0.5, n - 0.5, -0.45, -0.04), aspect="auto", vmin=0, vmax=1,
                    interpolation="nearest")
        ax_p.set_xlim(-0.5, n - 0.5)
        ax_p.set_ylim(-0.47, 1)
        ax_p.set_xticks([])
        ax_p.set_yticks([0, 0.5, 1])
        ax_p.tick_params(labelsize=8)
        ax_p.set_title("P(true class)", fontsize=9, y=1)
        self.changing(self.full_line, self.batch_line, *self.bars, half, self.w_art[0], *self.w_art[1], self.g_art[0],
                      *self.g_art[1])

    def show(self, full_losses, batch_losses, kernel, gradient, p_true):
        """Losses so far (lists), kernel and gradient (3, 3), and P(true class) per image (N,)."""
        n = len(full_losses)
        self.full_line.set_data(np.arange(n), full_losses)
        self.batch_line.set_data(np.arange(1, n), batch_losses)
        right = 10 * 2 ** max(0, int(np.ceil(np.log2(max(n, 1) / 10))))            # 10, 20, 40, ...: few redraws
        limits = ((-0.5, right), (0, max(1.0, 1.1 * max(full_losses + batch_losses))))
        if limits != (self.ax_loss.get_xlim(), self.ax_loss.get_ylim()):      # new ticks: draw all again
            self.ax_loss.set(xlim=limits[0], ylim=limits[1])
            self.stale()
        set_heatmap(*self.w_art, kernel)
        set_heatmap(*self.g_art, gradient)
        for bar, p in zip(self.bars, p_true):
            bar.set_height(p)
