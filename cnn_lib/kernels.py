"""A small catalogue of classic kernels, and a block-average downscaler; introduced in notebook 02.

Every kernel is a float64 array of shape ``(size, size)``, to be used as one cross-correlation
kernel (``cnn_lib.conv2d`` does not flip it). For a grey image ``x`` of shape ``(H, W)``:
``conv2d(x[None, None], kernel("sobel_x")[None, None])`` gives a ``(1, 1, H-2, W-2)`` feature map.

Edge kernels are named after the edges they find, not the direction they differentiate in:
``vertical_edge`` compares the left column with the right one, so it answers where intensity
changes from left to right, which is along a *vertical* edge (a door frame). Edge kernels'
weights sum to 0 (a flat patch gives 0); blur kernels' weights sum to 1 (brightness is kept).
"""
import numbers

import numpy as np

from ._checks import as_number, check_array, check_int, fail, show

MAX_SIZE = 255      # kernels wider than this are never useful here (and a binomial row of 2**254 stays finite)

_FIXED = {   # 3x3 only
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "vertical_edge": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],     # left minus right (Prewitt)
    "horizontal_edge": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],   # top minus bottom
    "sobel_x": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],           # vertical edges, centre row counts twice
    "sobel_y": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],           # horizontal edges
}
RESIZABLE = ("identity", "box_blur", "gaussian_blur")       # any odd size
KERNEL_NAMES = RESIZABLE + tuple(_FIXED)


def _resizable(name, k):
    """The (k, k) identity, box blur (all 1/k^2) or binomial 'Gaussian-ish' blur (sums to 1)."""
    if name == "identity":
        out = np.zeros((k, k))
        out[k // 2, k // 2] = 1.0                   # only the centre pixel passes through
        return out
    if name == "box_blur":
        return np.full((k, k), 1.0 / k**2)
    row = np.array([1.0])
    for _ in range(k - 1):                          # Pascal's triangle: 1 2 1, 1 4 6 4 1, ...
        row = np.convolve(row, [1.0, 1.0])
    return np.outer(row, row) / row.sum() ** 2     # (k,) x (k,) -> (k, k), sums to 1


def kernel(name, size=3):
    """Return the classic kernel ``name`` as a float64 array of shape ``(size, size)``.

    ``name``: one of :data:`KERNEL_NAMES`. ``size``: an odd whole number for ``identity``,
    ``box_blur`` and ``gaussian_blur`` (an odd kernel has a centre pixel, so each node sits over
    the input pixel at the kernel's centre); the edge kernels and ``sharpen`` exist at size 3 only.
    """
    if not isinstance(name, str) or name not in KERNEL_NAMES:
        close = str(name).strip().lower().replace(" ", "_").replace("-", "_")
        fail("kernel", f"unknown kernel name {name!r}: the name", f"one of {', '.join(KERNEL_NAMES)}", show(name),
             f"Hint: did you mean {close!r}?" if close in KERNEL_NAMES else "Hint: pick a name from KERNEL_NAMES.",
             ValueError if isinstance(name, str) else TypeError)
    size = check_int("kernel", "size", size, -2**63, "Hint: an odd size has a centre pixel: 3, 5 or 7.")
    if size > MAX_SIZE:
        fail("kernel", "size", f"at most {MAX_SIZE}", size, "Hint: kernels are small, 3 to 15 pixels wide.")
    if name in _FIXED:
        if size != 3:
            raise ValueError(f"kernel: {name!r} exists at size 3 only, got size {size}. "
                             f"Hint: only {', '.join(RESIZABLE)} come in other sizes.")
        return np.array(_FIXED[name], dtype=np.float64)
    if size < 1 or size % 2 == 0:
        raise ValueError(f"kernel: size must be an odd whole number >= 1, got {size}. Hint: an odd "
                         f"kernel has a centre pixel; try {max(1, size - 1)} or {max(3, size + 1)}.")
    return _resizable(name, int(size))


def downscale(image, factor):
    """Shrink an image by averaging ``factor x factor`` blocks: (H, W) -> (H // factor, W // factor).

    Rows and columns that do not fill a whole block are dropped. Works on (H, W, C) too (each
    channel alone). ``downscale(sample_image(grey=True), 4)`` is (150, 128): fast for widgets.
    """
    f = as_number(factor)
    if not isinstance(f, numbers.Integral) or f < 1:
        fail("downscale", "factor", "a whole number >= 1", show(factor), "Hint: 4 shrinks 600 x 512 to 150 x 128.")
    image = check_array("downscale", "image", image, None, "(H, W) or (H, W, C)")
    if image.ndim not in (2, 3):
        fail("downscale", "image", "(H, W) or (H, W, C)", f"shape {image.shape}",
             "Hint: one grey image (H, W), e.g. sample_image(grey=True); for (N, C, H, W) take x[0, 0].")
    H, W = image.shape[:2]
    if f > min(H, W):
        fail("downscale", "factor", f"at most the image's height and width ({H} x {W})", f,
             "Hint: use a smaller factor.")
    h, w = H // f, W // f
    blocks = image[:h * f, :w * f].reshape(h, f, w, f, *image.shape[2:])   # (H, W, ..) -> (h, f, w, f, ..)
    return blocks.mean(axis=(1, 3))                                          # -> (h, w, ..)
