"""Notebook 02's explorers: kernels on the photo (KernelExplorer) and one node's sum (NodeInspector)."""
import ipywidgets as widgets
import numpy as np

from ..arithmetic import output_size
from ..data import sample_image
from ..functional import conv2d
from ..kernels import KERNEL_NAMES, RESIZABLE, downscale, kernel
from ..viz import IMAGE, show_array, symmetric_limits
from ..viz.kernels import NodeDrawing, heading, map_style, number_texts, write_numbers
from .base import Explorer

MAX_NUMBERS = 5          # kernels up to 5 x 5 show their numbers; bigger ones only colours


def small_photo():
    """The course photo in grey, shrunk 4x by block averaging: (600, 512) -> (150, 128), float32."""
    return downscale(sample_image(grey=True), 4)


class KernelExplorer(Explorer):
    """Pick a kernel (or type 3x3 weights), its size (blur / identity) and a stride; see the feature map.

    ``image``: a grey (H, W) array (default: :func:`small_photo`, 150 x 128). The feature map is
    ``conv2d(image[None, None], kernel[None, None], stride)[0, 0]``, shape (OH, OW).
    """

    title = "kernel explorer"
    image_width = 760

    def __init__(self, image=None, name="vertical_edge", size=3, stride=1):
        super().__init__(figsize=(9.5, 3.6))
        self.x = small_photo() if image is None else np.asarray(image, dtype=np.float32)   # (H, W)
        self.name = widgets.Dropdown(options=KERNEL_NAMES + ("custom",), value=name, description="kernel")
        self.size = widgets.IntSlider(value=size, min=1, max=9, step=2, description="kernel size",
                                      continuous_update=False)
        self.stride = widgets.IntSlider(value=stride, min=1, max=8, description="stride", continuous_update=False)
        start = kernel("sobel_x")
        self.cells = [widgets.FloatText(value=float(v), layout=widgets.Layout(width="62px")) for v in start.flat]
        for cell in self.cells:
            cell.observe(lambda change: self.refresh(), names="value")

        ax_x, ax_k, ax_y = self.fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 0.8, 1]})
        show_array(ax_x, self.x, cmap=IMAGE)
        heading(ax_x, f"input {self.x.shape[0]} x {self.x.shape[1]}")
        self.k_image = show_array(ax_k, np.zeros((3, 3)), signed=True)
        self.k_text = number_texts(ax_k, MAX_NUMBERS, MAX_NUMBERS)
        self.k_title, self.y_title = heading(ax_k, "kernel"), heading(ax_y, "feature map")
        self.y_image = show_array(ax_y, np.zeros((2, 2)), cmap=IMAGE)
        grid = widgets.GridBox(self.cells, layout=widgets.Layout(grid_template_columns="repeat(3, 66px)"))
        self.custom_box = widgets.VBox([widgets.Label("custom 3x3 weights:"), grid])
        self.finish(self.name, self.size, self.stride)
        self.fig.set_layout_engine(None)    # freeze the first layout: no layout pass (a second draw) per move
        controls = widgets.VBox([widgets.HBox([self.name, self.stride]), self.size])
        self.widget.children = (widgets.HBox([controls, self.custom_box]),) + self.widget.children[1:]

    def weights(self):
        """The chosen kernel as a (k, k) array; raises ValueError with a hint if it cannot exist."""
        name = self.name.value
        if name == "custom":
            return np.array([c.value for c in self.cells]).reshape(3, 3)
        return kernel(name, self.size.value if name in RESIZABLE else 3)

    def update(self):
        name, s = self.name.value, self.stride.value
        self.size.disabled = name not in RESIZABLE
        self.custom_box.layout.display = None if name == "custom" else "none"
        try:
            w = self.weights()
        except ValueError as err:
            return self.explain(f"{err} The drawing shows the last kernel that worked.")
        if not np.all(np.isfinite(w)):
            return self.explain("every weight must be a finite number. The drawing shows the last kernel that worked.")
        k = w.shape[0]
        H, W = self.x.shape
        y = conv2d(self.x[None, None], w[None, None], stride=s)[0, 0]    # (1, 1, H, W) -> (OH, OW)
        self._draw_kernel(w)
        cmap, vmin, vmax = map_style(w, y)
        self.y_image.set_data(y)
        self.y_image.set_cmap(cmap)
        self.y_image.set_clim(vmin, vmax)
        self.y_image.set_extent((-0.5, y.shape[1] - 0.5, y.shape[0] - 0.5, -0.5))
        self.y_title.set_text(f"feature map {y.shape[0]} x {y.shape[1]}")
        weights = f" (weights {w.min():.2g} to {w.max():.2g})" if k > MAX_NUMBERS else ""
        return (f"{name} kernel {k} x {k}{weights}, stride {s}: input {H} x {W} -> feature map "
                f"{y.shape[0]} x {y.shape[1]} (output_size({H}, {k}, {s}) = {output_size(H, k, s)}; "
                f"output_size({W}, {k}, {s}) = {output_size(W, k, s)}); values {y.min():.2f} to {y.max():.2f}.")

    def _draw_kernel(self, w):
        k = w.shape[0]
        self.k_image.set_data(w)
        self.k_image.set_clim(*symmetric_limits(w))
        self.k_image.set_extent((-0.5, k - 0.5, k - 0.5, -0.5))
        self.k_title.set_text(f"kernel {k} x {k}")
        write_numbers(self.k_text, w if k <= MAX_NUMBERS else np.zeros((0, 0)), self.k_image)


