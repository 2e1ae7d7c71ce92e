"""Notebook 06's explorers: draw a digit and watch every layer of the trained network answer;
and FGSM live (:class:`AttackExplorer`).

:class:`DrawCanvas` is the drawing surface, an anywidget whose front end is the small ES module
``canvas.js`` beside this file (no build step, nothing fetched from the network); its ``value``
is the drawing as ``size * size`` grey bytes, sent at the end of every stroke.
:class:`DrawExplorer` wires it to the network: controls and wiring only, the figure is
:class:`~cnn_lib.viz.inside.DrawingFigure`.
"""
from pathlib import Path

import anywidget
import ipywidgets as widgets
import numpy as np
import traitlets
from ipywidgets.widgets.trait_types import bytes_serialization

from ..losses import softmax
from ..preprocess import mnist_style
from ..layers import inference
from ..saliency import fgsm, input_gradient
from ..viz.inside import AttackFigure, DrawingFigure
from .base import Explorer

SIZE = 84                  # the drawing reaches Python as 84 x 84 grey levels (3 per MNIST pixel)


class DrawCanvas(anywidget.AnyWidget):
    """A canvas to draw on with a mouse, a finger, a pen or the keyboard (arrows + Space; Escape clears).

    ``value``: bytes, ``size * size`` grey levels 0-255 (row by row, white ink on black), updated
    at the end of every stroke; set it from Python to show a picture. :meth:`pixels` and
    :meth:`show` convert to and from a float array (size, size) in [0, 1].
    """

    _esm = Path(__file__).with_name("canvas.js")
    # from the browser the bytes arrive as a memoryview: bytes_serialization turns them into bytes
    value = traitlets.Bytes(bytes(SIZE * SIZE)).tag(sync=True, **bytes_serialization)
    size = traitlets.Int(SIZE).tag(sync=True)

    def pixels(self):
        """The drawing as float32 (size, size) in [0, 1]."""
        flat = np.frombuffer(self.value, dtype=np.uint8)
        if flat.size != self.size * self.size:                 # nothing sensible came: an empty drawing
            return np.zeros((self.size, self.size), dtype=np.float32)
        return flat.reshape(self.size, self.size).astype(np.float32) / np.float32(255)   # (S*S,) -> (S, S)

    def show(self, image):
        """Put a grey image (h, w) in [0, 1] on the canvas, scaled up by whole pixels (e.g. 28 -> 84)."""
        image = np.asarray(image, dtype=np.float32)
        if image.ndim != 2 or max(image.shape) > self.size or min(image.shape) < 1:
            raise ValueError(f"DrawCanvas.show: image must be 2-D (h, w), at most {self.size} x {self.size}, got shape "
                             f"{image.shape}. Hint: one grey digit, x_test[i, 0], not x_test[i].")
        repeat = self.size // max(image.shape)
        big = np.kron(image, np.ones((repeat, repeat), dtype=np.float32))             # (h, w) -> (h*r, w*r)
        full = np.zeros((self.size, self.size), dtype=np.float32)
        full[:big.shape[0], :big.shape[1]] = big[:self.size, :self.size]
        self.value = (np.clip(full, 0, 1) * 255).round().astype(np.uint8).tobytes()

    def clear(self):
        self.value = bytes(self.size * self.size)


