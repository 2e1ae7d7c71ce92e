"""Learner-style bad (and odd but valid) calls to cnn_lib.widgets and cnn_lib.viz (contract 7, issue 12).

Each case is ``(target, call, expect)``: ``expect`` is an exception class (the message must name the
target's last part and contain "got" and "Hint") or a function that checks the result of a valid call.
Widget constructors refuse values outside their controls' ranges (never clamp); nothing raises out of
a control's callback (the status line explains, the marker says ``ok: False``).
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from cnn_lib.layers import Conv2d, Flatten, Linear, ReLU, Sequential
from cnn_lib.train import History
from cnn_lib.viz import activations, backprop, canvas, convolution, diagrams, stride, style, training
from cnn_lib.widgets import base, digit_explorer, hello_explorer, kernel_explorers, layer_explorer
from cnn_lib.widgets import stride_explorer, training_stepper

W, V = "cnn_lib.widgets.", "cnn_lib.viz."
X = np.random.default_rng(0).random((3, 1, 8, 8))        # three tiny "digits"
Y = np.array([0, 1, 2])
BATCH = np.zeros((2, 1, 6, 6))                             # an (N, C, H, W) batch where one map belongs


def net():
    """A tiny network for 8 x 8 inputs: conv maps (2, 6, 6), then 3 scores."""
    return Sequential(Conv2d(1, 2, 3, rng=np.random.default_rng(0)), ReLU(), Flatten(),
                      Linear(72, 3, rng=np.random.default_rng(1)))


def is_figure(result):
    assert isinstance(result, Figure), type(result)
    plt.close(result)                             # pyplot figures: do not pile up across cases


def state(**expected):
    """Checks an explorer's state (``explorer.move(...)`` returns it) holds ``expected``."""
    def check(result):
        assert {k: result.get(k) for k in expected} == expected, result
    return check


def moved(make, control, value):
    explorer = make()
    return explorer.move(getattr(explorer, control), value)


def hello(n=4):
    return hello_explorer.HelloExplorer(n)


def stepper():
    return training_stepper.TrainingStepper()


