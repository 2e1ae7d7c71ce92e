"""Notebook 06 (inside a trained CNN): figures of many small panels, curves, and the figure of
the drawing explorer (:class:`DrawingFigure`, made once and redrawn in place)."""

import matplotlib.pyplot as plt
import numpy as np

from .._checks import check_int, fail, show
from .canvas import Drawing
from .style import (DIVERGING, GUESS, IMAGE, NEUTRAL, SEQUENTIAL, map_cmap, map_columns, no_ticks,
                    probability_bars, symmetric_limits, tile_maps)

KINDS = {"image": (IMAGE, (0, 1)), "magnitude": (SEQUENTIAL, None), "signed": (DIVERGING, None)}


def panels_figure(panels, columns, size=1.3, signed_label="value (orange < 0 < purple)"):
    """Small 2-D arrays in a grid: ``panels`` is a list of ``(array (H, W), title, kind)``.

    kind ``"image"``: grey, 0 black to 1 white; ``"magnitude"``: viridis from 0 to its own largest
    value; ``"signed"``: PuOr centred on 0, ONE scale shared by every signed panel of the figure
    (so they can be compared), shown by a colour bar. ``None`` as a panel leaves a gap.
    """
    columns = check_int("panels_figure", "columns", columns, 1, "Hint: how many panels per row, e.g. 4.")
    if not isinstance(panels, list) or not all(p is None or (isinstance(p, tuple) and len(p) == 3 and p[2] in KINDS)
                                               for p in panels):
        fail("panels_figure", "panels", f"a list of (array, title, kind) with kind in {sorted(KINDS)}, or None",
             show(panels), "Hint: panels_figure([(image, 'input', 'image')], columns=1).", TypeError)
    rows = -(-len(panels) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(columns * size, rows * size * 1.25), dpi=80,
                             squeeze=False, layout="constrained")
    signed = [p[0] for p in panels if p is not None and p[2] == "signed"]
    limits = symmetric_limits(np.concatenate([np.ravel(a) for a in signed])) if signed else None
    image = None
    for ax, panel in zip(axes.flat, panels + [None] * (rows * columns - len(panels))):
        no_ticks(ax).set_frame_on(panel is not None)
        if panel is None:
            continue
        values, title, kind = panel
        cmap, vlim = KINDS[kind]
        vlim = limits if kind == "signed" else vlim or (0, max(float(np.max(values)), 1e-12))
        drawn = ax.imshow(values, cmap=cmap, vmin=vlim[0], vmax=vlim[1], interpolation="nearest")
        ax.set_title(title, fontsize=9)
        image = drawn if kind == "signed" else image
    if image is not None:
        fig.colorbar(image, ax=axes, shrink=0.8, label=signed_label)
    return fig


