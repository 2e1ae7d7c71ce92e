"""Notebook 01's explorer: pick an image and a layer, see that layer's output and its shape in words."""
import ipywidgets as widgets
import numpy as np

from ..layers import Sequential
from ..losses import softmax
from ..viz.activations import LayerDrawing, layer_table
from .base import Explorer, check_choice, check_range


class LayerExplorer(Explorer):
    """Pick a test digit (or the photo), a network and a layer; see that layer's output.

    ``models``: a Sequential, or a dict ``{name: Sequential}`` of networks with the same layers
    (e.g. untrained and trained). ``images`` (N, C, H, W) with ``labels`` (N,); ``photo`` (C, H, W),
    already preprocessed to the same size, or None. Feature maps show as a grid of small
    images, a flattened vector as one picture (a row per channel), class scores and
    probabilities as bars. The figure is built once, for the largest number of maps; ``update``
    only changes data, colour limits, bar heights and visibility.

    The ``layer`` control uses the numbers of ``model.layers`` (0 is the first layer), like
    :func:`~cnn_lib.viz.activations.layer_table`; ``"input"`` and ``"softmax"`` are the rows before and
    after the model.
    """

    title = "layer explorer"
    image_width = 760

    def __init__(self, models, images, labels, photo=None, index=0, layer=0):
        self.models = {"network": models} if isinstance(models, Sequential) else models
        if not isinstance(self.models, dict) or not all(isinstance(m, Sequential) for m in self.models.values()):
            raise TypeError(f"LayerExplorer: models must be a Sequential or a dict {{name: Sequential}}, got "
                            f"{type(models).__name__}. Hint: pass the network: LayerExplorer(model, x_test, y_test).")
        self.images, self.labels = np.asarray(images), np.asarray(labels)
        if self.images.ndim != 4 or len(self.images) != len(self.labels) or len(self.images) == 0:
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
        index = check_range("LayerExplorer", "index", index, 0, len(self.images) - 1,
                            hint=f"index picks one of the {len(self.images)} images given, 0 to {len(self.images) - 1}")
        check_choice("LayerExplorer", "layer", layer, keys)
        super().__init__(drawing=LayerDrawing(self.rows[-1]["nodes"]))
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
        kind = row["kind"]
        noun = ("channel" if i == 0 else "feature map") + ("s" if out.ndim == 3 and out.shape[0] > 1 else "")
        short = ("probabilities" if i > self.n_out else "class scores (logits)" if i == self.n_out
                 else f"{out.shape[0]} {noun} of {out.shape[1]} x {out.shape[2]}" if out.ndim == 3
                 else f"{out.size} numbers in one row")
        name = row["layer"] if row["index"] is None else f"layer {row['index']}: {row['layer']} ({kind})"
        self.drawing.show_input(outs[0][0], "input: photo" if photo else f"input: a {self.labels[index]}",
                                f"{name}, output {tuple(out.shape)}: {short}")
        label = None if photo else int(self.labels[index])
        if out.ndim == 3:
            C, H, W = out.shape
            lo, hi, signed = self.drawing.show_maps(out)
            colours = "purple above 0, orange below, white 0" if signed else "dark 0, yellow the largest"
            words = (f"{C} {noun} of {H} x {W} = {C * H * W:,} nodes "
                     f"(one colour scale for all, {lo:.2g} to {hi:.2g}: {colours}).")
        elif i >= self.n_out:
            self.drawing.show_bars(out, label, probabilities=i > self.n_out)
            words = self._bar_words(out, label, probabilities=i > self.n_out)
        else:
            before = outs[i - 1].shape
            rows = before[0] if len(before) == 3 and np.prod(before) == out.size else 1
            self.drawing.show_vector(out.reshape(rows, -1))        # (C*H*W,) -> (C, H*W): row c = map c
            words = (f"{out.size:,} numbers in one row, the same values as before, lined up for a fully connected "
                     f"layer (drawn here with one row per channel).")
        self.facts.update(network=self.network.value, photo=photo, index=index, layer=self.layer.value,
                          shape=list(out.shape))
        params = f"{row['params']:,} parameters" if row["params"] else "no parameters"
        if i == 0:
            shown = "the <b>input</b> (the preprocessing done before the model), no parameters"
        elif i > self.n_out:
            shown = "<b>softmax</b>, applied after the model to the last layer's scores, no parameters"
        else:
            article = "a" if kind == "hidden" else "an"
            shown = f"layer {row['index']}: <code>{row['layer']}</code>, {article} <b>{kind}</b> layer with {params}"
        return f"Input: {what}. Showing {shown}. Output shape {tuple(out.shape)}: {words}"

    @staticmethod
    def _bar_words(out, label, probabilities):
        guess = int(np.argmax(out))
        if probabilities:
            verdict = "" if label is None else " (right)" if guess == label else f" (wrong: the label is {label})"
            return (f"{out.size} probabilities, one per class, summing to {out.sum():.2f}. "
                    f"Prediction: {guess}, with probability {out[guess]:.2f}{verdict}.")
        return f"{out.size} scores (logits), one per class: any real numbers; the largest, {guess}, is the prediction."
