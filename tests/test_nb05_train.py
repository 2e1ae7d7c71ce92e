"""Notebook 05 (train a CNN): metrics, figures, the training monitor, the digit explorer, the exercises,
and the sped-up max-pool backward's exact results."""
import hashlib
import math

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import cnn_lib  # noqa: E402
from cnn_lib import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, SGD, fit  # noqa: E402
from cnn_lib import functional as F  # noqa: E402
from cnn_lib.exercises.core import REGISTRY  # noqa: E402
from cnn_lib.exercises.nb05_train import (EXAMPLE, check_double_first_layer,  # noqa: E402
                                          check_double_first_layer_16_32, check_most_confused, lenet_params)
from cnn_lib.metrics import confusion_matrix, join_histories, most_confused, multiply_adds  # noqa: E402
from cnn_lib.models import lenet, lenet_strided  # noqa: E402
from cnn_lib.train import History, StepInfo  # noqa: E402
from cnn_lib.viz.training import (confusion_figure, digits_figure, feature_maps_figure, history_figure,  # noqa: E402
                                  kernels_figure, mistakes_figure, tile_maps)
from cnn_lib.widgets.digit_explorer import DigitExplorer, TrainingMonitor  # noqa: E402


@pytest.fixture(scope="module")
def digits():
    _, _, x_test, y_test = cnn_lib.load_mnist()
    return x_test[:60], y_test[:60]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------- metrics
def test_confusion_matrix_by_hand():
    m = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], num_classes=3)
    np.testing.assert_array_equal(m, [[1, 1, 0],
                                      [0, 1, 0],
                                      [1, 0, 2]])
    assert m.shape == (3, 3) and m.dtype == np.int64
    assert np.trace(m) == 4 and m.sum() == 6


def test_confusion_matrix_rows_count_each_class():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    m = confusion_matrix(y_true, y_pred, 10)
    np.testing.assert_array_equal(m.sum(axis=1), np.bincount(y_true, minlength=10))
    np.testing.assert_array_equal(m.sum(axis=0), np.bincount(y_pred, minlength=10))
    assert np.trace(m) == np.sum(y_true == y_pred)


@pytest.mark.parametrize("args, error, words", [
    (([0, 1], [0.0, 1.0], 2), TypeError, ["y_pred", "float64", "argmax"]),
    (([0, 3], [0, 1], 3), ValueError, ["0..2", "got 3", "num_classes"]),
    (([0, -1], [0, 1], 3), ValueError, ["got -1"]),
    (([0, 1, 1], [0, 1], 2), ValueError, ["3 labels", "2 predictions"]),
    ((np.zeros((2, 10), dtype=int), [0, 1], 10), ValueError, ["1-D", "(2, 10)", "argmax(axis=1)"]),
    (([0, 1], [0, 1], 0), ValueError, ["num_classes", ">= 1"]),
])
def test_confusion_matrix_errors_say_what_and_how(args, error, words):
    with pytest.raises(error) as info:
        confusion_matrix(*args)
    for w in words:
        assert w in str(info.value), str(info.value)


def test_most_confused_pairs_ties_and_none():
    assert most_confused(EXAMPLE) == ([(4, 9)], 3)
    tied = np.diag([5, 5, 5])
    tied[0, 2] = tied[2, 1] = 2
    assert most_confused(tied) == ([(0, 2), (2, 1)], 2)
    assert most_confused(np.diag([3, 4])) == ([], 0)


def test_layer_outputs_match_forward_and_shapes():
    net = lenet()
    x = np.random.default_rng(1).random((2, 1, 28, 28), dtype=np.float32)
    outputs = net.layer_outputs(x)
    assert [o.shape for o in outputs] == [(2, 16, 28, 28), (2, 16, 28, 28), (2, 16, 14, 14), (2, 32, 10, 10),
                                          (2, 32, 10, 10), (2, 32, 5, 5), (2, 800), (2, 10)]
    np.testing.assert_array_equal(outputs[-1], net.forward(x))