def curves_figure(x, curves, xlabel, ylabel, title="", figsize=(5.5, 3.2), percent=True):
    """Lines with markers, one per ``curves`` item ``label -> y values`` over ``x``; y in % if ``percent``."""
    if not isinstance(curves, dict) or not all(np.shape(y) == np.shape(x) for y in curves.values()):
        fail("curves_figure", "curves", f"a dict label -> y values, each as long as x ({np.shape(x)})", show(curves),
             "Hint: curves_figure(eps, {'FGSM': accuracy}, 'epsilon', 'accuracy').", TypeError)
    fig, ax = plt.subplots(figsize=figsize, dpi=80, layout="constrained")
    for (label, y), marker in zip(curves.items(), "osD^v"):
        ax.plot(x, np.multiply(y, 100 if percent else 1), marker=marker, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    if len(curves) > 1:
        ax.legend(fontsize=9)
    return fig


class DrawingFigure(Drawing):
    """The drawing explorer's figure: the preprocessing steps, the probabilities, the saliency map
    and the feature maps of every hidden layer, redrawn in place by :meth:`show` and rendered by
    blitting (fixed parts drawn once, as in :class:`~cnn_lib.viz.training.DigitDrawing`).

    ``fig``: a Figure outside pyplot; ``canvas_size``: side of the drawing as received;
    ``outputs``: one example of each hidden layer's maps (C, H, W); ``names``: their titles.
    """

    def __init__(self, fig, canvas_size, outputs, names, num_classes=10):
        super().__init__(fig=fig)
        top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1.25])
        axes = top.subplots(1, 6, gridspec_kw={"width_ratios": [1, 1, 1, 1, 1.6, 1]})
        steps = [("your drawing", canvas_size), ("1. crop to the\nstrokes' box", 20), ("2. scale: longest\nside 20 px", 20),
                 ("3. centre of mass\nto the middle: 28 x 28", 28)]
        self.steps = [no_ticks(ax).imshow(np.zeros((n, n)), cmap=IMAGE, vmin=0, vmax=1, interpolation="nearest")
                      for ax, (_, n) in zip(axes, steps)]
        for ax, (title, _) in zip(axes, steps):
            ax.set_title(title, fontsize=9)
        self.bars = probability_bars(axes[4], num_classes)
        axes[4].set_title("probabilities\n(dark bar: the guess)", fontsize=9)
        self.saliency = no_ticks(axes[5]).imshow(np.zeros((28, 28)), cmap=DIVERGING, vmin=-1, vmax=1,
                                             interpolation="nearest")
        axes[5].set_title("saliency of the guess\n(purple: raises its score)", fontsize=9)
        widths = [1.6 if m.shape[0] > 16 else 1 for m in outputs]
        map_axes = bottom.subplots(1, len(outputs), gridspec_kw={"width_ratios": widths})
        self.maps = []
        for ax, maps, name in zip(map_axes, outputs, names):
            signed = name.startswith("Conv")
            self.maps.append(no_ticks(ax).imshow(tile_maps(maps, map_columns(len(maps))), cmap=map_cmap(signed),
                                             vmin=-1 if signed else 0, vmax=1, interpolation="nearest"))
            ax.set_title(f"{name}\n{maps.shape[0]} maps of {maps.shape[1]} x {maps.shape[2]}", fontsize=9)
        self.changing(*self.steps, *self.bars, self.saliency, *self.maps)

    def show(self, canvas, steps, probs, saliency, outputs):
        """Redraw: canvas (S, S) as received; ``steps`` a :class:`~cnn_lib.preprocess.MnistSteps` or None
        (empty canvas: all else blank); probs (K,); saliency (28, 28); outputs as in ``__init__``."""
        self.steps[0].set_data(canvas)
        if steps is None:
            for artist in self.steps[1:]:
                artist.set_data(np.zeros((1, 1)))
            probs, saliency = np.zeros(len(self.bars)), np.zeros((28, 28))
            outputs = [np.zeros_like(a.get_array()) for a in self.maps]
        else:
            for artist, step in zip(self.steps[1:], (steps.cropped, steps.scaled, steps.image)):
                artist.set_data(step)
                artist.set_extent((-0.5, step.shape[1] - 0.5, step.shape[0] - 0.5, -0.5))   # any box shape
            outputs = [tile_maps(maps, map_columns(len(maps))) for maps in outputs]
        guess = int(np.argmax(probs))
        for k, (bar, p) in enumerate(zip(self.bars, probs)):
            bar.set_height(p)
            bar.set_facecolor(GUESS if k == guess and steps is not None else NEUTRAL)
        m = symmetric_limits(saliency)[1]
        self.saliency.set_data(saliency / m)
        for artist, tiled in zip(self.maps, outputs):
            artist.set_data(tiled)

    def panel_boxes(self):
        """``{panel name: (left, top, right, bottom)}`` in the PNG's pixels, for tests that check each panel redrew."""
        self.pixels()                                           # fixes the layout
        height = self.fig.bbox.height
        artists = {"drawing": self.steps[0], "cropped": self.steps[1], "scaled": self.steps[2],
                   "centred": self.steps[3], "probabilities": self.bars[0], "saliency": self.saliency,
                   **{f"maps {i}": a for i, a in enumerate(self.maps)}}
        boxes = {}
        for name, artist in artists.items():
            x0, y0, x1, y1 = artist.axes.get_window_extent().extents
            boxes[name] = (int(x0) + 2, int(height - y1) + 2, int(x1) - 2, int(height - y0) - 2)
        return boxes

class AttackFigure(Drawing):
    """The FGSM explorer's figure, made once: the digit, the adversarial digit, the change (one fixed
    PuOr scale, +-``max_epsilon``) and both sets of probabilities; :meth:`show` redraws in place
    (the guesses are in the explorer's status line: changing titles would cost a slow text redraw)."""

    def __init__(self, fig, max_epsilon, num_classes=10):
        super().__init__(fig=fig)
        axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1, 1, 1, 1.8]})
        self.images = [no_ticks(ax).imshow(np.zeros((28, 28)), cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest")
                       for ax, (cmap, lo, hi) in zip(axes, [(IMAGE, 0, 1), (IMAGE, 0, 1),
                                                            (DIVERGING, -max_epsilon, max_epsilon)])]
        for ax, title in zip(axes, ("original", "adversarial", "the change")):
            ax.set_title(title, fontsize=9)
        fig.colorbar(self.images[2], ax=axes[2], shrink=0.8).ax.tick_params(labelsize=9)
        x = np.arange(num_classes)
        self.before = axes[3].bar(x - 0.2, np.zeros(num_classes), width=0.4, color=NEUTRAL, label="original")
        self.after = axes[3].bar(x + 0.2, np.zeros(num_classes), width=0.4, color=GUESS, label="adversarial")
        axes[3].set_ylim(0, 1)
        axes[3].set_xticks(x)
        axes[3].tick_params(labelsize=9)
        axes[3].set_title("probabilities", fontsize=9)
        axes[3].legend(fontsize=9, loc="upper left")
        self.changing(*self.images, *self.before, *self.after)

    def show(self, image, adversarial, probs_before, probs_after):
        """image, adversarial (28, 28) in [0, 1]; probs_* (K,); the change is drawn as adversarial - image."""
        for artist, values in zip(self.images, (image, adversarial, adversarial - image)):
            artist.set_data(values)
        for bars, probs in ((self.before, probs_before), (self.after, probs_after)):
            for bar, p in zip(bars, probs):
                bar.set_height(p)
