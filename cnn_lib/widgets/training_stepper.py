"""Notebook 04's explorer: train the tiny CNN one iteration at a time and watch what changes."""
from collections import namedtuple

import ipywidgets as widgets
import numpy as np

from ..losses import softmax
from ..optim import SGD
from ..tiny import ITERATIONS_PER_EPOCH, batch_slice, loss_on, tiny_cnn, tiny_data
from ..train import train_step
from ..viz.backprop import StepperDrawing
from .base import Explorer, check_choice, check_range

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
        lr = check_choice("TrainingStepper", "lr", lr, LEARNING_RATES)
        self.seed = check_range("TrainingStepper", "seed", seed, 0, 2**32 - 1, hint="use a whole number such as 4")
        self.x, self.y = tiny_data()                          # (8, 1, 6, 6), (8,)
        super().__init__(drawing=StepperDrawing(self.x))
        self.lr = widgets.SelectionSlider(options=[(f"{v:g}", v) for v in LEARNING_RATES], value=lr,
                                          description="learning rate", continuous_update=False,
                                          style={"description_width": "initial"})
        buttons = [widgets.Button(description=d, layout=widgets.Layout(width="90px"))
                   for d in ("Step", "10 steps", "Reset")]
        buttons[0].on_click(lambda _: self.step())
        buttons[1].on_click(lambda _: self.step(10))
        buttons[2].on_click(lambda _: self.reset())
        self.step_button, self.ten_button, self.reset_button = buttons

        self.reset(draw=False)
        self.finish(self.step_button, self.ten_button, self.reset_button, self.lr)

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
                try:           # train_step refuses a non-finite loss (FloatingPointError) before updating
                    before, _ = train_step(self.model, SGD(self.model, self.lr.value), self.x[idx], self.y[idx])
                    after, full = loss_on(self.model, self.x[idx], self.y[idx]), loss_on(self.model, self.x, self.y)
                except (FloatingPointError, ValueError):      # a diverged step, refused by the library
                    before = after = full = float("nan")
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
            return self.explain(problem, reason="overflow")
        conv = self.model.layers[0]
        with np.errstate(all="ignore"):                       # huge but finite weights: no warnings
            logits = self.model.forward(self.x)               # (8, 2)
        if not np.isfinite(logits).all():                     # softmax refuses NaN / inf: say why instead
            return self.explain("the weights are so large that the scores overflow. Press Reset.", reason="overflow")
        probs = softmax(logits)                               # (8, 2)
        self.drawing.show(self.full_losses, self.batch_losses, conv.params["weight"][0, 0],
                          conv.grads.get("weight", np.zeros((1, 1, 3, 3)))[0, 0], probs[np.arange(8), self.y])
        right = int(np.sum(probs.argmax(axis=1) == self.y))
        self.facts.update(iteration=self.iteration, lr=self.lr.value, right=right, loss=round(self.full_losses[-1], 4))
        lr = f"learning rate {self.lr.value:g}"
        if self.last is None:
            return (f"No step yet ({lr}). Loss on all 8 images: {self.full_losses[-1]:.3f} (a 50/50 guess "
                    f"scores ln 2 = 0.693); {right} of 8 predicted right. Press Step.")
        s = self.last
        return (f"Iteration {s.iteration} (epoch {s.epoch}, batch {s.batch} of {ITERATIONS_PER_EPOCH}), {lr}: "
                f"loss on this batch "
                f"{s.loss_before:.3f} -> {s.loss_after:.3f}; on all 8 images {self.full_losses[-1]:.3f}; "
                f"{right} of 8 predicted right.")