def test_multiply_adds_by_hand():
    # conv 1: 28*28*16 nodes x 25; conv 2: 10*10*32 nodes x 400; linear: 10 x 800
    assert multiply_adds(lenet(), (1, 28, 28)) == 28 * 28 * 16 * 25 + 10 * 10 * 32 * 400 + 10 * 800
    assert multiply_adds(lenet_strided(), (1, 28, 28)) == 14 * 14 * 16 * 25 + 5 * 5 * 32 * 400 + 10 * 800


def test_join_histories_concatenates_every_list():
    a = History(loss=[3.0, 2.0], accuracy=[0.1, 0.2], val_loss=[2.5, 2.1], val_accuracy=[0.3, 0.4], step_loss=[1, 2])
    b = History(loss=[1.0], accuracy=[0.9], val_loss=[1.5], val_accuracy=[0.8], step_loss=[3])
    joined = join_histories(a, b)
    assert joined.loss == [3.0, 2.0, 1.0] and joined.val_accuracy == [0.3, 0.4, 0.8]
    assert joined.step_loss == [1, 2, 3] and a.loss == [3.0, 2.0]       # the inputs are untouched


# ---------------------------------------------------------------- figures
def test_tile_maps_layout_gaps_and_scaling():
    maps = np.arange(3 * 2 * 2, dtype=np.float32).reshape(3, 2, 2) - 5      # signed; map 1 holds -1..2
    mosaic = tile_maps(maps, columns=2)
    assert mosaic.shape == (2 * 3 - 1, 2 * 3 - 1)                          # 2 rows x 2 columns of 2x2, 1-pixel gaps
    assert np.isnan(mosaic[2]).all() and np.isnan(mosaic[:, 2]).all()     # the gaps
    np.testing.assert_allclose(mosaic[:2, 3:], maps[1] / 2)                # each map over its own max |value|
    np.testing.assert_allclose(tile_maps(maps, 2, shared=True)[:2, 3:], maps[1] / 6)   # shared: the layer's max
    assert np.isnan(mosaic[3:, 3:]).all()                                 # no 4th map: left empty
    assert np.nanmax(np.abs(mosaic)) == 1
    assert not np.isnan(tile_maps(np.zeros((2, 3, 3)), 2)[:, :3]).any()   # an all-zero map stays 0, not NaN


def test_figures_build_with_the_expected_panels(digits):
    x, y = digits
    assert len(digits_figure(x[:12], [str(d) for d in y[:12]], columns=6).axes) == 12
    probs = np.full((5, 10), 0.1)
    assert len(mistakes_figure(x[:5], y[:5], (y[:5] + 1) % 10, probs).axes) == 8         # one row of 8
    history = History(loss=[1, 0.5], accuracy=[0.5, 0.8], val_loss=[0.9, 0.6], val_accuracy=[0.6, 0.7])
    curves = history_figure(history, lr_changes=[1])
    assert len(curves.axes) == 2
    assert [t.get_text() for t in curves.axes[0].get_legend().get_texts()] == [
        "training digits (mean over the epoch)", "validation digits (after the epoch)"]
    matrix = confusion_figure(EXAMPLE)
    assert len(matrix.axes) == 2                                                           # matrix + colour bar
    assert "98" in [t.get_text() for t in matrix.axes[0].texts]
    assert len(kernels_figure(np.ones((3, 5, 5)), columns=3).axes) == 3
    outputs = lenet().layer_outputs(x[:1])
    fig = feature_maps_figure(x[0, 0], [[("a", outputs[0][0]), ("b", outputs[2][0])], [("c", outputs[3][0])]])
    assert len(fig.axes) == 6 and "16 maps of 28 x 28" in fig.axes[1].get_title()