CASES = [
    # ---------------------------------------------------------------- widgets: constructors refuse, never clamp
    (W + "HelloExplorer", lambda: hello(0), ValueError),
    (W + "HelloExplorer", lambda: hello(4.5), TypeError),
    (W + "HelloExplorer", lambda: hello(np.int64(5)).state(), state(ok=True, squares=5)),
    (W + "HelloExplorer.update", lambda: moved(hello, "slider", 12), state(squares=12)),
    (W + "StrideExplorer", lambda: stride_explorer.StrideExplorer(n=50), ValueError),
    (W + "StrideExplorer", lambda: stride_explorer.StrideExplorer(stride=0), ValueError),
    (W + "StrideExplorer", lambda: stride_explorer.StrideExplorer(kernel_size=12), ValueError),
    (W + "StrideExplorer", lambda: stride_explorer.StrideExplorer(padding=-1), ValueError),
    (W + "StrideExplorer", lambda: stride_explorer.StrideExplorer(dilation=2.0), TypeError),
    (W + "StrideExplorer", lambda: stride_explorer.StrideExplorer(n=3, kernel_size=9), ValueError),
    (W + "StrideExplorer", lambda: stride_explorer.StrideExplorer(n=10, kernel_size=3, stride=2, position=16),
     ValueError),                                                            # 4 x 4 outputs: positions 0..15
    (W + "StrideExplorer.update", lambda: moved(stride_explorer.StrideExplorer, "kernel", 11),
     state(ok=False, reason="too-big")),                                   # n=10: explained, not raised
    (W + "StrideExplorer.update", lambda: moved(lambda: stride_explorer.StrideExplorer(position=15), "stride", 3),
     state(ok=True, out=3, position=8)),                                   # position follows the new range
    (W + "stride_explorer.plural", lambda: stride_explorer.plural(1, "pixel") + stride_explorer.plural(0, "pixel"),
     lambda text: text == "1 pixel0 pixels"),
    (W + "KernelExplorer", lambda: kernel_explorers.KernelExplorer(size=4), ValueError),
    (W + "KernelExplorer", lambda: kernel_explorers.KernelExplorer(size=11), ValueError),
    (W + "KernelExplorer", lambda: kernel_explorers.KernelExplorer(stride=0), ValueError),
    (W + "KernelExplorer", lambda: kernel_explorers.KernelExplorer(name="sobel"), ValueError),
    (W + "KernelExplorer", lambda: kernel_explorers.KernelExplorer(name="sobel_y", size=5), ValueError),
    (W + "KernelExplorer", lambda: kernel_explorers.KernelExplorer(image=np.zeros((20, 20, 3))), ValueError),
    (W + "KernelExplorer", lambda: kernel_explorers.KernelExplorer(image=[[1, 2], [3, np.nan]]), ValueError),
    (W + "KernelExplorer.update",                                          # a small image: explained, not raised
     lambda: moved(lambda: kernel_explorers.KernelExplorer(image=np.ones((4, 4)), name="box_blur"), "size", 7),
     state(ok=False, reason="too-big")),
    (W + "KernelExplorer.update",                                          # sobel_y: size disabled, reason shown
     lambda: moved(lambda: kernel_explorers.KernelExplorer(name="box_blur", size=9), "name", "sobel_y"),
     state(ok=True, size=3, size_fixed=True)),
    (W + "KernelExplorer.update", lambda: moved(lambda: kernel_explorers.KernelExplorer(name="custom"), "stride", 8),
     state(ok=True, out=[19, 16])),
    (W + "KernelExplorer.update",                                          # 1e308 prints readably, never 300 digits
     lambda: (lambda e: (e.move(e.cells[0], -1e308), e.status.value)[1])(kernel_explorers.KernelExplorer(
         name="custom")), lambda text: "e+308" in text and len(text) < 400),
    (W + "kernel_explorers.small_photo", lambda: kernel_explorers.small_photo(),
     lambda x: x.shape == (150, 128) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1),
    (W + "NodeInspector", lambda: kernel_explorers.NodeInspector(stride=0), ValueError),
    (W + "NodeInspector", lambda: kernel_explorers.NodeInspector(image=np.ones((2, 2))), ValueError),
    (W + "NodeInspector", lambda: kernel_explorers.NodeInspector(name="blur"), ValueError),
    (W + "NodeInspector", lambda: kernel_explorers.NodeInspector(name=np.ones((3, 2))), ValueError),
    (W + "NodeInspector.update", lambda: moved(kernel_explorers.NodeInspector, "row", 9),
     state(ok=False, reason="no-node")),                                   # row 9 of an 8 x 8 map: explained
    (W + "LayerExplorer", lambda: layer_explorer.LayerExplorer(net(), X, Y, index=500), ValueError),
    (W + "LayerExplorer", lambda: layer_explorer.LayerExplorer(net(), X, Y, layer=9), ValueError),
    (W + "LayerExplorer", lambda: layer_explorer.LayerExplorer("net", X, Y), TypeError),
    (W + "LayerExplorer", lambda: layer_explorer.LayerExplorer(net(), X[:, 0], Y), ValueError),      # (N, H, W)
    (W + "LayerExplorer", lambda: layer_explorer.LayerExplorer(net(), X, Y, photo=np.zeros((3, 8, 8))), ValueError),
    (W + "LayerExplorer.update", lambda: moved(lambda: layer_explorer.LayerExplorer(net(), X, Y), "layer", "softmax"),
     state(ok=True, shape=[3])),
    (W + "LayerExplorer.update", lambda: moved(lambda: layer_explorer.LayerExplorer(net(), X, Y), "use_photo", True),
     state(ok=False, reason="impossible")),                                # no photo given: explained
    (W + "DigitExplorer", lambda: digit_explorer.DigitExplorer(None, X, Y), TypeError),
    (W + "DigitExplorer", lambda: digit_explorer.DigitExplorer(net(), X, Y, layers=(0,), index=3), ValueError),
    (W + "DigitExplorer", lambda: digit_explorer.DigitExplorer(net(), X, Y, layers=(3,)), ValueError),   # Linear
    (W + "DigitExplorer", lambda: digit_explorer.DigitExplorer(net(), X, Y, layers=(9,)), ValueError),
    (W + "DigitExplorer", lambda: digit_explorer.DigitExplorer(net(), X[:, 0], Y, layers=(1,)), ValueError),
    (W + "DigitExplorer.update",
     lambda: moved(lambda: digit_explorer.DigitExplorer(net(), X, Y, layers=(0, 1), names=["a", "b"]), "slider", 2),
     state(ok=True, digit=2, label=2)),
    (W + "TrainingMonitor", lambda: digit_explorer.TrainingMonitor(0), ValueError),
    (W + "TrainingMonitor", lambda: digit_explorer.TrainingMonitor(2.5), TypeError),
    (W + "TrainingMonitor", lambda: digit_explorer.TrainingMonitor(np.int64(3)).total_steps, lambda n: n == 3),
    (W + "TrainingStepper", lambda: training_stepper.TrainingStepper(lr=0.5), ValueError),
    (W + "TrainingStepper", lambda: training_stepper.TrainingStepper(seed=-1), ValueError),
    (W + "TrainingStepper", lambda: training_stepper.TrainingStepper(lr=1).lr.value, lambda lr: lr == 1.0),
    (W + "TrainingStepper.step", lambda: (lambda s: (s.move(s.lr, 30.0), s.step(10))[1])(stepper()),
     lambda result: result.iteration == 10 and np.isfinite(result.loss_after)),      # a huge rate stays finite
    (W + "TrainingStepper.update", lambda: (lambda s: (s.move(s.lr, 0.01), s.move(s.ten_button))[1])(stepper()),
     state(ok=True, iteration=10, lr=0.01)),
    (W + "training_stepper.StepResult", lambda: stepper().step(),
     lambda r: (r.iteration, r.epoch, r.batch) == (1, 1, 1)),
    (W + "base.check_range", lambda: base.check_range("Demo", "k", np.int64(5), 1, 9, step=2), lambda k: k == 5),
    (W + "base.check_choice", lambda: base.check_choice("Demo", "kernel", "box_blur", ("identity", "box_blur")),
     lambda choice: choice == "box_blur"),
    (W + "base.check_choice", lambda: base.check_choice("Demo", "lr", 1, (0.1, 1.0)), lambda c: c == 1.0),
    (W + "Explorer", lambda: base.Explorer(figsize=(2, 2)).png()[:4], lambda head: head == b"\x89PNG"),
    (W + "Explorer.update", lambda: base.Explorer().update(), NotImplementedError),
    # ---------------------------------------------------------------- viz: what the notebooks call
    (V + "show_array", lambda: style.show_array(Figure().subplots(), BATCH), ValueError),
    (V + "symmetric_limits", lambda: style.symmetric_limits([np.inf, 1.0]), lambda lim: lim == (-1.0, 1.0)),
    (V + "symmetric_limits", lambda: style.symmetric_limits([]), lambda lim: lim == (-1.0, 1.0)),
    (V + "new_figure", lambda: canvas.new_figure((2, 1)), is_figure),
    (V + "figure_png", lambda: canvas.figure_png(canvas.new_figure((1, 1)))[:4], lambda head: head == b"\x89PNG"),
    (V + "Drawing", lambda: canvas.Drawing((1, 1), layout=None).png()[:4], lambda head: head == b"\x89PNG"),
    (V + "canvas.CheckerboardDrawing", lambda: canvas.CheckerboardDrawing().show(1), lambda r: r is None),
    (V + "style.as_array", lambda: style.as_array("demo", "x", [[1, 2]], "(H, W)"), lambda x: x.shape == (1, 2)),
    (V + "style.heading", lambda: style.heading(Figure().subplots(), "title").get_text(), lambda t: t == "title"),
    (V + "style.readable_on", lambda: list(style.readable_on(np.array([[1, 1, 1, 1], [0, 0, 0.2, 1]]))),
     lambda colours: colours == ["black", "white"]),
    (V + "style.number_texts", lambda: len(style.number_texts(Figure().subplots(), 2, 3)), lambda n: n == 6),
    (V + "style.write_numbers", lambda: style.write_numbers([], [[1e308]], Figure().subplots().imshow([[1e308]])),
     lambda r: r is None),
    (V + "style.label_cells", lambda: style.label_cells(Figure().subplots(), [[1, 2]], Figure().subplots().imshow(
        [[1, 2]])), lambda r: r is None),
    (V + "style.arrow", lambda: style.arrow(Figure().subplots(), (0, 0), (1, 0), text="forward"), lambda r: r is None),
    (V + "style.square_grid", lambda: style.square_grid(Figure().subplots(), 0, 1, 2, 2, 0.5, np.eye(2)),
     lambda r: r is None),
    (V + "style.cell_borders", lambda: len(style.cell_borders(3, 2)), lambda n: n == 4 + 3),
    (V + "style.axis_categories", lambda: list(style.axis_categories(5, 3, 2, 1)), lambda row: row[0] == style.PAD),
    (V + "style.lanes_image", lambda: style.lanes_image(5, 3, 2).shape, lambda shape: shape == (1 + 1 + 2, 5)),
    (V + "style.grid_image", lambda: style.grid_image(4, 3, current=(0, 0))[0, 0], lambda c: c == style.CURRENT),
    (V + "style.legend_handles", lambda: len(style.legend_handles()), lambda n: n == 4),
    (V + "style.mosaic", lambda: style.mosaic(np.ones((3, 2, 2)), 2).shape, lambda shape: shape == (5, 5)),
    (V + "style.map_cmap", lambda: style.map_cmap(True).get_bad()[:3], lambda rgb: tuple(rgb) == (0.55, 0.55, 0.55)),
    (V + "style.pixel_list", lambda: style.pixel_list([]) + "; " + style.pixel_list([3, 4, 5, 9]),
     lambda text: text == "none; 3-5, 9"),
    (V + "activations.layer_table", lambda: activations.layer_table(net(), (8, 8)), ValueError),
    (V + "activations.LayerTable", lambda: repr(activations.layer_table(net(), (1, 8, 8))),
     lambda text: "Conv2d" in text and "total" in text),
    (V + "activations.steps_figure", lambda: activations.steps_figure([("digit", X, "CHW")]), is_figure),
    (V + "activations.feature_maps_figure", lambda: activations.feature_maps_figure(BATCH, {"conv": X[0]}),
     ValueError),
    (V + "activations.scores_figure", lambda: activations.scores_figure([[1, 2]], [0.3, 0.7]), ValueError),
    (V + "activations.scores_figure", lambda: activations.scores_figure([1, 2], [0.3, 0.7], label=1), is_figure),
    (V + "activations.cross_entropy_figure", lambda: activations.cross_entropy_figure([0.0, 0.5]), ValueError),
    (V + "activations.LayerDrawing", lambda: activations.LayerDrawing(3).show_maps(-np.ones((1, 2, 2))),
     lambda scale: scale == (-1.0, 1.0, True)),
    (V + "convolution.map_style", lambda: convolution.map_style(np.full((3, 3), 1 / 9), np.zeros((2, 2))),
     lambda style_: style_[0] == "gray"),
    (V + "convolution.kernel_gallery", lambda: convolution.kernel_gallery({"k": np.ones(3)}, {"k": np.ones((2, 2))}),
     ValueError),
    (V + "convolution.maps_figure", lambda: convolution.maps_figure([BATCH], ["a batch"]), ValueError),
    (V + "convolution.maps_figure", lambda: convolution.maps_figure([[[1, -1], [0, 2]]], ["a list"], numbers=True),
     is_figure),
    (V + "convolution.profile_figure", lambda: convolution.profile_figure(np.ones((2, 5)), np.ones(3), "r"),
     ValueError),
    (V + "convolution.node_figure", lambda: convolution.node_figure(BATCH, np.ones((3, 3)), 0, 0), ValueError),
    (V + "convolution.KernelDrawing", lambda: convolution.KernelDrawing(np.ones((5, 5))).show(
        np.full((7, 7), 1 / 49), np.ones((1, 1))), lambda r: r is None),                 # 7 x 7: no numbers
    (V + "convolution.NodeDrawing", lambda: convolution.NodeDrawing(np.eye(4), np.ones((3, 3)), np.ones((2, 2))).show(
        1, 1), lambda total: total == 3.0),                                  # the diagonal under the window
    (V + "stride.positions_figure", lambda: stride.positions_figure([(7, 3, 2)]), is_figure),
    (V + "stride.downsampling_figure", lambda: stride.downsampling_figure(BATCH, np.ones((4, 4)), np.ones((2, 2)), 2),
     ValueError),
    (V + "stride.StrideDrawing", lambda: stride.StrideDrawing().png(words=False)[:4], lambda head: head == b"\x89PNG"),
    (V + "stride.TextStamps", lambda: stride.TextStamps(Figure(), 1, 8).place([("a", 0, 0, "left", "top")] * 2),
     ValueError),
    (V + "backprop.draw_tiny_cnn", lambda: backprop.draw_tiny_cnn(), is_figure),
    (V + "backprop.show_panels", lambda: backprop.show_panels([("a batch", BATCH)]), ValueError),
    (V + "backprop.show_panels", lambda: backprop.show_panels([("a list", [[1, 2], [3, 4]])]), is_figure),
    (V + "backprop.plot_loss_curves", lambda: backprop.plot_loss_curves({"lr 0.1": [1.0, 0.5]}), is_figure),
    (V + "backprop.heatmap", lambda: backprop.heatmap(Figure().subplots(), np.zeros((3, 3)), "all zero")[0].get_clim(),
     lambda clim: clim == (-1.0, 1.0)),
    (V + "backprop.set_heatmap", lambda: backprop.set_heatmap(*backprop.heatmap(Figure().subplots(), np.zeros((2, 2)),
                                                                                  "w"), np.full((2, 2), 1e308)),
     lambda r: r is None),
    (V + "backprop.StepperDrawing", lambda: backprop.StepperDrawing(X).show([1.0, 0.5], [0.9], np.eye(3), np.eye(3),
                                                                            [0.5, 0.6, 0.7]), lambda r: r is None),
    (V + "training.tile_maps", lambda: training.tile_maps(BATCH, 2), ValueError),
    (V + "training.digits_figure", lambda: training.digits_figure(X, ["a", "b", "c"]), is_figure),
    (V + "training.mistakes_figure", lambda: training.mistakes_figure(np.zeros((0, 1, 8, 8)), [], [], []), is_figure),
    (V + "training.history_figure", lambda: training.history_figure(History(loss=[1.0], accuracy=[0.5])), is_figure),
    (V + "training.confusion_figure", lambda: training.confusion_figure([1, 2, 3]), ValueError),
    (V + "training.confusion_figure", lambda: training.confusion_figure(np.eye(3, dtype=int) * 5), is_figure),
    (V + "training.kernels_figure", lambda: training.kernels_figure(np.zeros((4, 1, 3, 3))), ValueError),
    (V + "training.feature_maps_figure", lambda: training.feature_maps_figure(BATCH, [[("c", X[:, 0])]]), ValueError),
    (V + "training.DigitDrawing", lambda: training.DigitDrawing([X[:, 0]], ["maps"], 3).show(X[0, 0], [0.2, 0.3, 0.5],
                                                                                              [X[:, 0]], 2),
     lambda r: r is None),
    (V + "diagrams.shape_text", lambda: diagrams.shape_text((8, 26, 26)), lambda text: text == "8×26×26"),
    (V + "diagrams.describe", lambda: diagrams.describe(ReLU()), lambda text: text == "ReLU"),
    (V + "diagrams.layer_schema_figure", lambda: diagrams.layer_schema_figure(net(), (1, 8, 8)), is_figure),
    (V + "diagrams.sliding_kernel_figure", lambda: diagrams.sliding_kernel_figure(np.eye(5), np.eye(3), 1, 1),
     is_figure),
    (V + "diagrams.stride_grid_figure", lambda: diagrams.stride_grid_figure(7, 3, 2), is_figure),
    (V + "diagrams.backprop_flow_figure", lambda: diagrams.backprop_flow_figure(net(), (1, 8, 8)), is_figure),
]


def _asserting(check):
    """A ``lambda result: <bool>`` check made to fail loudly (the runner ignores return values)."""
    def run(result):
        assert check(result), f"unexpected result: {result!r}"
    return run


CASES = [(target, call, _asserting(expect) if getattr(expect, "__name__", "") == "<lambda>" else expect)
         for target, call, expect in CASES]
