"""Learner-style bad inputs for notebook 06's public functions (contract 7: see tests/test_bad_inputs.py).

CASES = [(target, call, expect)]: expect is an exception class (the message must name the target's
last part, say what it "got" and give a "Hint"), or a function checking the result of a valid call.
"""
import numpy as np

import cnn_lib
from cnn_lib import features, preprocess, pretrained, saliency
from cnn_lib.exercises import nb06_inside as exercises

_net = None


def net():
    global _net
    if _net is None:
        _net = cnn_lib.load_trained_lenet()
    return _net


def digits(n=2):
    return cnn_lib.load_mnist()[2][:n]


def holds(condition):
    """An ``expect`` that asserts ``condition(result)``."""
    def check(result):
        assert condition(result), result
    return check


def _is_fresh_model(model):
    assert model is not net() and len(model.layers) == 8
    assert model.layers[0].params["weight"].shape == (16, 1, 5, 5)


def _untouched_global_seed(_):
    cnn_lib.manual_seed(3)
    a = cnn_lib.Linear(2, 2).params["weight"]
    cnn_lib.manual_seed(3)
    cnn_lib.load_trained_lenet()
    assert np.array_equal(cnn_lib.Linear(2, 2).params["weight"], a)


def _canvas_empty(steps):
    assert steps is None


def _same_as_float(steps):
    assert steps.image.shape == (28, 28) and steps.image.max() > 0.9


def _grey_uint8_canvas():
    canvas = np.zeros((56, 56), dtype=np.uint8)
    canvas[10:46, 25:30] = 255
    return canvas


def _widgets():
    from cnn_lib.widgets import draw
    return draw


