"""The input layer: the steps that turn a stored image into what the network expects. Notebook 01.

None of them learns anything (the input layer has zero parameters); each is a fixed function:
- ``to_float``:    uint8 0..255 -> float32 in [0, 1]            (any shape)
- ``hwc_to_chw``:  (H, W, C) or grey (H, W) -> (C, H, W)         (how files store -> how we compute)
- ``center_crop``: (C, H, W) -> (C, size, size)                  (keep the middle)
- ``resize``:      (C, H, W) -> (C, out_h, out_w)                (area-averaging or nearest)
- ``to_batch``:    one (C, H, W) or a list of them -> (N, C, H, W)
Numpy only; every error says what was expected, what came, and a hint.
"""
from typing import NamedTuple

import numpy as np

from ._checks import as_array, check_array, check_int, check_ndim, check_size, fail, show

HWC_HINT = "Hint: it looks like (H, W, C), the way files store pixels; use hwc_to_chw(image) first."


def _chw(func, image):
    """``image`` as a float (C, H, W) array; a photo in (H, W, C) or a grey (H, W) gets a hint."""
    image = check_array(func, "image", image, None, "(C, H, W)")
    if image.ndim == 3 and image.shape[2] in (1, 3, 4) and image.shape[0] not in (1, 3, 4):
        fail(func, "image", "channels-first (C, H, W)", f"shape {image.shape}", HWC_HINT)
    if image.ndim != 3:
        fail(func, "image", "3-D (C, H, W)", f"shape {image.shape}", "Hint: use hwc_to_chw(image) first"
             + (" (a grey (H, W) image becomes (1, H, W))." if image.ndim == 2 else "; for a batch, loop over it."))
    return image


def to_float(image):
    """Grey levels as float32 in [0, 1]: uint8 (any shape) is divided by 255; floats must be in [0, 1] already."""
    image = as_array("to_float", "image", image)
    if image.dtype == np.uint8:
        return image.astype(np.float32) / np.float32(255)
    if not np.issubdtype(image.dtype, np.floating):
        raise TypeError(f"to_float: expected uint8 (0..255) or floats in [0, 1], got dtype {image.dtype}. "
                        "Hint: for 0..255 integers use image.astype(np.uint8) first.")
    image = check_array("to_float", "image", image)
    if image.min() < 0 or image.max() > 1:
        fail("to_float", "image", "floats in [0, 1]", f"values from {image.min():g} to {image.max():g}",
             "Hint: if they are 0..255 grey levels, divide by 255.")
    return image.astype(np.float32)


def hwc_to_chw(image):
    """(H, W, C) -> (C, H, W), a transpose (channels first, like PyTorch); a grey (H, W) becomes (1, H, W)."""
    image = check_array("hwc_to_chw", "image", image, None, "(H, W, C)", finite=False)
    if image.ndim == 2:
        return image[None]                                  # (H, W) -> (1, H, W)
    check_ndim("hwc_to_chw", "image", image, 3, "(H, W, C), or (H, W) for grey",
               "Hint: for a batch (N, H, W, C) use x.transpose(0, 3, 1, 2).")
    if image.shape[2] not in (1, 3, 4):
        fail("hwc_to_chw", "image's last axis", "the 1, 3 or 4 channels (H, W, C)", f"shape {image.shape}",
             "Hint: it looks channels-first (C, H, W) already; leave it as it is.")
    return np.ascontiguousarray(image.transpose(2, 0, 1))  # (H, W, C) -> (C, H, W)


def _size_pair(func, size):
    if isinstance(size, (tuple, list)):
        if len(size) != 2:
            fail(func, "size", "an int or a pair (h, w)", show(size), "Hint: 28 or (28, 28).", TypeError)
        return tuple(check_int(func, "size", s, 1, "Hint: 28 or (28, 28).") for s in size)
    s = check_int(func, "size", size, 1, "Hint: 28 means 28 x 28.")
    return s, s


def center_crop(image, size):
    """(C, H, W) -> (C, h, w), the middle ``size`` (an int for a square, or ``(h, w)``)."""
    image = _chw("center_crop", image)
    (h, w), (H, W) = _size_pair("center_crop", size), image.shape[1:]
    if h > H or w > W:
        raise ValueError(f"center_crop: the crop must fit inside the image: asked for {h} x {w}, "
                         f"got an image of {H} x {W}. Hint: crop to at most min(H, W) = {min(H, W)}, then resize.")
    top, left = (H - h) // 2, (W - w) // 2
    return image[:, top:top + h, left:left + w]


def _area_weights(n_in, n_out):
    """(n_out, n_in): row i averages the input pixels under output pixel i, by the length each overlaps."""
    edges = np.linspace(0, n_in, n_out + 1)                 # output pixel i covers [edges[i], edges[i+1])
    start = np.arange(n_in)                                 # input pixel j covers [j, j + 1)
    overlap = np.minimum(edges[1:, None], start + 1) - np.maximum(edges[:-1, None], start)
    return np.clip(overlap, 0, None) * (n_out / n_in)       # each row sums to 1


