"""The course's one look: colour maps and palette, numbers on coloured cells, arrows and shared grids.

Every viz module takes its colours and these helpers from here, so a colour is typed once and a
sibling figure module is never imported for a helper. Colour maps are colour-blind safe: grey for
images, viridis / cividis for magnitudes, PuOr (purple-orange) for signed values.
"""
import numpy as np
from matplotlib import colormaps
from matplotlib.colors import ListedColormap
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle

from ..stride_tools import coverage, kernel_starts

IMAGE = "gray"          # photos and digits
SEQUENTIAL = "viridis"  # magnitudes (feature maps after ReLU, probabilities)
DIVERGING = "PuOr"      # signed values centred on 0 (kernels, raw feature maps, gradients)

# ---------------------------------------------------------------- palette (each hex value typed once)
FORWARD = "#5e3c99"     # dark purple: forward arrows and lines, solid    (PuOr's two ends: colour-blind
BACKWARD = "#e66101"    # dark orange: backward (gradient) arrows, dashed  safe; the dashes tell them apart too)
HIGHLIGHT = "deepskyblue"   # outlines: stand out on grey photos and on purple-orange maps alike
OTHER, LABEL = "#7fa9d6", "#e08214"   # class bars: blue for the other classes, orange (and hatched) for the label
NEUTRAL, GUESS = "#bbbbbb", "#3b528b"  # probability bars: grey, and viridis blue for the network's guess
TEAL = "#21918c"        # viridis' middle: a third series (bars of P(true class))
DARK, CURVE = "#440154", "#4b2991"     # viridis' dark end (a first series); a deep purple for single curves
PANEL, UNUSED = "#f2f2f2", "#dddddd"   # light greys: a background box; cells left out of a colour scale
LEARNS, FIXED = "#bfe5a0", "#eeeeee"  # boxes: light viridis green for layers that learn, grey for the others


def as_array(func, name, values, layout):
    """``values`` as a float array with the axes ``layout`` names (e.g. "(H, W)"), all finite; else a ValueError
    naming ``func``, what came and a hint (the classic slip: a whole (N, C, H, W) batch where one map goes)."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        array = np.empty(0)
    ndim = len([axis for axis in layout.strip("()").split(",") if axis.strip()])
    if array.ndim != ndim or array.size == 0 or not np.all(np.isfinite(array)):
        shape = np.shape(values) if array.size else type(values).__name__
        hint = ("take one example and channel first, e.g. x[0, 0] for a (N, C, H, W) batch" if array.ndim > ndim
                else "replace NaN or inf values first" if array.size and array.ndim == ndim
                else f"pass a {layout} array")
        raise ValueError(f"{func}: {name} must be a non-empty array {layout} of finite numbers, got {shape}. "
                         f"Hint: {hint}.")
    return array


def symmetric_limits(values):
    """``(-m, m)`` with ``m`` the largest |value|, so 0 sits in the middle of a diverging colour map."""
    m = float(np.max(np.abs(values))) if np.size(values) else 1.0
    return (-m, m) if m > 0 and np.isfinite(m) else (-1.0, 1.0)


def show_array(ax, values, title="", cmap=None, signed=None, numbers=False, fmt="{:.2g}"):
    """Draw a 2-D array (H, W) on ``ax`` with no ticks; returns the ``AxesImage`` (update it with ``set_data``).

    ``signed``: centre the colours on 0 (default: when the array has negative values).
    ``numbers``: also write each value in its cell (for small arrays such as 3x3 kernels).
    """
    values = as_array("show_array", "values", values, "(H, W)")
    if signed is None:
        signed = bool(np.any(values < 0))
    cmap = cmap or (DIVERGING if signed else SEQUENTIAL)
    vmin, vmax = symmetric_limits(values) if signed else (None, None)
    image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set(xticks=[], yticks=[])
    if title:
        ax.set_title(title, fontsize=10)
    if numbers:
        label_cells(ax, values, image, fmt)
    return image


def heading(ax, text, fontsize=10):
    """A title drawn as plain text above ``ax`` (cheaper to redraw than ``set_title``); returns the Text."""
    return ax.text(0.5, 1.03, text, transform=ax.transAxes, ha="center", va="bottom", fontsize=fontsize)


# ---------------------------------------------------------------- numbers on coloured cells: one rule
def readable_on(rgba):
    """Text colours readable on cells of colours ``rgba`` (..., 4): black on light cells, white on dark ones."""
    light = np.asarray(rgba)[..., :3] @ np.array([0.299, 0.587, 0.114]) > 0.5     # perceived lightness
    return np.where(light, "black", "white")


def number_texts(ax, rows, cols, fontsize=9):
    """A ``rows x cols`` grid of empty Text artists centred on the cells of an image on ``ax``."""
    return [ax.text(j, i, "", ha="center", va="center", fontsize=fontsize)
            for i in range(rows) for j in range(cols)]


def write_numbers(texts, values, image, fmt="{:.2g}", labels=None):
    """Write ``values`` (rows, cols) into the first rows*cols ``texts`` in the colour :func:`readable_on`
    the cell ``image`` (the AxesImage under the numbers) gives it. ``labels``: rows*cols strings to write
    instead of ``fmt``-ed values. Texts beyond the values are hidden."""
    values = np.asarray(values)
    with np.errstate(all="ignore"):                            # +-1e308 colour limits overflow numpy
        colours = readable_on(image.cmap(image.norm(values)))    # (rows, cols) colour names
    k = values.shape[1] if values.ndim == 2 else 1
    for index, text in enumerate(texts):
        visible = index < values.size
        text.set_visible(visible)
        if visible:
            i, j = divmod(index, k)
            text.set_position((j, i))
            text.set_text(fmt.format(values[i, j]) if labels is None else labels[index])
            text.set_color(colours[i, j])


def label_cells(ax, values, image, fmt="{:.2g}", fontsize=9):
    """Write each value of a small 2-D array in its cell of ``image`` (see :func:`write_numbers`)."""
    values = np.asarray(values)
    write_numbers(number_texts(ax, *values.shape, fontsize=fontsize), values, image, fmt)


# ---------------------------------------------------------------- arrows
def arrow(ax, start, end, colour=FORWARD, dashed=False, size=12, text="", text_at=None):
    """An arrow from ``start`` to ``end`` (data coordinates); solid forward, ``dashed`` for gradients.
    ``text`` is written in the arrow's colour above its middle (or at ``text_at``)."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=size, color=colour, lw=1.6,
                                 linestyle="--" if dashed else "-", shrinkA=0, shrinkB=0))
    if text:
        ax.text(*(text_at or ((start[0] + end[0]) / 2, start[1] + 1)), text, color=colour, ha="center",
                va="bottom", fontsize=9)