CASES = [
    # the trained network
    ("cnn_lib.load_trained_lenet", lambda: cnn_lib.load_trained_lenet(), _is_fresh_model),
    ("cnn_lib.pretrained.load_trained_lenet", lambda: None, _untouched_global_seed),
    ("cnn_lib.models.lenet", lambda: pretrained.lenet(seed=-1), ValueError),
    ("cnn_lib.models.lenet", lambda: pretrained.lenet(seed=0.5), TypeError),
    ("cnn_lib.pretrained.train_lenet", lambda: pretrained.train_lenet(digits(3), np.array([1, 2])), ValueError),
    ("cnn_lib.pretrained.split_05", lambda: pretrained.split_05(), holds(lambda sets: [len(s) for s in sets] == [3500, 3500, 500, 500, 1000, 1000])),
    ("cnn_lib.pretrained.parameter_dict", lambda: pretrained.parameter_dict(net()),
     holds(lambda d: list(d)[:2] == ["0.weight", "0.bias"])),
    # saliency and friends
    ("cnn_lib.saliency.input_gradient", lambda: saliency.input_gradient(net(), digits()[0, 0], 3), ValueError),
    ("cnn_lib.saliency.input_gradient", lambda: saliency.input_gradient(net(), digits(), 10), ValueError),
    ("cnn_lib.saliency.input_gradient", lambda: saliency.input_gradient(net(), digits(), 3.0), ValueError),
    ("cnn_lib.saliency.input_gradient", lambda: saliency.input_gradient(net(), digits(2), np.int64(3)),
     holds(lambda out: out[0].shape == (2, 1, 28, 28))),                       # a numpy int is one class id
    ("cnn_lib.saliency.loss_gradient", lambda: saliency.loss_gradient(net(), digits(2), [1, 2, 3]), ValueError),
    ("cnn_lib.saliency.fgsm", lambda: saliency.fgsm(net(), digits(1), [7], 25), ValueError),
    ("cnn_lib.saliency.fgsm", lambda: saliency.fgsm(net(), digits(1), [7], "0.1"), ValueError),
    ("cnn_lib.saliency.occlusion", lambda: saliency.occlusion(net(), digits(1), 7), ValueError),
    ("cnn_lib.saliency.occlusion", lambda: saliency.occlusion(net(), digits(1)[0], 7, patch=40), ValueError),
    ("cnn_lib.saliency.occlusion", lambda: saliency.occlusion(net(), digits(1)[0], 7, stride=0), ValueError),
    ("cnn_lib.saliency.occlusion", lambda: saliency.occlusion(net(), digits(1)[0], "7"), TypeError),
    ("cnn_lib.saliency.class_model", lambda: saliency.class_model(net(), 3, steps=0), ValueError),
    ("cnn_lib.saliency.class_model", lambda: saliency.class_model(net(), [1, 2], start=np.zeros((1, 28, 28))),
     ValueError),
    ("cnn_lib.layers.inference", lambda: cnn_lib.layers.inference(net()).__enter__(),
     holds(lambda model: model is net())),
    # features
    ("cnn_lib.features.shift", lambda: features.shift(np.arange(5.0), 1, 1), ValueError),
    ("cnn_lib.features.shift", lambda: features.shift(digits(1), 0.5, 0), TypeError),
    ("cnn_lib.features.shift", lambda: features.shift(digits(1), 40, 0), ValueError),
    ("cnn_lib.features.shift", lambda: features.shift(digits(1), 28, 0), holds(lambda x: not x.any())),   # all moved out
    ("cnn_lib.features.top_patches", lambda: features.top_patches(net(), digits(1)[0], 3, 0), ValueError),
    ("cnn_lib.features.top_patches", lambda: features.top_patches(net(), digits(3), 9, 0), ValueError),
    ("cnn_lib.features.top_patches", lambda: features.top_patches(net(), digits(3), 3, 0, k=0), ValueError),
    ("cnn_lib.features.top_patches", lambda: features.top_patches(net(), digits(2), 3, 0, k=500),
     holds(lambda out: len(out[0]) == 200)),                                   # k larger than the nodes: all
    # preprocessing
    ("cnn_lib.preprocess.mnist_style", lambda: preprocess.mnist_style(digits(1)), ValueError),
    ("cnn_lib.preprocess.mnist_style", lambda: preprocess.mnist_style(np.full((28, 28), 200.0)), ValueError),
    ("cnn_lib.preprocess.mnist_style", lambda: preprocess.mnist_style([[0, 1], [1, 0]]),   # a list is a canvas too
     holds(lambda steps: steps.image.shape == (28, 28))),
    ("cnn_lib.preprocess.mnist_style", lambda: preprocess.mnist_style(np.zeros((28, 28))), _canvas_empty),
    ("cnn_lib.preprocess.mnist_style", lambda: preprocess.mnist_style(_grey_uint8_canvas()), _same_as_float),
    # widgets
    ("cnn_lib.widgets.draw.DrawExplorer", lambda: _widgets().DrawExplorer("lenet"), TypeError),
    ("cnn_lib.widgets.draw.DrawExplorer", lambda: _widgets().DrawExplorer(net(), {"7": digits(1)}), ValueError),
    ("cnn_lib.widgets.draw.DrawCanvas", lambda: _widgets().DrawCanvas().show(digits(1)[0]), ValueError),
    ("cnn_lib.widgets.draw.DrawCanvas", lambda: _widgets().DrawCanvas().show(np.ones((100, 10))), ValueError),
    ("cnn_lib.widgets.draw.AttackExplorer", lambda: _widgets().AttackExplorer(net(), digits(3)[0], [1]), ValueError),
    ("cnn_lib.widgets.draw.AttackExplorer", lambda: _widgets().AttackExplorer(net(), digits(3), [1, 2]), ValueError),
    ("cnn_lib.widgets.draw.AttackExplorer", lambda: _widgets().AttackExplorer(net(), digits(3), [7, 2, 1], index=2),
     holds(lambda e: e.status.value.startswith("test digit 2 (a 1)"))),
    # the coding exercise's checker never raises, whatever it is given
    ("cnn_lib.exercises.nb06_inside.check_fgsm", lambda: exercises.check_fgsm("fgsm"),
     holds(lambda feedback: not feedback and "without parentheses" in feedback.message)),
    ("cnn_lib.exercises.nb06_inside.check_fgsm", lambda: exercises.check_fgsm(lambda m, x, y, e: "image"),
     holds(lambda feedback: not feedback and "ValueError" in feedback.message)),
]


