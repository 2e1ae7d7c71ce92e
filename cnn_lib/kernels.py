"""A small catalogue of classic kernels, and a block-average downscaler; introduced in notebook 02.

Every kernel is a float64 array of shape ``(size, size)``, to be used as one cross-correlation
kernel (``cnn_lib.conv2d`` does not flip it). For a grey image ``x`` of shape ``(H, W)``:
``conv2d(x[None, None], kernel("sobel_x")[None, None])`` gives a ``(1, 1, H-2, W-2)`` feature map.

Edge kernels are named after the edges they find, not the direction they differentiate in:
``vertical_edge`` compares the left column with the right one, so it answers where intensity
changes from left to right, which is along a *vertical* edge (a door frame). Edge kernels'
weights sum to 0 (a flat patch gives 0); blur kernels' weights sum to 1 (brightness is kept).
"""
import numpy as np

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
    if name not in KERNEL_NAMES:
        raise ValueError(f"kernel: unknown kernel name {name!r}. Valid names: {', '.join(KERNEL_NAMES)}.")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError(f"kernel: size must be a whole number (int), got {size!r} ({type(size).__name__}).")
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
    f = int(factor)
    if f < 1 or f != factor:
        raise ValueError(f"downscale: factor must be a whole number >= 1, got {factor!r}. "
                         "Hint: 4 shrinks 600 x 512 to 150 x 128.")
    image = np.asarray(image)
    H, W = image.shape[:2]
    if f > min(H, W):
        raise ValueError(f"downscale: factor {f} is larger than the image ({H} x {W}). Hint: use a smaller factor.")
    h, w = H // f, W // f
    blocks = image[:h * f, :w * f].reshape(h, f, w, f, *image.shape[2:])   # (H, W, ..) -> (h, f, w, f, ..)
    return blocks.mean(axis=(1, 3))                                          # -> (h, w, ..)
