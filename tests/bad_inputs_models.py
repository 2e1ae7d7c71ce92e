"""Learner-style bad inputs for cnn_lib.models and the layer protocol (describe, LayerInfo); read by
tests/test_bad_inputs.py (contract: ``CASES = [(target, call, expect), ...]``)."""
import numpy as np

from cnn_lib import Conv2d, Linear, ReLU
from cnn_lib import models
from cnn_lib.layers import LayerInfo


def _is_lenet(model):
    assert models.same_network(model, models.lenet(0))


def _info(kind, out_shape):
    def check(info):
        assert isinstance(info, LayerInfo) and info.kind == kind and info.out_shape == out_shape
    return check


CASES = [
    ("cnn_lib.models.small_cnn", lambda: models.small_cnn(seed=-1), ValueError),
    ("cnn_lib.models.small_cnn", lambda: models.small_cnn(seed=1.5), TypeError),
    ("cnn_lib.models.tiny_cnn", lambda: models.tiny_cnn(n_classes=0), ValueError),
    ("cnn_lib.models.tiny_cnn", lambda: models.tiny_cnn(seed="4"), TypeError),
    ("cnn_lib.models.lenet", lambda: models.lenet(seed=None), TypeError),
    ("cnn_lib.models.lenet", lambda: models.lenet(seed=np.int64(0)), _is_lenet),          # a numpy int is fine
    ("cnn_lib.models.lenet_strided", lambda: models.lenet_strided(seed=-3), ValueError),
    ("cnn_lib.models.same_network", lambda: models.same_network(models.lenet(), "lenet"), TypeError),
    ("cnn_lib.models.same_network", lambda: models.same_network(models.lenet, models.lenet()), TypeError),
    ("cnn_lib.models.same_network", lambda: models.same_network(models.lenet(), models.small_cnn()),
     lambda result: result is False),
    ("cnn_lib.layers.LayerInfo", lambda: LayerInfo("Custom", (3,), 0, 0), _info("Custom", (3,))),
    ("cnn_lib.Conv2d", lambda: Conv2d(1, 2, 3).describe((1, 1, 28, 28)), ValueError),     # batch axis left in
    ("cnn_lib.Conv2d", lambda: Conv2d(3, 2, 3).describe((1, 28, 28)), ValueError),        # wrong channels
    ("cnn_lib.Conv2d", lambda: Conv2d(1, 2, 3).describe([1, 5, 5]), _info("Conv2d", (2, 3, 3))),   # a list works
    ("cnn_lib.Linear", lambda: Linear(10, 2).describe((1, 10)), ValueError),
    ("cnn_lib.ReLU", lambda: ReLU().describe(784), ValueError),                            # not a tuple
]

# cnn_lib.parallel (issue 18): the one public switch
from cnn_lib import parallel  # noqa: E402


def _set_and_restore(n):
    previous = parallel.set_threads(n)
    parallel.set_threads(previous)
    return previous


CASES += [
    ("cnn_lib.parallel.set_threads", lambda: parallel.set_threads(0), ValueError),
    ("cnn_lib.parallel.set_threads", lambda: parallel.set_threads(4), ValueError),       # more would change the numbers
    ("cnn_lib.parallel.set_threads", lambda: parallel.set_threads("2"), TypeError),
    ("cnn_lib.parallel.set_threads", lambda: parallel.set_threads(2.0), TypeError),
    ("cnn_lib.parallel.set_threads", lambda: parallel.set_threads(True), TypeError),
    ("cnn_lib.parallel.set_threads", lambda: _set_and_restore(np.int64(1)), lambda previous: previous in (1, 2)),
]
