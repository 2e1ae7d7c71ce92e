"""Draw the course's diagrams as PNG files, from cnn_lib's own numbers, so that they are reproducible.

Usage (from the repository root, with the project's interpreter):

    python images/make_figures.py            # writes into images/, next to this script
    python images/make_figures.py OUT_DIR    # writes into OUT_DIR (created if needed)

It writes, at 100 dpi (the drawing functions live in ``cnn_lib/viz/diagrams.py``):

    layer-schema.png    notebook 01: the small CNN's layers, output shapes and parameter counts
    sliding-kernel.png  notebook 02: a 3x3 kernel on a 5x5 input makes one node from nine products
    stride-grid.png     notebook 03: kernel positions with stride 2 on 12 pixels, one pixel left over
    backprop-flow.png   notebook 04: forward values and backward gradients through the tiny CNN

The same code gives the same bytes: matplotlib's default settings (not the user's matplotlibrc),
its bundled DejaVu Sans font, and no "Software" version stamp in the PNG metadata.
``tests/test_figures.py`` runs this script into a temporary folder and checks all of that.
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")                          # no window, the same renderer everywhere
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import cnn_lib  # noqa: E402
from cnn_lib.models import small_cnn  # noqa: E402
from cnn_lib.tiny import tiny_cnn, tiny_data  # noqa: E402
from cnn_lib.viz.diagrams import (backprop_flow_figure, layer_schema_figure, sliding_kernel_figure,  # noqa: E402
                                  stride_grid_figure)

HERE = Path(__file__).resolve().parent
MNIST_SHAPE = (1, 28, 28)                      # one grey digit, (C, H, W)


def layer_schema():
    return layer_schema_figure(small_cnn(seed=0), MNIST_SHAPE)      # notebook 01's network


def sliding_kernel():
    x = np.array([[1, 2, 1, 7, 8],              # notebook 02's input: dark left, bright right
                  [2, 1, 2, 8, 7],
                  [1, 1, 2, 7, 9],
                  [2, 2, 1, 8, 8],
                  [1, 2, 2, 9, 7]], dtype=float)
    w = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float)     # and its kernel (left minus right)
    return sliding_kernel_figure(x, w, 0, 1)


def stride_grid():
    return stride_grid_figure(12, 3, 2)


def backprop_flow():
    x, _ = tiny_data()
    return backprop_flow_figure(tiny_cnn(), x.shape[1:])


FIGURES = {"layer-schema.png": layer_schema, "sliding-kernel.png": sliding_kernel,
           "stride-grid.png": stride_grid, "backprop-flow.png": backprop_flow}


def main(args):
    folder = Path(args[0]) if args else HERE
    folder.mkdir(parents=True, exist_ok=True)
    matplotlib.rcdefaults()                    # ignore any matplotlibrc: the same picture on every machine
    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 10, "savefig.dpi": 100})
    for name, draw in FIGURES.items():
        fig = draw()
        path = folder / name
        fig.savefig(path, dpi=100, facecolor="white", metadata={"Software": None})
        plt.close(fig)
        width, height = (fig.get_size_inches() * 100).round().astype(int)
        print(f"wrote {path} ({width} x {height} px, {path.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main(sys.argv[1:])