# ---------------------------------------------------------------- shared grids
def square_grid(ax, x0, y0, rows, cols, cell, values=None, cmap=IMAGE, vlim=(0, 1)):
    """A rows x cols grid of squares with its top-left corner at (x0, y0), shaded by ``values`` (rows, cols)."""
    colours = colormaps[cmap]
    for i in range(rows):
        for j in range(cols):
            shade = "white" if values is None else colours((values[i, j] - vlim[0]) / (vlim[1] - vlim[0]))
            ax.add_patch(Rectangle((x0 + j * cell, y0 - (i + 1) * cell), cell, cell, fc=shade, ec="0.4", lw=0.6))


def mosaic(maps, columns):
    """Feature maps (K, H, W) side by side in one image: (rows*(H+1)-1, columns*(W+1)-1), NaN between
    (the gaps: draw them with :func:`map_cmap`). One image draws far quicker than K small ones."""
    K, H, W = maps.shape
    rows = -(-K // columns)
    tiled = np.full((rows, H + 1, columns, W + 1), np.nan, dtype=np.float32)     # with a gap row and column
    padded = np.concatenate([maps, np.full((rows * columns - K, H, W), np.nan)])  # (K, H, W) -> (rows*cols, H, W)
    tiled[:, :H, :, :W] = padded.reshape(rows, columns, H, W).transpose(0, 2, 1, 3)   # -> (rows, H, cols, W)
    return tiled.reshape(rows * (H + 1), columns * (W + 1))[:-1, :-1]


def map_cmap(signed):
    """Colour map for feature maps: PuOr (0 white, in the middle) if signed, viridis from 0 if not.
    NaN, the gaps between tiled maps, draws white on viridis and grey on PuOr (where 0 is white)."""
    return colormaps[DIVERGING if signed else SEQUENTIAL].with_extremes(bad="0.55" if signed else "white")


def tile_maps(maps, columns, shared=False):
    """Feature maps (K, H, W) side by side in one image: (rows*(H+1)-1, columns*(W+1)-1), NaN between.

    Each map is divided by its own largest |value| (so each uses the whole colour range; signed
    maps land in [-1, 1], non-negative ones in [0, 1]), or with ``shared`` all by the largest of
    the layer (one scale: a weak map looks weak beside a strong one); the NaN cells draw as gaps.
    """
    maps = as_array("tile_maps", "maps", maps, "(K, H, W)").astype(np.float32)
    scale = np.abs(maps).max(axis=None if shared else (1, 2), keepdims=True)   # (1, 1, 1) or (K, 1, 1)
    return mosaic(maps / np.where(scale > 0, scale, 1), columns)


def no_ticks(ax):
    """``ax`` without ticks (its frame kept, unlike ``set_axis_off``); returns ``ax`` for chaining."""
    ax.set(xticks=[], yticks=[])
    return ax


def probability_bars(ax, num_classes):
    """One grey bar per class on a 0-1 axis, all at 0 (the explorers set heights and the guess's colour,
    ``GUESS``, in place): the probability panels of notebooks 05 and 06. Returns the bars."""
    bars = ax.bar(range(num_classes), np.zeros(num_classes), color=NEUTRAL, edgecolor="black")
    ax.set(ylim=(0, 1), xticks=range(num_classes), yticks=[0, 0.5, 1])
    ax.tick_params(labelsize=9)
    return bars


def map_columns(count):
    """How many feature maps per row in a tiled image: 4 for 16, 8 for 32."""
    return 4 if count <= 16 else 8


def cell_borders(columns, rows, cell_height=1):
    """Line segments around every cell of a rows x columns grid (cells 1 wide, ``cell_height`` tall)."""
    bottom = rows * cell_height - 0.5
    vertical = [[(x - 0.5, -0.5), (x - 0.5, bottom)] for x in range(columns + 1)]
    horizontal = [[(-0.5, y * cell_height - 0.5), (columns - 0.5, y * cell_height - 0.5)] for y in range(rows + 1)]
    return vertical + horizontal


# Kernel positions as categorical images (one int per cell), drawn by notebook 03's figures, its
# explorer and the stride diagram. Okabe-Ito orange and blues also differ in lightness (read in grey).
EMPTY, PAD, NEVER, GAP, TAP, CURRENT = range(6)
COLOURS = ["white", "#d9d9d9", "#E69F00", "#d4e9f7", "#56B4E9", "#0072B2"]
NAMES = {PAD: "padding (zeros)", NEVER: "input pixel never read", GAP: "skipped by a dilated kernel",
         TAP: "pixel read by a kernel position", CURRENT: "the current kernel position"}
LIMITS = dict(cmap=ListedColormap(COLOURS), vmin=-0.5, vmax=len(COLOURS) - 0.5, interpolation="nearest")


def axis_categories(n, kernel_size, stride=1, padding=0, dilation=1):
    """One row of the padded axis, ``(n + 2p,)`` ints: PAD, NEVER (no position reads it) or EMPTY (read)."""
    row = np.where(coverage(n, kernel_size, stride, padding, dilation) == 0, NEVER, EMPTY)
    row[:padding] = PAD
    row[len(row) - padding:] = PAD
    return row


def lanes_image(n, kernel_size, stride=1, padding=0, dilation=1, current=None, axis_rows=1):
    """The padded axis on top (``axis_rows`` rows), a spacer, then one row (lane) per kernel position.

    Shape ``(axis_rows + 1 + OUT, n + 2p)`` ints. In lane i the window starting at
    ``kernel_starts(...)[i]`` marks its taps TAP (CURRENT for lane ``current``) and the pixels
    its dilation skips GAP.
    """
    starts = kernel_starts(n, kernel_size, stride, padding, dilation)
    span = dilation * (kernel_size - 1) + 1
    image = np.full((axis_rows + 1 + len(starts), n + 2 * padding), EMPTY)
    image[:axis_rows] = axis_categories(n, kernel_size, stride, padding, dilation)
    for i, t in enumerate(starts):
        lane = axis_rows + 1 + i
        image[lane, t:t + span] = GAP
        image[lane, t:t + span:dilation] = CURRENT if i == current else TAP
    return image


def grid_image(n, kernel_size, stride=1, padding=0, dilation=1, current=None):
    """The padded square input, ``(n + 2p, n + 2p)`` ints: padding, pixels never read, and the window
    whose top-left corner is ``current = (row start, column start)`` (taps CURRENT, skipped GAP)."""
    row = axis_categories(n, kernel_size, stride, padding, dilation)           # (N,)
    image = np.full((len(row), len(row)), EMPTY)
    image[(row == NEVER)[:, None] | (row == NEVER)[None, :]] = NEVER           # its row or column unread
    image[(row == PAD)[:, None] | (row == PAD)[None, :]] = PAD
    if current is not None:
        span = dilation * (kernel_size - 1) + 1
        top, left = current
        image[top:top + span, left:left + span] = GAP
        image[top:top + span:dilation, left:left + span:dilation] = CURRENT
    return image


def legend_handles(categories=(PAD, NEVER, GAP, TAP)):
    """Patches for a legend naming the categories' colours."""
    return [Patch(facecolor=COLOURS[c], edgecolor="0.4", label=NAMES[c]) for c in categories]


def pixel_list(indices, most=6):
    """Pixel indices in words: ``[125, 126, 127]`` -> ``'125-127'``; long lists are shortened."""
    indices = [int(i) for i in indices]
    if not indices:
        return "none"
    runs, first = [], indices[0]
    for a, b in zip(indices, indices[1:] + [None]):
        if b != a + 1:
            runs.append(f"{first}" if first == a else f"{first}-{a}")
            first = b
    text = ", ".join(runs[:most])
    return text + (f", ... ({len(indices)} pixels)" if len(runs) > most else "")
