"""Tests for losses, optimizers and the training loop: softmax and cross-entropy against naive
formulas and numerical gradients, optimizer updates against hand formulas, fit's bookkeeping,
and real learning on MNIST digits."""
import math

import numpy as np
import pytest

import cnn_lib
from cnn_lib import (SGD, Adam, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, evaluate, fit,
                     numerical_gradient, rel_error, softmax, softmax_cross_entropy)


@pytest.fixture(scope="module")
def mnist():
    return cnn_lib.load_mnist()


def mnist_net(seed=0):
    cnn_lib.manual_seed(seed)
    return Sequential(Conv2d(1, 8, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(8 * 14 * 14, 10))


def tiny_net(seed=0):
    cnn_lib.manual_seed(seed)
    return Sequential(Conv2d(1, 2, 3), ReLU(), Flatten(), Linear(2 * 4 * 4, 3))


def tiny_data(n=23, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 1, 6, 6)).astype(np.float32), rng.integers(0, 3, n)


# ---------------------------------------------------------------- softmax and the loss
def test_softmax_rows_sum_to_one_and_keep_order():
    logits = np.random.default_rng(0).standard_normal((5, 7)) * 50
    p = softmax(logits)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(p >= 0)
    np.testing.assert_array_equal(p.argmax(axis=1), logits.argmax(axis=1))
    np.testing.assert_allclose(softmax(logits + 1000.0), p, rtol=1e-12)     # shifting a row changes nothing
    np.testing.assert_allclose(softmax(np.array([[0.0, np.log(3.0)]])), [[0.25, 0.75]], rtol=1e-12)


def test_cross_entropy_is_finite_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0],
                       [-1000.0, 1000.0, 0.0]])
    loss, dlogits = softmax_cross_entropy(logits, np.array([0, 2]))
    # row 0 is right with certainty (loss 0); row 1 puts its label 1000 below the best (loss 1000)
    assert math.isfinite(loss) and loss == pytest.approx(500.0, rel=1e-12)
    assert np.all(np.isfinite(dlogits))
    np.testing.assert_allclose(dlogits, [[0, 0, 0], [0, 0.5, -0.5]], atol=1e-12)


def test_cross_entropy_matches_naive_formula():
    rng = np.random.default_rng(1)
    logits, labels = rng.standard_normal((6, 4)), rng.integers(0, 4, 6)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    naive = np.mean([-np.log(p[i, labels[i]]) for i in range(6)])
    loss, dlogits = softmax_cross_entropy(logits, labels)
    assert isinstance(loss, float)
    assert loss == pytest.approx(naive, rel=1e-12)
    np.testing.assert_allclose(dlogits, (p - np.eye(4)[labels]) / 6, atol=1e-14)


def test_cross_entropy_gradient_matches_numerical():
    rng = np.random.default_rng(2)
    logits, labels = rng.standard_normal((5, 6)) * 3, rng.integers(0, 6, 5)
    _, dlogits = softmax_cross_entropy(logits, labels)
    numeric = numerical_gradient(lambda: softmax_cross_entropy(logits, labels)[0], logits)
    assert rel_error(dlogits, numeric) < 1e-7


def test_cross_entropy_of_uniform_scores_is_log_k():
    assert softmax_cross_entropy(np.zeros((4, 10)), np.arange(4))[0] == pytest.approx(np.log(10), rel=1e-12)


@pytest.mark.parametrize("labels, error, words", [
    (np.array([0, 3]), ValueError, ["0..2", "got 3"]),
    (np.array([-1, 0]), ValueError, ["0..2", "got -1"]),
    (np.array([0, 1, 2]), ValueError, ["(2,)", "(3,)"]),
    (np.array([[1, 0, 0], [0, 1, 0]]), ValueError, ["(2,)", "one-hot"]),
    (np.array([0.0, 1.0]), TypeError, ["float64", "astype(int)"]),
])
def test_cross_entropy_rejects_bad_labels(labels, error, words):
    with pytest.raises(error) as info:
        softmax_cross_entropy(np.zeros((2, 3)), labels)
    for w in words:
        assert w in str(info.value), str(info.value)


def test_cross_entropy_rejects_1d_logits():
    with pytest.raises(ValueError) as info:
        softmax_cross_entropy(np.zeros(3), np.array([1]))
    assert "(3,)" in str(info.value) and "logits[None]" in str(info.value)


