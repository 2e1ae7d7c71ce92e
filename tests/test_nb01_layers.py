"""Notebook 01 (layers): preprocessing, the layer table, the layer explorer and the exercises."""
import hashlib

import numpy as np
import pytest

import cnn_lib
from cnn_lib import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, conv_params, linear_params
from cnn_lib import preprocess
from cnn_lib.exercises.core import REGISTRY
from cnn_lib.exercises.nb01_layers import (NO_PARAMS_OPTIONS, check_conv_params, check_conv_params_3_16_5,
                                           check_cross_entropy, check_loss_p001, check_no_params, check_pool2_shape,
                                           check_shape)
from cnn_lib.models import small_cnn
from cnn_lib.viz.activations import layer_table
from cnn_lib.widgets.layer_explorer import LayerExplorer


@pytest.fixture(scope="module")
def digits():
    _, _, x_test, y_test = cnn_lib.load_mnist()
    return x_test[:20], y_test[:20]


def digest(explorer):
    return hashlib.sha256(explorer.image.value).hexdigest()


# ---------------------------------------------------------------- preprocess
def test_to_float_scales_uint8_and_checks_floats():
    image = np.array([[0, 51, 255]], dtype=np.uint8)
    out = preprocess.to_float(image)
    assert out.dtype == np.float32 and np.allclose(out, [[0, 0.2, 1]])
    assert preprocess.to_float(np.array([0.5], dtype=np.float64)).dtype == np.float32
    with pytest.raises(ValueError, match=r"got values from 0 to 255.*Hint: .*divide by 255"):
        preprocess.to_float(np.array([0.0, 255.0]))
    with pytest.raises(TypeError, match=r"expected uint8.*got dtype int64.*Hint"):
        preprocess.to_float(np.array([1, 2], dtype=np.int64))


def test_hwc_to_chw_moves_the_channel_axis_first():
    hwc = np.arange(4 * 5 * 3).reshape(4, 5, 3)
    chw = preprocess.hwc_to_chw(hwc)
    assert chw.shape == (3, 4, 5) and chw.flags["C_CONTIGUOUS"]
    assert np.array_equal(chw[2], hwc[:, :, 2])             # channel 2 becomes one 2-D image
    assert preprocess.hwc_to_chw(np.zeros((4, 5))).shape == (1, 4, 5)
    with pytest.raises(ValueError, match=r"got shape \(3, 4, 5\).*Hint: it looks channels-first"):
        preprocess.hwc_to_chw(np.zeros((3, 4, 5)))
    with pytest.raises(ValueError, match=r"must be 3-D.*got shape \(1, 4, 5, 3\).*Hint"):
        preprocess.hwc_to_chw(np.zeros((1, 4, 5, 3)))


def test_center_crop_keeps_the_middle():
    image = np.arange(2 * 6 * 8).reshape(2, 6, 8)
    crop = preprocess.center_crop(image, 4)
    assert crop.shape == (2, 4, 4) and np.array_equal(crop, image[:, 1:5, 2:6])
    assert preprocess.center_crop(image, (2, 8)).shape == (2, 2, 8)
    with pytest.raises(ValueError, match=r"asked for 7 x 7, got an image of 6 x 8.*Hint: .*min\(H, W\) = 6"):
        preprocess.center_crop(image, 7)
    with pytest.raises(ValueError, match=r"\(C, H, W\), got shape \(6, 8\).*hwc_to_chw"):
        preprocess.center_crop(np.zeros((6, 8)), 4)
    with pytest.raises(ValueError, match="size must be a whole number >= 1, got 0"):
        preprocess.center_crop(image, 0)


def test_resize_area_averages_blocks_and_keeps_the_mean():
    rng = np.random.default_rng(0)
    image = rng.random((3, 12, 18)).astype(np.float32)
    out = preprocess.resize(image, (4, 6))
    assert out.shape == (3, 4, 6) and out.dtype == np.float32
    assert np.allclose(out, image.reshape(3, 4, 3, 6, 3).mean(axis=(2, 4)), atol=1e-6)   # 3 x 3 blocks
    odd = preprocess.resize(image, (5, 7))                       # sizes that do not divide
    assert odd.shape == (3, 5, 7) and np.allclose(odd.mean(axis=(1, 2)), image.mean(axis=(1, 2)), atol=1e-5)
    assert np.allclose(preprocess.resize(np.full((1, 9, 9), 0.3, np.float32), 4), 0.3)


