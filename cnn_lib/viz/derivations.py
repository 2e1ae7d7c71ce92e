"""Pictures for the derivations: the chain rule on a tiny graph (notebook 04), the paths a 1-D
convolution's gradients travel, at stride 1 and at stride s (04), a multi-channel convolution
drawn in 3-D (02), and max / average pooling with their gradients (02).

Every function takes the numbers it writes from the caller (the notebook computes them in a
cell, so nbval checks them) and returns a pyplot Figure. Colours: PuOr's purple and orange
and greys, with line styles as well, so nothing depends on telling colours apart; text >= 9 pt.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, Polygon, Rectangle

from .style import BACKWARD, FORWARD, SEQUENTIAL, UNUSED, show_array

PURPLE, ORANGE, GREY = FORWARD, BACKWARD, "0.55"          # the style module's arrow colours
STYLES = [(PURPLE, "-"), (ORANGE, "--"), ("0.25", ":"), (GREY, "-.")]   # one (colour, line style) per weight


def _check_1d(name, **arrays):
    for key, value in arrays.items():
        if np.ndim(value) != 1 or np.size(value) == 0:
            raise ValueError(f"{name}: {key} must be a non-empty 1-D sequence of numbers, got shape "
                             f"{np.shape(value)}. Hint: pass one row, e.g. x[0, 0, 0].")


def _node(ax, xy, text, r=0.32, fc="white"):
    ax.add_patch(Circle(xy, r, fc=fc, ec="0.2", lw=1.2, zorder=3))
    ax.text(*xy, text, ha="center", va="center", fontsize=10, zorder=4)


def chain_rule_figure(values, grads):
    """The graph of ``L = (w*p1 + w*p2)**2``: forward values in the nodes, gradients under them.

    ``values`` and ``grads``: dicts with keys ``"p1", "p2", "w", "z1", "z2", "s", "L"`` (``grads``
    needs ``"w", "z1", "z2", "s"``, and ``"w via z1"``, ``"w via z2"``: the two paths' shares).
    The weight w is used twice, as a kernel weight is used at two positions: its two paths meet
    at w and their shares add. Returns the Figure.
    """
    needed, needed_grads = {"p1", "p2", "w", "z1", "z2", "s", "L"}, {"w", "z1", "z2", "s", "w via z1", "w via z2"}
    if not isinstance(values, dict) or not needed <= set(values):
        raise ValueError(f"chain_rule_figure: values must be a dict with keys {sorted(needed)}, got {values!r}. "
                         f"Hint: compute the forward pass in a cell and pass its numbers.")
    if not isinstance(grads, dict) or not needed_grads <= set(grads):
        raise ValueError(f"chain_rule_figure: grads must be a dict with keys {sorted(needed_grads)}, got {grads!r}. "
                         f"Hint: compute the backward pass in a cell, both paths' shares included.")
    fig, ax = plt.subplots(figsize=(10, 4.4), dpi=80, layout="constrained")
    ax.set_xlim(-1.2, 8.8)
    ax.set_ylim(-1.8, 3.0)
    ax.set_aspect("equal")
    ax.set_axis_off()
    at = {"p1": (0, 2.2), "w": (0, 1), "p2": (0, -0.2), "z1": (3, 1.9), "z2": (3, 0.1), "s": (5.6, 1), "L": (8, 1)}
    ops = {"z1": "×", "z2": "×", "s": "+", "L": "( )²"}
    local = [("p1", "z1", ""), ("w", "z1", f"∂z1/∂w = p1 = {values['p1']:g}"),
             ("w", "z2", f"∂z2/∂w = p2 = {values['p2']:g}"), ("p2", "z2", ""),
             ("z1", "s", "∂s/∂z1 = 1"), ("z2", "s", "∂s/∂z2 = 1"), ("s", "L", f"∂L/∂s = 2s = {2 * values['s']:g}")]
    for a, b, text in local:
        (xa, ya), (xb, yb) = at[a], at[b]
        ax.add_patch(FancyArrowPatch((xa + 0.33, ya), (xb - 0.36, yb), arrowstyle="-|>", mutation_scale=12,
                                     color=PURPLE, lw=2.2 if a == "w" else 1.4))
        if text:
            off = 0.28 if yb >= ya else -0.28
            ax.text((xa + xb) / 2, (ya + yb) / 2 + off, text, ha="center", va="center", fontsize=9,
                    color="0.15", bbox=dict(fc="white", ec="none", pad=0.5))
    for name, xy in at.items():
        _node(ax, xy, f"{name}\n{values[name]:g}", fc="#efe7f5" if name == "w" else "white")
        if name in ops:
            ax.text(xy[0], xy[1] + 0.45, ops[name], ha="center", va="bottom", fontsize=10, color=PURPLE)
        if name in grads:
            ax.text(xy[0], xy[1] - 0.42, f"∂L/∂{name} = {grads[name]:g}", ha="center", va="top", fontsize=9,
                    color=ORANGE)
    ax.text(0, -1.45, f"w's two paths meet: ∂L/∂w = {grads['w via z1']:g} (via z1) + {grads['w via z2']:g} "
            f"(via z2) = {grads['w']:g}", ha="left", va="center", fontsize=10, color=ORANGE)
    ax.text(-1.1, 2.9, "forward (purple arrows): each node's value.  Backward (orange): a node's gradient is the "
            "product of the\nlocal slopes (on the arrows) along a path from it to L, summed over all its paths",
            fontsize=9.5, va="top")
    return fig


def _rows(ax, n_in, n_out, x_labels, y_labels, centre, title, x_name="x", y_name="dY"):
    """Input nodes on the bottom row, output nodes on the top row (output i centred at ``centre(i)``)."""
    ax.set_xlim(-0.8, n_in - 0.2)
    ax.set_ylim(-1.15, 1.95)
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)
    for p in range(n_in):
        ax.add_patch(Rectangle((p - 0.3, -0.25), 0.6, 0.5, fc="white", ec="0.3", zorder=3))
        ax.text(p, 0, x_labels[p], ha="center", va="center", fontsize=9, zorder=4)
        ax.text(p, -0.45, f"{x_name}[{p}]", ha="center", va="top", fontsize=9)
    for i in range(n_out):
        ax.add_patch(Rectangle((centre(i) - 0.3, 1.25), 0.6, 0.5, fc="white", ec="0.3", zorder=3))
        ax.text(centre(i), 1.5, y_labels[i], ha="center", va="center", fontsize=9, zorder=4)
        ax.text(centre(i), 1.8, f"{y_name}[{i}]", ha="center", va="bottom", fontsize=9)


def _path(ax, p, q, u, highlight, label=""):
    colour, style = STYLES[u % len(STYLES)]
    ax.plot([p, q], [0.25, 1.25], color=colour if highlight else "0.85", ls=style, lw=2.4 if highlight else 1,
            zorder=2 if highlight else 1)
    if label:
        ax.text(p + 0.6 * (q - p), 0.85, label, ha="center", va="center", fontsize=9, zorder=5,
                bbox=dict(fc="white", ec=colour, pad=0.5, lw=0.8))


def conv1d_paths_figure(x, w, dy, weight_index=1, pixel=2):
    """A 1-D convolution ``y[i] = sum_u w[u] x[i+u]`` (stride 1) and its two gradients as paths.

    ``x`` (n,), ``w`` (k,), ``dy`` (n - k + 1,), the upstream gradient. Left: every path of the
    forward pass, one line style per weight. Middle: the paths that use ``w[weight_index]``,
    each labelled with its share ``dy[i] * x[i + u]``: dL/dw[u] is their sum. Right: the paths
    that start at ``x[pixel]``, each labelled ``dy[i] * w[pixel - i]``: dL/dx[pixel] is their sum.
    Returns the Figure.
    """
    _check_1d("conv1d_paths_figure", x=x, w=w, dy=dy)
    x, w, dy = (np.asarray(a, dtype=float) for a in (x, w, dy))
    n, k = len(x), len(w)
    if len(dy) != n - k + 1 or not 0 <= weight_index < k or not 0 <= pixel < n:
        raise ValueError(f"conv1d_paths_figure: dy must have n - k + 1 = {n - k + 1} values, weight_index be in "
                         f"[0, {k}) and pixel in [0, {n}), got {len(dy)}, {weight_index}, {pixel}. "
                         f"Hint: dy has the output's length.")
    centre = lambda i: i + (k - 1) / 2                                    # noqa: E731  output i above its window
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.4), dpi=80, layout="constrained")
    f = lambda v: f"{v + 0.0:.3g}"                                     # noqa: E731  (+ 0.0: no "-0")
    y = np.array([w @ x[i:i + k] for i in range(n - k + 1)])
    _rows(axes[0], n, n - k + 1, [f(v) for v in x], [f(v) for v in y], centre,
          "forward: y[i] = Σ_u w[u]·x[i+u]", y_name="y")
    for i in range(n - k + 1):
        for u in range(k):
            _path(axes[0], i + u, centre(i), u, True)
    for u in range(k):
        colour, style = STYLES[u % len(STYLES)]
        axes[0].plot([], [], color=colour, ls=style, lw=2.4, label=f"w[{u}] = {f(w[u])}")
    axes[0].legend(fontsize=9, loc="lower center", ncol=k, frameon=False, handlelength=2.2, columnspacing=0.8)
    u = weight_index
    shares = [dy[i] * x[i + u] for i in range(n - k + 1)]
    _rows(axes[1], n, n - k + 1, [f(v) for v in x], [f(v) for v in dy], centre,
          f"dL/dw[{u}] = Σ_i dY[i]·x[i+{u}] = {f(sum(shares))}")
    for i in range(n - k + 1):
        for v in range(k):
            _path(axes[1], i + v, centre(i), v, v == u, f(shares[i]) if v == u else "")
    into = [i for i in range(n - k + 1) if 0 <= pixel - i < k]
    _rows(axes[2], n, n - k + 1, [f(v) for v in x], [f(v) for v in dy], centre,
          f"dL/dx[{pixel}] = Σ_i dY[i]·w[{pixel}-i] = {f(sum(dy[i] * w[pixel - i] for i in into))}")
    for i in range(n - k + 1):
        for v in range(k):
            hit = i + v == pixel
            _path(axes[2], i + v, centre(i), v, hit, f(dy[i] * w[v]) if hit else "")
    return fig


def strided_paths_figure(n, k, stride, dy):
    """Backward at stride s, in 1-D: the stride-1 outputs, of which only every s-th one exists.

    ``dy`` holds the upstream gradient of the strided outputs. The top row shows the stride-1
    positions: the kept ones carry dy, the skipped ones carry 0 (dY "dilated", s - 1 zeros
    between entries); each kept node's paths run to the k inputs of its window. Returns the Figure.
    """
    _check_1d("strided_paths_figure", dy=dy)
    out1 = n - k + 1
    kept = list(range(0, out1, stride))
    if len(dy) != len(kept):
        raise ValueError(f"strided_paths_figure: dy must have one value per strided output ({len(kept)}), got "
                         f"{len(dy)}. Hint: dy has the strided output's length, floor((n - k) / s) + 1.")
    dilated = np.zeros(out1)
    dilated[kept] = dy                                                    # (out,) -> (n - k + 1,): zeros between
    fig, ax = plt.subplots(figsize=(8, 3.1), dpi=80, layout="constrained")
    labels = [f"{v:.2g}" if i in kept else "0" for i, v in enumerate(dilated)]
    _rows(ax, n, out1, [""] * n, labels, lambda i: i + (k - 1) / 2,
          f"stride {stride}: dY with {stride - 1} zero(s) between its entries, then the stride-1 rule", y_name="dY₁")
    for i in range(out1):
        for u in range(k):
            _path(ax, i + u, i + (k - 1) / 2, u, i in kept)
        if i not in kept:
            ax.add_patch(Rectangle((i + (k - 1) / 2 - 0.3, 1.25), 0.6, 0.5, fc="0.9", ec="0.5", ls="--", zorder=3))
            ax.text(i + (k - 1) / 2, 1.5, "0", ha="center", va="center", fontsize=9, zorder=4, color="0.4")
    ax.text(-0.7, -1.0, "grey, dashed: positions the stride skipped (no node, so no gradient)", fontsize=9)
    return fig


def _box(ax, x, y, w, h, depth, fc, ec="0.2", alpha=1.0, lw=1.0):
    """An oblique 3-D box: front face w x h at (x, y), receding ``depth`` up and to the right."""
    dx, dy = 0.5 * depth, 0.4 * depth
    faces = [[(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
             [(x, y + h), (x + w, y + h), (x + w + dx, y + h + dy), (x + dx, y + h + dy)],
             [(x + w, y), (x + w + dx, y + dy), (x + w + dx, y + h + dy), (x + w, y + h)]]
    for face in faces:
        ax.add_patch(Polygon(face, closed=True, fc=fc, ec=ec, alpha=alpha, lw=lw))


def multichannel_figure(c_in, height, k, n_kernels):
    """A C_in x k x k kernel in a C_in x H x W input gives ONE map; K kernels give K maps.

    Drawn in oblique 3-D: the input volume (depth = channels), one kernel sitting in it at one
    position, the node it makes, and the stack of K kernels giving the K-map output.
    Returns the Figure.
    """
    if not all(isinstance(v, (int, np.integer)) and v > 0 for v in (c_in, height, k, n_kernels)) or k > height:
        raise ValueError(f"multichannel_figure: c_in, height, k and n_kernels must be positive whole numbers with "
                         f"k <= height, got {c_in}, {height}, {k}, {n_kernels}. Hint: e.g. (3, 6, 3, 4).")
    out = height - k + 1
    fig, ax = plt.subplots(figsize=(11, 3.6), dpi=80, layout="constrained")
    ax.set_aspect("equal")
    ax.set_axis_off()
    s = 0.5                                                               # one pixel, in drawing units
    _box(ax, 0, 0, height * s, height * s, c_in * s, UNUSED)
    _box(ax, 0, (height - k) * s, k * s, k * s, c_in * s, PURPLE, alpha=0.55, lw=1.6)
    ax.text(height * s / 2, -0.35, f"input: C_in x H x W = {c_in} x {height} x {height}", ha="center", va="top",
            fontsize=10)
    kx = height * s + c_in * s * 0.5 + 1.2
    _box(ax, kx, (height - k) * s / 2, k * s, k * s, c_in * s, PURPLE, alpha=0.55, lw=1.6)
    ax.text(kx + k * s / 2, (height - k) * s / 2 - 0.35, f"one kernel\n{c_in} x {k} x {k}", ha="center", va="top",
            fontsize=10)
    mx = kx + k * s + c_in * s * 0.5 + 1.2
    ax.add_patch(Rectangle((mx, 0), out * s, out * s, fc="white", ec="0.2"))
    ax.add_patch(Rectangle((mx, (out - 1) * s), s, s, fc=PURPLE, ec="0.2"))
    ax.text(mx + out * s / 2, -0.35, f"ONE map\n{out} x {out}", ha="center", va="top", fontsize=10)
    ax.add_patch(FancyArrowPatch((kx + k * s + 0.5, (height - 1) * s), (mx + 0.3, (out - 0.5) * s),
                                 arrowstyle="-|>", mutation_scale=12, color=PURPLE, lw=1.4))
    ax.text((kx + mx) / 2 + 0.5, height * s + 0.1, f"sum of {c_in * k * k} products\n+ bias = one node", ha="center",
            fontsize=9, color=PURPLE)
    sx = mx + out * s + 2.2
    for j in range(n_kernels):                                            # K kernels, a little apart
        colour, _ = STYLES[j % len(STYLES)]
        _box(ax, sx + j * 0.35, j * 0.5, k * s, k * s, c_in * s, colour, alpha=0.6)
    ax.text(sx + k * s, -0.35, f"K = {n_kernels} kernels\n(K, C_in, k, k)", ha="center", va="top", fontsize=10)
    ox = sx + n_kernels * 0.35 + k * s + c_in * s * 0.5 + 1.6
    _box(ax, ox, 0, out * s, out * s, n_kernels * s, "white")
    ax.text(ox + out * s / 2, -0.35, f"K maps\n{n_kernels} x {out} x {out}", ha="center", va="top", fontsize=10)
    ax.add_patch(FancyArrowPatch((ox - 1.3, out * s / 2), (ox - 0.2, out * s / 2), arrowstyle="-|>",
                                 mutation_scale=12, color="0.2", lw=1.4))
    ax.set_xlim(-0.3, ox + out * s + n_kernels * s * 0.5 + 0.3)
    ax.set_ylim(-1.5, height * s + c_in * s * 0.4 + 0.9)
    return fig


def pooling_figure(x, pooled_max, pooled_avg, dpooled, dx_max, dx_avg, kernel_size=2):
    """Max and average pooling of a small (H, W) array, forward (top row) and backward (bottom row).

    Top: the input with its k x k windows outlined, then the max and the average of each window,
    on one shared colour scale. Bottom: the upstream gradient, then what each pooling sends back
    to its input (max: all to the window's maximum; average: an equal share, dy / k², to every
    position), on a second shared scale. All arrays are 2-D; every value is written in its cell.
    Returns the Figure.
    """
    arrays = [np.asarray(a, dtype=float) for a in (x, pooled_max, pooled_avg, dpooled, dx_max, dx_avg)]
    if any(a.ndim != 2 for a in arrays):
        raise ValueError(f"pooling_figure: every array must be 2-D (H, W), got shapes {[a.shape for a in arrays]}. "
                         f"Hint: pass one channel of one example, e.g. x[0, 0].")
    x, pooled_max, pooled_avg, dpooled, dx_max, dx_avg = arrays
    fig, axes = plt.subplots(2, 3, figsize=(8.4, 5.8), dpi=80, layout="constrained")
    top = (0, max(x.max(), 1e-12))
    bottom = (0, max(dpooled.max(), dx_max.max(), 1e-12))
    titles = [f"input, {kernel_size}x{kernel_size} windows", "max pooling", "average pooling",
              "upstream gradient dY", "max: dY to each window's max", f"average: dY / {kernel_size ** 2} everywhere"]
    for ax, a, title, lim in zip(axes.flat, arrays, titles, [top] * 3 + [bottom] * 3):
        image = show_array(ax, a, title, cmap=SEQUENTIAL, signed=False, numbers=True, fmt="{:.3g}")
        image.set_clim(*lim)
    for ax, a in ((axes[0, 0], x), (axes[1, 1], dx_max), (axes[1, 2], dx_avg)):
        for i in range(0, a.shape[0] - kernel_size + 1, kernel_size):
            for j in range(0, a.shape[1] - kernel_size + 1, kernel_size):
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), kernel_size, kernel_size, fill=False, ec=ORANGE, lw=2.5))
    return fig
