"""Notebook 04 (backpropagation): the tiny CNN and its data, the figures, the training stepper
(its methods called directly) and the exercise checkers."""
import hashlib

import matplotlib
import numpy as np
import pytest

import cnn_lib
from cnn_lib.exercises import REGISTRY
from cnn_lib.exercises.nb04_backprop import (check_iterations, check_iterations_per_epoch, check_relu_gradient,
                                             check_relu_node, check_total_iterations, check_update,
                                             check_weight_update)
from cnn_lib.tiny import (BATCH_SIZE, CLASSES, ITERATIONS_PER_EPOCH, N_IMAGES, batch_slice, loss_on, tiny_cnn,
                          tiny_data, train)

matplotlib.use("Agg")


def digest(explorer):
    return hashlib.sha256(explorer.image.value).hexdigest()


def kernel(model):
    return model.layers[0].params["weight"][0, 0].copy()


# ---------------------------------------------------------------- the tiny CNN and its data
def test_tiny_data_shapes_labels_and_bars():
    x, y = tiny_data()
    assert x.shape == (8, 1, 6, 6) and x.dtype == np.float64
    assert y.shape == (8,) and y.dtype.kind == "i" and y.tolist() == [0, 1] * 4
    assert x.min() >= 0 and x.max() == 1
    for i in range(4):                        # the bar: a full column (vertical) or row (horizontal) of ones
        assert np.all(x[2 * i, 0, :, i + 1] == 1) and np.all(x[2 * i + 1, 0, i + 1, :] == 1)
    np.testing.assert_array_equal(tiny_data()[0], x)            # seeded: the same every time
    assert CLASSES == ("vertical", "horizontal")


def test_tiny_cnn_is_float64_with_44_parameters_and_seeded():
    model = tiny_cnn()
    assert [type(layer).__name__ for layer in model.layers] == ["Conv2d", "ReLU", "Flatten", "Linear"]
    assert model.num_params() == 44
    assert all(layer.params[name].dtype == np.float64 for layer, name in model.parameters())
    x, _ = tiny_data()
    assert model.forward(x).shape == (8, 2)
    assert tiny_cnn(n_classes=3).forward(x).shape == (8, 3)
    np.testing.assert_array_equal(kernel(tiny_cnn()), kernel(model))
    assert not np.array_equal(kernel(tiny_cnn(seed=5)), kernel(model))


def test_tiny_cnn_starts_alive_and_learns():
    x, y = tiny_data()
    model = tiny_cnn()
    assert np.mean(model.layers[0].forward(x) > 0) > 0.5, "most ReLU nodes should start above 0"
    optimizer = cnn_lib.SGD(model, lr=1.0)
    start = loss_on(model, x, y)
    for iteration in range(60):
        cnn_lib.train_step(model, optimizer, x[batch_slice(iteration)], y[batch_slice(iteration)])
    assert loss_on(model, x, y) < 0.1 < start


def test_batch_slices_cycle_through_the_data():
    assert [batch_slice(i) for i in range(3)] == [slice(0, 4), slice(4, 8), slice(0, 4)]
    assert (N_IMAGES, BATCH_SIZE, ITERATIONS_PER_EPOCH) == (8, 4, 2)
    _, y = tiny_data()
    for b in range(ITERATIONS_PER_EPOCH):                     # every batch: two of each class
        assert np.bincount(y[batch_slice(b)]).tolist() == [2, 2]


def test_named_parameters_use_pytorchs_state_dict_names():
    model = tiny_cnn()
    slots = model.named_slots()
    assert [label for label, _, _ in slots] == ["0.weight", "0.bias", "3.weight", "3.bias"]
    assert [(layer, name) for _, layer, name in slots] == model.parameters()
    assert all(array is layer.params[name] for (_, array), (_, layer, name) in zip(model.named_parameters(), slots))
    errors = cnn_lib.check_layer(tiny_cnn(), tiny_data()[0][:2])          # check_layer: the same names
    assert set(errors) == {"x"} | {label for label, _, _ in slots}


def test_train_is_train_step_on_the_batches_in_order():
    x, y = tiny_data()
    model, reference = tiny_cnn(), tiny_cnn()
    losses = train(model, cnn_lib.SGD(model, lr=1.0), x, y, iterations=5)
    assert len(losses) == 5 and all(isinstance(v, float) for v in losses)
    optimizer = cnn_lib.SGD(reference, lr=1.0)
    for i in range(5):
        cnn_lib.train_step(reference, optimizer, x[batch_slice(i)], y[batch_slice(i)])
        assert losses[i] == pytest.approx(loss_on(reference, x, y), rel=1e-12)
    np.testing.assert_allclose(kernel(model), kernel(reference), rtol=1e-12)
    # start= continues the batch order: 3 iterations, then 2 more from iteration 3, equal 5 at once
    split = tiny_cnn()
    optimizer = cnn_lib.SGD(split, lr=1.0)
    both = train(split, optimizer, x, y, 3) + train(split, optimizer, x, y, 2, start=3)
    np.testing.assert_allclose(both, losses, rtol=1e-12)
    assert train(tiny_cnn(), cnn_lib.SGD(model, lr=1.0), x, y, iterations=0) == []


