"""Notebook 01's explorer: pick an image and a layer, see that layer's output and its shape in words."""
import io
import math

import ipywidgets as widgets
import numpy as np

from ..layers import Sequential
from ..losses import softmax
from ..viz import DIVERGING, IMAGE, SEQUENTIAL, symmetric_limits
from ..viz.layers import LABEL, OTHER, layer_table   # bars: other classes blue, the label orange
from .base import Explorer


class LayerExplorer(Explorer):
    """Pick a test digit (or the photo), a network and a layer; see that layer's output.

    ``models``: a Sequential, or a dict ``{name: Sequential}`` of networks with the same layers
    (e.g. untrained and trained). ``images`` (N, C, H, W) with ``labels`` (N,); ``photo`` (C, H, W),
    already preprocessed to the same size, or None. Feature maps show as a grid of small
    images, a flattened vector as one picture (a row per channel), class scores and
    probabilities as bars. The figure is built once, for the largest number of maps; ``update``
    only changes data, colour limits, bar heights and visibility.

    The ``layer`` control uses the numbers of ``model.layers`` (0 is the first layer), like
    :func:`~cnn_lib.viz.layers.layer_table`; ``"input"`` and ``"softmax"`` are the rows before and
    after the model.
    """

    title = "layer explorer"
    image_width = 760

    def __init__(self, models, images, labels, photo=None, index=0, layer=0):
        super().__init__(figsize=(9.5, 3.6))
        self.fig.set_layout_engine(None)       # fixed positions: no layout pass (and no extra draw) per PNG
        self.models = {"network": models} if isinstance(models, Sequential) else dict(models)
        self.images, self.labels = np.asarray(images), np.asarray(labels)
        if self.images.ndim != 4 or len(self.images) != len(self.labels):
            raise ValueError(f"LayerExplorer: expected images (N, C, H, W) and N labels, got shapes "
                             f"{self.images.shape} and {self.labels.shape}. Hint: pass x_test, y_test.")
        if photo is not None and np.shape(photo) != self.images.shape[1:]:
            raise ValueError(f"LayerExplorer: the photo must be preprocessed to {self.images.shape[1:]} like the "
                             f"digits, got {np.shape(photo)}. Hint: use cnn_lib.preprocess.resize.")
        self.photo = photo
        shapes = {name: [row["output_shape"] for row in model.summary(self.images.shape[1:])]
                  for name, model in self.models.items()}
        if len({str(s) for s in shapes.values()}) > 1:
            raise ValueError(f"LayerExplorer: the networks must have the same layers and shapes, got {shapes}. "
                             "Hint: build them with the same function, e.g. small_cnn().")
        self.rows = layer_table(next(iter(self.models.values())), self.images.shape[1:]).rows   # input, layers, softmax
        keys = ["input"] + list(range(len(self.rows) - 2)) + ["softmax"]     # the layer control's values
        self.position = {key: p for p, key in enumerate(keys)}               # value -> row (input is row 0)
        self.n_out = len(self.rows) - 2                       # row of the last layer (scores); then softmax
        self._cache = {}
        self._build_figure(max(r["output_shape"][0] for r in self.rows if len(r["output_shape"]) == 3))
        self.digit = widgets.IntSlider(value=index, min=0, max=len(self.images) - 1, description="test digit",
                                       continuous_update=False)
        self.use_photo = widgets.ToggleButton(value=False, description="use the photo", disabled=photo is None)
        labels = [r["layer"] if r["index"] is None else f"{r['index']}: {r['layer']}" for r in self.rows]
        self.layer = widgets.Dropdown(options=list(zip(labels, keys)), value=layer, description="layer",
                                      layout=widgets.Layout(width="400px"))
        controls = [self.digit, self.use_photo, self.layer]
        self.network = widgets.ToggleButtons(options=list(self.models), description="network")
        if len(self.models) > 1:
            controls.insert(0, self.network)
        self.finish(*controls)

    def _build_figure(self, n_maps):
        """Axes placed by hand (figure fractions): the input on the left; on the right, ``n_maps``
        map axes in the grid that makes them largest, and a bar chart and a vector picture on top
        of the same area (only one of the three kinds is visible at a time)."""
        width, height = self.fig.get_size_inches()
        bottom, top = 0.13, 0.83                               # room for the headline and the bar labels
        side = (top - bottom) * height / width                 # a square, in figure-width fractions
        self.input_ax = self.fig.add_axes((0.02, bottom, side, top - bottom))
        self.input_art = self.input_ax.imshow(np.zeros((2, 2)), cmap=IMAGE, vmin=0, vmax=1, interpolation="nearest")
        self.input_ax.set_xticks([])
        self.input_ax.set_yticks([])
        left = 0.06 + side                                     # the right-hand area: left .. 0.99
        area_w, area_h = (0.99 - left) * width, (top - bottom) * height
        cols = max(range(1, n_maps + 1), key=lambda c: min(area_w / c, area_h / math.ceil(n_maps / c)))
        cell = min(area_w / cols, area_h / math.ceil(n_maps / cols))   # inches per map, with its gap
        self.map_axes, self.map_arts = [], []
        for i in range(n_maps):
            r, c = divmod(i, cols)
            ax = self.fig.add_axes((left + c * cell / width, top - (r + 1) * cell / height,
                                    0.92 * cell / width, 0.92 * cell / height))
            ax.set_axis_off()                                  # no frame or ticks: less to draw per move
            self.map_axes.append(ax)
            self.map_arts.append(ax.imshow(np.zeros((2, 2)), interpolation="nearest"))
        panel = (left + 0.05, bottom, 0.99 - left - 0.06, top - bottom)
        self.vector_ax = self.fig.add_axes(panel)
        self.vector_art = self.vector_ax.imshow(np.zeros((2, 2)), aspect="auto", interpolation="nearest")
        self.vector_ax.set_xlabel("position within the channel's map (one row per channel)", fontsize=9)
        self.vector_ax.set_ylabel("channel", fontsize=9)
        self.vector_ax.locator_params(nbins=4)
        self.bar_ax = self.fig.add_axes(panel)
        classes = np.arange(self.rows[-1]["nodes"])
        self.bars = self.bar_ax.bar(classes, np.zeros(len(classes)), color=OTHER, edgecolor="black")
        self.bar_ax.set_xticks(classes)
        self.bar_ax.set_xlabel("class (digit); the orange, hatched bar is the label", fontsize=9)
        self.bar_ax.axhline(0, color="black", linewidth=0.8)
        self.bar_ax.locator_params(axis="y", nbins=4)        # few labels: each text costs ~1 ms per draw
        self.headline = self.fig.suptitle("", fontsize=11)

    def png(self):
        """The figure as PNG bytes, compressed lightly: a quarter faster to make, a little larger."""
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
        return buffer.getvalue()

    def row_outputs(self, name, photo, index):
        """One image's arrays, one per row, without the batch axis: [input, layer 0, ..., last layer, softmax]."""
        key = (name, photo, index)
        if key not in self._cache:
            x = (self.photo if photo else self.images[index])[None]       # (C, H, W) -> (1, C, H, W)
            outs = [x, *self.models[name].layer_outputs(x)]
            outs.append(softmax(outs[-1]))
            self._cache = {key: [out[0] for out in outs]}                 # keep only the latest image
        return self._cache[key]

    def update(self):
        photo, index, i = self.use_photo.value, self.digit.value, self.position[self.layer.value]
        if photo and self.photo is None:
            return self.explain("no photo was given to this explorer; pick a test digit instead.")
        outs = self.row_outputs(self.network.value, photo, index)
        out, row = outs[i], self.rows[i]
        what = "the photo (the network has only ever seen digits)" if photo else \
            f"test digit #{index}, labelled {self.labels[index]}"
        if len(self.models) > 1:
            what += f", through the {self.network.value} network"
        self.input_art.set_data(outs[0][0])
        self.input_ax.set_title("input: photo" if photo else f"input: a {self.labels[index]}", fontsize=10)
        kind = row["kind"]
        noun = ("channel" if i == 0 else "feature map") + ("s" if out.ndim == 3 and out.shape[0] > 1 else "")
        short = ("probabilities" if i > self.n_out else "class scores (logits)" if i == self.n_out
                 else f"{out.shape[0]} {noun} of {out.shape[1]} x {out.shape[2]}" if out.ndim == 3
                 else f"{out.size} numbers in one row")
        name = row["layer"] if row["index"] is None else f"layer {row['index']}: {row['layer']} ({kind})"
        self.headline.set_text(f"{name}, output {tuple(out.shape)}: {short}")
        if out.ndim == 3:
            words = self._show_maps(out, noun)
        elif i >= self.n_out:
            words = self._show_bars(out, None if photo else self.labels[index], probabilities=i > self.n_out)
        else:
            words = self._show_vector(out, outs[i - 1].shape)
        params = f"{row['params']:,} parameters" if row["params"] else "no parameters"
        if i == 0:
            shown = "the <b>input</b> (the preprocessing done before the model), no parameters"
        elif i > self.n_out:
            shown = "<b>softmax</b>, applied after the model to the last layer's scores, no parameters"
        else:
            article = "a" if kind == "hidden" else "an"
            shown = f"layer {row['index']}: <code>{row['layer']}</code>, {article} <b>{kind}</b> layer with {params}"
        return f"Input: {what}. Showing {shown}. Output shape {tuple(out.shape)}: {words}"

    def _panels(self, maps=0, vector=False, bars=False):
        for k, ax in enumerate(self.map_axes):
            ax.set_visible(k < maps)
        self.vector_ax.set_visible(vector)
        self.bar_ax.set_visible(bars)

    def _show_maps(self, out, noun):
        C, H, W = out.shape
        self._panels(maps=C)
        signed = bool(np.any(out < 0))
        lo, hi = symmetric_limits(out) if signed else (0.0, float(out.max()) or 1.0)
        for c in range(C):
            art = self.map_arts[c]
            art.set_data(out[c])
            art.set_extent((-0.5, W - 0.5, H - 0.5, -0.5))
            art.set_cmap(DIVERGING if signed else SEQUENTIAL)     # signed: 0 in the middle of PuOr
            art.set_clim(lo, hi)
        colours = "purple above 0, orange below, white 0" if signed else "dark 0, yellow the largest"
        return (f"{C} {noun} of {H} x {W} = {C * H * W:,} nodes "
                f"(one colour scale for all, {lo:.2g} to {hi:.2g}: {colours}).")

    def _show_vector(self, out, before):
        self._panels(vector=True)
        rows = before[0] if len(before) == 3 and np.prod(before) == out.size else 1
        picture = out.reshape(rows, -1)                            # (C*H*W,) -> (C, H*W): row c = map c
        self.vector_art.set_data(picture)
        self.vector_art.set_extent((-0.5, picture.shape[1] - 0.5, rows - 0.5, -0.5))
        self.vector_art.set_cmap(SEQUENTIAL)
        self.vector_art.set_clim(float(out.min()), float(out.max()) or 1.0)
        return (f"{out.size:,} numbers in one row, the same values as before, lined up for a fully connected "
                f"layer (drawn here with one row per channel).")

    def _show_bars(self, out, label, probabilities):
        self._panels(bars=True)
        for k, bar in enumerate(self.bars):
            bar.set_height(out[k])
            is_label = k == label
            bar.set_facecolor(LABEL if is_label else OTHER)
            bar.set_hatch("//" if is_label else "")
        guess = int(np.argmax(out))
        if probabilities:
            self.bar_ax.set_ylim(0, 1)
            verdict = "" if label is None else " (right)" if guess == label else f" (wrong: the label is {label})"
            return (f"{out.size} probabilities, one per class, summing to {out.sum():.2f}. "
                    f"Prediction: {guess}, with probability {out[guess]:.2f}{verdict}.")
        lo, hi = float(min(out.min(), 0)), float(max(out.max(), 0))
        pad = 0.1 * (hi - lo or 1)
        self.bar_ax.set_ylim(lo - pad, hi + pad)
        return f"{out.size} scores (logits), one per class: any real numbers; the largest, {guess}, is the prediction."


def demo_moves():
    """Control moves for benchmarks/bench_widgets.py: ``[(label, explorer, control, values)]``."""
    from ..data import load_mnist
    from ..layers import Conv2d, Flatten, Linear, MaxPool2d, ReLU
    _, _, x_test, y_test = load_mnist()
    rng = np.random.default_rng(0)
    model = Sequential(Conv2d(1, 8, 3, rng=rng), ReLU(), MaxPool2d(2), Conv2d(8, 16, 3, rng=rng), ReLU(),
                       MaxPool2d(2), Flatten(), Linear(400, 10, rng=rng))
    explorer = LayerExplorer(model, x_test[:100], y_test[:100], photo=x_test[100])
    by_layer = LayerExplorer(model, x_test[:100], y_test[:100], layer=0)
    return [("01 layer explorer: test digit (conv maps)", explorer, explorer.digit, [5, 17, 42, 3, 99] * 4),
            ("01 layer explorer: layer", by_layer, by_layer.layer, [0, 1, 3, 6, 7, "softmax", "input", 5] * 3)]