class DrawExplorer(Explorer):
    """Draw a digit (or load a sample); see it prepared as MNIST's digits were, the trained ``model``'s
    probabilities, the saliency map of its guess and every hidden layer's feature maps.

    ``samples``: ``{label: image (28, 28)}`` for the "sample" buttons. The status line starts with
    ``prediction: D`` (tests read it), or says the canvas is empty.
    """

    title = "drawing explorer"
    image_width = 864                        # = 12 inches x 72 dpi

    def __init__(self, model, samples=None):
        if not hasattr(model, "layers") or not hasattr(model, "layer_outputs"):
            raise TypeError(f"DrawExplorer: model must be a Sequential taking (N, 1, 28, 28) digits, got {model!r}. "
                            "Hint: DrawExplorer(cnn_lib.load_trained_lenet()).")
        samples = dict(samples or {})
        for label, image in samples.items():
            if np.shape(image) != (28, 28):
                raise ValueError(f"DrawExplorer: each sample must be one (28, 28) digit, got shape {np.shape(image)} "
                                 f"for {label!r}. Hint: {{'a 7': x_test[0, 0]}}.")
        super().__init__(figsize=(12, 5.0), dpi=72)
        self.image.format = "jpeg"                # live frames: JPEG encodes ~6x faster than PNG (viz.inside)
        self.model, self.samples = model, samples
        self.hidden = [i for i, layer in enumerate(model.layers) if type(layer).__name__ in
                       ("Conv2d", "ReLU", "MaxPool2d")]                      # the layers with feature maps
        with inference(model):
            outputs = model.layer_outputs(np.zeros((1, 1, 28, 28), dtype=np.float32))
        names = [f"{type(model.layers[i]).__name__} (layer {i})" for i in self.hidden]
        self.drawing = DrawingFigure(self.fig, SIZE, [outputs[i][0] for i in self.hidden], names)
        self.canvas = DrawCanvas()
        self.clear = widgets.Button(description="clear", tooltip="clear the canvas", icon="eraser")
        self.clear.on_click(lambda _: self.canvas.clear())
        self.sample_buttons = []
        for label, image in self.samples.items():
            button = widgets.Button(description=f"sample {label}", tooltip=f"load sample {label}",
                                    layout=widgets.Layout(width="auto"))
            button.on_click(lambda _, image=image: self.canvas.show(image))
            self.sample_buttons.append(button)
        self.steps = None
        self.finish(self.canvas)
        buttons = widgets.VBox([self.clear, *self.sample_buttons])
        self.widget.children = (widgets.HBox([self.canvas, buttons]), *self.widget.children[1:])

    def png(self):
        return self.drawing.png()

    def render(self):
        self.image.value = self.drawing.jpeg()    # the live view; png() stays the static picture

    def update(self):
        pixels = self.canvas.pixels()
        self.steps = mnist_style(pixels)
        if self.steps is None:
            self.drawing.show(pixels, None, None, None, None)
            return "The canvas is empty: draw a digit (or load a sample)."
        x = self.steps.image[None, None]                                  # (28, 28) -> (1, 1, 28, 28)
        with inference(self.model):
            outputs = self.model.layer_outputs(x)
        probs = softmax(outputs[-1])[0]
        guess = int(probs.argmax())
        saliency, _ = input_gradient(self.model, x, guess)
        self.drawing.show(pixels, self.steps, probs, saliency[0, 0], [outputs[i][0] for i in self.hidden])
        second = int(np.argsort(probs)[-2])
        return (f"prediction: {guess} ({probs[guess]:.0%} sure); second choice {second} ({probs[second]:.0%}). "
                f"Centring moved the digit {self.steps.shift[0]} px down, {self.steps.shift[1]} px right.")


class AttackExplorer(Explorer):
    """FGSM live: pick a test digit and epsilon; see the adversarial digit, the change and both
    sets of probabilities (``model`` trained, ``x`` (N, 1, 28, 28), ``y`` (N,)). Notebook 06, section 5."""

    title = "FGSM explorer"
    image_width = 720                         # = 10 inches x 72 dpi

    def __init__(self, model, x, y, index=0, epsilon=0.05, max_epsilon=0.3):
        if not hasattr(model, "layers") or np.ndim(x) != 4 or len(x) != len(y) or len(x) == 0:
            raise ValueError(f"AttackExplorer: expected a model, digits x (N, 1, 28, 28) and labels y (N,), got x of "
                             f"shape {np.shape(x)} and {len(y)} labels. Hint: AttackExplorer(net, x_test, y_test).")
        super().__init__(figsize=(10, 2.6), dpi=72)
        self.model, self.x, self.y = model, x, np.asarray(y)
        self.drawing = AttackFigure(self.fig, max_epsilon)
        self.digit = self.int_slider("index", index, 0, len(x) - 1, description="test digit")
        if not (isinstance(max_epsilon, (int, float)) and 0 < max_epsilon <= 1):
            raise ValueError(f"AttackExplorer: max_epsilon must be a number in (0, 1], got {max_epsilon!r}. Hint: "
                             f"pixels are in [0, 1]; 0.3 is plenty.")
        if not (isinstance(epsilon, (int, float)) and 0 <= epsilon <= max_epsilon):
            raise ValueError(f"AttackExplorer: epsilon must be a number from 0 to max_epsilon = {max_epsilon}, got "
                             f"{epsilon!r}. Hint: the epsilon slider ranges over 0..{max_epsilon}; e.g. 0.05.")
        self.epsilon = widgets.FloatSlider(value=epsilon, min=0, max=max_epsilon, step=0.01, description="epsilon",
                                           readout_format=".2f")
        self.finish(self.digit, self.epsilon)

    def png(self):
        return self.drawing.png()

    def update(self):
        i, eps = self.digit.value, round(self.epsilon.value, 2)
        x, y = self.x[i:i + 1], self.y[i:i + 1]
        adversarial = fgsm(self.model, x, y, eps)
        with inference(self.model):
            before, after = softmax(self.model.forward(np.concatenate([x, adversarial])))
        self.drawing.show(x[0, 0], adversarial[0, 0], before, after)
        g0, g1 = int(before.argmax()), int(after.argmax())
        verdict = "fooled" if g1 != y[0] and g0 == y[0] else "still right" if g1 == y[0] else "wrong already"
        return (f"test digit {i} (a {y[0]}): guess {g0} ({before[g0]:.0%}) -> at epsilon {eps:.2f}, "
                f"{eps * 255:.1f} grey levels: guess {g1} ({after[g1]:.0%}): {verdict}.")
