"""cnn_lib.parallel: a batch as two halves on two threads gives the whole batch's gradient, the same
numbers on one thread or two, and changes nothing for models or batches it must not split (issue 18)."""
import numpy as np
import pytest

import cnn_lib
from cnn_lib import Adam, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, SGD, Sequential, parallel
from cnn_lib._checks import _trusted
from cnn_lib.exercises import solutions
from cnn_lib.models import lenet


@pytest.fixture
def threads():
    """Set the number of threads for one test and put the setting back afterwards."""
    previous = parallel.set_threads(1)
    yield parallel.set_threads
    parallel.set_threads(previous)


def digits(n, start=0):
    x, y, _, _ = cnn_lib.load_mnist()
    return x[start:start + n], y[start:start + n]


def weights(model):
    return {name: array.copy() for name, array in model.named_parameters()}


def grads(model):
    return {name: layer.grads[key].copy() for name, layer, key in model.named_slots()}


def as_float64(model):
    for _, layer, key in model.named_slots():
        layer.params[key] = layer.params[key].astype(np.float64)
    return model


# forward, loss, backward, step on the whole batch (notebook 05's worked solution): what train_step
# computed before the halves
whole_batch_step = solutions.train_step


def test_one_thread_and_two_threads_give_bit_identical_training(threads):
    x, y = digits(64 * 3 + 44)                                 # three full batches and a last one of 44
    runs = []
    for n in (1, 2):
        threads(n)
        model = lenet(0)
        optimizer = Adam(model, lr=0.003)
        history = cnn_lib.fit(model, optimizer, x, y, epochs=2, batch_size=64, seed=3, validation=digits(150, 500))
        runs.append((weights(model), history))
    (w1, h1), (w2, h2) = runs
    assert all(np.array_equal(w1[k], w2[k]) for k in w1)
    assert h1.step_loss == h2.step_loss and h1.val_loss == h2.val_loss and h1.val_accuracy == h2.val_accuracy


def test_the_halves_gradient_is_the_whole_batch_gradient_float64(threads):
    threads(2)
    x, y = digits(64)
    x = x.astype(np.float64)
    split, whole = as_float64(lenet(0)), as_float64(lenet(0))
    loss, logits = cnn_lib.train_step(split, SGD(split, lr=1e-12), x, y)    # an update too small to matter
    whole_loss, whole_logits = whole_batch_step(whole, SGD(whole, lr=1e-12), x, y)
    assert parallel._halves(split, len(x)) is not None           # it really was split
    assert abs(loss - whole_loss) < 1e-12
    assert np.allclose(logits, whole_logits, rtol=0, atol=1e-12)
    a, b = grads(split), grads(whole)
    for name in b:
        assert a[name].shape == b[name].shape
        assert cnn_lib.rel_error(a[name], b[name]) < 1e-10, name


def test_float32_training_stays_close_to_the_whole_batch(threads):
    threads(2)
    x, y = digits(64)
    split, whole = lenet(0), lenet(0)
    cnn_lib.train_step(split, Adam(split, lr=0.003), x, y)
    whole_batch_step(whole, Adam(whole, lr=0.003), x, y)
    a, b = grads(split), grads(whole)
    assert all(np.allclose(a[k], b[k], rtol=1e-4, atol=1e-6) for k in b)   # float32 sums, in another order


def test_small_batches_and_batch_statistics_are_never_split(threads):
    threads(2)
    x, y = digits(64)
    assert parallel._halves(lenet(0), 31) is None and parallel._halves(lenet(0), 32) == (slice(0, 16), slice(16, 32))
    with_bn = Sequential(Conv2d(1, 4, 3, rng=np.random.default_rng(0)), BatchNorm2d(4), ReLU(), MaxPool2d(2),
                         Flatten(), Linear(4 * 13 * 13, 10, rng=np.random.default_rng(1)))
    assert parallel._halves(with_bn, 64) is None                 # BatchNorm's statistics need the whole batch
    twin = Sequential(Conv2d(1, 4, 3, rng=np.random.default_rng(0)), BatchNorm2d(4), ReLU(), MaxPool2d(2),
                      Flatten(), Linear(4 * 13 * 13, 10, rng=np.random.default_rng(1)))
    loss, _ = cnn_lib.train_step(with_bn, SGD(with_bn, lr=0.1), x, y)
    whole_loss, _ = whole_batch_step(twin, SGD(twin, lr=0.1), x, y)
    assert loss == whole_loss
    assert all(np.array_equal(a, b) for a, b in zip(weights(with_bn).values(), weights(twin).values()))
    assert np.array_equal(with_bn.layers[1].running_mean, twin.layers[1].running_mean)
    small, small_twin = lenet(0), lenet(0)
    cnn_lib.train_step(small, SGD(small, lr=0.1), x[:20], y[:20])
    whole_batch_step(small_twin, SGD(small_twin, lr=0.1), x[:20], y[:20])
    assert all(np.array_equal(a, b) for a, b in zip(weights(small).values(), weights(small_twin).values()))


class Custom(ReLU):
    """A learner's own layer: not marked per_example, so a model containing it runs whole."""
    per_example = False


def test_only_layers_that_say_so_are_split():
    assert all(layer.per_example for layer in lenet(0).layers)
    assert lenet(0).per_example
    assert not Sequential(Conv2d(1, 2, 3), Custom()).per_example
    assert not cnn_lib.layers.Layer.per_example


def test_predict_is_the_same_on_one_or_two_threads(threads):
    x, _ = digits(530)
    model = lenet(1)
    threads(1)
    one = cnn_lib.predict(model, x)
    threads(2)
    two = cnn_lib.predict(model, x)
    by_hand = np.concatenate([model.forward(x[i:i + 100]) for i in range(0, 530, 100)])
    assert np.array_equal(one, two) and np.array_equal(two, by_hand)


def test_train_step_leaves_the_whole_batch_gradient_in_the_model(threads):
    threads(2)
    x, y = digits(64)
    model = lenet(0)
    cnn_lib.train_step(model, SGD(model, lr=1e-30), x, y)
    after_step = grads(model)
    reference = lenet(0)
    whole_batch_step(reference, SGD(reference, lr=1e-30), x, y)
    assert all(np.allclose(after_step[k], v, rtol=1e-4, atol=1e-6) for k, v in grads(reference).items())


@pytest.mark.parametrize("half", [0, 1])
def test_a_diverging_half_is_refused_before_any_update(threads, half):
    threads(2)
    x, y = digits(64)
    x = x.copy()
    x[half * 32 + 5] = 1e30                                   # one huge digit in one half: its logits blow up
    model = lenet(0)
    before = weights(model)
    with pytest.raises(FloatingPointError, match="train_step: .*diverged"):
        cnn_lib.train_step(model, SGD(model, lr=0.1), x, y)
    assert all(np.array_equal(before[k], v) for k, v in weights(model).items())
    assert getattr(_trusted, "depth", 0) == 0                 # the NaN-scan flag was put back
    with pytest.raises(ValueError, match="NaN"):
        cnn_lib.train_step(model, SGD(model, lr=0.1), np.full((64, 1, 28, 28), np.nan, np.float32), y)


def test_set_threads_returns_the_previous_setting(threads):
    assert threads(2) == 1
    assert threads(1) == 2
