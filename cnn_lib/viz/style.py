"""Shared look for every figure: colour maps, figures for widgets, and a helper to draw an array."""
import io

import numpy as np
from matplotlib.figure import Figure

IMAGE = "gray"          # photos and digits
SEQUENTIAL = "viridis"  # magnitudes (feature maps after ReLU, probabilities)
DIVERGING = "PuOr"      # signed values centred on 0 (kernels, raw feature maps, gradients)


def symmetric_limits(values):
    """``(-m, m)`` with ``m`` the largest |value|, so 0 sits in the middle of a diverging colour map."""
    m = float(np.max(np.abs(values))) if np.size(values) else 1.0
    return (-m, m) if m > 0 else (-1.0, 1.0)


def show_array(ax, values, title="", cmap=None, signed=None, numbers=False, fmt="{:.2g}"):
    """Draw a 2-D array (H, W) on ``ax`` with no ticks; returns the ``AxesImage`` (update it with ``set_data``).

    ``signed``: centre the colours on 0 (default: when the array has negative values).
    ``numbers``: also write each value in its cell (for small arrays such as 3x3 kernels).
    """
    values = np.asarray(values)
    if signed is None:
        signed = bool(np.any(values < 0))
    cmap = cmap or (DIVERGING if signed else SEQUENTIAL)
    vmin, vmax = symmetric_limits(values) if signed else (None, None)
    image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    if numbers:
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=9,
                    color="black", bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.7))
    return image


def new_figure(figsize=(8, 3), dpi=80):
    """A Figure outside pyplot (nothing is queued for display): what widgets draw into and reuse."""
    return Figure(figsize=figsize, dpi=dpi, layout="constrained")


def figure_png(fig):
    """Render ``fig`` to PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