def test_loss_on_matches_softmax_cross_entropy():
    x, y = tiny_data()
    model = tiny_cnn()
    loss = loss_on(model, x, y)
    assert isinstance(loss, float)
    assert loss == pytest.approx(cnn_lib.softmax_cross_entropy(model.forward(x), y)[0])


# ---------------------------------------------------------------- figures
def test_schema_and_panels_and_curves_build_figures():
    import matplotlib.pyplot as plt
    from cnn_lib.viz.backprop import draw_tiny_cnn, plot_loss_curves, show_panels

    x, _ = tiny_data()
    fig = draw_tiny_cnn(x[0, 0], kernel(tiny_cnn()), classes=("a", "b", "c"))
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "16 -> 3" in texts and "forward" in texts and "backward" in texts
    assert "3 logits" in texts and "training-time head" in texts and "not in the model" in texts
    assert "softmax" in texts and "the model" in texts
    fig2 = show_panels([("x", x[0, 0]), ("signed", -x[1, 0])])
    assert len(fig2.axes) == 2 and len(fig2.axes[0].texts) == 36
    assert fig2.axes[1].images[0].get_cmap().name == "PuOr"
    fig3 = plot_loss_curves({"lr = 1": [1.0, 0.5], "lr = 2": [1.0, 2.0]})
    assert len(fig3.axes[0].lines) == 2 and fig3.axes[0].get_yscale() == "log"
    for f in (fig, fig2, fig3):
        plt.close(f)


def test_heatmap_updates_in_place():
    from cnn_lib.viz import new_figure
    from cnn_lib.viz.backprop import heatmap, set_heatmap

    ax = new_figure().add_subplot()
    image, texts = heatmap(ax, np.zeros((3, 3)), "kernel")
    set_heatmap(image, texts, np.arange(9.0).reshape(3, 3) - 4)
    assert image.get_clim() == (-4.0, 4.0)
    assert [t.get_text() for t in texts][:3] == ["-4.00", "-3.00", "-2.00"]
    assert len(ax.texts) == 9                               # the same nine texts, not new ones


# ---------------------------------------------------------------- the training stepper
@pytest.fixture
def stepper():
    from cnn_lib.widgets.training_stepper import TrainingStepper
    return TrainingStepper(lr=1.0)


def test_stepper_starts_without_a_step(stepper):
    assert stepper.iteration == 0 and stepper.batch_losses == []
    assert "No step yet" in stepper.status.value and "learning rate 1" in stepper.status.value
    np.testing.assert_array_equal(stepper.drawing.g_art[0].get_array(), np.zeros((3, 3)))


def test_one_step_with_a_small_learning_rate_lowers_the_loss_on_that_batch(stepper):
    stepper.lr.value = 0.1
    x, y = tiny_data()
    batch = batch_slice(0)
    before = loss_on(stepper.model, x[batch], y[batch])
    result = stepper.step()
    after = loss_on(stepper.model, x[batch], y[batch])
    assert after < before
    assert result.loss_before == pytest.approx(before) and result.loss_after == pytest.approx(after)
    assert (result.iteration, result.epoch, result.batch) == (1, 1, 1)
    assert "Iteration 1 (epoch 1, batch 1 of 2)" in stepper.status.value and " = epoch" not in stepper.status.value


def test_step_is_one_sgd_update_with_the_sliders_rate(stepper):
    stepper.lr.value = 0.3
    x, y = tiny_data()
    reference = tiny_cnn()
    cnn_lib.train_step(reference, cnn_lib.SGD(reference, lr=0.3), x[:4], y[:4])
    stepper.step()
    for (layer, name), (ref, _) in zip(stepper.model.parameters(), reference.parameters()):
        np.testing.assert_allclose(layer.params[name], ref.params[name], rtol=1e-12)
    grad = stepper.model.layers[0].grads["weight"][0, 0]
    np.testing.assert_array_equal(stepper.drawing.g_art[0].get_array(), grad)
    assert [t.get_text() for t in stepper.drawing.g_art[1]] == [f"{v:.2f}" for v in grad.ravel()]
    assert [t.get_text() for t in stepper.drawing.w_art[1]] == [f"{v:.2f}" for v in kernel(stepper.model).ravel()]


def test_steps_count_iterations_and_epochs_and_redraw_the_same_figure(stepper):
    fig, line, first_text, before = stepper.fig, stepper.drawing.full_line, stepper.drawing.w_art[1][0], digest(stepper)
    stepper.step_button.click()
    stepper.step(2)
    assert stepper.iteration == 3
    assert "Iteration 3 (epoch 2, batch 1 of 2)" in stepper.status.value
    assert stepper.fig is fig and stepper.drawing.full_line is line and stepper.drawing.w_art[1][0] is first_text
    assert digest(stepper) != before
    assert len(stepper.drawing.full_line.get_xdata()) == 4 and len(stepper.drawing.batch_line.get_xdata()) == 3
    stepper.ten_button.click()
    assert stepper.iteration == 13 and len(stepper.full_losses) == 14


