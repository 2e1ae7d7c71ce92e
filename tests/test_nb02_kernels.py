"""Notebook 02: the kernel catalogue, the downscaler, the two explorers and the exercise checkers."""
import hashlib

import numpy as np
import pytest

import cnn_lib
from cnn_lib.exercises import core
from cnn_lib.exercises import nb02_kernels as ex
from cnn_lib.kernels import KERNEL_NAMES, downscale, kernel
from cnn_lib.receptive import extent, influence
from cnn_lib.widgets.kernel_explorers import KernelExplorer, NodeInspector, small_photo


def digest(explorer):
    return hashlib.sha256(explorer.image.value).hexdigest()


# ---------------------------------------------------------------- cnn_lib.kernels
@pytest.mark.parametrize("name", KERNEL_NAMES)
def test_every_kernel_is_a_3x3_float_array_whose_weights_sum_to_0_or_1(name):
    w = kernel(name)
    assert w.shape == (3, 3) and w.dtype == np.float64
    assert np.isclose(w.sum(), 0.0) or np.isclose(w.sum(), 1.0)


def test_kernel_values():
    assert np.array_equal(kernel("identity"), np.eye(3)[1][:, None] * np.eye(3)[1])
    assert np.allclose(kernel("box_blur", 5), np.full((5, 5), 1 / 25))
    assert np.allclose(kernel("gaussian_blur") * 16, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    assert np.allclose(kernel("gaussian_blur", 5)[2], np.array([6, 24, 36, 24, 6]) / 256)
    assert np.array_equal(kernel("horizontal_edge"), kernel("vertical_edge").T)
    assert np.array_equal(kernel("sobel_y"), kernel("sobel_x").T)
    assert kernel("identity", 7)[3, 3] == 1 and kernel("identity", 7).sum() == 1


def test_kernel_returns_a_fresh_array():
    kernel("sobel_x")[0, 0] = 99
    assert kernel("sobel_x")[0, 0] == 1


def test_vertical_edge_kernel_is_zero_on_flat_areas_and_signed_on_an_edge():
    step = np.tile([0.2] * 4 + [0.9] * 4, (3, 1))                      # (3, 8): dark left, bright right
    y = cnn_lib.conv2d(step[None, None], kernel("vertical_edge")[None, None])[0, 0]   # (1, 6)
    assert np.allclose(y, [[0, 0, -2.1, -2.1, 0, 0]])


@pytest.mark.parametrize("args, words", [
    (("blur",), ["unknown kernel name 'blur'", "box_blur", "sobel_y"]),
    (("sobel_x", 5), ["size 3 only", "got size 5", "Hint"]),
    (("box_blur", 4), ["odd", "got 4", "try 3 or 5"]),
    (("gaussian_blur", 0), ["odd", "got 0", "try 1 or 3"]),
])
def test_kernel_errors_say_what_was_expected_what_came_and_a_hint(args, words):
    with pytest.raises(ValueError) as info:
        kernel(*args)
    for word in words:
        assert word in str(info.value)


def test_kernel_size_must_be_an_int():
    with pytest.raises(TypeError, match="whole number"):
        kernel("box_blur", 3.0)
    with pytest.raises(TypeError):
        kernel("box_blur", True)
    assert kernel("box_blur", np.int64(3)).shape == (3, 3)


def test_downscale_averages_blocks():
    image = np.arange(16, dtype=float).reshape(4, 4)
    assert np.array_equal(downscale(image, 2), [[2.5, 4.5], [10.5, 12.5]])
    assert downscale(np.ones((7, 9, 3)), 2).shape == (3, 4, 3)          # leftovers dropped, channels kept
    assert small_photo().shape == (150, 128) and small_photo().dtype == np.float32
    for bad in (0, 2.5, 10):
        with pytest.raises(ValueError, match="factor"):
            downscale(np.ones((5, 5)), bad)


# ---------------------------------------------------------------- KernelExplorer
@pytest.fixture(scope="module")
def explorer():
    return KernelExplorer()


def test_kernel_explorer_known_setting_gives_known_map(explorer):
    assert explorer.custom_box.layout.display == "none"        # the custom weights show only for "custom"
    explorer.name.value, explorer.size.value, explorer.stride.value = "box_blur", 5, 3
    expected = cnn_lib.conv2d(small_photo()[None, None], kernel("box_blur", 5)[None, None], stride=3)[0, 0]
    assert expected.shape == (49, 42)
    assert np.allclose(explorer.drawing.y_image.get_array(), expected)
    assert "feature map 49 x 42" in explorer.status.value
    assert explorer.drawing.k_image.get_array().shape == (5, 5)
    assert sum(t.get_visible() for t in explorer.drawing.k_text) == 25
    assert not explorer.size.disabled


def test_kernel_explorer_reuses_its_figure_and_redraws(explorer):
    fig, y_image, before = explorer.fig, explorer.drawing.y_image, digest(explorer)
    explorer.name.value, explorer.stride.value = "sobel_x", 1
    assert explorer.fig is fig and explorer.drawing.y_image is y_image
    assert digest(explorer) != before
    assert "sobel_x kernel 3 x 3, stride 1: input 150 x 128 -> feature map 148 x 126" in explorer.status.value
    assert explorer.size.disabled                          # sobel_x exists at 3 x 3 only


def test_kernel_explorer_even_size_is_explained_and_keeps_the_last_drawing(explorer):
    explorer.name.value, explorer.stride.value, explorer.size.value = "gaussian_blur", 2, 3
    drawn, before = explorer.drawing.y_image.get_array().copy(), digest(explorer)
    explorer.size.value = 4                                # IntSlider does not enforce step=2
    assert "Cannot draw this" in explorer.status.value and "odd" in explorer.status.value
    assert np.array_equal(explorer.drawing.y_image.get_array(), drawn) and digest(explorer) == before
    explorer.size.value = 3


def test_kernel_explorer_custom_weights(explorer):
    explorer.stride.value = 1
    explorer.name.value = "custom"
    for cell, v in zip(explorer.cells, kernel("horizontal_edge").flat):
        cell.value = float(v)
    expected = cnn_lib.conv2d(small_photo()[None, None], kernel("horizontal_edge")[None, None])[0, 0]
    assert np.allclose(explorer.drawing.y_image.get_array(), expected)
    assert explorer.custom_box.layout.display is None
    explorer.cells[4].value = float("inf")
    assert "finite" in explorer.status.value
    explorer.cells[4].value = 0.0
    explorer.name.value = "identity"
    assert explorer.custom_box.layout.display == "none"


def test_kernel_explorer_hides_numbers_of_big_kernels(explorer):
    explorer.name.value, explorer.size.value = "box_blur", 9
    assert not any(t.get_visible() for t in explorer.drawing.k_text)
    assert "kernel 9 x 9 (weights 0.012 to 0.012)" in explorer.status.value


# ---------------------------------------------------------------- NodeInspector
def test_node_inspector_products_sum_to_the_node():
    inspector = NodeInspector()
    fig, before = inspector.fig, digest(inspector)
    inspector.row.value, inspector.col.value = 4, 5
    x, w = inspector.x, kernel("vertical_edge")
    node = np.sum(x[4:7, 5:8] * w)
    assert np.isclose(node, inspector.y[4, 5])
    assert inspector.fig is fig and digest(inspector) != before
    assert f"= {node:.4f} = feature map value {node:.4f}" in inspector.status.value
    assert "rows 4 to 6 and columns 5 to 7" in inspector.status.value
    assert inspector.drawing.field.get_xy() == (4.5, 3.5)                     # moved, not redrawn
    assert np.allclose(inspector.drawing.products.get_array(), x[4:7, 5:8] * w)


def test_node_inspector_explains_nodes_that_do_not_exist():
    inspector = NodeInspector()
    inspector.row.value, inspector.col.value = 2, 3
    before, status = digest(inspector), inspector.status.value
    inspector.row.value = 9
    assert "does not exist" in inspector.status.value and "8 rows (0 to 7)" in inspector.status.value
    assert digest(inspector) == before
    inspector.row.value, inspector.col.value = 2, 8
    assert "column 8 does not exist" in inspector.status.value
    inspector.col.value = 3
    assert inspector.status.value == status


def test_node_inspector_with_stride_and_custom_input():
    x = np.arange(49, dtype=float).reshape(7, 7)
    inspector = NodeInspector(image=x, name="box_blur", stride=2)
    assert inspector.y.shape == (3, 3)
    inspector.row.value, inspector.col.value = 1, 2
    assert np.isclose(inspector.y[1, 2], x[2:5, 4:7].mean())
    assert "rows 2 to 4 and columns 4 to 6" in inspector.status.value
    inspector.row.value = 3
    assert "at stride 2 fits 3 times in 7 input rows" in inspector.status.value


def test_explorers_have_static_fallback():
    bundle = NodeInspector()._repr_mimebundle_()
    assert bundle["image/png"] and bundle["text/plain"].startswith("[node inspector")


# ---------------------------------------------------------------- exercises
def test_node_by_hand():
    assert ex.check_node(8) and ex.check_node(8.0)
    assert "flipped" in ex.check_node(-3).message
    assert "element by element" in ex.check_node(-15).message
    assert "transposed" in ex.check_node(int(np.sum(ex.PATCH * ex.NODE_KERNEL.T))).message
    assert "replace the ..." in ex.check_node(...).message


def test_horizontal_edge_choice():
    assert ex.check_horizontal_edge("c") and ex.check_horizontal_edge(" C ")
    assert "vertical edge" in ex.check_horizontal_edge("d").message
    assert "choose one of" in ex.check_horizontal_edge("sobel_y").message
    # the quiz's answer really is the only kernel that answers a horizontal edge, and 0 on a vertical one and flat
    step = np.repeat([[0.2] * 5, [0.9] * 5], 3, axis=0)            # (6, 5): dark above bright
    vertical = step.T.copy()                                          # (5, 6): dark left, bright right
    flat = np.full((5, 5), 0.7)

    def strongest(image):
        return {k: np.abs(cnn_lib.conv2d(image[None, None], w[None, None].astype(float))).max()
                for k, w in ex.EDGE_QUIZ.items()}

    on_step, on_vertical, on_flat = strongest(step), strongest(vertical), strongest(flat)
    detectors = [k for k in ex.EDGE_QUIZ if on_step[k] > 0.5 and on_vertical[k] < 1e-9 and on_flat[k] < 1e-9]
    assert detectors == ["c"]
    assert on_vertical["a"] > 0.5 and on_flat["b"] > 0.5 and on_step["d"] < 1e-9   # why each other one fails
    # none of them is a gallery kernel, so the name cannot give the answer away
    from cnn_lib.kernels import KERNEL_NAMES
    assert not any(np.array_equal(w, kernel(name)) for w in ex.EDGE_QUIZ.values() for name in KERNEL_NAMES
                   if kernel(name).shape == (3, 3))


def test_stack_exercise_is_not_notebook_01s():
    # notebook 01 asks for the parameters of Conv2d(3, 16, 5): this one must be a new question
    assert (ex.STACK["kernels"], ex.STACK["kernel_size"]) != (16, 5)
    assert cnn_lib.conv_params(3, ex.STACK["kernels"], ex.STACK["kernel_size"]) != cnn_lib.conv_params(3, 16, 5)


def test_stack_shape():
    assert ex.check_stack_shape((10, 29, 29)) and ex.check_stack_shape([10, 29, 29])
    assert ex.check_stack_shape((10, 29, 29)).message.startswith("(10, 29, 29)")
    assert "rounded up" in ex.check_stack_shape((10, 30, 30)).message
    assert "+ 1" in ex.check_stack_shape((10, 28, 28)).message
    assert "one per input channel" in ex.check_stack_shape((3, 29, 29)).message
    assert "tuple" in ex.check_stack_shape("10, 29, 29").message
    assert "3 axes" in ex.check_stack_shape((10, 29)).message
    assert "output_size" in ex.check_stack_shape((10, 29, 27)).message
    # the checker agrees with cnn_lib on a real layer
    layer = cnn_lib.Conv2d(3, ex.STACK["kernels"], ex.STACK["kernel_size"], stride=ex.STACK["stride"])
    y = layer.forward(np.zeros((1, 3, 64, 64), dtype=np.float32))
    assert ex.check_stack_shape(y.shape[1:])


def test_stack_params_and_receptive_field():
    assert ex.check_stack_params(cnn_lib.Conv2d(3, 10, 7).num_params())
    assert "biases" in ex.check_stack_params(1470).message
    assert ex.check_receptive_field_3(7) and "added" in ex.check_receptive_field_3(9).message
    assert "two layers" in ex.check_receptive_field_3(5).message          # forgot the third layer
    assert "one layer only" in ex.check_receptive_field_3(3).message
    assert cnn_lib.receptive_field([(3, 1)] * 2)[0] == 5 and cnn_lib.receptive_field([(3, 1)])[0] == 3


# ---------------------------------------------------------------- cnn_lib.receptive
@pytest.mark.parametrize("layers, n, node", [
    ([(3, 1), (3, 1)], 9, (2, 2)), ([(3, 2), (3, 1)], 11, (1, 1)), ([(5, 1)], 7, (0, 2)),
    ([(3, 1)] * 3, 9, (1, 1)), ([(2, 2), (3, 1)], 10, (0, 1)),
])
def test_influence_matches_receptive_field(layers, n, node):
    field = influence(layers, n, node)
    assert field.shape == (n, n) and field.dtype == np.float64 and field.min() >= 0
    rf, jump = cnn_lib.receptive_field(layers)
    assert extent(field) == (rf, rf)
    rows, cols = np.nonzero(field)
    assert (rows.min(), cols.min()) == (node[0] * jump, node[1] * jump)     # the field starts at node * jump


def test_influence_counts_paths():
    field = influence([(3, 1), (3, 1)], 9, (2, 2))                          # two 3x3 all-ones: 1 2 3 2 1 squared
    line = np.array([1, 2, 3, 2, 1])
    assert np.array_equal(field[2:7, 2:7], np.outer(line, line)) and field.sum() == 81
    assert np.array_equal(influence([(1, 1)], 3, (1, 2)), np.eye(3)[1][:, None] * np.eye(3)[2])


def test_influence_and_extent_errors_say_what_was_expected():
    with pytest.raises(ValueError, match=r"node \(3, 0\) does not exist.*3 x 3.*rows 0 to 2.*Hint"):
        influence([(3, 1)], 5, (3, 0))
    with pytest.raises(ValueError, match=r"7x7 kernel does not fit in the 5 x 5.*Hint: use a larger n"):
        influence([(7, 1)], 5, (0, 0))
    with pytest.raises(ValueError, match=r"at most 40.*got 41.*Hint"):
        influence([(3, 1)], 41, (0, 0))
    with pytest.raises(TypeError, match=r"whole number.*got 2.5"):
        influence([(3, 1)], 2.5, (0, 0))
    with pytest.raises(ValueError, match=r"must be 2-D \(H, W\), got shape \(1, 3, 3\).*Hint"):
        extent(np.ones((1, 3, 3)))
    with pytest.raises(ValueError, match=r"0 everywhere.*Hint"):
        extent(np.zeros((3, 3)))
    assert extent(np.diag([0, 1, 1, 0])) == (2, 2)


def test_exercises_are_registered_with_solutions_and_typical_mistakes():
    names = [n for n in core.REGISTRY if n.startswith("kernels.")]
    assert len(names) >= 3
    for name in names:
        exercise = core.REGISTRY[name]
        assert exercise.check(exercise.solution)
        for answer, words in exercise.wrong.items():
            feedback = exercise.check(answer)
            assert not feedback and words.lower() in feedback.message.lower(), (name, answer, feedback)
