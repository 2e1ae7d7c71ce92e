"""Looking at a model never changes it: train/eval modes, one cache per layer, side-effect-free inference.

Issue 12: ``summary``, ``layer_outputs``, ``predict`` and ``evaluate`` used to run real forward
passes that overwrote what each layer keeps for backward. Here, forward(x), then any of them,
then backward(dy) must give exactly the gradients of forward(x), backward(dy).
"""
import numpy as np
import pytest

import cnn_lib
from cnn_lib import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, evaluate, predict
from cnn_lib.layers import inference
from cnn_lib.metrics import multiply_adds


from cnn_lib.models import lenet  # noqa: E402  (the preset, contract 5)


LOOKS = {
    "summary": lambda model: model.summary((1, 28, 28)),
    "layer_outputs": lambda model: model.layer_outputs(np.ones((3, 1, 28, 28))),
    "predict": lambda model: predict(model, np.zeros((7, 1, 28, 28)), batch_size=2),
    "evaluate": lambda model: evaluate(model, np.ones((2, 1, 28, 28)), np.array([1, 2])),
    "multiply_adds": lambda model: multiply_adds(model, (1, 28, 28)),
}


def gradients(model, x, dy, look=None):
    """dx and every parameter's gradient after forward(x), [look(model)], backward(dy)."""
    model.forward(x)
    if look is not None:
        look(model)
    dx = model.backward(dy)
    return [dx] + [layer.grads[name].copy() for layer, name in model.parameters()]


@pytest.mark.parametrize("n", [5, 1])
@pytest.mark.parametrize("look", sorted(LOOKS))
def test_looking_between_forward_and_backward_changes_no_gradient(look, n):
    rng = np.random.default_rng(n)
    x = rng.standard_normal((n, 1, 28, 28)).astype(np.float32)
    dy = rng.standard_normal((n, 10)).astype(np.float32)
    expected = gradients(lenet(), x, dy)
    model = lenet()
    got = gradients(model, x, dy, LOOKS[look])
    assert len(got) == len(expected) == 7     # dx and 3 weights, 3 biases
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)
    assert all(layer.training for layer in model.layers) and model.training


@pytest.mark.parametrize("look", sorted(LOOKS))
def test_inference_restores_eval_mode_and_caches_too(look):
    model = lenet().eval()
    model.forward(np.ones((2, 1, 28, 28)))
    caches = [layer.cache for layer in model.layers]
    LOOKS[look](model)
    assert not model.training and not any(layer.training for layer in model.layers)
    assert all(layer.cache is cache for layer, cache in zip(model.layers, caches))


def test_inference_runs_in_eval_mode_and_restores_on_error():
    model = Sequential(Conv2d(1, 2, 3), Sequential(ReLU(), Flatten()), Linear(2 * 6 * 6, 3))
    seen = []

    class Spy(ReLU):
        def forward(self, x):
            seen.append(self.training)
            return super().forward(x)

    model.layers.insert(1, Spy())
    with pytest.raises(ValueError):
        with inference(model):
            assert not model.layers[2].layers[0].training           # nested containers switch too
            model.forward(np.ones((1, 1, 8, 8)))
            model.forward(np.ones((1, 1, 2, 2)))                    # too small: raises inside the block
    assert seen == [False]
    assert model.training and all(layer.training for layer in model.layers)
    assert all(layer.cache == {} for layer in model.layers)         # nothing kept from inside the block


def test_train_and_eval_return_the_model_and_reach_nested_layers():
    inner = Sequential(ReLU(), Flatten())
    model = Sequential(Conv2d(1, 1, 3), inner)
    assert model.eval() is model and not inner.training and not inner.layers[1].training
    assert model.train() is model and inner.layers[0].training
    assert model.train(False) is model and not model.layers[0].training


def test_forward_writes_only_its_cache():
    for layer, x in [(Conv2d(1, 2, 3), np.ones((2, 1, 5, 5))), (MaxPool2d(2), np.ones((2, 1, 4, 4))),
                     (ReLU(), np.ones((2, 3))), (Flatten(), np.ones((2, 1, 2, 2))), (Linear(3, 2), np.ones((2, 3)))]:
        before = {key: value for key, value in vars(layer).items() if key != "cache"}
        layer.forward(x)
        after = {key: value for key, value in vars(layer).items() if key != "cache"}
        assert before.keys() == after.keys() and all(after[k] is before[k] for k in before), type(layer).__name__
        assert layer.cache.keys() & {"x", "x_shape", "out"}, type(layer).__name__    # what its backward reads


def test_backward_before_forward_and_step_before_backward_say_so():
    with pytest.raises(RuntimeError, match="Conv2d.backward: backward must be called after forward"):
        Conv2d(1, 1, 3).backward(np.ones((1, 1, 3, 3)))
    model = lenet()
    with pytest.raises(RuntimeError, match=r"SGD.step: step\(\) must be called after backward.*no gradient yet"):
        cnn_lib.SGD(model).step()