def test_training_with_the_buttons_reaches_a_low_loss(stepper):
    for _ in range(6):
        stepper.ten_button.click()
    assert stepper.full_losses[-1] < 0.1
    assert "8 of 8 predicted right" in stepper.status.value
    heights = [bar.get_height() for bar in stepper.drawing.bars]
    assert min(heights) > 0.5


def test_reset_restores_the_first_weights(stepper):
    start = kernel(stepper.model)
    stepper.step(5)
    assert not np.array_equal(kernel(stepper.model), start)
    stepper.reset_button.click()
    np.testing.assert_array_equal(kernel(stepper.model), start)
    assert stepper.iteration == 0 and "No step yet" in stepper.status.value


def test_moving_the_slider_changes_no_weight(stepper):
    stepper.step()
    weights = kernel(stepper.model)
    stepper.lr.value = 0.01
    np.testing.assert_array_equal(kernel(stepper.model), weights)
    assert "learning rate 0.01" in stepper.status.value and stepper.iteration == 1


def test_an_overflowing_update_is_refused_and_explained(stepper):
    stepper.step()
    stepper.lr.value = 30.0
    fc = stepper.model.layers[3]
    fc.params["weight"][0], fc.params["weight"][1] = 1e308, -1e308     # the logits overflow to +-inf
    saved, drawing = [p.copy() for p in fc.params.values()], digest(stepper)
    assert stepper.step() is None
    assert "Cannot draw this" in stepper.status.value and "smaller learning rate" in stepper.status.value
    for old, now in zip(saved, fc.params.values()):
        np.testing.assert_array_equal(old, now)
    assert stepper.iteration == 1 and digest(stepper) == drawing      # the last valid drawing is kept
    stepper.lr.value = 0.1                    # the weights (set by hand) still overflow: said, not drawn as NaN
    assert "scores overflow" in stepper.status.value and "Reset" in stepper.status.value
    stepper.reset()
    assert "No step yet" in stepper.status.value


def test_static_fallback(stepper):
    bundle = stepper._repr_mimebundle_()
    assert bundle["image/png"] and bundle["text/plain"].startswith("[training stepper")


# ---------------------------------------------------------------- exercises
def test_exercises_are_registered():
    assert {"backprop.relu_node", "backprop.weight_update", "backprop.iterations_per_epoch",
            "backprop.total_iterations"} <= set(REGISTRY)


def test_relu_gradient_checker():
    assert check_relu_node(0) and check_relu_node(0.0)
    assert "slope is 0" in check_relu_node(2.5).message
    assert "input z" in check_relu_node(-1.75).message
    assert "replace the ..." in check_relu_node(...).message
    assert check_relu_gradient(1.5, z=0.2, upstream=1.5)
    assert "passes through unchanged" in check_relu_gradient(0, z=0.2, upstream=1.5).message
    assert not check_relu_gradient(1.5, z=0.0, upstream=1.5)          # z = 0 counts as "off", like relu_backward


def test_weight_update_checker():
    assert check_update(0.375) and check_update(0.4 - 0.1 * 0.25)
    assert check_update(0.3752) and not check_update(0.376)               # half a unit of the 3rd decimal
    for rounded, places in ((0.38, "2 decimal places"), (0.37, "2 decimal places"), (0.3, "1 decimal place")):
        assert not check_update(rounded) and places in check_update(rounded).message
    assert "3 decimal places (it needs no rounding)" in check_update(0.38).message
    assert "old weight" in check_update(0.4).message
    assert "too small" in check_update(0.36).message
    assert "subtracts" in check_update(0.425).message
    assert "learning rate" in check_update(0.15).message
    assert "change" in check_update(-0.025).message
    assert "subtracts" in check_weight_update(-1.2, weight=-1.0, gradient=-2.0, lr=0.1).message
    assert check_weight_update(-0.8, weight=-1.0, gradient=-2.0, lr=0.1)


def test_iteration_checkers():
    assert check_iterations_per_epoch(469) and check_total_iterations(1407)
    assert "round up" in check_iterations_per_epoch(468).message
    assert "drop_last=True" in check_iterations_per_epoch(468).message
    assert "whole number" in check_iterations_per_epoch(468.75).message
    assert "counted epochs" in check_iterations_per_epoch(1).message
    assert "one epoch's" in check_total_iterations(469).message
    assert "counted epochs" in check_total_iterations(3).message
    assert check_iterations(63, n_examples=4000, batch_size=64)
    assert check_iterations(50, n_examples=100, batch_size=2)              # divides exactly: no partial batch
    assert check_iterations(126, n_examples=4000, batch_size=64, epochs=2)
