"""The shipped trained network (notebook 06): notebook 05's recipe, its stated accuracy, a deterministic script."""
import ast
import json
import re
from pathlib import Path

import numpy as np

import cnn_lib
from cnn_lib import evaluate, layers
from cnn_lib.pretrained import RECIPE, lenet, load_trained_lenet, parameter_dict, split_05, train_lenet

ROOT = Path(__file__).resolve().parents[1]


def notebook_05_code():
    cells = json.loads((ROOT / "notebooks" / "05-train-a-cnn.ipynb").read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_recipe_is_notebook_05s():
    code = notebook_05_code()
    assert ast.literal_eval(re.search(r"^PHASES = (\[.*?\])", code, re.M).group(1)) == RECIPE["phases"]
    assert int(re.search(r"^BATCH_SIZE = (\d+)", code, re.M).group(1)) == RECIPE["batch_size"]
    assert f"x_train[-{RECIPE['validation']}:]" in code and f"x_train[:-{RECIPE['validation']}]" in code
    assert "def make_net(seed=0)" in code and "optimizer.lr = lr" in code and "seed=seed" in code
    # 05's make_net builds the same layers as lenet(0), with the same starting weights
    namespace = {"cnn_lib": cnn_lib, **{n: getattr(cnn_lib, n) for n in
                                       ("Conv2d", "Flatten", "Linear", "MaxPool2d", "ReLU", "Sequential")}}
    exec(re.search(r"^def make_net.*?(?=\n\n\n)", code, re.M | re.S).group(0), namespace)
    theirs, ours = parameter_dict(namespace["make_net"]()), parameter_dict(lenet(0))
    assert theirs.keys() == ours.keys() and all(np.array_equal(theirs[k], ours[k]) for k in ours)


def test_stored_weights_reach_the_stated_accuracy():
    model = load_trained_lenet()
    x_train, y_train, x_val, y_val, x_test, y_test = split_05()
    assert evaluate(model, x_test, y_test)[1] == 0.974            # notebook 06 states 97.4%
    assert evaluate(model, x_val, y_val)[1] == 0.986
    assert list(parameter_dict(model)) == ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias"]
    assert all(v.dtype == np.float32 for v in parameter_dict(model).values())


def test_loading_returns_fresh_models_and_leaves_the_global_seed_alone():
    layers.manual_seed(5)
    expected = layers._rng.uniform(size=3)
    layers.manual_seed(5)
    a = load_trained_lenet()
    assert np.array_equal(layers._rng.uniform(size=3), expected)     # the generator was not touched
    a.layers[0].params["weight"][:] = 0
    assert np.any(load_trained_lenet().layers[0].params["weight"] != 0)


def test_retraining_is_deterministic_in_process():
    x_train, y_train, *_ = split_05()
    runs = [train_lenet(x_train[:96], y_train[:96], phases=[(1, 0.003), (1, 0.0005)])[0] for _ in range(2)]
    a, b = (parameter_dict(m) for m in runs)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["0.weight"], parameter_dict(lenet(0))["0.weight"])   # training changed it
