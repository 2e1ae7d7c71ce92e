"""Notebook 02's explorers: kernels on the photo (KernelExplorer) and one node's sum (NodeInspector)."""
import ipywidgets as widgets
import numpy as np

from ..arithmetic import output_size
from ..data import sample_image
from ..functional import conv2d
from ..kernels import KERNEL_NAMES, RESIZABLE, downscale, kernel
from ..viz.convolution import KernelDrawing, NodeDrawing
from ..viz.style import as_array
from .base import Explorer, check_choice, check_range

MAX_NUMBERS = 5          # kernels up to 5 x 5 show their numbers; bigger ones only colours


def small_photo():
    """The course photo in grey, shrunk 4x by block averaging: (600, 512) -> (150, 128), float32."""
    return downscale(sample_image(grey=True), 4)


class KernelExplorer(Explorer):
    """Pick a kernel (or type 3x3 weights), its size (blur / identity) and a stride; see the feature map.

    ``image``: a grey (H, W) array (default: :func:`small_photo`, 150 x 128). The feature map is
    ``conv2d(image[None, None], kernel[None, None], stride)[0, 0]``, shape (OH, OW). The kernel size
    applies to the kernels that come in any odd size (``RESIZABLE``); for the fixed 3x3 ones the size
    slider is disabled and says why.
    """

    title = "kernel explorer"
    image_width = 760

    def __init__(self, image=None, name="vertical_edge", size=3, stride=1):
        image = small_photo() if image is None else as_array("KernelExplorer", "image", image, "(H, W)")
        self.x = image.astype(np.float32)                                               # (H, W)
        check_choice("KernelExplorer", "name", name, KERNEL_NAMES + ("custom",))
        if name not in RESIZABLE and size != 3:
            raise ValueError(f"KernelExplorer: size must be 3 for the {name!r} kernel, got {size!r}. Hint: only "
                             f"{', '.join(RESIZABLE)} come in other sizes; leave size out or pick one of them.")
        super().__init__(drawing=KernelDrawing(self.x, MAX_NUMBERS))
        self.name = widgets.Dropdown(options=KERNEL_NAMES + ("custom",), value=name, description="kernel")
        self.size = self.int_slider("size", size, 1, 9, 2, "kernel sizes are odd: 1, 3, 5, 7 or 9",
                                description="kernel size", continuous_update=False)
        self.size_note = widgets.HTML()
        self.stride = self.int_slider("stride", stride, 1, 8, description="stride", continuous_update=False)
        self.cells = [widgets.FloatText(value=float(v), layout=widgets.Layout(width="62px")).add_class("custom-weight")
                      for v in kernel("sobel_x").flat]                 # the class: for the browser tests
        self._sizes, self._last_name = {}, None  # the size each resizable kernel was last shown at
        grid = widgets.GridBox(self.cells, layout=widgets.Layout(grid_template_columns="repeat(3, 66px)"))
        self.custom_box = widgets.VBox([widgets.Label("custom 3x3 weights:"), grid])
        self.finish(self.name, self.size, self.stride, *self.cells)
        controls = widgets.VBox([widgets.HBox([self.name, self.stride]), widgets.HBox([self.size, self.size_note])])
        self.widget.children = (widgets.HBox([controls, self.custom_box]),) + self.widget.children[1:]

    def weights(self):
        """The chosen kernel as a (k, k) array; raises ValueError with a hint if it cannot exist."""
        name = self.name.value
        if name == "custom":
            return np.array([c.value for c in self.cells], dtype=np.float64).reshape(3, 3)
        return kernel(name, self.size.value if name in RESIZABLE else 3)

    def _size_control(self, name):
        """Enable the size slider for resizable kernels; for the others show 3, disabled, and say why."""
        resizable, switched = name in RESIZABLE, name != self._last_name
        self._last_name = name
        if resizable:
            if switched:                         # back to a kernel: the size it had
                self.size.value = self._sizes.get(name, self.size.value)
            self._sizes[name] = self.size.value
        else:
            self.size.value = 3
        self.size.disabled = not resizable
        self.size_note.value = "" if resizable else (
            f"<span class='kernel-size-fixed'>{'your' if name == 'custom' else 'the'} <b>{name}</b> kernel is "
            f"3 x 3 only; pick identity, box_blur or gaussian_blur to change the size</span>")

    def update(self):
        name, s = self.name.value, self.stride.value
        self._size_control(name)
        self.custom_box.layout.display = None if name == "custom" else "none"
        self.facts.update(kernel=name, size_fixed=self.size.disabled, stride=s)
        w = self.weights()
        k, (H, W) = w.shape[0], self.x.shape
        if not np.all(np.isfinite(w)):
            return self.explain("every weight must be a finite number. The drawing shows the last kernel that worked.",
                                reason="weights")
        if k > min(H, W):
            return self.explain(f"a {k} x {k} kernel does not fit in the {H} x {W} input, so there is no feature "
                                f"map. Pick a smaller kernel size (at most {min(H, W)}). The drawing shows the last "
                                f"kernel that worked.", reason="too-big")
        with np.errstate(all="ignore"):
            y = conv2d(self.x[None, None], w[None, None], stride=s)[0, 0]    # (1, 1, H, W) -> (OH, OW)
        if not np.all(np.isfinite(y)):
            return self.explain(f"weights this large (up to {np.abs(w).max():.3g}) make the feature map overflow "
                                f"(its sums pass the largest float, about 1.8e308). Use smaller weights.",
                                reason="overflow")
        self.drawing.show(w, y)
        self.facts.update(size=k, out=list(y.shape))
        weights = f" (weights {w.min():.2g} to {w.max():.2g})" if k > MAX_NUMBERS else ""
        low, high = (f"{v:.2f}" if abs(v) < 1e5 else f"{v:.3g}" for v in (y.min(), y.max()))   # 1e308: no 300 digits
        return (f"{name} kernel {k} x {k}{weights}, stride {s}: input {H} x {W} -> feature map "
                f"{y.shape[0]} x {y.shape[1]} (output_size({H}, {k}, {s}) = {output_size(H, k, s)}; "
                f"output_size({W}, {k}, {s}) = {output_size(W, k, s)}); values {low} to {high}.")


