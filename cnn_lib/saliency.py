"""Gradients with respect to the input: saliency, class models and adversarial examples. Notebook 06.

Notebook 04's backward pass already returns ``dx``, the gradient with respect to the network's
input: training throws it away, this module uses it. No new maths:
- :func:`input_gradient`: d(score of a class) / d(pixels), a **saliency map** (Simonyan et al., 2014);
- :func:`occlusion`: the same question answered by experiment, hiding a patch at a time;
- :func:`class_model`: gradient *ascent* on the pixels, the input that one class score likes most;
- :func:`fgsm`: the fast gradient sign method (Goodfellow et al., 2015), a step up the loss.
Every function leaves the model as it found it (weights, gradients, what forward kept for backward).
"""
import numpy as np

from ._checks import check_int, check_ndim
from .layers import inference
from .losses import softmax_cross_entropy


def _check_input(func, model, x, labels, name="target"):
    """x (N, C, H, W) floats, labels (N,) class ids in range (one int is used for every example)."""
    check_ndim(func, "x", x, 4, "(N, C, H, W)", "Hint: for one grey digit (28, 28) use x[None, None].")
    labels = np.broadcast_to(np.asarray(labels), (len(x),)) if np.ndim(labels) == 0 else np.asarray(labels)
    if labels.shape != (len(x),) or not np.issubdtype(labels.dtype, np.integer) or labels.dtype == bool:
        raise ValueError(f"{func}: {name} must be one class id per example, ints of shape ({len(x)},), or one int, "
                         f"got {np.asarray(labels)!r}. Hint: a digit such as 7, or y_test[:{len(x)}].")
    return labels


def input_gradient(model, x, target):
    """Saliency: the gradient of each example's ``target`` class score (its logit) with respect to its pixels.

    x (N, C, H, W); target (N,) ints, or one int for all. Returns ``(grad, logits)``: grad has
    x's shape (how much the score changes per unit of each pixel), logits (N, K).
    It is one forward and one backward pass, the backward started from a one-hot ``dlogits``.
    """
    target = _check_input("input_gradient", model, x, target)
    with inference(model):
        logits = model.forward(x)
        if target.size and target.max() >= logits.shape[1]:
            raise ValueError(f"input_gradient: target must be a class id in 0..{logits.shape[1] - 1}, "
                             f"got {target.max()}. Hint: the network has {logits.shape[1]} outputs.")
        dlogits = np.zeros_like(logits)
        dlogits[np.arange(len(x)), target] = 1           # d(score of target) / d(logits): one-hot
        return model.backward(dlogits), logits


def loss_gradient(model, x, y):
    """The gradient of the mean cross-entropy loss with respect to the pixels: ``(dx, logits)``, dx like x."""
    y = _check_input("loss_gradient", model, x, y, "y")
    with inference(model):
        logits = model.forward(x)
        _, dlogits = softmax_cross_entropy(logits, y)
        return model.backward(dlogits), logits


def fgsm(model, x, y, epsilon):
    """Fast gradient sign method: ``clip(x + epsilon * sign(dloss/dx), 0, 1)``, x (N, C, H, W) in [0, 1].

    Each pixel moves by at most ``epsilon`` in the direction that raises the loss of the true
    labels ``y`` (N,). Returns the adversarial images, same shape and dtype as x.
    """
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or not 0 <= epsilon <= 1:
        raise ValueError(f"fgsm: epsilon must be a number from 0 to 1 (the largest change of a pixel), got "
                         f"{epsilon!r}. Hint: 0.1 is a tenth of the way from black to white.")
    dx, _ = loss_gradient(model, x, y)
    return np.clip(x + np.float32(epsilon) * np.sign(dx), 0, 1).astype(x.dtype)


def _occlusion_args(func, image, target, patch, stride):
    """The checks :func:`occlusion` and :func:`occlusion_naive` share; returns ``(patch, stride, target)``."""
    check_ndim(func, "image", image, 3, "(C, H, W)", "Hint: one digit x[0], not the batch x.")
    patch = check_int(func, "patch", patch, 1, "Hint: 6 hides a 6 x 6 square.")
    stride = check_int(func, "stride", stride, 1, "Hint: 2 moves the square 2 pixels at a time.")
    target = check_int(func, "target", target, 0, "Hint: the class whose score to watch, e.g. 7.")
    if patch > min(image.shape[1:]):
        raise ValueError(f"{func}: patch must fit in the image, got {patch} for {image.shape[1]} x {image.shape[2]}. "
                         "Hint: try 6.")
    return patch, stride, target