# Notebook 06's figures, explorers and helpers (added when the branches were merged).
def _figure_with_axes(count):
    def check(fig):
        assert len([ax for ax in fig.axes if ax.get_label() != "<colorbar>"]) >= count, fig.axes
    return check


def _draw_explorer():
    from cnn_lib.widgets.draw import DrawExplorer
    return DrawExplorer(net())


def _attack_explorer(**kw):
    from cnn_lib.widgets.draw import AttackExplorer
    x, y = digits(3), np.array([7, 2, 1])
    return AttackExplorer(net(), x, y, **kw)


def _views():
    from cnn_lib.viz import inside as views
    return views


CASES += [
    ("cnn_lib.preprocess.MnistSteps", lambda: preprocess.mnist_style(digits(1)[0, 0]),
     holds(lambda steps: isinstance(steps, preprocess.MnistSteps) and steps.image.shape == (28, 28))),
    ("cnn_lib.saliency.occlusion_naive", lambda: saliency.occlusion_naive(net(), digits(1)[0], 7, stride=0), ValueError),
    ("cnn_lib.saliency.occlusion_naive", lambda: saliency.occlusion_naive(net(), digits(1)[0], 11),
     ValueError),
    ("cnn_lib.viz.inside.panels_figure", lambda: _views().panels_figure([(np.zeros((3, 3)), "a", "image")], 0),
     ValueError),
    ("cnn_lib.viz.inside.panels_figure", lambda: _views().panels_figure(np.zeros((3, 3)), 2), TypeError),
    ("cnn_lib.viz.inside.panels_figure", lambda: _views().panels_figure([(np.zeros((3, 3)), "a", "colour")], 1),
     TypeError),
    ("cnn_lib.viz.inside.panels_figure",                       # a gap (None) is allowed
     lambda: _views().panels_figure([(np.zeros((3, 3)), "a", "image"), None, (-np.eye(3), "b", "signed")], 3),
     _figure_with_axes(3)),
    ("cnn_lib.viz.inside.curves_figure", lambda: _views().curves_figure([0, 1], [0.5, 0.6], "x", "y"), TypeError),
    ("cnn_lib.viz.inside.curves_figure", lambda: _views().curves_figure([0, 1, 2], {"a": [0.5, 0.6]}, "x", "y"),
     TypeError),
    ("cnn_lib.viz.inside.curves_figure", lambda: _views().curves_figure([0, 1], {"a": (0.5, 0.6)}, "x", "y"),
     _figure_with_axes(1)),
    ("cnn_lib.viz.inside.DrawingFigure", lambda: _draw_explorer().drawing.jpeg(),       # the live frames
     holds(lambda jpeg: jpeg[:3] == b"\xff\xd8\xff")),
    ("cnn_lib.viz.inside.DrawingFigure", lambda: _draw_explorer().drawing,
     holds(lambda drawing: type(drawing).__name__ == "DrawingFigure")),
    ("cnn_lib.viz.inside.AttackFigure", lambda: _attack_explorer().drawing,
     holds(lambda drawing: type(drawing).__name__ == "AttackFigure")),
    ("cnn_lib.widgets.draw.DrawExplorer.update", lambda: _draw_explorer().update(),        # an empty canvas
     holds(lambda text: isinstance(text, str) and "prediction" not in text)),
    ("cnn_lib.widgets.draw.AttackExplorer.update", lambda: _attack_explorer(index=2).update(),
     holds(lambda text: isinstance(text, str) and text)),
]
