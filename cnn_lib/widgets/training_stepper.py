"""Notebook 04's explorer: train the tiny CNN one iteration at a time and watch what changes."""
from collections import namedtuple

import ipywidgets as widgets
import numpy as np

from ..losses import softmax
from ..optim import SGD
from ..tiny import ITERATIONS_PER_EPOCH, batch_slice, loss_on, tiny_cnn, tiny_data
from ..train import train_step
from ..viz import IMAGE
from ..viz.backprop import heatmap, set_heatmap
from .base import Explorer

StepResult = namedtuple("StepResult", ["iteration", "epoch", "batch", "loss_before", "loss_after"])
LEARNING_RATES = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)


class TrainingStepper(Explorer):
    """Step / 10 steps / Reset buttons and a learning-rate slider on the tiny CNN (:mod:`cnn_lib.tiny`).

    Each step is one iteration: forward, loss, backward and SGD update on the next batch of 4 of
    the 8 images (batches alternate, so 2 iterations make an epoch). Iterations, epochs and
    batches are counted from 1 in the status line and in :class:`StepResult`. The figure shows the loss
    so far, the 3x3 kernel after the step, the gradient that step used, and each image's
    predicted probability of its true class.
    """

    title = "training stepper"
    image_width = 800

    def __init__(self, lr=1.0, seed=4):
        super().__init__(figsize=(10, 2.6), dpi=72)
        self.seed = seed
        self.x, self.y = tiny_data()                          # (8, 1, 6, 6), (8,)
        self.lr = widgets.SelectionSlider(options=[(f"{v:g}", v) for v in LEARNING_RATES], value=lr,
                                          description="learning rate", continuous_update=False,
                                          style={"description_width": "initial"})
        buttons = [widgets.Button(description=d, layout=widgets.Layout(width="90px"))
                   for d in ("Step", "10 steps", "Reset")]
        buttons[0].on_click(lambda _: self.step())
        buttons[1].on_click(lambda _: self.step(10))
        buttons[2].on_click(lambda _: self.reset())
        self.step_button, self.ten_button, self.reset_button = buttons

        ax_loss, ax_w, ax_g, ax_p = self.fig.subplots(1, 4, width_ratios=[1.7, 1, 1, 1.7])
        self.ax_loss = ax_loss               # few texts everywhere: each costs ~1 ms per redraw
        (self.full_line,) = ax_loss.plot([], [], ".-", color="#5e3c99", lw=2)
        (self.batch_line,) = ax_loss.plot([], [], "o", color="#e66101", ms=3)
        ax_loss.set_title("loss", fontsize=9, y=1)     # a fixed y skips the title's auto-placement
        ax_loss.tick_params(labelsize=8)
        ax_loss.locator_params(nbins=3)
        self.w_art = heatmap(ax_w, np.zeros((3, 3)), "kernel")
        self.g_art = heatmap(ax_g, np.zeros((3, 3)), "gradient")
        self.bars = ax_p.bar(np.arange(8), np.zeros(8), color="#21918c")
        ax_p.axhline(0.5, color="0.3", ls="--", lw=1)
        strip = np.full((6, 8 * 7 - 1), np.nan)             # the 8 images side by side, NaN gaps
        for i in range(8):
            strip[:, 7 * i:7 * i + 6] = self.x[i, 0]
        ax_p.imshow(strip, cmap=IMAGE, extent=(-0.5, 7.5, -0.45, -0.04), aspect="auto", vmin=0, vmax=1,
                    interpolation="nearest")
        ax_p.set_xlim(-0.5, 7.5)
        ax_p.set_ylim(-0.47, 1)
        ax_p.set_xticks([])
        ax_p.set_yticks([0, 0.5, 1])
        ax_p.tick_params(labelsize=8)
        ax_p.set_title("P(true class)", fontsize=9, y=1)
        self.reset(draw=False)
        self.finish(self.step_button, self.ten_button, self.reset_button, self.lr)
        self.fig.set_layout_engine(None)     # keep the layout of the first drawing: redraws skip the solver

    def reset(self, draw=True):
        """Back to the initial weights (same seed) and an empty history."""
        self.model = tiny_cnn(self.seed)
        self.iteration = 0
        self.batch_losses, self.full_losses = [], [loss_on(self.model, self.x, self.y)]
        self.last, self.problem = None, None
        if draw:
            self.refresh()

    def step(self, times=1):
        """Run ``times`` iterations (forward, loss, backward, update), then redraw once.

        Returns the last :class:`StepResult` (losses on that iteration's batch before and after
        its update), or None if an update would make the weights overflow: then the weights
        stay as they were and the status line says why.
        """
        result = None
        for _ in range(times):
            idx = batch_slice(self.iteration)                 # 8 images in batches of 4: 2 per epoch
            epoch, batch = divmod(self.iteration, ITERATIONS_PER_EPOCH)
            saved = [layer.params[name].copy() for layer, name in self.model.parameters()]
            with np.errstate(all="ignore"):
                before, _ = train_step(self.model, SGD(self.model, self.lr.value), self.x[idx], self.y[idx])
                after, full = loss_on(self.model, self.x[idx], self.y[idx]), loss_on(self.model, self.x, self.y)
            if not np.isfinite([before, after, full]).all():
                for (layer, name), old in zip(self.model.parameters(), saved):
                    layer.params[name] = old
                self.problem = (f"with learning rate {self.lr.value:g} this update makes the weights overflow "
                                f"(the loss is no longer a finite number), so it was not applied. Choose a "
                                f"smaller learning rate, or press Reset.")
                result = None
                break
            self.iteration += 1
            self.batch_losses.append(before)
            self.full_losses.append(full)
            self.last = result = StepResult(self.iteration, epoch + 1, batch + 1, before, after)
        self.refresh()
        return result

    def update(self):
        if self.problem:
            problem, self.problem = self.problem, None
            return self.explain(problem)
        n = len(self.full_losses)
        self.full_line.set_data(np.arange(n), self.full_losses)
        self.batch_line.set_data(np.arange(1, n), self.batch_losses)
        self.ax_loss.set_xlim(-0.5, max(10, n))
        self.ax_loss.set_ylim(0, max(1.0, 1.1 * max(self.full_losses + self.batch_losses)))
        conv = self.model.layers[0]
        set_heatmap(*self.w_art, conv.params["weight"][0, 0])
        set_heatmap(*self.g_art, conv.grads.get("weight", np.zeros((1, 1, 3, 3)))[0, 0])
        with np.errstate(all="ignore"):                       # huge but finite weights: no warnings
            probs = softmax(self.model.forward(self.x))       # (8, 2)
        for bar, p in zip(self.bars, probs[np.arange(8), self.y]):
            bar.set_height(p)
        right = int(np.sum(probs.argmax(axis=1) == self.y))
        lr = f"learning rate {self.lr.value:g}"
        if self.last is None:
            return (f"No step yet ({lr}). Loss on all 8 images: {self.full_losses[-1]:.3f} (a 50/50 guess "
                    f"scores ln 2 = 0.693); {right} of 8 predicted right. Press Step.")
        s = self.last
        return (f"Iteration {s.iteration} (epoch {s.epoch}, batch {s.batch} of {ITERATIONS_PER_EPOCH}), {lr}: "
                f"loss on this batch "
                f"{s.loss_before:.3f} -> {s.loss_after:.3f}; on all 8 images {self.full_losses[-1]:.3f}; "
                f"{right} of 8 predicted right.")


class _Presses:
    """Looks like a control to benchmarks/bench_widgets.py: setting ``.value`` clicks the button once."""

    def __init__(self, button):
        self.button, self._value = button, 0

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, value):
        self._value = value
        self.button.click()


def demo_moves():
    """Control moves for benchmarks/bench_widgets.py: ``[(label, explorer, control, values)]``."""
    stepper = TrainingStepper()
    return [("04 training stepper: Step button", stepper, _Presses(stepper.step_button), list(range(1, 21))),
            ("04 training stepper: learning rate", stepper, stepper.lr, [0.1, 3.0, 0.01, 30.0, 1.0] * 4)]
