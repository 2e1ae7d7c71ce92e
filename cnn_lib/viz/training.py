"""Notebook 05 (train a CNN): training curves, confusion matrix, digits and mistakes, learned
kernels and feature maps. Each ``*_figure`` function builds and returns a pyplot Figure;
:class:`DigitDrawing` is the reusable figure of :class:`~cnn_lib.widgets.digit_explorer.DigitExplorer`.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .._checks import check_int, fail, show
from .canvas import Drawing
from .style import (DIVERGING, GUESS, IMAGE, NEUTRAL, UNUSED, as_array, map_cmap, map_columns, no_ticks,
                    probability_bars, readable_on, symmetric_limits, tile_maps)


def digits_figure(images, titles, columns=10, size=0.95):
    """Grey digits in a grid, each with a (short) title: images (N, 1, H, W) or (N, H, W) in [0, 1]."""
    columns = check_int("digits_figure", "columns", columns, 1, "Hint: e.g. columns=10.")
    if isinstance(titles, str) or len(titles) != len(images):
        fail("digits_figure", "titles", f"one title per image ({len(images)})", show(titles),
             "Hint: titles=[str(label) for label in y[:len(images)]].")
    images = np.asarray(images).reshape(len(images), *np.shape(images)[-2:])    # (N, 1, H, W) -> (N, H, W)
    rows = max(1, -(-len(images) // columns))                                    # no images: one empty row
    fig, axes = plt.subplots(rows, columns, figsize=(columns * size, rows * size * 1.3), dpi=80,
                             squeeze=False, layout="constrained")
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, image, title in zip(axes.flat, images, titles):
        ax.imshow(image, cmap=IMAGE, vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(title, fontsize=9)
    return fig


def mistakes_figure(images, y_true, y_pred, probs, columns=8):
    """The digits a network got wrong, titled ``true 4 / guess 9 (61%)``: ``probs`` (N, K) from softmax."""
    if not len(images) == len(y_true) == len(y_pred) == len(probs):
        fail("mistakes_figure", "images, y_true, y_pred and probs", "of one length (one entry per digit)",
             f"lengths {len(images)}, {len(y_true)}, {len(y_pred)} and {len(probs)}",
             "Hint: index all four with the same wrong = np.flatnonzero(y_pred != y_true).")
    titles = [f"true {t}\nguess {p} ({q[p]:.0%})" for t, p, q in zip(y_true, y_pred, probs)]
    return digits_figure(images, titles, columns=columns, size=1.1)


def history_figure(history, lr_changes=(), figsize=(9, 3.2)):
    """Loss and accuracy per epoch (training: circles, solid; validation: squares, dashed) from a History.

    ``lr_changes``: epochs (1-based) after which the learning rate was lowered, drawn as dotted lines.
    """
    if not hasattr(history, "loss") or not hasattr(history, "val_loss"):
        fail("history_figure", "history", "a History, as returned by fit", show(history),
             "Hint: history = fit(model, optimizer, x, y, epochs=3); history_figure(history).", TypeError)
    if not len(history.loss):
        fail("history_figure", "history", "a History of at least one epoch", "an empty History",
             "Hint: draw the History that fit returned, after training.")
    epochs = np.arange(1, len(history.loss) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=figsize, dpi=80, layout="constrained")
    for ax, train, val, name in ((ax_loss, history.loss, history.val_loss, "loss (cross-entropy)"),
                                 (ax_acc, history.accuracy, history.val_accuracy, "accuracy (%)")):
        scale = 100 if ax is ax_acc else 1
        ax.plot(epochs, np.multiply(train, scale), "o-", label="training digits (mean over the epoch)")
        if val:
            ax.plot(epochs, np.multiply(val, scale), "s--", label="validation digits (after the epoch)")
        for epoch in lr_changes:
            ax.axvline(epoch + 0.5, color="grey", linestyle=":")
        ax.set_xlabel("epoch")
        ax.set_title(name, fontsize=10)
        ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
    ax_loss.legend(fontsize=9)
    return fig


def confusion_figure(matrix, figsize=(5.2, 4.4)):
    """A confusion matrix (K, K) with its counts written in the cells; colour (cividis) shows the mistakes.

    Rows are true classes, columns predicted ones. The diagonal (correct answers) is light grey,
    so the colour scale is spent on the off-diagonal mistakes.
    """
    matrix = as_array("confusion_figure", "matrix", matrix, "(K, K)").astype(int)
    if matrix.shape[0] != matrix.shape[1]:
        fail("confusion_figure", "matrix", "square (K, K): true classes x predicted classes", f"shape {matrix.shape}",
             "Hint: make it with confusion_matrix(y_true, y_pred, K).")
    K = len(matrix)
    mistakes = np.where(np.eye(K, dtype=bool), np.nan, matrix).astype(float)    # diagonal -> NaN (grey)
    cmap = plt.get_cmap("cividis").with_extremes(bad=UNUSED)
    fig, ax = plt.subplots(figsize=figsize, dpi=80, layout="constrained")
    top = max(np.nanmax(mistakes), 1)
    image = ax.imshow(mistakes, cmap=cmap, vmin=0, vmax=top)
    colours = readable_on(image.cmap(image.norm(mistakes)))           # (K, K): black on light cells, white on dark
    for (i, j), count in np.ndenumerate(matrix):
        if count or i == j:
            ax.text(j, i, str(count), ha="center", va="center", fontsize=9,
                    color=colours[i, j], fontweight="bold" if i == j else "normal")
    ax.set_xticks(range(K))
    ax.set_yticks(range(K))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    bar = fig.colorbar(image, ax=ax, shrink=0.8, label="mistakes (off the diagonal)")
    bar.locator = MaxNLocator(integer=True)                                # counts: whole numbers only
    bar.update_ticks()
    return fig


def kernels_figure(kernels, titles=None, columns=8, size=1.0):
    """Small kernels (K, h, w), or a list of 2-D arrays of any sizes, in PuOr (orange < 0 < purple).

    Each kernel is scaled to its own largest |weight|, so its pattern shows whatever its size.
    """
    if not isinstance(kernels, (list, tuple, np.ndarray)) or not len(kernels):
        fail("kernels_figure", "kernels", "a non-empty array (K, h, w) or list of 2-D arrays", show(kernels),
             "Hint: the first layer's kernels: model.layers[0].params['weight'][:, 0].", TypeError)
    kernels = [as_array("kernels_figure", f"kernel {i}", k, "(h, w)") for i, k in enumerate(kernels)]
    rows = -(-len(kernels) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(columns * size, rows * size * 1.2), dpi=80,
                             squeeze=False, layout="constrained")
    for ax in axes.flat:
        ax.set_axis_off()
    for i, (ax, k) in enumerate(zip(axes.flat, kernels)):
        vmin, vmax = symmetric_limits(k)
        ax.imshow(k, cmap=DIVERGING, vmin=vmin, vmax=vmax, interpolation="nearest")
        ax.set_title(titles[i] if titles is not None else f"kernel {i}", fontsize=9)
    return fig


def _maps_panel(ax, maps, name, shared=False):
    """Draw feature maps (C, H, W) as one tiled image on ``ax``; returns the AxesImage."""
    C, H, W = maps.shape
    signed = bool(np.any(maps < 0))
    image = ax.imshow(tile_maps(maps, map_columns(C), shared), cmap=map_cmap(signed), vmin=-1 if signed else 0, vmax=1,
                      interpolation="nearest")
    ax.set_title(f"{name}\n{C} maps of {H} x {W}", fontsize=10)
    no_ticks(ax)
    return image


def _aspect(maps):
    """Width / height of the tiled image of feature maps (C, H, W)."""
    C, H, W = maps.shape
    columns = map_columns(C)
    return (columns * (W + 1) - 1) / (-(-C // columns) * (H + 1) - 1)


def feature_maps_figure(image, rows, figsize=(10, 5.0), shared=False):
    """One digit (H, W), then the feature maps of hidden layers, tiled, one panel per layer.

    ``rows``: a list of figure rows, each a list of ``(name, maps)`` with maps (C, H, W) of one
    input (e.g. ``model.layer_outputs(...)[i][0]``). The digit sits left of the first row.
    ``shared``: one colour scale per layer (its largest |value|) instead of one per map.
    """
    image = as_array("feature_maps_figure", "image", image, "(H, W)")
    columns = 1 + max(len(row) for row in rows)
    fig, axes = plt.subplots(len(rows), columns, figsize=figsize, dpi=80, squeeze=False, layout="constrained")
    for ax in axes.flat:
        ax.set_axis_off()
    axes[0, 0].imshow(image, cmap=IMAGE, vmin=0, vmax=1, interpolation="nearest")
    axes[0, 0].set_title(f"input\n{image.shape[0]} x {image.shape[1]}", fontsize=9)
    for r, row in enumerate(rows):
        for c, (name, maps) in enumerate(row):
            _maps_panel(axes[r, c + 1], maps, name, shared)
    return fig


class DigitDrawing(Drawing):
    """The digit explorer's picture (notebook 05), made once: the digit and its class probabilities,
    then the feature maps of each hidden layer (tiled, one colour scale per layer), on two rows so the
    small maps stay readable; :meth:`show` redraws it in place.

    ``outputs``: one example of every layer's maps (C, H, W), which fixes the panels' sizes;
    ``names``: their titles. Only the digit, its title, the bars and the maps change, so they
    are blitted (see :class:`~cnn_lib.viz.canvas.Drawing`): the rest is drawn once.
    """

    def __init__(self, outputs, names, num_classes=10):
        super().__init__(figsize=(12, 5.4), dpi=72)
        half = (len(outputs) + 1) // 2 if len(outputs) > 2 else len(outputs)
        rows = [(outputs[:half], names[:half]), (outputs[half:], names[half:])]
        two = len(outputs) > half
        figures = self.fig.subfigures(2 if two else 1, 1, squeeze=False, height_ratios=[1.2, 1] if two else None)[:, 0]
        aspects = [[_aspect(m) for m in maps] for maps, _ in rows]
        axes = figures[0].subplots(1, 2 + half, width_ratios=[1, 1.3] + aspects[0])
        panels = list(zip(axes[2:], *rows[0]))
        if len(figures) > 1:
            panels += list(zip(np.atleast_1d(figures[1].subplots(1, len(outputs) - half, width_ratios=aspects[1])),
                               *rows[1]))
        self.digit = no_ticks(axes[0]).imshow(np.zeros((28, 28)), cmap=IMAGE, vmin=0, vmax=1, interpolation="nearest")
        self.digit_title = axes[0].set_title("", fontsize=10)
        self.bars = probability_bars(axes[1], num_classes)
        axes[1].set_title("probabilities (dark bar: the guess)", fontsize=10)
        self.true_mark = axes[1].text(0, -0.13, "true", ha="center", va="top", fontsize=9, fontweight="bold")
        self.maps = [_maps_panel(ax, maps, name, shared=True) for ax, maps, name in panels]   # one scale per layer
        self.changing(self.digit, self.digit_title, *self.bars, self.true_mark, *self.maps)

    def show(self, image, probs, outputs, label):
        """Redraw for one digit: image (H, W), probs (K,), outputs as in ``__init__``, its true label."""
        guess = int(np.argmax(probs))
        self.digit.set_data(image)
        self.digit_title.set_text(f"true {label}, guess {guess} ({probs[guess]:.0%} sure)")
        for k, (bar, p) in enumerate(zip(self.bars, probs)):
            bar.set_height(p)
            bar.set_facecolor(GUESS if k == guess else NEUTRAL)
        self.true_mark.set_x(label)                                        # under the true digit's bar
        for artist, maps in zip(self.maps, outputs):
            artist.set_data(tile_maps(maps, map_columns(len(maps)), shared=True))