class NodeInspector(Explorer):
    """Row and column sliders for one node of a small image's feature map: its receptive field and sum.

    ``image``: a small grey (H, W) array (default: a 10 x 10 crop of :func:`small_photo` across the
    edge of the collar); ``name``: a catalogue kernel name or a (k, k) array. The sliders range
    over the input's rows and columns, so the learner meets the positions where no node exists.
    """

    title = "node inspector"
    image_width = 800

    def __init__(self, image=None, name="vertical_edge", stride=1):
        super().__init__(figsize=(11, 2.9))
        self.x = small_photo()[95:105, 45:55] if image is None else np.asarray(image, dtype=np.float64)
        self.w = kernel(name) if isinstance(name, str) else np.asarray(name, dtype=np.float64)
        self.s = stride
        self.y = conv2d(self.x[None, None], self.w[None, None], stride=stride)[0, 0]    # (OH, OW)
        self.drawing = NodeDrawing(self.fig, self.x, self.w, self.y, stride)
        H, W = self.x.shape
        self.row = widgets.IntSlider(value=0, min=0, max=H - 1, description="node row")
        self.col = widgets.IntSlider(value=0, min=0, max=W - 1, description="node column")
        self.finish(self.row, self.col)
        self.fig.set_layout_engine(None)    # freeze the first layout: no layout pass (a second draw) per move

    def update(self):
        i, j = self.row.value, self.col.value
        OH, OW = self.y.shape
        k, (H, W) = self.w.shape[0], self.x.shape
        if i >= OH or j >= OW:
            axis, n, size, index = ("row", OH, H, i) if i >= OH else ("column", OW, W, j)
            return self.explain(
                f"node {axis} {index} does not exist. The feature map has {n} {axis}s (0 to {n - 1}): a {k}x{k} "
                f"kernel at stride {self.s} fits {n} times in {size} input {axis}s; one more would stick out.")
        total = self.drawing.show(i, j)
        return (f"node ({i}, {j}) sees input rows {i * self.s} to {i * self.s + k - 1} and columns "
                f"{j * self.s} to {j * self.s + k - 1}; sum of the {k * k} products = {total:.4f} "
                f"= feature map value {self.y[i, j]:.4f}.")


def demo_moves():
    """Control moves for benchmarks/bench_widgets.py: ``[(label, explorer, control, values)]``."""
    explorer, blur, inspector = KernelExplorer(), KernelExplorer(name="box_blur"), NodeInspector()
    return [("02 kernel explorer: stride", explorer, explorer.stride, [1, 2, 4, 8, 3] * 4),
            ("02 kernel explorer: kernel", explorer, explorer.name, list(KERNEL_NAMES) * 2),
            ("02 kernel explorer: size (box blur)", blur, blur.size, [3, 5, 7, 9, 1] * 4),
            ("02 node inspector: row", inspector, inspector.row, [1, 4, 7, 2, 5] * 4)]
