"""Bad-input cases for the helpers moved into cnn_lib.viz.style (issue 13 review): tile_maps, map_columns,
no_ticks, probability_bars."""
import matplotlib.pyplot as plt
import numpy as np

from cnn_lib.viz import style


def _ticks_gone(ax):
    assert list(ax.get_xticks()) == [] and list(ax.get_yticks()) == [] and ax.get_frame_on()
    plt.close(ax.figure)
    return True


def _fresh_axes():
    return plt.subplots()[1]


CASES = [
    ("cnn_lib.viz.style.tile_maps", lambda: style.tile_maps(np.ones((28, 28)), 4), ValueError),      # one map, no K axis
    ("cnn_lib.viz.style.tile_maps", lambda: style.tile_maps(np.zeros((3, 2, 2)), 2),
     lambda t: t.shape == (5, 5) and (~np.isnan(t)).sum() == 12 and np.nanmax(t) == 0),             # all-zero maps
    ("cnn_lib.viz.style.map_columns", lambda: style.map_columns(16), lambda c: c == 4),
    ("cnn_lib.viz.style.map_columns", lambda: style.map_columns(32), lambda c: c == 8),
    ("cnn_lib.viz.style.map_columns", lambda: style.map_columns(1), lambda c: c == 4),
    ("cnn_lib.viz.style.no_ticks", lambda: _ticks_gone(style.no_ticks(_fresh_axes())), lambda ok: ok),
]


def _bars(num_classes):
    ax = _fresh_axes()
    bars = style.probability_bars(ax, num_classes)
    ok = (len(bars) == num_classes and all(b.get_height() == 0 for b in bars) and ax.get_ylim() == (0, 1)
          and list(ax.get_xticks()) == list(range(num_classes)))
    plt.close(ax.figure)
    return ok


CASES += [
    ("cnn_lib.viz.style.probability_bars", lambda: _bars(10), lambda ok: ok),
    ("cnn_lib.viz.style.probability_bars", lambda: _bars(2), lambda ok: ok),      # two classes, notebook 04's
]