def test_resize_up_and_nearest():
    image = np.arange(4, dtype=np.float32).reshape(1, 2, 2)
    expected = np.repeat(np.repeat(image, 2, axis=1), 2, axis=2)
    assert np.array_equal(preprocess.resize(image, 4), expected)
    assert np.array_equal(preprocess.resize(image, 4, method="nearest"), expected)
    big = np.arange(36).reshape(1, 6, 6)
    assert np.array_equal(preprocess.resize(big, 2, method="nearest"), big[:, [1, 4]][:, :, [1, 4]])
    with pytest.raises(ValueError, match=r"'area' or 'nearest', got 'bilinear'.*Hint"):
        preprocess.resize(image, 4, method="bilinear")


def test_to_batch_stacks_same_shaped_images():
    one = np.zeros((1, 4, 4))
    assert preprocess.to_batch(one).shape == (1, 1, 4, 4)
    assert preprocess.to_batch([one, one, one]).shape == (3, 1, 4, 4)
    with pytest.raises(ValueError, match=r"got shapes \[\(1, 4, 4\), \(1, 5, 5\)\].*Hint: resize"):
        preprocess.to_batch([one, np.zeros((1, 5, 5))])


# ---------------------------------------------------------------- the layer table
def test_layer_table_kinds_shapes_and_parameter_sharing():
    model = small_cnn()
    table = layer_table(model, (1, 28, 28))
    kinds = [row["kind"] for row in table.rows]
    assert kinds == ["input"] + ["hidden"] * 7 + ["output", "after the model"]
    assert [row["index"] for row in table.rows] == [None, *range(8), None]      # numbered like model.layers
    assert all(row["layer"] == repr(layer) for row, layer in zip(table.rows[1:], model.layers))
    assert "after the model" in table.rows[-1]["layer"] and table.rows[-1]["params"] == 0
    assert [row["output_shape"] for row in table.rows][:4] == [(1, 28, 28), (8, 26, 26), (8, 26, 26), (8, 13, 13)]
    assert table.rows[6]["output_shape"] == (16, 5, 5) and table.rows[-1]["layer"].startswith("softmax")
    assert table.rows[1]["fc_params"] == linear_params(784, 8 * 26 * 26) == 784 * 5408 + 5408
    assert table.rows[4]["fc_params"] == linear_params(8 * 13 * 13, 16 * 11 * 11)
    assert all(row["fc_params"] is None for i, row in enumerate(table.rows) if i not in (1, 4))
    by_arrays = sum(layer.params[name].size for layer, name in model.parameters())
    assert table.total_params == by_arrays == conv_params(1, 8, 3) + conv_params(8, 16, 3) + linear_params(400, 10)
    assert len(layer_table(model, (1, 28, 28), softmax=False).rows) == 9


def test_layer_table_renders_as_text_and_html():
    table = layer_table(small_cnn(), (1, 28, 28))
    text = repr(table)
    assert text.splitlines()[0].startswith("#  layer") and "4,245,280" in text
    assert text.splitlines()[1].startswith("   input") and text.splitlines()[2].startswith("0  Conv2d(1, 8")
    assert text.splitlines()[-2].startswith("   softmax (applied after the model)")
    assert text.splitlines()[-1].split() == ["total", "5,258"]
    html = table._repr_html_()
    assert html.startswith("<table>") and html.count("<tr>") == 1 + len(table.rows) + 1
    assert "<td>MaxPool2d(kernel_size=2, stride=2)</td>" in html


