"""The layer protocol beyond forward/backward: describe() -> LayerInfo, PyTorch-style parameter names,
and optimizer state kept by those names (see ARCHITECTURE.md)."""
import copy

import numpy as np
import pytest

import cnn_lib
from cnn_lib import Adam, Conv2d, Flatten, Linear, MaxPool2d, ReLU, SGD, Sequential, conv_params, linear_params
from cnn_lib import models
from cnn_lib.layers import Layer, LayerInfo
from cnn_lib.losses import softmax_cross_entropy
from cnn_lib.metrics import multiply_adds
from cnn_lib.train import train_step

EVERY_LAYER = [  # (layer, one example's input shape)
    (Conv2d(3, 4, 3, stride=2, padding=1), (3, 9, 7)),
    (Conv2d(2, 5, 4), (2, 6, 6)),
    (MaxPool2d(2), (3, 7, 6)),
    (MaxPool2d(3, stride=1), (2, 5, 5)),
    (ReLU(), (3, 4, 4)),
    (ReLU(), (7,)),
    (Flatten(), (3, 4, 5)),
    (Linear(6, 4), (6,)),
    (Sequential(Conv2d(1, 2, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(2 * 3 * 3, 4)), (1, 6, 6)),
]


def naive_mult_adds(layer, x):
    """Multiply-adds counted by running the layer on a batch of one and asking each output node its fan-in."""
    if isinstance(layer, Sequential):
        total = 0
        for inner in layer.layers:
            total += naive_mult_adds(inner, x)
            x = inner.forward(x)
        return total
    if isinstance(layer, (Conv2d, Linear)):
        weight = layer.params["weight"]
        return layer.forward(x).size * (weight.size // weight.shape[0])      # every output node: fan-in products
    return 0


@pytest.mark.parametrize("layer, shape", EVERY_LAYER, ids=lambda v: repr(v).split("(")[0] if not isinstance(v, tuple)
                         else str(v))
def test_describe_matches_what_forward_does(layer, shape):
    info = layer.describe(shape)
    assert isinstance(info, LayerInfo) and info.kind == type(layer).__name__
    x = np.random.default_rng(0).standard_normal((2, *shape)).astype(np.float32)
    assert info.out_shape == layer.forward(x).shape[1:]
    assert all(type(n) is int for n in info.out_shape)
    assert info.params == layer.num_params() == sum(a.size for _, a in layer.named_parameters())
    assert info.mult_adds == naive_mult_adds(layer, x[:1])


def test_describe_gives_the_courses_numbers():
    assert Conv2d(3, 16, 5).describe((3, 32, 32)) == ("Conv2d", (16, 28, 28), conv_params(3, 16, 5), 28 * 28 * 16 * 75)
    assert Linear(800, 10).describe((800,)) == ("Linear", (10,), linear_params(800, 10), 8000)
    assert MaxPool2d(2).describe((16, 28, 28)) == ("MaxPool2d", (16, 14, 14), 0, 0)
    assert Flatten().describe((32, 5, 5)) == ("Flatten", (800,), 0, 0)
    net = models.lenet()
    assert net.describe((1, 28, 28)) == ("Sequential", (10,), 21258, 28 * 28 * 16 * 25 + 10 * 10 * 32 * 400 + 8000)
    assert multiply_adds(net, (1, 28, 28)) == net.describe((1, 28, 28)).mult_adds
    assert multiply_adds(Linear(3, 2), (3,)) == 6                          # any layer, not only a Sequential


def test_summary_rows_come_from_describe_and_run_nothing():
    net = models.small_cnn()
    before = [dict(vars(layer)) for layer in net.layers]
    rows = net.summary((1, 28, 28))
    shape = (1, 28, 28)
    for layer, row in zip(net.layers, rows[1:]):
        info = layer.describe(shape)
        assert (row["output_shape"], row["params"], row["mult_adds"]) == (info.out_shape, info.params, info.mult_adds)
        shape = info.out_shape
    assert [dict(vars(layer)) for layer in net.layers] == before              # no forward pass, nothing cached


def test_a_nested_container_sums_its_children():
    inner = Sequential(Conv2d(2, 3, 3, padding=1), ReLU())
    net = Sequential(Conv2d(1, 2, 3, padding=1), inner, Flatten(), Linear(3 * 4 * 4, 2))
    info = net.describe((1, 4, 4))
    assert info.out_shape == (2,)
    assert info.params == net.num_params() == conv_params(1, 2, 3) + conv_params(2, 3, 3) + linear_params(48, 2)
    assert info.mult_adds == 16 * 2 * 9 + 16 * 3 * 18 + 2 * 48


def test_describe_refuses_wrong_shapes_with_a_hint():
    with pytest.raises(ValueError, match=r"Conv2d.describe: in_shape must have 3 channels .*got 1"):
        Conv2d(3, 4, 3).describe((1, 8, 8))
    with pytest.raises(ValueError, match=r"Linear.describe: in_shape must be \(6,\).*got \(5,\)"):
        Linear(6, 2).describe((5,))
    for bad in [(1, 1, 28, 28), (28, 28), "1, 28, 28", (1, 0, 28), (1, 28.0, 28)]:
        with pytest.raises(ValueError, match="without the batch axis") as info:
            Conv2d(1, 2, 3).describe(bad)
        assert "got" in str(info.value) and "Hint" in str(info.value)
    with pytest.raises(ValueError, match="the kernel does not fit"):
        Conv2d(1, 2, 5).describe((1, 3, 3))
    with pytest.raises(ValueError, match=r"\(1, 28, 28\)"):
        models.lenet().summary((1, 1, 28, 28))


def test_a_new_layer_without_describe_says_what_to_write():
    class Scale(Layer):
        def forward(self, x):
            return 2 * x

        def backward(self, dy):
            return 2 * dy

    with pytest.raises(NotImplementedError, match="Scale.describe.*LayerInfo"):
        Sequential(Scale()).summary((1, 4, 4))


# ---------------------------------------------------------------- named parameters
def test_names_are_pytorchs():
    # Written down from PyTorch's rules (and checked once with torch 2.13: nn.Sequential(...).named_parameters()):
    # a child's attribute name in an nn.Sequential is its index; a parameter is "<index>.<weight|bias>".
    assert [n for n, _ in models.small_cnn().named_parameters()] == ["0.weight", "0.bias", "3.weight", "3.bias",
                                                                     "7.weight", "7.bias"]
    assert [n for n, _ in models.lenet_strided().named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias",
                                                                         "5.weight", "5.bias"]
    assert [n for n, _ in Linear(2, 3).named_parameters()] == ["weight", "bias"]
    assert ReLU().named_parameters() == []
    # nested: nn.Sequential(Linear, nn.Sequential(ReLU, Linear, nn.Sequential(Linear))) in torch gives these
    nested = Sequential(Linear(3, 4), Sequential(ReLU(), Linear(4, 5), Sequential(Linear(5, 2))))
    assert [n for n, _ in nested.named_parameters()] == ["0.weight", "0.bias", "1.1.weight", "1.1.bias",
                                                         "1.2.0.weight", "1.2.0.bias"]


def test_named_parameters_are_the_arrays_themselves_in_parameters_order():
    net = models.lenet()
    named = net.named_parameters()
    assert [(layer, key) for _, layer, key in net.named_slots()] == net.parameters()
    for (name, array), (layer, key) in zip(named, net.parameters()):
        assert array is layer.params[key] and name.endswith("." + key)
    assert [int(name.split(".")[0]) for name, _ in named] == [0, 0, 3, 3, 7, 7]
    assert cnn_lib.check_layer(Sequential(Linear(3, 2)), np.ones((2, 3))).keys() == {"x", "0.weight", "0.bias"}


# ---------------------------------------------------------------- optimizer state by name
def batch(seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((4, 1, 6, 6)), rng.integers(0, 2, 4)


@pytest.mark.parametrize("make", [lambda m: SGD(m, lr=0.1, momentum=0.9), lambda m: Adam(m, lr=0.01)])
def test_optimizer_state_is_keyed_by_name_and_belongs_to_its_model(make):
    model = models.tiny_cnn()
    optimizer = make(model)
    assert optimizer.model is model
    x, y = batch()
    train_step(model, optimizer, x, y)
    states = [optimizer.velocity] if isinstance(optimizer, SGD) else [optimizer.m, optimizer.v]
    names = [n for n, _ in model.named_parameters()]
    for state in states:
        assert list(state) == names == ["0.weight", "0.bias", "3.weight", "3.bias"]
        assert all(state[n].shape == a.shape for n, a in model.named_parameters())


@pytest.mark.parametrize("make", [lambda m: SGD(m, lr=0.1, momentum=0.9), lambda m: Adam(m, lr=0.01)])
def test_two_models_and_their_optimizers_share_nothing(make):
    a = models.tiny_cnn()
    b = copy.deepcopy(a)                                     # same weights, separate arrays
    opt_a, opt_b = make(a), make(b)
    x, y = batch()
    for _ in range(3):
        train_step(a, opt_a, x, y)
    x2, y2 = batch(1)
    train_step(b, opt_b, x2, y2)                             # b learns from other data, once
    for (_, wa), (_, wb) in zip(a.named_parameters(), b.named_parameters()):
        assert wa is not wb and not np.array_equal(wa, wb)
    fresh = models.tiny_cnn()                                # a's history replayed on a third model
    opt_fresh = make(fresh)
    for _ in range(3):
        train_step(fresh, opt_fresh, x, y)
    assert models.same_network(fresh, a)                     # b's optimizer did not touch a's state


@pytest.mark.parametrize("make", [lambda m: SGD(m, lr=0.1, momentum=0.9), lambda m: Adam(m, lr=0.01)])
def test_a_deep_copied_model_and_optimizer_carry_on_exactly_like_the_original(make):
    model = models.tiny_cnn()
    optimizer = make(model)
    x, y = batch()
    train_step(model, optimizer, x, y)
    twin_model, twin_optimizer = copy.deepcopy((model, optimizer))
    assert twin_optimizer.model is twin_model                # the copy updates the copied model
    for _ in range(2):
        train_step(model, optimizer, x, y)
        train_step(twin_model, twin_optimizer, x, y)
    assert models.same_network(model, twin_model)
    loss = softmax_cross_entropy(model.forward(x), y)[0]
    assert loss == softmax_cross_entropy(twin_model.forward(x), y)[0]
