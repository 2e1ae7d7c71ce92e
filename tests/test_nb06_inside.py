"""Notebook 06 (inside a trained CNN): saliency, occlusion, class models, FGSM, top patches, shifts,
MNIST-style preprocessing, the drawing explorer and its figure, the exercises."""
import hashlib

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from cnn_lib import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, softmax  # noqa: E402
from cnn_lib.exercises.nb06_inside import _cases, check_fgsm  # noqa: E402
from cnn_lib.features import shift, top_patches  # noqa: E402
from cnn_lib.gradcheck import rel_error  # noqa: E402
from cnn_lib.preprocess import mnist_style  # noqa: E402
from cnn_lib.pretrained import load_trained_lenet, split_05  # noqa: E402
from cnn_lib.layers import inference  # noqa: E402
from cnn_lib.saliency import (class_model, fgsm, input_gradient, loss_gradient, occlusion,  # noqa: E402
                              occlusion_naive)
from cnn_lib.viz.inside import curves_figure, panels_figure  # noqa: E402
from cnn_lib.widgets.draw import SIZE, DrawCanvas, DrawExplorer  # noqa: E402
from widget_fixtures import inside_explorers, stroke_pictures  # noqa: E402


@pytest.fixture(scope="module")
def net():
    return load_trained_lenet()


@pytest.fixture(scope="module")
def data():
    *_, x_test, y_test = split_05()
    return x_test, y_test


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def float64_net(seed=0):
    rng = np.random.default_rng(seed)
    model = Sequential(Conv2d(1, 3, 3, padding=1, rng=rng), ReLU(), MaxPool2d(2), Conv2d(3, 4, 3, rng=rng), ReLU(),
                       Flatten(), Linear(4 * 2 * 2, 5, rng=rng))
    for layer in model.layers:
        for name in layer.params:
            layer.params[name] = layer.params[name].astype(np.float64)
    return model