def resize(image, size, method="area"):
    """(C, H, W) -> (C, h, w). ``"area"`` averages the input pixels each output pixel covers (good for
    shrinking); ``"nearest"`` copies the input pixel nearest to each output pixel's centre."""
    image = _chw("resize", image)
    (h, w), (H, W) = _size_pair("resize", size), image.shape[1:]
    check_size("resize", "the resized image and its weights", len(image) * h * w + h * H + w * W, 8,
               "Hint: resize to a learner-sized image, e.g. 28 x 28.")
    if not isinstance(method, str):
        fail("resize", "method", "'area' or 'nearest'", show(method), "Hint: method='area'.", TypeError)
    if method == "area":
        rows, cols = _area_weights(H, h), _area_weights(W, w)
        out = rows @ image @ cols.T                         # (h, H) @ (C, H, W) @ (W, w) -> (C, h, w)
        return out.astype(image.dtype, copy=False)
    if method == "nearest":
        rows = ((np.arange(h) + 0.5) * H / h).astype(int)   # centre of output pixel i, in input pixels
        cols = ((np.arange(w) + 0.5) * W / w).astype(int)
        return image[:, rows[:, None], cols[None, :]]       # (C, h, w)
    fail("resize", "method", "'area' or 'nearest'", show(method), "Hint: 'area' for shrinking photos, "
         "'nearest' to keep pixels blocky.")


def to_batch(images):
    """One (C, H, W) image -> (1, C, H, W); a list of same-shaped (C, H, W) images -> (N, C, H, W)."""
    if isinstance(images, np.ndarray) and images.ndim == 3:
        return _chw("to_batch", images)[None]               # (C, H, W) -> (1, C, H, W)
    if not isinstance(images, (list, tuple)) or not images:
        fail("to_batch", "images", "one (C, H, W) image or a non-empty list of them", show(images),
             "Hint: to_batch([img1, img2]) or to_batch(img).", TypeError)
    images = [_chw("to_batch", image) for image in images]
    shapes = {image.shape for image in images}
    if len(shapes) != 1:
        fail("to_batch", "images", "all of one shape (C, H, W)", f"shapes {sorted(shapes)}",
             "Hint: resize or crop them to the same size first.")
    return np.stack(images)                                 # N x (C, H, W) -> (N, C, H, W)


class MnistSteps(NamedTuple):
    """What :func:`mnist_style` did, step by step (each a float32 image; ``image`` feeds the network)."""
    cropped: np.ndarray    # (h, w): the box around the strokes
    scaled: np.ndarray     # (h', w'): longest side 20, area-averaged (anti-aliased)
    framed: np.ndarray     # (28, 28): the box pasted in the middle
    image: np.ndarray      # (28, 28): moved by whole pixels so the centre of mass is the middle
    shift: tuple           # (down, right) pixels of that last move


def mnist_style(canvas, threshold=0.02, box=20, size=28):
    """Prepare a drawing as MNIST's digits were prepared (LeCun et al.): notebook 06.

    canvas (H, W) grey levels in [0, 1], white strokes on black, any size. Crop to the
    strokes' bounding box (pixels > ``threshold``); scale it so its longest side is ``box``
    keeping the aspect ratio, averaging areas (anti-aliasing); paste it into ``size`` x ``size``;
    move it by whole pixels so its centre of mass lands in the middle. Returns :class:`MnistSteps`,
    or None for an empty canvas (nothing above the threshold).
    """
    canvas = as_array("mnist_style", "canvas", canvas, "(H, W)", np.float64)   # lists accepted; arrays (uint8 too) kept
    check_ndim("mnist_style", "canvas", canvas, 2, "(H, W)", "Hint: one grey drawing, e.g. canvas[0, 0] of a batch.")
    if canvas.dtype != np.uint8 and canvas.size and not 0 <= canvas.min() <= canvas.max() <= 1:
        raise ValueError(f"mnist_style: canvas must hold grey levels in [0, 1] (or uint8 0-255), got values from "
                         f"{canvas.min():g} to {canvas.max():g}. Hint: divide 0-255 grey levels by 255.")
    canvas = to_float(canvas)
    rows, cols = np.nonzero(canvas > threshold)
    if rows.size == 0:
        return None
    cropped = canvas[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    h, w = cropped.shape
    h2, w2 = max(1, round(h * box / max(h, w))), max(1, round(w * box / max(h, w)))
    scaled = resize(cropped[None], (h2, w2))[0]                                   # (h, w) -> (h2, w2)
    framed = np.zeros((size, size), dtype=np.float32)
    top, left = (size - h2) // 2, (size - w2) // 2
    framed[top:top + h2, left:left + w2] = scaled
    mass = framed.sum()
    centre = [(framed.sum(axis=1 - a) * np.arange(size)).sum() / mass for a in (0, 1)]   # (row, col) of the mass
    down, right = (int(np.clip(np.rint((size - 1) / 2 - c), -start, size - start - n))
                   for c, start, n in zip(centre, (top, left), (h2, w2)))         # never pushes the box out
    image = np.zeros_like(framed)
    image[top + down:top + down + h2, left + right:left + right + w2] = scaled
    return MnistSteps(cropped, scaled, framed, image, (down, right))