def test_activations_one_output_per_layer():
    model = small_cnn()
    x = np.random.default_rng(0).random((3, 1, 28, 28)).astype(np.float32)
    outs = model.layer_outputs(x)
    assert len(outs) == len(model.layers)
    assert [out.shape for out in outs] == [(3, *row["output_shape"]) for row in model.summary((1, 28, 28))[1:]]
    assert np.array_equal(outs[0], model.layers[0].forward(x)) and np.array_equal(outs[-1], model.forward(x))


# ---------------------------------------------------------------- the layer explorer
def test_conv_layer_shows_its_feature_maps(digits):
    x, y = digits
    model = small_cnn()
    explorer = LayerExplorer(model, x, y, layer=0)
    assert "Output shape (8, 26, 26): 8 feature maps of 26 x 26 = 5,408 nodes" in explorer.status.value
    assert "layer 0: <code>Conv2d(1, 8" in explorer.status.value
    assert "80 parameters" in explorer.status.value and "a <b>hidden</b> layer" in explorer.status.value
    assert explorer.drawing.maps_ax.get_visible()
    assert not explorer.drawing.bar_ax.get_visible() and not explorer.drawing.vector_ax.get_visible()
    expected = model.layers[0].forward(x[:1])[0]                 # (8, 26, 26)
    tiles = explorer.drawing.maps_art.get_array()                # 8 maps of 26 x 26 in a grid, 1-pixel gaps
    columns = (tiles.shape[1] + 1) // 27
    row, column = divmod(3, columns)
    assert np.allclose(tiles[row * 27:row * 27 + 26, column * 27:column * 27 + 26], expected[3])
    assert columns * ((tiles.shape[0] + 1) // 27) >= 8 and np.ma.getmaskarray(tiles)[26].all()   # a gap row
    lo, hi = explorer.drawing.maps_art.get_clim()
    assert lo == -hi and hi == pytest.approx(np.abs(expected).max())     # signed: 0 in the middle


def test_every_layer_redraws_the_same_figure(digits):
    x, y = digits
    explorer = LayerExplorer(small_cnn(), x, y, layer=0)
    fig, art, n_axes = explorer.fig, explorer.drawing.maps_art, len(explorer.fig.axes)
    values = [value for _, value in explorer.layer.options]
    assert values == ["input", *range(8), "softmax"]                # the numbers of model.layers, and two names
    assert explorer.layer.options[1][0].startswith("0: Conv2d(1, 8")
    seen = set()
    for layer in values:
        explorer.layer.value = layer
        seen.add(digest(explorer))
        assert "Cannot draw" not in explorer.status.value
    assert explorer.fig is fig and explorer.drawing.maps_art is art and len(fig.axes) == n_axes
    assert len(seen) == len(explorer.rows), "every layer should give a different picture"


def test_output_layers_move_the_bars(digits):
    x, y = digits
    model = small_cnn()
    explorer = LayerExplorer(model, x, y, index=2, layer="softmax")
    probs = cnn_lib.softmax(model.forward(x[2:3]))[0]
    assert "<b>softmax</b>, applied after the model" in explorer.status.value
    heights = np.array([bar.get_height() for bar in explorer.drawing.bars])
    assert np.allclose(heights, probs) and heights.sum() == pytest.approx(1)
    assert f"Prediction: {probs.argmax()}, with probability {probs.max():.2f}" in explorer.status.value
    assert explorer.drawing.bars[y[2]].get_hatch() == "//" and explorer.drawing.bar_ax.get_visible()
    explorer.layer.value = 7
    logits = model.forward(x[2:3])[0]
    assert np.allclose([bar.get_height() for bar in explorer.drawing.bars], logits)
    assert "10 scores (logits)" in explorer.status.value and "an <b>output</b> layer" in explorer.status.value


def test_flatten_is_drawn_one_row_per_channel(digits):
    x, y = digits
    explorer = LayerExplorer(small_cnn(), x, y, layer=6)
    assert explorer.drawing.vector_art.get_array().shape == (16, 25)
    assert explorer.drawing.vector_ax.get_visible() and not explorer.drawing.maps_ax.get_visible()
    assert "Output shape (400,): 400 numbers" in explorer.status.value


def test_photo_and_network_toggles(digits):
    x, y = digits
    photo = np.linspace(0, 1, 28 * 28, dtype=np.float32).reshape(1, 28, 28)
    untrained, other = small_cnn(0), small_cnn(1)
    explorer = LayerExplorer({"untrained": untrained, "other": other}, x, y, photo=photo, layer="softmax")
    explorer.use_photo.value = True
    assert np.array_equal(explorer.drawing.input_art.get_array(), photo[0])
    assert "the photo" in explorer.status.value and "label" not in explorer.status.value.split("Prediction")[1]
    before = [bar.get_height() for bar in explorer.drawing.bars]
    explorer.network.value = "other"
    after = [bar.get_height() for bar in explorer.drawing.bars]
    assert np.allclose(after, cnn_lib.softmax(other.forward(photo[None]))[0]) and not np.allclose(before, after)


def test_missing_photo_is_explained_and_keeps_the_last_drawing(digits):
    x, y = digits
    explorer = LayerExplorer(small_cnn(), x, y, layer=0)
    assert explorer.use_photo.disabled
    before = digest(explorer)
    explorer.use_photo.value = True                              # a cell (not the disabled button) can still set it
    assert explorer.status.value.startswith("<b>Cannot draw this:</b> no photo")
    assert digest(explorer) == before


def test_constructor_errors_say_what_was_expected(digits):
    x, y = digits
    with pytest.raises(ValueError, match=r"expected images \(N, C, H, W\) and N labels.*Hint"):
        LayerExplorer(small_cnn(), x[0], y)
    with pytest.raises(ValueError, match=r"photo must be preprocessed to \(1, 28, 28\).*got \(3, 28, 28\).*Hint"):
        LayerExplorer(small_cnn(), x, y, photo=np.zeros((3, 28, 28)))


def test_static_fallback(digits):
    x, y = digits
    bundle = LayerExplorer(small_cnn(), x, y)._repr_mimebundle_()
    assert bundle["image/png"] and bundle["text/plain"].startswith("[layer explorer")


# ---------------------------------------------------------------- exercises
def test_conv_params_checker_names_each_slip():
    assert check_conv_params_3_16_5(1216)
    for wrong, words in {1200: "forgot the bias", 416: "forgot the input channels", 400: "and the bias",
                         76: "16 kernels", 256: "square"}.items():
        feedback = check_conv_params_3_16_5(wrong)
        assert not feedback and words in feedback.message, (wrong, feedback.message)
    assert check_conv_params(80, 1, 8, 3) and "too large" in check_conv_params(5000, 1, 8, 3).message


def test_shape_checker():
    assert check_pool2_shape((16, 5, 5)) and check_pool2_shape([16, 5, 5])
    assert check_pool2_shape(tuple(np.array([16, 5, 5])))                  # numpy integers count too
    assert "rounded up" in check_pool2_shape((16, 6, 6)).message
    assert "channels first" in check_pool2_shape((5, 5, 16)).message
    assert "batch axis" in check_pool2_shape((1, 16, 5, 5)).message
    assert "16 kernels" in check_pool2_shape((8, 5, 5)).message
    assert "tuple of whole numbers" in check_pool2_shape("16, 5, 5").message
    assert "3 numbers" in check_shape((1, 2), (1, 2, 3)).message
    assert "replace the ..." in check_pool2_shape(...).message
    other = check_pool2_shape((16, 4, 4))                                    # no named slip: the concrete recipe
    assert "n - 3 + 1" in other.message and "floor(n / 2)" in other.message
    assert repr(other).lower().count("not yet") == 1 and "above" not in other.message


def test_no_params_and_cross_entropy_checkers():
    assert check_no_params("b") and check_no_params(" B ")
    assert "fixed function" in check_no_params("a").message and "choose one of" in check_no_params("e").message
    assert set(NO_PARAMS_OPTIONS) == {"a", "b", "c", "d"}
    # the right option names exactly the rows with 0 parameters in the table
    table = layer_table(small_cnn(), (1, 28, 28))
    zero = {row["layer"].split("(")[0].split()[0] for row in table.rows if row["params"] == 0}
    assert zero == {"input", "ReLU", "MaxPool2d", "Flatten", "softmax"}
    assert all(name in NO_PARAMS_OPTIONS["b"] for name in zero)
    assert check_loss_p001(4.6) and check_loss_p001(4.605) and check_loss_p001(4.61)
    for near_miss in (4.65, 4.56, 4.59, 4.62):                              # two decimals means two decimals
        assert not check_loss_p001(near_miss), near_miss
    assert "natural log" in check_loss_p001(2).message and "minus sign" in check_loss_p001(-4.6).message
    assert check_cross_entropy(0.693, 0.5) and "too large" in check_cross_entropy(3, 0.5).message


@pytest.mark.parametrize("name", [n for n in REGISTRY if n.startswith("layers.")])
def test_registered_exercises(name):
    """The same audit as tests/test_exercises.py, for this module's exercises (registered on import above)."""
    exercise = REGISTRY[name]
    assert exercise.check(exercise.solution), name
    assert len(exercise.wrong) >= 3
    for answer, words in exercise.wrong.items():
        feedback = exercise.check(answer)
        assert not feedback and words.lower() in feedback.message.lower(), (name, answer, feedback.message)
    assert "replace the ..." in exercise.check(...).message


def test_the_layers_exercises_are_registered():
    # no_params and cross_entropy_p0.01 gave their answers away (issue 15): the notebook now asks
    # loss_from_scores and output_layer_params_32; the older checkers stay available to teachers
    assert {n for n in REGISTRY if n.startswith("layers.")} == {
        "layers.shape_after_second_pool", "layers.conv_params_3_16_5", "layers.no_params", "layers.cross_entropy_p0.01",
        "layers.loss_from_scores", "layers.output_layer_params_32"}


def test_networks_with_different_layers_are_refused(digits):
    x, y = digits
    other = Sequential(Conv2d(1, 4, 3), ReLU(), Flatten(), Linear(4 * 26 * 26, 10))
    with pytest.raises(ValueError, match=r"must have the same layers and shapes.*Hint"):
        LayerExplorer({"a": small_cnn(), "b": other}, x, y)


def test_static_figures_show_what_they_say():
    import matplotlib.pyplot as plt
    from cnn_lib.viz.activations import cross_entropy_figure, feature_maps_figure, scores_figure, steps_figure
    stored = np.zeros((6, 4, 3), dtype=np.uint8)
    fig = steps_figure([("stored", stored, "HWC"), ("chw", preprocess.hwc_to_chw(preprocess.to_float(stored)), "CHW"),
                        ("batch", np.zeros((2, 1, 5, 5), np.float32), "CHW")])
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["stored\n(6, 4, 3) uint8", "chw\n(3, 6, 4) float32", "batch\n(2, 1, 5, 5) float32"]
    assert fig.axes[1].images[0].get_array().shape == (6, 4, 3)       # CHW drawn back as an image
    maps = np.random.default_rng(0).normal(size=(3, 5, 5))
    fig = feature_maps_figure(np.zeros((8, 8)), {"a": maps, "b": np.abs(maps)})
    assert len(fig.axes) == 2 * (2 + 3) + 2                            # grid + one colour bar per row
    signed, positive = fig.axes[2].images[0], fig.axes[2 + 5].images[0]
    assert signed.get_clim()[0] == -signed.get_clim()[1] and positive.get_clim()[0] == 0
    logits = np.array([1.0, -2.0, 3.0])
    fig = scores_figure(logits, cnn_lib.softmax(logits), label=1)
    assert [p.get_height() for p in fig.axes[0].patches] == [1.0, -2.0, 3.0]
    assert fig.axes[1].patches[1].get_hatch() == "//" and fig.axes[1].patches[0].get_hatch() is None
    fig = cross_entropy_figure([0.5, 0.01])
    assert [t.get_text() for t in fig.axes[0].texts] == ["p = 0.5: loss 0.69", "p = 0.01: loss 4.61"]
    plt.close("all")