def numerical(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (f(plus) - f(minus)) / (2 * h)
    return grad


def layer_state(model):
    """Every attribute of every layer, as bytes where it is an array (to compare before/after)."""
    out = []
    for layer in model.layers:
        out.append({k: (v.tobytes() if isinstance(v, np.ndarray) else repr(v)) for k, v in vars(layer).items()
                    if k not in ("params",)})
        out.append({k: v.tobytes() for k, v in layer.grads.items()})
    return out


# ---------------------------------------------------------------- saliency
def test_input_gradient_matches_numerical_gradient_in_float64():
    model = float64_net()
    x = np.random.default_rng(1).uniform(0, 1, size=(2, 1, 8, 8))
    grad, logits = input_gradient(model, x, np.array([1, 3]))
    assert grad.shape == x.shape and logits.shape == (2, 5)
    for n, target in enumerate([1, 3]):
        num = numerical(lambda z: model.forward(z)[0, target], x[n:n + 1])
        assert rel_error(grad[n:n + 1], num) < 1e-7
    one, _ = input_gradient(model, x, 1)                   # one int for every example
    assert rel_error(one[:1], grad[:1]) == 0


def test_input_gradient_on_the_trained_net_in_float64(net, data):
    model = load_trained_lenet()
    for layer in model.layers:
        for name in layer.params:
            layer.params[name] = layer.params[name].astype(np.float64)
    x = data[0][:1].astype(np.float64) + np.random.default_rng(0).uniform(0, 0.01, size=(1, 1, 28, 28))
    grad, _ = input_gradient(model, x, 9)
    pixels = [(14, 14), (3, 3), (20, 12), (0, 27)]
    num = []
    for r, c in pixels:
        plus, minus = x.copy(), x.copy()
        plus[0, 0, r, c] += 1e-6
        minus[0, 0, r, c] -= 1e-6
        num.append((model.forward(plus)[0, 9] - model.forward(minus)[0, 9]) / 2e-6)
    assert rel_error(np.array([grad[0, 0, r, c] for r, c in pixels]), np.array(num)) < 1e-7


def test_loss_gradient_matches_numerical_gradient():
    from cnn_lib import softmax_cross_entropy
    model = float64_net(2)
    x = np.random.default_rng(3).uniform(0, 1, size=(3, 1, 8, 8))
    y = np.array([0, 4, 2])
    dx, _ = loss_gradient(model, x, y)
    assert rel_error(dx, numerical(lambda z: softmax_cross_entropy(model.forward(z), y)[0], x)) < 1e-7


def test_inference_helpers_leave_the_model_exactly_as_they_found_it(net, data):
    x, y = data[0][:4], data[1][:4]
    net.forward(x[:2])
    from cnn_lib import softmax_cross_entropy
    net.backward(softmax_cross_entropy(net.forward(x[:2]), y[:2])[1])      # a training step half done
    before = layer_state(net)
    weights = {k: v.copy() for k, v in net.layers[0].params.items()}
    input_gradient(net, x, 3)
    loss_gradient(net, x, y)
    fgsm(net, x, y, 0.1)
    occlusion(net, x[0], 7)
    class_model(net, [1, 2], steps=2)
    top_patches(net, x, 3, 0, k=2)
    assert layer_state(net) == before
    assert all(np.array_equal(v, net.layers[0].params[k]) for k, v in weights.items())


def test_input_gradient_refuses_bad_targets(net, data):
    with pytest.raises(ValueError, match="got 10"):
        input_gradient(net, data[0][:1], 10)
    with pytest.raises(ValueError, match="one class id per example"):
        input_gradient(net, data[0][:2], [1, 2, 3])


# ---------------------------------------------------------------- FGSM
def test_fgsm_is_the_formula_and_stays_an_image(net, data):
    x, y = data[0][:20], data[1][:20]
    dx, _ = loss_gradient(net, x, y)
    adv = fgsm(net, x, y, 0.1)
    assert adv.dtype == x.dtype and adv.shape == x.shape
    assert np.array_equal(adv, np.clip(x + np.float32(0.1) * np.sign(dx), 0, 1))
    assert adv.min() >= 0 and adv.max() <= 1 and np.abs(adv - x).max() <= 0.1 + 1e-6
    assert np.array_equal(fgsm(net, x, y, 0), x)


def test_fgsm_flips_the_digit_the_notebook_shows(net, data):
    """Notebook 06, section 5.2: test digit 106, a 9 read with 97%, becomes a 4 at epsilon 0.05."""
    x, y = data[0][106:107], data[1][106:107]
    before = softmax(net.forward(x))[0]
    assert y[0] == 9 and before.argmax() == 9 and before[9] > 0.95
    after = softmax(net.forward(fgsm(net, x, y, 0.05)))[0]
    assert after.argmax() == 4
    assert softmax(net.forward(fgsm(net, x, y, 0.04)))[0].argmax() == 9     # 0.05 is the smallest on the grid


def test_fgsm_accuracy_falls_with_epsilon_but_random_signs_do_not(net, data):
    x, y = data[0][:300], data[1][:300]
    acc = [np.mean(net.forward(fgsm(net, x, y, e)).argmax(1) == y) for e in (0, 0.1, 0.25)]
    assert acc[0] > 0.95 and acc[1] < 0.8 and acc[2] < 0.1
    noise = np.random.default_rng(0).choice(np.float32([-1, 1]), size=x.shape)
    assert np.mean(net.forward(np.clip(x + 0.25 * noise, 0, 1)).argmax(1) == y) > 0.9


def test_fgsm_refuses_a_bad_epsilon(net, data):
    for bad in (-0.1, 2, "0.1", True):
        with pytest.raises(ValueError, match="epsilon"):
            fgsm(net, data[0][:1], data[1][:1], bad)


# ---------------------------------------------------------------- occlusion
def test_occlusion_vectorized_equals_naive(net, data):
    for patch, stride, fill in ((6, 2, 0.5), (5, 3, 0.0), (28, 1, 0.5), (1, 7, 1.0)):
        fast = occlusion(net, data[0][5], 3, patch, stride, fill)
        assert fast.shape == ((28 - patch) // stride + 1,) * 2
        assert np.allclose(fast, occlusion_naive(net, data[0][5], 3, patch, stride, fill), atol=1e-4)


def test_occlusion_of_a_linear_model_is_the_weights_times_the_change():
    rng = np.random.default_rng(0)
    model = Sequential(Flatten(), Linear(16, 2, rng=rng))
    image = rng.uniform(0, 1, size=(1, 4, 4)).astype(np.float32)
    drops = occlusion(model, image, 1, patch=2, stride=2, fill=0.5)
    w = model.layers[1].params["weight"][1].reshape(4, 4)
    expected = [[np.sum(w[i:i + 2, j:j + 2] * (image[0, i:i + 2, j:j + 2] - 0.5)) for j in (0, 2)] for i in (0, 2)]
    assert np.allclose(drops, expected, atol=1e-5)


def test_occlusion_refuses_a_patch_too_big(net, data):
    with pytest.raises(ValueError, match="patch must fit"):
        occlusion(net, data[0][0], 1, patch=29)


# ---------------------------------------------------------------- class models
def test_class_model_climbs_the_score_and_respects_start(net):
    images, scores = class_model(net, [3, 8], steps=15, lr=0.3)
    assert images.shape == (2, 1, 28, 28) and scores.shape == (15, 2)
    assert np.all(scores[-1] > scores[0] + 5) and images.min() >= 0 and images.max() <= 1
    one, s1 = class_model(net, 3, steps=15, lr=0.3)                       # one int: a batch of one
    assert np.allclose(one[0], images[0], atol=1e-5)
    start = np.full((2, 1, 28, 28), 0.2, dtype=np.float32)
    other, _ = class_model(net, [3, 8], steps=1, lr=0.0, l2=0.0, start=start)
    assert np.array_equal(other, start)                                   # lr 0: stays at the start
    with pytest.raises(ValueError, match="one .* image per target"):
        class_model(net, [3, 8], start=start[:1])


# ---------------------------------------------------------------- top patches
def test_top_patches_against_brute_force(net, data):
    x = data[0][:40]
    patches, where, values = top_patches(net, x, layer=3, channel=5, k=6)
    maps = net.layer_outputs(x)[3][:, 5]                                  # (40, 10, 10)
    order = np.argsort(maps.ravel())[::-1][:6]
    assert np.allclose(values, maps.ravel()[order])
    padded = np.pad(x, ((0, 0), (0, 0), (2, 2), (2, 2)))
    for p, (n, i, j), v in zip(patches, where, values):
        assert maps[n, i, j] == v
        assert np.array_equal(p, padded[n, :, 2 * i:2 * i + 14, 2 * j:2 * j + 14])   # offset -2 + padding 2


def test_top_patches_patch_is_the_receptive_field(net, data):
    """Changing pixels outside the returned patch does not change the node; inside, it does."""
    x = data[0][:10]
    _, where, values = top_patches(net, x, layer=3, channel=2, k=1)
    n, i, j = where[0]
    rows, cols = np.arange(2 * i - 2, 2 * i + 12), np.arange(2 * j - 2, 2 * j + 12)
    outside = x[n:n + 1].copy()
    mask = np.ones((28, 28), bool)
    mask[np.ix_(rows[(rows >= 0) & (rows < 28)], cols[(cols >= 0) & (cols < 28)])] = False
    outside[0, 0][mask] = 1.0
    assert np.isclose(net.layer_outputs(outside)[3][0, 2, i, j], values[0], atol=1e-5)


def test_top_patches_refuses_a_layer_that_does_not_exist(net, data):
    with pytest.raises(ValueError, match="got 12"):
        top_patches(net, data[0][:3], layer=12, channel=0)


# ---------------------------------------------------------------- shifts
@pytest.mark.parametrize("dy, dx", [(0, 0), (2, 0), (0, -3), (-1, 4), (5, 5)])
def test_shift_equals_a_naive_copy(dy, dx):
    x = np.random.default_rng(0).uniform(size=(2, 1, 7, 9)).astype(np.float32)
    expected = np.zeros_like(x)
    for r in range(7):
        for c in range(9):
            if 0 <= r - dy < 7 and 0 <= c - dx < 9:
                expected[..., r, c] = x[..., r - dy, c - dx]
    assert np.array_equal(shift(x, dy, dx), expected)


def test_conv_maps_shift_with_the_input_and_pooled_maps_by_half(net, data):
    x = data[0][:50]
    base, moved = net.layer_outputs(x), net.layer_outputs(shift(x, 0, 2))
    err0 = np.linalg.norm((moved[0] - shift(base[0], 0, 2))[..., 2:]) / np.linalg.norm(base[0][..., 2:])
    err2 = np.linalg.norm((moved[2] - shift(base[2], 0, 1))[..., 1:]) / np.linalg.norm(base[2][..., 1:])
    assert err0 < 0.02 and err2 < 0.02


def test_shift_refuses_bad_input():
    with pytest.raises(ValueError, match="at least 2 axes"):
        shift(np.zeros(5), 1, 1)
    with pytest.raises(TypeError, match="whole number"):
        shift(np.zeros((3, 3)), 1.5, 0)


# ---------------------------------------------------------------- preprocessing
def test_mnist_style_known_cases():
    canvas = np.zeros((100, 100), dtype=np.float32)
    canvas[10:90, 47:52] = 1.0                                            # a vertical bar: 80 x 5
    steps = mnist_style(canvas)
    assert steps.cropped.shape == (80, 5) and steps.scaled.shape == (20, 1)     # 5 * 20/80 = 1.25 -> 1
    assert steps.image.shape == (28, 28) and np.isclose(steps.image.sum(), steps.scaled.sum())
    rows, cols = np.nonzero(steps.image)
    assert (rows.min(), rows.max()) == (4, 23)                            # 20 tall, centred
    mass = steps.image.sum()
    centre = (np.arange(28) @ steps.image.sum(axis=1) / mass, np.arange(28) @ steps.image.sum(axis=0) / mass)
    assert abs(centre[0] - 13.5) <= 0.5 and abs(centre[1] - 13.5) <= 0.5
    wide = np.zeros((50, 50), dtype=np.float32)
    wide[20:30, 5:45] = 1.0                                               # 10 x 40 -> 5 x 20, aspect kept
    assert mnist_style(wide).scaled.shape == (5, 20)
    assert mnist_style(np.zeros((30, 30))) is None                        # an empty canvas
    dot = np.zeros((40, 40), dtype=np.float32)
    dot[3, 37] = 1.0                                                      # one pixel in a corner
    image = mnist_style(dot).image                                        # blown up to a 20 x 20 square, centred
    assert image.sum() == 400 and np.array_equal(image[4:24, 4:24], np.ones((20, 20)))


def test_mnist_style_gives_back_a_blown_up_test_digit(data):
    digit = data[0][0, 0]
    canvas = np.zeros((120, 120), dtype=np.float32)
    canvas[5:89, 30:114] = np.kron(digit, np.ones((3, 3)))
    assert np.abs(mnist_style(canvas).image - digit).max() < 1e-6
    assert np.abs(mnist_style((canvas * 255).round().astype(np.uint8)).image - digit).max() < 0.01    # uint8 works


def test_mnist_style_never_pushes_the_digit_out():
    canvas = np.zeros((60, 60), dtype=np.float32)
    canvas[0:60, 0:3] = 1.0
    canvas[0:3, 0:60] = 1.0                                               # an L: all its mass in one corner
    steps = mnist_style(canvas)
    assert np.isclose(steps.image.sum(), steps.scaled.sum())


def test_mnist_style_refuses_bad_input():
    with pytest.raises(ValueError, match="canvas must be 2-D"):
        mnist_style(np.zeros((1, 28, 28), dtype=np.float32))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        mnist_style(np.full((28, 28), 255.0))


# ---------------------------------------------------------------- the explorer
def digest(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def test_canvas_round_trip():
    canvas = DrawCanvas()
    assert canvas.pixels().shape == (SIZE, SIZE) and canvas.pixels().max() == 0
    digit = np.random.default_rng(0).uniform(size=(28, 28)).astype(np.float32)
    canvas.show(digit)
    assert np.abs(canvas.pixels()[::3, ::3] - digit).max() <= 0.5 / 255 + 1e-6
    canvas.value = b"\x01\x02"                                           # garbage: read as an empty drawing
    assert canvas.pixels().max() == 0
    canvas.clear()
    assert canvas.value == bytes(SIZE * SIZE)


def test_explorer_predicts_samples_and_redraws_every_panel(net, data):
    x, y = data
    explorer = DrawExplorer(net, {f"{y[i]}": x[i, 0] for i in (3, 2, 24)})
    assert explorer.status.value.startswith("The canvas is empty")
    drawing = explorer.drawing
    panels = [*drawing.steps, drawing.saliency, *drawing.maps]
    before = [digest(p.get_array()) for p in panels] + [digest([b.get_height() for b in drawing.bars])]
    png = explorer.image.value
    explorer.sample_buttons[1].click()                                   # test digit 2
    assert explorer.status.value.startswith(f"prediction: {y[2]} ")
    after = [digest(p.get_array()) for p in panels] + [digest([b.get_height() for b in drawing.bars])]
    assert all(a != b for a, b in zip(before, after)), "a panel did not change"
    assert explorer.image.value != png
    probs = softmax(net.forward(explorer.steps.image[None, None]))[0]
    assert np.allclose([b.get_height() for b in drawing.bars], probs)
    explorer.clear.click()
    assert explorer.status.value.startswith("The canvas is empty")


def test_every_panel_of_the_picture_changes_with_a_stroke(net):
    """The regions of the PNG that panel_boxes names (the browser test hashes them) all change."""
    from io import BytesIO

    from PIL import Image
    explorer = DrawExplorer(net)
    boxes = explorer.drawing.panel_boxes()
    assert len(boxes) == 12 and all(0 <= l < r <= 864 and 0 <= t < b <= 360 for l, t, r, b in boxes.values())

    def regions():
        pixels = np.asarray(Image.open(BytesIO(explorer.image.value)))
        return {name: digest(pixels[t:b, l:r]) for name, (l, t, r, b) in boxes.items()}
    pictures = stroke_pictures(2)
    explorer.canvas.value = pictures[0]
    first = regions()
    explorer.canvas.value = pictures[1]
    second = regions()
    assert [name for name in boxes if first[name] == second[name]] == []


def test_explorer_on_drawn_strokes_and_model_untouched(net):
    explorer = DrawExplorer(net)
    state = layer_state(net)
    for picture in stroke_pictures(4):
        explorer.canvas.value = picture
        assert explorer.status.value.startswith("prediction: ")
        assert int(explorer.status.value.split()[1]) == int(np.argmax([b.get_height() for b in explorer.drawing.bars]))
    assert layer_state(net) == state


def test_stroke_pictures_and_the_fixture_moves():
    pictures = stroke_pictures(3)
    arrays = [np.frombuffer(p, np.uint8) for p in pictures]
    assert all(a.size == SIZE * SIZE for a in arrays)
    assert np.all(arrays[1] >= arrays[0]) and arrays[1].sum() > arrays[0].sum()       # one more stroke each time
    (label, explorer, control, values), (_, attack, slider, epsilons), _ = inside_explorers()
    assert control is explorer.canvas and len(values) >= 10
    assert slider is attack.epsilon and len(set(epsilons)) >= 5


# ---------------------------------------------------------------- figures
def test_panels_figure_shares_one_scale_for_signed_panels():
    a, b = np.full((3, 3), 0.5), -np.full((3, 3), 2.0)
    fig = panels_figure([(np.eye(3), "image", "image"), (a, "a", "signed"), (b, "b", "signed"), None], columns=2)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert images[0].get_clim() == (0, 1)
    assert images[1].get_clim() == images[2].get_clim() == (-2.0, 2.0)
    assert len(fig.axes) == 5                                             # 4 panels + one colour bar


def test_curves_figure_in_percent():
    fig = curves_figure([0, 1], {"a": [0.5, 0.25], "b": [1, 1]}, "x", "y")
    lines = fig.axes[0].get_lines()
    assert list(lines[0].get_ydata()) == [50, 25] and fig.axes[0].get_legend() is not None


# ---------------------------------------------------------------- the coding exercise
def test_check_fgsm_names_each_bug_and_never_raises():
    def raises(model, x, y, epsilon):
        raise RuntimeError("boom")

    def updates_weights(model, x, y, epsilon):
        model.layers[1].params["weight"] += 1
        return fgsm(model, x, y, epsilon)

    def wrong_shape(model, x, y, epsilon):
        return fgsm(model, x, y, epsilon)[0]

    def fgsm_float64(model, x, y, epsilon):
        return fgsm(model, x, y, epsilon).astype(np.float64)

    feedback = check_fgsm(raises)
    assert not feedback and "RuntimeError: boom" in feedback.message and "2 x 2" in feedback.message
    assert "changed the model's weights" in check_fgsm(updates_weights).message
    assert "shape" in check_fgsm(wrong_shape).message
    assert check_fgsm(fgsm_float64)                                       # any float dtype is fine
    assert "returns nothing" in check_fgsm(lambda model, x, y, epsilon: ...).message
    cases = _cases()
    assert [c[2].shape for c in cases][0] == (1, 1, 2, 2) and cases[1][4] == 0      # tiny first, epsilon 0 next


# ---------------------------------------------------------------- the FGSM explorer
def test_attack_explorer_flips_digit_106_and_redraws(net, data):
    from cnn_lib.widgets.draw import AttackExplorer
    x, y = data
    explorer = AttackExplorer(net, x, y, index=106, epsilon=0.0)
    assert explorer.status.value.startswith("test digit 106 (a 9): guess 9 (97%)") and "still right" in \
        explorer.status.value
    figure = explorer.drawing
    change_before = digest(figure.images[2].get_array())
    png = explorer.image.value
    state = layer_state(net)
    explorer.epsilon.value = 0.05
    assert "guess 4 (54%): fooled" in explorer.status.value and "12.8 grey levels" in explorer.status.value
    assert digest(figure.images[2].get_array()) != change_before and explorer.image.value != png
    assert layer_state(net) == state                                      # the explorer left the model as it was
    adversarial = fgsm(net, x[106:107], y[106:107], 0.05)
    assert np.array_equal(figure.images[1].get_array(), adversarial[0, 0])
    assert np.allclose([b.get_height() for b in figure.after], softmax(net.forward(adversarial))[0])
    assert figure.images[2].get_clim() == (-0.3, 0.3)                     # one fixed scale for the change
    explorer.digit.value = 0
    assert explorer.status.value.startswith("test digit 0 (a 9)")


def test_attack_explorer_refuses_mismatched_data(net, data):
    from cnn_lib.widgets.draw import AttackExplorer
    with pytest.raises(ValueError, match="AttackExplorer: .* got x of shape"):
        AttackExplorer(net, data[0][:5], data[1][:4])


def test_inference_runs_in_eval_mode_and_restores_the_mode():
    model = Sequential(Flatten(), Linear(4, 2, rng=np.random.default_rng(0)))
    model.training = True
    for layer in model.layers:
        layer.training = True
    with inference(model):
        assert model.training is False and all(layer.training is False for layer in model.layers)
    assert model.training is True and all(layer.training is True for layer in model.layers)
