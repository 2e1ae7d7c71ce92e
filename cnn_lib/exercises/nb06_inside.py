"""Exercises of notebook 06 (inside a trained CNN): how a shift travels through pooling, how far
FGSM moves a pixel, and writing the FGSM step yourself (:func:`check_fgsm`, which names the bug)."""
import numpy as np

from ..layers import Flatten, Linear, Sequential
from ..layers import inference
from ..saliency import fgsm, loss_gradient
from .core import Feedback, check_number, not_answered, register


def check_shift_after_pool(answer):
    """A digit moves 4 px right: how many positions do the maps of the first pooling layer (stride 2) move?"""
    return check_number(answer, 2, [
        (4, "the convolution's maps move 4 positions, but pooling with stride 2 halves every distance."),
        (1, "that would be after both poolings (two halvings); the question asks about the first one."),
        (0, "pooling makes small shifts matter less, but a 4-pixel shift still moves the pooled maps.")],
        explain="the conv maps move 4 positions (stride 1); pooling with stride 2 halves that to 2.")


def check_fgsm_largest_change(answer):
    """With epsilon = 0.1, the largest change of one pixel, in grey levels 0-255."""
    return check_number(answer, 25.5, [
        (0.1, "0.1 is the change on the 0-1 scale; the question asks in grey levels 0-255."),
        (51, "each pixel moves once, by epsilon, up or down: not 2 epsilon."),
        (25, "no rounding: 0.1 x 255 = 25.5.")], tolerance=0.01,
        explain="epsilon x 255 = 25.5 grey levels at most, and clipping to [0, 1] can only make it less.")


def _cases():
    """(description, model, x, y, epsilon): from a 2 x 2 image and a linear model to a batch of digits."""
    rng = np.random.default_rng(0)
    tiny = Sequential(Flatten(), Linear(4, 3, rng=rng))
    wide = Sequential(Flatten(), Linear(64, 10, rng=rng))
    x_tiny = rng.uniform(0.2, 0.8, size=(1, 1, 2, 2)).astype(np.float32)
    x_edge = np.array([[[[0.0, 1.0], [1.0, 0.0]]]], dtype=np.float32)        # pixels already at 0 and 1
    x_batch = rng.uniform(0, 1, size=(5, 1, 8, 8)).astype(np.float32)
    return [("one 2 x 2 image, a linear model, epsilon 0.1", tiny, x_tiny, np.array([1]), 0.1),
            ("the same image, epsilon 0 (nothing may change)", tiny, x_tiny, np.array([1]), 0.0),
            ("pixels already at 0 and 1, epsilon 0.3", tiny, x_edge, np.array([2]), 0.3),
            ("a batch of 5 images of 8 x 8, 10 classes, epsilon 0.05", wide, x_batch, np.array([0, 3, 9, 1, 4]), 0.05)]


def check_fgsm(fn):
    """``fn(model, x, y, epsilon)`` should return FGSM's images; tried from tiny to general, bug named.

    Never raises: an exception inside ``fn`` is reported with the case that caused it.
    """
    empty = not_answered(fn)
    if empty is not None:
        return empty
    if not callable(fn):
        return Feedback(False, f"pass your function itself (fgsm_mine, without parentheses), got {fn!r}.")
    for description, model, x, y, epsilon in _cases():
        weights = {k: v.copy() for k, v in model.layers[1].params.items()}
        expected = fgsm(model, x, y, epsilon)
        with inference(model):
            try:
                got = fn(model, x.copy(), y, epsilon)
                if got is ... or got is None:
                    return Feedback(False, "your function returns nothing yet: replace the ... in it with your code.")
                got = np.asarray(got, dtype=float)
            except Exception as error:       # noqa: BLE001  a learner's bug is feedback, not a crash
                return Feedback(False, f"case '{description}': your function raised {type(error).__name__}: {error}")
        if any(not np.array_equal(v, model.layers[1].params[k]) for k, v in weights.items()):
            return Feedback(False, f"case '{description}': your function changed the model's weights. FGSM changes "
                                   "the image, never the network: do not call an optimizer's step().")
        if got.shape != x.shape:
            return Feedback(False, f"case '{description}': expected an array of shape {x.shape} (like x), "
                                   f"got {got.shape}.")
        if np.allclose(got, expected, atol=1e-5):
            continue
        dx = expected - x
        hint = "compare with the formula clip(x + epsilon * sign(dloss/dx), 0, 1)."
        if np.allclose(got, dx, atol=1e-5):
            hint = "you returned the change alone; add it to x to get the new image."
        elif np.allclose(got, np.clip(2 * x - expected, 0, 1), atol=1e-5):
            hint = ("the pixels moved DOWN the loss (x - epsilon * sign(...)): that helps the network. FGSM steps up "
                    "the loss, to make it wrong.")
        elif got.min() < -1e-6 or got.max() > 1 + 1e-6:
            hint = "some pixels left [0, 1]: clip the result with np.clip(..., 0, 1), as a real image must be."
        elif not np.allclose(np.abs(got - x)[np.abs(dx) > 0], epsilon, atol=1e-5):
            hint = ("the pixels did not move by exactly epsilon: use the SIGN of the gradient (np.sign), not the "
                    "gradient itself. The sign spends the whole budget epsilon on every pixel.")
        where = np.unravel_index(np.argmax(np.abs(got - expected)), x.shape)
        return Feedback(False, f"case '{description}': pixel {tuple(int(i) for i in where)} is {got[where]:.4f}, "
                               f"expected {expected[where]:.4f}. {hint}")
    return Feedback(True, "your FGSM matches cnn_lib.saliency.fgsm on every case, from a 2 x 2 image to a batch, "
                          "including epsilon 0 and pixels already at 0 or 1.")


def _fgsm_steps_down(model, x, y, epsilon):
    return np.clip(2 * x - fgsm(model, x, y, epsilon), 0, 1)


def _fgsm_no_clip(model, x, y, epsilon):
    return x + epsilon * np.sign(loss_gradient(model, x, y)[0])


def _fgsm_gradient(model, x, y, epsilon):
    return np.clip(x + epsilon * loss_gradient(model, x, y)[0], 0, 1)


def _fgsm_change_only(model, x, y, epsilon):
    return fgsm(model, x, y, epsilon) - x


check_shift_after_pool = register("inside.shift_after_pool", check_shift_after_pool, solution=2,
                                  wrong={4: "halves", 1: "both poolings", 0: "still moves"})
check_fgsm_largest_change = register("inside.fgsm_largest_change", check_fgsm_largest_change, solution=25.5,
                                     wrong={0.1: "0-255", 51: "not 2 epsilon", 25: "no rounding"})
check_fgsm = register("inside.write_fgsm", check_fgsm, solution=fgsm,
                      wrong={_fgsm_steps_down: "down the loss", _fgsm_no_clip: "clip",
                             _fgsm_gradient: "sign", _fgsm_change_only: "change alone", 42: "without parentheses"})
