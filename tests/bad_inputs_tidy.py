"""Bad-input cases for the helpers moved into cnn_lib.viz.style (issue 13 review): tile_maps, map_columns, no_ticks."""
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
