"""Notebook 05's widgets: a progress monitor for ``fit`` and the explorer of a trained network."""
import time

import ipywidgets as widgets
import numpy as np

from ..layers import Sequential
from ..losses import softmax
from ..train import predict
from ..viz.training import DigitDrawing
from .base import Explorer, check_range


class TrainingMonitor:
    """A progress bar and a text line for :func:`~cnn_lib.train.fit`: pass ``on_step=monitor.on_step``.

    ``total_steps``: iterations over all the ``fit`` calls it will follow (epochs x steps per
    epoch). It only changes a bar's value and a label's text (no display), so it is safe under
    nbval and in tests; display it once before training, as the last line of a cell or with ``display``.
    """

    def __init__(self, total_steps):
        self.total_steps = check_range("TrainingMonitor", "total_steps", total_steps, 1, 10**9,
                                       hint="pass epochs x steps per epoch, e.g. 3 * (len(x_train) // 64)")
        self.bar = widgets.IntProgress(value=0, min=0, max=total_steps, description="training")
        self.label = widgets.Label("waiting for the first iteration")
        self.widget = widgets.HBox([self.bar, self.label])
        self.steps, self.start, self.shown = 0, None, None    # shown: when the bar was last redrawn

    def on_step(self, info):
        """Callback for ``fit``: count one iteration, show epoch, iteration, batch loss and time.

        Speed: the bar and text are redrawn at most 10 times a second, and at the end of every epoch:
        each redraw is a message to the browser, and iterations come every ~10 ms.
        """
        now = time.perf_counter()
        if self.start is None:
            self.start = now
        self.steps += 1
        if self.shown is not None and now - self.shown < 0.1 and info.step + 1 < info.steps_per_epoch \
                and self.steps < self.total_steps:
            return
        self.shown = now
        self.bar.value = min(self.steps, self.total_steps)
        epoch = (self.steps - 1) // info.steps_per_epoch + 1     # keeps counting across several fit calls
        self.label.value = (f"epoch {epoch}, iteration {info.step + 1}/{info.steps_per_epoch}, "
                            f"batch loss {info.loss:.3f}, {now - self.start:.1f} s")

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"[training monitor: a progress bar over {self.total_steps} iterations]"
        return bundle


class DigitExplorer(Explorer):
    """Pick a test digit; see what the trained ``model`` guesses, its probabilities and the feature
    maps after each hidden layer (ReLU and pooling outputs), redrawn in place.

    ``x`` (N, 1, 28, 28), ``y`` (N,): the test digits. The slider walks along them, or along the
    digits the network gets wrong when "only mistakes" is ticked. ``layers``: indices of the
    layers whose outputs are drawn (default: both ReLUs and both poolings of notebook 05's net).
    """

    title = "digit explorer"
    image_width = 864                        # = 12 inches x 72 dpi: the PNG at its own size

    def __init__(self, model, x, y, layers=(1, 2, 4, 5), names=None, index=0):
        if not isinstance(model, Sequential):
            raise TypeError(f"DigitExplorer: model must be a Sequential, got {type(model).__name__}. "
                            f"Hint: pass the trained network, e.g. DigitExplorer(model, x_test, y_test).")
        x, y = np.asarray(x), np.asarray(y)
        if x.ndim != 4 or y.shape != (len(x),) or len(x) == 0:
            raise ValueError(f"DigitExplorer: x must be digits (N, 1, H, W) and y their N labels, got shapes "
                             f"{x.shape} and {y.shape}. Hint: pass x_test, y_test from load_mnist().")
        self.model, self.x, self.y = model, x, y
        self.layers = [check_range("DigitExplorer", "layers", i, 0, len(model.layers) - 1,
                                   hint="layers are indices into model.layers") for i in layers]
        index = check_range("DigitExplorer", "index", index, 0, len(x) - 1)
        self.probs = softmax(predict(model, x))                           # (N, K), computed once
        self.mistakes = np.flatnonzero(self.probs.argmax(axis=1) != y)    # test indices it gets wrong
        outputs = self.maps_of(0)
        if any(m.ndim != 3 for m in outputs):
            raise ValueError(f"DigitExplorer: layers must be layers whose outputs are feature maps (C, H, W), got "
                             f"{list(layers)} with outputs of shapes {[m.shape for m in outputs]}. Hint: "
                             f"pick conv, ReLU or pooling layers before Flatten.")
        if names is not None and (isinstance(names, str) or len(names) != len(self.layers)):
            raise ValueError(f"DigitExplorer: names must be a list of {len(self.layers)} titles, one per layer in "
                             f"layers={list(layers)}, got {names!r}. Hint: one name per layer, or leave names out.")
        names = names or [repr(model.layers[i]).split("(")[0] + f" (layer {i})" for i in self.layers]
        super().__init__(drawing=DigitDrawing(outputs, names, self.probs.shape[1]))
        self.slider = widgets.IntSlider(value=index, min=0, max=len(x) - 1, description="test digit")
        self.only_mistakes = widgets.Checkbox(value=False, description="only mistakes")
        self.finish(self.slider, self.only_mistakes)

    def maps_of(self, i):
        """Feature maps of test digit ``i`` after each chosen layer: a list of (C, H, W) arrays."""
        outputs = self.model.layer_outputs(self.x[i:i + 1])
        return [outputs[k][0] for k in self.layers]

    def update(self):
        indices = self.mistakes if self.only_mistakes.value else np.arange(len(self.x))
        if len(indices) == 0:
            return self.explain("the network gets every test digit right, so there is no mistake to show. "
                                "Untick 'only mistakes'.", reason="no-mistakes")
        self.slider.max = len(indices) - 1     # the slider walks along the chosen digits (may clamp its value)
        i = int(indices[self.slider.value])
        probs, label = self.probs[i], int(self.y[i])
        self.drawing.show(self.x[i, 0], probs, self.maps_of(i), label)
        guess, second = int(probs.argmax()), int(np.argsort(probs)[-2])
        self.facts.update(digit=i, label=label, guess=guess, right=guess == label,
                          only_mistakes=self.only_mistakes.value,
                          mistake=self.slider.value if self.only_mistakes.value else None, mistakes=len(self.mistakes))
        where = f"mistake {self.slider.value + 1} of {len(indices)}: " if self.only_mistakes.value else ""
        return (f"{where}test digit {i}: true {label}, guess {guess} ({probs[guess]:.0%}), "
                f"{'right' if guess == label else 'WRONG'}. Second choice: {second} ({probs[second]:.0%}).")