# ---------------------------------------------------------------- real digits
def test_fresh_net_on_mnist_starts_near_chance(mnist):
    x, y = mnist[0][:500], mnist[1][:500]
    loss, acc = evaluate(mnist_net(0), x, y)
    assert abs(loss - np.log(10)) < 0.1, loss     # about 2.30: ten equally likely guesses
    assert acc < 0.3


def test_small_net_overfits_50_digits(mnist):
    x, y = mnist[0][:50], mnist[1][:50]
    assert len(np.unique(y)) == 10
    net = mnist_net(0)
    history = fit(net, Adam(net, lr=0.01), x, y, epochs=30, batch_size=10, seed=0)
    loss, acc = evaluate(net, x, y)
    assert loss < 0.05 and acc == 1.0, (loss, acc)
    assert history.accuracy[-1] == 1.0
    assert history.loss[-1] < 0.05 < history.loss[0]


# ---------------------------------------------------------------- optimizers
def linear_model_with_grads(seed=0):
    """A one-layer model with float64 weights and known gradients."""
    rng = np.random.default_rng(seed)
    model = Sequential(Linear(3, 2))
    layer = model.layers[0]
    layer.params = {"weight": rng.standard_normal((2, 3)), "bias": rng.standard_normal(2)}
    layer.grads = {"weight": rng.standard_normal((2, 3)), "bias": rng.standard_normal(2)}
    return model, layer, rng


def test_sgd_without_momentum_is_w_minus_lr_g():
    model, layer, _ = linear_model_with_grads()
    before = {k: v.copy() for k, v in layer.params.items()}
    SGD(model, lr=0.1).step()
    for k in before:
        np.testing.assert_array_equal(layer.params[k], before[k] - 0.1 * layer.grads[k])


def test_sgd_momentum_two_steps_by_hand():
    model, layer, rng = linear_model_with_grads()
    w0 = layer.params["weight"].copy()
    opt = SGD(model, lr=0.1, momentum=0.9)
    g1 = layer.grads["weight"].copy()
    opt.step()
    np.testing.assert_allclose(layer.params["weight"], w0 - 0.1 * g1, rtol=1e-14)
    g2 = rng.standard_normal((2, 3))
    layer.grads["weight"] = g2
    layer.grads["bias"] = np.zeros(2)
    opt.step()
    v2 = 0.9 * g1 + g2
    np.testing.assert_allclose(layer.params["weight"], w0 - 0.1 * g1 - 0.1 * v2, rtol=1e-14)


def test_sgd_does_not_edit_the_gradients():
    model, layer, _ = linear_model_with_grads()
    g = layer.grads["weight"].copy()
    opt = SGD(model, lr=0.1, momentum=0.9)
    opt.step()
    layer.grads = {name: grad.copy() for name, grad in layer.grads.items()}    # a new backward's gradients
    opt.step()
    np.testing.assert_array_equal(layer.grads["weight"], g)


def test_adam_first_step_is_lr_times_sign():
    model, layer, _ = linear_model_with_grads()
    before = {k: v.copy() for k, v in layer.params.items()}
    Adam(model, lr=0.01).step()
    for k in before:
        np.testing.assert_allclose(before[k] - layer.params[k], 0.01 * np.sign(layer.grads[k]), rtol=1e-6)


def test_adam_keeps_float32_weights_float32():
    net = tiny_net()
    x, y = tiny_data()
    fit(net, Adam(net), x, y, epochs=1, batch_size=8)
    assert all(layer.params[name].dtype == np.float32 for layer, name in net.parameters())


@pytest.mark.parametrize("make", [lambda m, lr: SGD(m, lr=lr), lambda m, lr: Adam(m, lr=lr)], ids=["SGD", "Adam"])
@pytest.mark.parametrize("lr", [0, -0.1])
def test_optimizers_reject_non_positive_lr(make, lr):
    with pytest.raises(ValueError) as info:
        make(tiny_net(), lr)
    assert "lr" in str(info.value) and repr(lr) in str(info.value)