def _scores(func, logits, target):
    """Column ``target`` of logits (N, K), or a clear error when the network has no such class."""
    if target >= logits.shape[1]:
        raise ValueError(f"{func}: target must be a class of the network (0 to {logits.shape[1] - 1}), got {target}. "
                         "Hint: a digit 0-9.")
    return logits[:, target]


def occlusion(model, image, target, patch=6, stride=2, fill=0.5):
    """Occlusion sensitivity: how much ``target``'s score drops when a ``patch`` x ``patch`` square is greyed.

    image (C, H, W). The square (value ``fill``) slides by ``stride``; returns (OH, OW) with
    ``OH = (H - patch) // stride + 1``: entry [i, j] = score(image) - score(image with the square
    at row i*stride, column j*stride). All OH*OW occluded copies go through the network as one batch.
    """
    patch, stride, target = _occlusion_args("occlusion", image, target, patch, stride)
    C, H, W = image.shape
    OH, OW = (H - patch) // stride + 1, (W - patch) // stride + 1
    rows, cols = np.arange(OH) * stride, np.arange(OW) * stride
    inside_r = (np.arange(H) >= rows[:, None]) & (np.arange(H) < rows[:, None] + patch)     # (OH, H)
    inside_c = (np.arange(W) >= cols[:, None]) & (np.arange(W) < cols[:, None] + patch)     # (OW, W)
    hidden = inside_r[:, None, :, None] & inside_c[None, :, None, :]     # (OH, OW, H, W): the square's pixels
    hidden = hidden.reshape(OH * OW, 1, H, W)                            # (OH, OW, H, W) -> (OH*OW, 1, H, W)
    batch = np.where(hidden, np.float32(fill), image[None]).astype(image.dtype)   # (OH*OW, C, H, W)
    with inference(model):
        scores = _scores("occlusion", model.forward(np.concatenate([image[None], batch])), target)  # (1 + OH*OW,)
    return (scores[0] - scores[1:]).reshape(OH, OW)                      # (OH*OW,) -> (OH, OW)


def occlusion_naive(model, image, target, patch=6, stride=2, fill=0.5):
    """:func:`occlusion` with loops: one occluded copy, one forward pass per position (for the tests)."""
    patch, stride, target = _occlusion_args("occlusion_naive", image, target, patch, stride)
    C, H, W = image.shape
    with inference(model):
        base = _scores("occlusion_naive", model.forward(image[None]), target)[0]
        out = np.zeros(((H - patch) // stride + 1, (W - patch) // stride + 1), dtype=np.float32)
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                copy = image.copy()
                copy[:, i * stride:i * stride + patch, j * stride:j * stride + patch] = fill
                out[i, j] = base - model.forward(copy[None])[0, target]
    return out


def class_model(model, target, steps=100, lr=0.1, l2=0.01, shape=(1, 28, 28), start=None):
    """Inputs that maximise ``score(target) - l2 * ||x||^2``, by gradient ascent from ``start``.

    ``target``: one class id, or a sequence of them (one image each, all computed as one batch).
    Each step adds ``lr`` times the gradient (:func:`input_gradient`, minus the penalty's
    ``2 * l2 * x``) and clips the pixels to [0, 1]. ``start``: (T, C, H, W) first images (default:
    black). Returns ``(images, scores)``: images
    (T, C, H, W) for T targets, scores (steps, T) each target's logit before each step.
    """
    steps = check_int("class_model", "steps", steps, 1, "Hint: 100 steps take about a second.")
    targets = np.atleast_1d(target)
    x = np.zeros((len(targets), *shape), dtype=np.float32) if start is None else np.array(start, dtype=np.float32)
    if x.shape[0] != len(targets) or x.ndim != 4:
        raise ValueError(f"class_model: start must hold one (C, H, W) image per target, shape ({len(targets)}, C, H, W), "
                         f"got shape {x.shape}. Hint: leave start=None to begin from black images.")
    scores = np.zeros((steps, len(targets)))
    for t in range(steps):
        grad, logits = input_gradient(model, x, targets)
        scores[t] = logits[np.arange(len(targets)), targets]
        x = np.clip(x + np.float32(lr) * (grad - 2 * np.float32(l2) * x), 0, 1)
    return x, scores
