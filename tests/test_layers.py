"""Tests for cnn_lib.layers: gradient checks in float64 for every layer, the layer protocol
(dy untouched, a new array back, repeatable backward), parameter names and shapes, seeding,
Sequential.summary and its errors."""
import numpy as np
import pytest

import cnn_lib
from cnn_lib import (Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, check_layer, numerical_gradient,
                     rel_error, softmax_cross_entropy)

TOL = 1e-7


def away_from_kinks(shape, seed):
    """Random values with |x| > 1e-2 (far from ReLU's kink at 0 compared with the step h = 1e-5)."""
    x = np.random.default_rng(seed).standard_normal(shape)
    return np.sign(x) * (np.abs(x) + 1e-2)


def distinct(shape, seed):
    """Values at least 0.01 apart, in random order: no ties for max pooling, even after a nudge."""
    n = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(n).reshape(shape) * 0.01 - n * 0.005


def to_float64(model):
    """Make every parameter float64, also those inside a Sequential."""
    for layer in getattr(model, "layers", [model]):
        for name in layer.params:
            layer.params[name] = layer.params[name].astype(np.float64)
    return model


def small_net():
    cnn_lib.manual_seed(1)
    return Sequential(Conv2d(2, 3, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(3 * 3 * 3, 4))


# (name, layer factory, input): every layer kind, in float64
CASES = [
    ("conv s2 p1", lambda: Conv2d(3, 4, 3, stride=2, padding=1), away_from_kinks((2, 3, 7, 6), 0)),
    ("conv 1x1", lambda: Conv2d(3, 5, 1), away_from_kinks((2, 3, 4, 5), 1)),
    ("conv 2x2 s1", lambda: Conv2d(2, 3, 2), away_from_kinks((2, 2, 5, 4), 2)),
    ("pool 3/2 overlapping", lambda: MaxPool2d(3, stride=2), distinct((2, 2, 7, 8), 3)),
    ("pool 2/2", lambda: MaxPool2d(2), distinct((2, 2, 6, 7), 4)),
    ("relu", lambda: ReLU(), away_from_kinks((2, 3, 4, 5), 5)),
    ("flatten", lambda: Flatten(), away_from_kinks((2, 3, 4, 5), 6)),
    ("linear", lambda: Linear(6, 4), away_from_kinks((3, 6), 7)),
    ("sequential", small_net, away_from_kinks((2, 2, 6, 6), 8)),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("name, make, x", CASES, ids=IDS)
def test_check_layer_float64(name, make, x):
    layer = to_float64(make())
    errors = check_layer(layer, x)
    inner = getattr(layer, "layers", None)
    expected = ({f"{i}.{n}" for i, sub in enumerate(inner) for n in sub.params} if inner is not None
                else set(layer.params))
    assert set(errors) == {"x"} | expected       # every parameter checked, for Sequential those inside
    assert all(err < TOL for err in errors.values()), errors


@pytest.mark.parametrize("name, make, x", CASES, ids=IDS)
def test_check_layer_detects_a_wrong_backward(name, make, x):
    """The checker itself can fail: a backward that returns 1.01 * dx is caught."""
    layer = to_float64(make())
    right = layer.backward
    layer.backward = lambda dy: 1.01 * right(dy)
    assert check_layer(layer, x)["x"] > 1e-3


def test_sequential_with_loss_gradient_check():
    """Loss of a whole net against every parameter and the input, by numerical differences."""
    cnn_lib.manual_seed(2)
    net = to_float64(Sequential(Conv2d(1, 2, 3, padding=1), ReLU(), MaxPool2d(2), Conv2d(2, 3, 2, stride=1),
                                ReLU(), Flatten(), Linear(3 * 2 * 2, 3)))
    x = away_from_kinks((3, 1, 6, 6), 9)
    labels = np.array([0, 2, 1])

    def loss():
        return softmax_cross_entropy(net.forward(x), labels)[0]

    _, dlogits = softmax_cross_entropy(net.forward(x), labels)
    dx = net.backward(dlogits)
    grads = {(id(layer), name): layer.grads[name].copy() for layer, name in net.parameters()}
    assert len(grads) == 6
    assert rel_error(dx, numerical_gradient(loss, x)) < TOL
    for layer, name in net.parameters():
        err = rel_error(grads[(id(layer), name)], numerical_gradient(loss, layer.params[name]))
        assert err < TOL, (layer, name, err)


# ---------------------------------------------------------------- the layer protocol
@pytest.mark.parametrize("name, make, x", CASES, ids=IDS)
def test_backward_keeps_dy_returns_new_array_and_repeats(name, make, x):
    layer = to_float64(make())
    y = layer.forward(x)
    dy = np.random.default_rng(10).standard_normal(y.shape)
    dy_before = dy.copy()
    dx = layer.backward(dy)
    assert dx is not dy
    assert dx.shape == x.shape
    np.testing.assert_array_equal(dy, dy_before)                  # dy never edited
    grads = {k: v.copy() for k, v in layer.grads.items()}
    inner = [{k: v.copy() for k, v in sub.grads.items()} for sub in getattr(layer, "layers", [])]
    dx_again = layer.backward(dy)
    np.testing.assert_array_equal(dy, dy_before)
    np.testing.assert_array_equal(dx_again, dx)                   # backward twice: same answer
    assert grads.keys() == layer.grads.keys()
    for k in grads:
        np.testing.assert_array_equal(layer.grads[k], grads[k])
    for sub, before in zip(getattr(layer, "layers", []), inner):
        for k in before:
            np.testing.assert_array_equal(sub.grads[k], before[k])


@pytest.mark.parametrize("name, make, x", CASES, ids=IDS)
def test_forward_does_not_edit_its_input(name, make, x):
    layer = make()
    before = x.copy()
    layer.forward(x)
    np.testing.assert_array_equal(x, before)


# ---------------------------------------------------------------- params and grads
def test_conv_params_and_grads_names_and_shapes():
    layer = Conv2d(3, 5, 4, stride=2, padding=1)
    assert set(layer.params) == {"weight", "bias"}
    assert layer.params["weight"].shape == (5, 3, 4, 4) and layer.params["bias"].shape == (5,)
    y = layer.forward(np.ones((2, 3, 8, 8), dtype=np.float32))
    assert y.shape == (2, 5, 4, 4)
    layer.backward(np.ones_like(y))
    assert set(layer.grads) == {"weight", "bias"}
    assert layer.grads["weight"].shape == (5, 3, 4, 4) and layer.grads["bias"].shape == (5,)


def test_linear_params_and_grads_names_and_shapes():
    layer = Linear(7, 3)
    assert set(layer.params) == {"weight", "bias"}
    assert layer.params["weight"].shape == (3, 7) and layer.params["bias"].shape == (3,)
    y = layer.forward(np.ones((4, 7), dtype=np.float32))
    assert y.shape == (4, 3)
    layer.backward(np.ones_like(y))
    assert set(layer.grads) == {"weight", "bias"}
    assert layer.grads["weight"].shape == (3, 7) and layer.grads["bias"].shape == (3,)


@pytest.mark.parametrize("layer", [ReLU(), MaxPool2d(2), Flatten()], ids=repr)
def test_layers_without_parameters_have_empty_dicts(layer):
    y = layer.forward(np.ones((1, 2, 4, 4)))
    layer.backward(np.ones_like(y))
    assert layer.params == {} and layer.grads == {}
    assert layer.num_params() == 0


def test_relu_keeps_only_its_output_and_its_backward_is_the_same():
    """ReLU's backward reads its output (y > 0 exactly where x > 0), so the input is not kept."""
    x = np.array([[-2.0, -0.0, 0.0, 1e-30, 3.0], [-1e-30, 5.0, -7.0, 0.5, 0.0]], dtype=np.float32)
    dy = np.arange(1.0, 11.0, dtype=np.float32).reshape(2, 5) * np.array([1, -1], dtype=np.float32)[:, None]
    layer = ReLU()
    y = layer.forward(x)
    assert set(layer.cache) == {"out", "y_shape"} and layer.cache["out"] is y     # no reference to x
    dx = layer.backward(dy)
    np.testing.assert_array_equal(dx, cnn_lib.functional.relu_backward(dy, x))
    np.testing.assert_array_equal(dx, [[0, 0, 0, 4, 5], [0, -7, 0, -9, 0]])
    assert dx.dtype == np.float32


def test_initial_weights_are_float32_and_bounded():
    layer = Conv2d(2, 4, 3)
    bound = 1 / np.sqrt(2 * 3 * 3)
    for p in layer.params.values():
        assert p.dtype == np.float32
        assert np.all(np.abs(p) <= bound)


def test_maxpool_stride_defaults_to_kernel_size():
    assert MaxPool2d(3).stride == 3
    assert MaxPool2d(3, stride=1).stride == 1
    assert MaxPool2d(3).forward(np.zeros((1, 1, 9, 10))).shape == (1, 1, 3, 3)


def test_manual_seed_repeats_initial_weights():
    def weights():
        return [Conv2d(1, 4, 3).params["weight"], Linear(5, 2).params["weight"]]

    cnn_lib.manual_seed(123)
    first = weights()
    cnn_lib.manual_seed(123)
    second = weights()
    cnn_lib.manual_seed(124)
    other = weights()
    for a, b, c in zip(first, second, other):
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)
    # an explicit generator works the same way
    a = Conv2d(1, 4, 3, rng=np.random.default_rng(5)).params["weight"]
    b = Conv2d(1, 4, 3, rng=np.random.default_rng(5)).params["weight"]
    np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- Sequential
def lenet():
    return Sequential(Conv2d(1, 6, 5, padding=2), ReLU(), MaxPool2d(2),
                      Conv2d(6, 16, 5), ReLU(), MaxPool2d(2), Flatten(),
                      Linear(400, 120), ReLU(), Linear(120, 84), ReLU(), Linear(84, 10))


def test_summary_of_lenet():
    net = lenet()
    rows = net.summary((1, 28, 28))
    got = [(r["output_shape"], r["nodes"], r["params"]) for r in rows]
    assert got == [
        ((1, 28, 28), 784, 0),                      # input
        ((6, 28, 28), 4704, 6 * 1 * 25 + 6),        # conv 5x5, padding 2
        ((6, 28, 28), 4704, 0),
        ((6, 14, 14), 1176, 0),
        ((16, 10, 10), 1600, 16 * 6 * 25 + 16),
        ((16, 10, 10), 1600, 0),
        ((16, 5, 5), 400, 0),
        ((400,), 400, 0),
        ((120,), 120, 400 * 120 + 120),
        ((120,), 120, 0),
        ((84,), 84, 120 * 84 + 84),
        ((84,), 84, 0),
        ((10,), 10, 84 * 10 + 10),
    ]
    assert rows[0]["layer"] == "input"
    assert [r["layer"] for r in rows[1:]] == [repr(layer) for layer in net.layers]
    total = sum(p.size for layer in net.layers for p in layer.params.values())
    assert sum(r["params"] for r in rows) == net.num_params() == total == 61706


def test_sequential_runs_layers_in_order_and_backward_in_reverse():
    cnn_lib.manual_seed(3)
    net = small_net()
    x = away_from_kinks((2, 2, 6, 6), 11).astype(np.float32)
    h = x
    for layer in net.layers:
        h = layer.forward(h)
    np.testing.assert_array_equal(net.forward(x), h)
    dy = np.ones_like(h)
    d = dy
    for layer in reversed(net.layers):
        d = layer.backward(d)
    np.testing.assert_array_equal(net.backward(dy), d)
    assert [name for _, name in net.parameters()] == ["weight", "bias", "weight", "bias"]


def test_sequential_rejects_a_class_instead_of_an_instance():
    with pytest.raises(TypeError) as info:
        Sequential(Conv2d(1, 2, 3), ReLU)
    msg = str(info.value)
    assert "argument 1" in msg and "ReLU" in msg and "parentheses" in msg


def test_sequential_rejects_a_non_layer():
    with pytest.raises(TypeError) as info:
        Sequential(Conv2d(1, 2, 3), "relu")
    assert "argument 1" in str(info.value)


def test_summary_rejects_a_batch_axis():
    with pytest.raises(ValueError) as info:
        lenet().summary((1, 1, 28, 28))
    assert "(1, 28, 28)" in str(info.value)


def test_layer_outputs_keeps_every_output_and_ends_with_forward():
    model = small_net()
    x = np.random.default_rng(3).standard_normal((2, 2, 6, 6))
    outputs = model.layer_outputs(x)
    assert len(outputs) == len(model.layers)
    assert [o.shape for o in outputs] == [(2, 3, 6, 6), (2, 3, 6, 6), (2, 3, 3, 3), (2, 27), (2, 4)]
    assert np.array_equal(outputs[-1], model.forward(x))
    assert np.array_equal(outputs[1], np.maximum(outputs[0], 0))


# ---------------------------------------------------------------- Sequential.backward: ReLU's mask after pooling
def relu_pool_model(rng, stride=2):
    return cnn_lib.Sequential(cnn_lib.Conv2d(2, 4, 3, padding=1, rng=rng), cnn_lib.ReLU(), cnn_lib.MaxPool2d(2),
                              cnn_lib.Conv2d(4, 3, 3, rng=rng), cnn_lib.ReLU(), cnn_lib.MaxPool2d(2, stride=stride),
                              cnn_lib.Flatten(), cnn_lib.Linear(3 * (2 if stride == 2 else 3) ** 2, 5, rng=rng))


def layer_by_layer(model, dy):
    for layer in reversed(model.layers):
        dy = layer.backward(dy)
    return dy


@pytest.mark.parametrize("stride", [2, 1])                      # 1: overlapping windows
def test_sequential_backward_applies_relus_mask_after_pooling_with_the_same_numbers(stride, monkeypatch):
    rng = np.random.default_rng(0)
    model = relu_pool_model(rng, stride)
    x = rng.standard_normal((6, 2, 12, 12))
    x[:3, :, :6] = -1.0                                          # many windows with nothing > 0: ties at 0
    dy = rng.standard_normal(model.forward(x).shape)
    relu_calls = []
    original = cnn_lib.ReLU.backward
    monkeypatch.setattr(cnn_lib.ReLU, "backward", lambda self, d: relu_calls.append(1) or original(self, d))
    fused = model.backward(dy)
    fused_grads = {name: layer.grads[key].copy() for name, layer, key in model.named_slots()}
    assert relu_calls == []                                      # both ReLUs were folded into the pooling
    chained = layer_by_layer(model, dy)
    assert len(relu_calls) == 2
    assert np.array_equal(fused, chained)
    assert all(np.array_equal(fused_grads[name], layer.grads[key]) for name, layer, key in model.named_slots())
    assert (model.layers[2].cache["out"] == 0).mean() > 0.1      # windows with nothing > 0 (ReLU's mask matters)


def test_sequential_backward_keeps_relu_when_the_pool_did_not_read_its_output():
    rng = np.random.default_rng(1)
    model = relu_pool_model(rng)
    x = rng.standard_normal((4, 2, 12, 12))
    dy = rng.standard_normal(model.forward(x).shape)
    model.layers[1].forward(rng.standard_normal((4, 4, 12, 12)))  # ReLU's cache now holds other numbers
    assert not cnn_lib.layers._relu_then_pool(model.layers[1:3])
    assert np.array_equal(model.backward(dy), layer_by_layer(model, dy))