# ---------------------------------------------------------------- fit and evaluate
def test_fit_bookkeeping_and_callback():
    x, y = tiny_data(23)
    net = tiny_net()
    calls = []
    history = fit(net, SGD(net, lr=0.05), x, y, epochs=3, batch_size=5, seed=1, on_step=calls.append)
    steps = math.ceil(23 / 5)
    assert len(history.loss) == len(history.accuracy) == 3
    assert len(history.step_loss) == 3 * steps == len(calls)
    assert [(c.epoch, c.step) for c in calls] == [(e, s) for e in range(3) for s in range(steps)]
    assert all(c.steps_per_epoch == steps for c in calls)
    assert [c.loss for c in calls] == history.step_loss
    assert history.val_loss == [] and history.val_accuracy == []
    # an epoch's loss is the batch losses weighted by batch size (the last batch has 3 examples)
    sizes = [5, 5, 5, 5, 3]
    for e in range(3):
        batch = history.step_loss[e * steps:(e + 1) * steps]
        assert history.loss[e] == pytest.approx(np.dot(batch, sizes) / 23, rel=1e-6)
        assert 0 <= history.accuracy[e] <= 1


def test_fit_is_repeatable_with_the_same_seed():
    x, y = tiny_data(20)
    runs = []
    for _ in range(2):
        net = tiny_net(4)
        runs.append((fit(net, SGD(net, lr=0.05, momentum=0.9), x, y, epochs=2, batch_size=6, seed=7),
                     net.layers[-1].params["weight"].copy()))
    (h1, w1), (h2, w2) = runs
    assert h1 == h2
    np.testing.assert_array_equal(w1, w2)
    net = tiny_net(4)
    h3 = fit(net, SGD(net, lr=0.05, momentum=0.9), x, y, epochs=2, batch_size=6, seed=8)
    assert h3.step_loss != h1.step_loss                 # another shuffle, another path


def test_fit_with_validation():
    x, y = tiny_data(20)
    xv, yv = tiny_data(9, seed=1)
    net = tiny_net()
    history = fit(net, SGD(net, lr=0.05), x, y, epochs=2, batch_size=8, validation=(xv, yv))
    assert len(history.val_loss) == len(history.val_accuracy) == 2
    assert (history.val_loss[-1], history.val_accuracy[-1]) == evaluate(net, xv, yv)


def test_evaluate_matches_hand_computation():
    x, y = tiny_data(10, seed=2)
    net = tiny_net(5)
    logits = net.forward(x).astype(np.float64)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    loss, acc = evaluate(net, x, y, batch_size=4)       # 3 batches: 4 + 4 + 2
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(10), y])), rel=1e-5)
    assert acc == np.mean(logits.argmax(axis=1) == y)
    assert acc == evaluate(net, x, y)[1]


def test_fit_and_evaluate_reject_length_mismatch():
    x, y = tiny_data(10)
    net = tiny_net()
    with pytest.raises(ValueError) as info:
        fit(net, SGD(net), x, y[:9])
    assert "10 examples" in str(info.value) and "9 labels" in str(info.value)
    with pytest.raises(ValueError):
        evaluate(net, x[:8], y)


def test_backward_without_input_grad_fills_the_same_gradients(mnist):
    """train_step's shortcut: the first Conv2d skips dx for the images; every weight's gradient is unchanged."""
    x, y = mnist[0][:16], mnist[1][:16]
    grads = []
    for input_grad in (True, False):
        net = mnist_net()
        _, dlogits = softmax_cross_entropy(net.forward(x), y)
        dx = net.backward(dlogits, input_grad=input_grad)
        assert (dx is None) == (not input_grad) and (input_grad is False or dx.shape == x.shape)
        grads.append([layer.grads[name].copy() for layer, name in net.parameters()])
    for full, part in zip(*grads):
        np.testing.assert_array_equal(full, part)


def test_train_step_equals_forward_backward_step_by_hand(mnist):
    x, y = mnist[0][:16], mnist[1][:16]
    nets = [mnist_net(), mnist_net()]
    opts = [Adam(nets[0], lr=0.01), Adam(nets[1], lr=0.01)]
    loss, _ = cnn_lib.train_step(nets[0], opts[0], x, y)
    by_hand, dlogits = softmax_cross_entropy(nets[1].forward(x), y)
    nets[1].backward(dlogits)
    opts[1].step()
    assert loss == by_hand
    for (a, name), (b, _) in zip(nets[0].parameters(), nets[1].parameters()):
        np.testing.assert_array_equal(a.params[name], b.params[name])
