"""What a trained channel responds to, and what a shift does to the maps. Notebook 06.

- :func:`top_patches`: the input patches that excite one channel most, over a whole data set;
- :func:`shift`: move images by whole pixels (zeros come in), to measure equivariance (the maps
  move with the input) and invariance (the prediction does not move at all).
Numpy only.
"""
import numpy as np

from . import parallel
from ._checks import check_int, check_ndim
from .layers import inference


def shift(x, dy, dx):
    """x (..., H, W) moved ``dy`` pixels down and ``dx`` right (negative: up / left); zeros fill in. Same shape."""
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"shift: x must have at least 2 axes (..., H, W), got shape {np.shape(x)}. "
                         "Hint: shift images, e.g. x_test[:10] of shape (10, 1, 28, 28).")
    H, W = x.shape[-2:]
    for name, d, n in (("dy", dy, H), ("dx", dx, W)):
        check_int("shift", name, d, -n, f"Hint: at most the image's size, {n}, either way; e.g. 2.")
        if d > n:
            raise ValueError(f"shift: {name} must be between -{n} and {n} (the image's size), got {d}. "
                             "Hint: a few pixels, e.g. 2.")
    out = np.zeros_like(x)
    out[..., max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \
        x[..., max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return out


def top_patches(model, x, layer, channel, k=9, field=14, jump=2, offset=-2, batch_size=32):
    """The ``k`` input patches that most excite ``channel`` of ``model.layers[layer]``'s output.

    x (N, C, H, W). A node (i, j) of that layer sees the ``field`` x ``field`` input patch starting
    at row ``offset + jump*i``, column ``offset + jump*j`` (``cnn_lib.receptive_field`` gives
    field and jump; offset is minus the padding: 14, 2 and -2 for conv 2 of notebook 05's net).
    Returns ``(patches, where, values)``, strongest first: patches (k, C, field, field) cut from
    x zero-padded; where (k, 3) int rows ``(image, i, j)``; values (k,) the activations.
    """
    check_ndim("top_patches", "x", x, 4, "(N, C, H, W)", "Hint: pass a set of images such as x_train.")
    layer = check_int("top_patches", "layer", layer, 0)
    k = check_int("top_patches", "k", k, 1, "Hint: how many patches to return, e.g. 9.")
    if layer >= len(model.layers):
        raise ValueError(f"top_patches: layer must be the index of one of the model's {len(model.layers)} layers, "
                         f"got {layer}. Hint: 3 is the second convolution of notebook 05's network.")
    with inference(model):                    # only the layers up to the one asked for; on two cores (cnn_lib.parallel)
        maps = np.concatenate(parallel._map_batches(model, x, batch_size, upto=layer, channel=channel))  # (N, OH, OW)
    N, OH, OW = maps.shape
    best = np.argsort(maps.ravel())[::-1][:k]                                   # strongest k nodes
    n, i, j = np.unravel_index(best, maps.shape)
    pad = max(0, -offset, offset + jump * (max(OH, OW) - 1) + field - min(x.shape[2:]))
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    r, c = offset + jump * i + pad, offset + jump * j + pad                     # top-left corners in padded x
    patches = np.stack([padded[a, :, b:b + field, d:d + field] for a, b, d in zip(n, r, c)])
    return patches, np.stack([n, i, j], axis=1), maps.ravel()[best]