# ---------------------------------------------------------------- training monitor
def test_training_monitor_counts_across_two_fit_calls():
    rng = np.random.default_rng(0)
    x, y = rng.random((20, 1, 6, 6), dtype=np.float32), rng.integers(0, 3, 20)
    cnn_lib.manual_seed(0)
    net = Sequential(Conv2d(1, 2, 3), ReLU(), Flatten(), Linear(32, 3))
    monitor = TrainingMonitor(total_steps=3 * 4)
    optimizer = SGD(net, lr=0.1)
    fit(net, optimizer, x, y, epochs=2, batch_size=6, on_step=monitor.on_step)       # 4 iterations per epoch
    assert monitor.steps == monitor.bar.value == 8
    fit(net, optimizer, x, y, epochs=1, batch_size=6, on_step=monitor.on_step)
    assert monitor.steps == monitor.bar.value == monitor.bar.max == 12
    assert monitor.label.value.startswith("epoch 3, iteration 4/4, batch loss ")


def test_training_monitor_text_and_fallback():
    monitor = TrainingMonitor(total_steps=10)
    monitor.on_step(StepInfo(epoch=0, step=0, steps_per_epoch=5, loss=2.3456))
    assert monitor.label.value.startswith("epoch 1, iteration 1/5, batch loss 2.346, ")
    for step in range(1, 10):                                   # never past the end of the bar
        monitor.on_step(StepInfo(epoch=step // 5, step=step % 5, steps_per_epoch=5, loss=1.0))
    monitor.on_step(StepInfo(epoch=2, step=0, steps_per_epoch=5, loss=1.0))
    assert monitor.bar.value == 10 and "epoch 3" in monitor.label.value
    bundle = monitor._repr_mimebundle_()
    assert bundle["text/plain"] == "[training monitor: a progress bar over 10 iterations]"
    assert "application/vnd.jupyter.widget-view+json" in bundle


# ---------------------------------------------------------------- digit explorer
def digest(explorer):
    return hashlib.sha256(explorer.image.value).hexdigest()


def test_explorer_shows_a_known_digit_and_reuses_its_figure(digits):
    x, y = digits
    explorer = DigitExplorer(lenet(), x, y, index=3)
    fig, digit_artist, before = explorer.fig, explorer.drawing.digit, digest(explorer)
    probs = explorer.probs[3]
    guess = int(probs.argmax())
    assert explorer.status.value.startswith(f"test digit 3: true {y[3]}, guess {guess} ({probs[guess]:.0%}), ")
    explorer.slider.value = 7
    assert explorer.fig is fig and explorer.drawing.digit is digit_artist, "the figure must be reused, not rebuilt"
    assert digest(explorer) != before
    assert explorer.status.value.startswith(f"test digit 7: true {y[7]}, ")
    np.testing.assert_array_equal(explorer.drawing.digit.get_array(), x[7, 0])
    heights = [bar.get_height() for bar in explorer.drawing.bars]
    np.testing.assert_allclose(heights, explorer.probs[7])
    assert math.isclose(sum(heights), 1, rel_tol=1e-5)
    assert explorer.drawing.true_mark.get_position()[0] == y[7]
    tiles = explorer.drawing.maps[0].get_array()
    assert tiles.shape == (4 * 29 - 1, 4 * 29 - 1)                # 16 maps of 28 x 28, 4 per row


def test_explorer_only_mistakes_walks_the_wrong_digits(digits):
    x, y = digits
    explorer = DigitExplorer(lenet(), x, y, index=40)      # untrained: most digits are wrong
    wrong = explorer.mistakes
    assert 0 < len(wrong) < len(x)
    explorer.only_mistakes.value = True
    assert explorer.slider.max == len(wrong) - 1
    position = min(40, len(wrong) - 1)                           # the slider value was clamped, not an error
    assert explorer.slider.value == position
    assert explorer.status.value.startswith(f"mistake {position + 1} of {len(wrong)}: test digit {wrong[position]}:")
    assert "WRONG" in explorer.status.value
    explorer.slider.value = 0
    assert f"test digit {wrong[0]}:" in explorer.status.value
    explorer.only_mistakes.value = False
    assert explorer.slider.max == len(x) - 1 and explorer.status.value.startswith("test digit 0:")


def test_explorer_explains_when_there_is_no_mistake_and_keeps_the_drawing(digits):
    x, y = digits
    net = lenet()
    labels = cnn_lib.predict(net, x).argmax(axis=1)             # "labels" the net gets all right
    explorer = DigitExplorer(net, x, labels, index=5)
    before = digest(explorer)
    explorer.only_mistakes.value = True
    assert "no mistake to show" in explorer.status.value and "Cannot draw this" in explorer.status.value
    assert digest(explorer) == before


def test_explorer_static_fallback():
    explorer = DigitExplorer(lenet(), *cnn_lib.load_mnist()[2:])
    bundle = explorer._repr_mimebundle_()
    assert bundle["image/png"] and bundle["text/plain"].startswith("[digit explorer")


# ---------------------------------------------------------------- exercises
def test_double_first_layer_checker():
    assert lenet_params(16, 32) == 21258 == lenet().num_params()
    assert check_double_first_layer_16_32(34474)
    assert "input channels" in check_double_first_layer_16_32(21674).message
    assert "biases" in check_double_first_layer_16_32(34400).message
    assert "linear layer" in check_double_first_layer_16_32(42516).message
    assert "before the change" in check_double_first_layer_16_32(21258).message
    assert "output layer" in check_double_first_layer_16_32(34474 - 8010).message       # Linear left out
    assert "first layer alone" in check_double_first_layer_16_32(832).message
    assert "replace the ..." in check_double_first_layer_16_32(...).message
    # any widths: 8 -> 16 first kernels before a 16-kernel second conv
    assert check_double_first_layer(16 * 26 + (16 * 16 * 25 + 16) + 4010, c1=8, c2=16)


def test_most_confused_checker_names_each_slip():
    assert check_most_confused((4, 9), EXAMPLE) and check_most_confused([4, 9], EXAMPLE)
    assert "transposed" in check_most_confused((9, 4), EXAMPLE).message
    assert "diagonal" in check_most_confused((4, 4), EXAMPLE).message
    assert "holds 2 mistakes" in check_most_confused((7, 2), EXAMPLE).message
    assert "0 to 9" in check_most_confused((3, 12), EXAMPLE).message
    assert "pair" in check_most_confused(4, EXAMPLE).message
    assert "whole numbers" in check_most_confused(("four", 9), EXAMPLE).message
    assert "whole numbers" in check_most_confused((4.5, 9), EXAMPLE).message            # not truncated to (4, 9)
    assert "whole numbers" in check_most_confused(("4", "9"), EXAMPLE).message
    assert check_most_confused(np.array([4, 9]), EXAMPLE) and check_most_confused((4.0, 9.0), EXAMPLE)
    tied = np.diag([5, 5, 5])
    tied[0, 2] = tied[2, 1] = 2
    assert check_most_confused((0, 2), tied) and check_most_confused((2, 1), tied)    # either tied pair


def test_exercises_are_registered():
    for name in ("training.double_first_layer", "training.most_confused"):
        exercise = REGISTRY[name]
        assert exercise.check(exercise.solution)
        for answer, words in exercise.wrong.items():
            feedback = exercise.check(answer)
            assert not feedback and words.lower() in feedback.message.lower(), (answer, feedback)


# ---------------------------------------------------------------- the faster max-pool backward
@pytest.mark.parametrize("k, s", [(2, None), (3, 1), (3, 2), (2, 3)])
def test_max_pool_backward_has_no_negative_zeros(k, s):
    """The in-place product dy * hit writes -0.0 where dy < 0; the result must hold +0.0 as the loops give."""
    rng = np.random.default_rng(0)
    x = np.maximum(rng.standard_normal((2, 3, 9, 8)), 0)      # after ReLU: many tied zeros
    dy = -np.abs(rng.standard_normal(F.max_pool2d(x, k, s).shape))
    dx = F.max_pool2d_backward(dy, x, k, s)
    np.testing.assert_allclose(dx, F.max_pool2d_backward_naive(dy, x, k, s), rtol=0, atol=1e-12)
    assert not np.signbit(dx[dx == 0]).any()