class NodeInspector(Explorer):
    """Row and column sliders for one node of a small image's feature map: its receptive field and sum.

    ``image``: a small grey (H, W) array (default: a 10 x 10 crop of :func:`small_photo` across the
    edge of the collar); ``name``: a catalogue kernel name or a (k, k) array. The sliders range
    over the input's rows and columns, so the learner meets the positions where no node exists.
    """

    title = "node inspector"
    image_width = 800

    def __init__(self, image=None, name="vertical_edge", stride=1):
        self.x = small_photo()[95:105, 45:55] if image is None else as_array("NodeInspector", "image", image, "(H, W)")
        if isinstance(name, str):
            self.w = kernel(check_choice("NodeInspector", "name", name, KERNEL_NAMES))
        else:
            self.w = np.asarray(name, dtype=np.float64)
            if self.w.ndim != 2 or self.w.shape[0] != self.w.shape[1] or not np.all(np.isfinite(self.w)):
                raise ValueError(f"NodeInspector: name must be a kernel name or a square (k, k) array of finite "
                                 f"numbers, got shape {self.w.shape}. Hint: e.g. kernel('sobel_x') from cnn_lib.")
        H, W = self.x.shape
        k = self.w.shape[0]
        if k > min(H, W):
            raise ValueError(f"NodeInspector: the {k} x {k} kernel must fit in the image, got an image of {H} x {W}. "
                             f"Hint: give an image at least {k} x {k}.")
        self.s = check_range("NodeInspector", "stride", stride, 1, min(H, W), hint="a stride of 1 or 2 is usual")
        self.y = conv2d(self.x[None, None], self.w[None, None], stride=self.s)[0, 0]    # (OH, OW)
        super().__init__(drawing=NodeDrawing(self.x, self.w, self.y, self.s))
        self.row = widgets.IntSlider(value=0, min=0, max=H - 1, description="node row")
        self.col = widgets.IntSlider(value=0, min=0, max=W - 1, description="node column")
        self.finish(self.row, self.col)

    def update(self):
        i, j = self.row.value, self.col.value
        OH, OW = self.y.shape
        k, (H, W) = self.w.shape[0], self.x.shape
        if i >= OH or j >= OW:
            axis, n, size, index = ("row", OH, H, i) if i >= OH else ("column", OW, W, j)
            return self.explain(
                f"node {axis} {index} does not exist. The feature map has {n} {axis}s (0 to {n - 1}): a {k}x{k} "
                f"kernel at stride {self.s} fits {n} times in {size} input {axis}s; one more would stick out.",
                reason="no-node")
        total = self.drawing.show(i, j)
        self.facts.update(node=[i, j], value=round(float(self.y[i, j]), 6))
        return (f"node ({i}, {j}) sees input rows {i * self.s} to {i * self.s + k - 1} and columns "
                f"{j * self.s} to {j * self.s + k - 1}; sum of the {k * k} products = {total:.4f} "
                f"= feature map value {self.y[i, j]:.4f}.")
