"""cnn_lib.models: the course's networks as presets, and no copy of them anywhere else outside the notebooks."""
import ast
from pathlib import Path

import numpy as np
import pytest

import cnn_lib
from cnn_lib import Linear, Sequential, conv_params, linear_params
from cnn_lib import models

REPO = Path(__file__).resolve().parents[1]
PRESETS = {"small_cnn": models.small_cnn, "tiny_cnn": models.tiny_cnn, "lenet": models.lenet,
           "lenet_strided": models.lenet_strided, "modern_cnn": models.modern_cnn}


def test_presets_are_the_notebooks_networks():
    assert models.small_cnn().num_params() == conv_params(1, 8, 3) + conv_params(8, 16, 3) + linear_params(400, 10)
    assert models.lenet().num_params() == conv_params(1, 16, 5) + conv_params(16, 32, 5) + linear_params(800, 10)
    assert models.lenet().num_params() == 21258 and models.small_cnn().num_params() == 5258
    assert models.tiny_cnn().num_params() == 44
    assert [r["output_shape"] for r in models.small_cnn().summary((1, 28, 28))][1::3] == [(8, 26, 26), (16, 11, 11),
                                                                                           (400,)]
    assert models.lenet().summary((1, 28, 28))[6]["output_shape"] == (32, 5, 5)
    assert models.lenet_strided().summary((1, 28, 28))[3]["output_shape"] == (32, 5, 5)
    assert all(a.dtype == np.float64 for _, a in models.tiny_cnn().named_parameters())
    assert all(a.dtype == np.float32 for _, a in models.lenet().named_parameters())


@pytest.mark.parametrize("name", ["small_cnn", "lenet", "lenet_strided"])
def test_a_preset_has_the_weights_of_manual_seed_then_the_layers_and_leaves_the_global_generator_alone(name):
    layers = dict(vars(cnn_lib))
    for seed in (0, 7):
        preset = PRESETS[name](seed=seed)
        cnn_lib.manual_seed(seed)                               # the notebooks' way: seed, then type the layers
        retyped = Sequential(*(eval(repr(layer), layers) for layer in preset.layers))    # repr reads as the call
        assert models.same_network(retyped, preset)
    cnn_lib.manual_seed(3)
    expected = Linear(2, 2).params["weight"]
    cnn_lib.manual_seed(3)
    PRESETS[name](seed=0)                                      # draws from its own generator
    np.testing.assert_array_equal(Linear(2, 2).params["weight"], expected)


def test_same_network_compares_layers_names_and_values():
    assert models.same_network(models.lenet(), models.lenet())
    assert not models.same_network(models.lenet(0), models.lenet(1))               # other weights
    assert not models.same_network(models.lenet(), models.lenet_strided())          # other layers
    assert not models.same_network(models.small_cnn(), models.lenet())
    changed = models.lenet()
    changed.layers[-1].params["bias"][3] += 1e-3
    assert not models.same_network(changed, models.lenet())
    as64 = models.lenet()
    as64.layers[0].params["bias"] = as64.layers[0].params["bias"].astype(np.float64)
    assert not models.same_network(as64, models.lenet())                           # other dtype
    with pytest.raises(TypeError, match="same_network: b must be a layer"):
        models.same_network(models.lenet(), "lenet")


# ---------------------------------------------------------------- no second copy of a course network
SCANNED = ("cnn_lib", "tests", "benchmarks", "images", "tools")


def sequential_calls(path):
    """``(line, source)`` of every ``Sequential(...)`` / ``cnn_lib.Sequential(...)`` call in a Python file."""
    source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Sequential":
            yield node.lineno, ast.get_source_segment(source, node)


def build(source):
    """Evaluate a Sequential(...) expression with the layer classes (and the usual ``rng``, ``n_classes``),
    or None if it needs anything else (e.g. ``Sequential(*features)``: the scan cannot follow variables)."""
    names = dict(vars(cnn_lib), cnn_lib=cnn_lib, np=np, rng=np.random.default_rng(0), n_classes=2)
    try:
        return eval(source, {"__builtins__": {}}, names)
    except Exception:
        return None


def test_the_scan_recognises_a_copy():
    copy = "Sequential(Conv2d(1, 16, 5, padding=2, rng=rng), ReLU(), MaxPool2d(2), Conv2d(16, 32, 5), ReLU(), " \
           "MaxPool2d(2), Flatten(), Linear(32 * 5 * 5, 10))"
    assert repr(build(copy)) == repr(models.lenet())
    block = "Residual(Conv2d({c}, {c}, 3, padding=1), BatchNorm2d({c}), ReLU(), Conv2d({c}, {c}, 3, padding=1), " \
            "BatchNorm2d({c}))"
    modern = f"Sequential(Conv2d(1, 16, 3, padding=1), BatchNorm2d(16), ReLU(), MaxPool2d(2), {block.format(c=16)}, " \
             f"ReLU(), Conv2d(16, 32, 3, stride=2, padding=1), BatchNorm2d(32), ReLU(), {block.format(c=32)}, ReLU(), " \
             "GlobalAvgPool2d(), Linear(32, 10))"
    presets = {repr(make()): name for name, make in PRESETS.items()}
    assert presets[repr(build(modern))] == "modern_cnn"                  # residual blocks inside are followed too
    assert build("Sequential(*features)") is None


def test_no_course_network_is_typed_outside_the_notebooks_and_models_py():
    presets = {repr(make()): name for name, make in PRESETS.items()}
    copies, seen = [], 0
    for folder in SCANNED:
        for path in sorted((REPO / folder).rglob("*.py")):
            if path.name == "models.py" and path.parent.name == "cnn_lib" or ".venv" in path.parts:
                continue
            for line, source in sequential_calls(path):
                seen += 1
                model = build(source)
                if model is not None and repr(model) in presets:
                    copies.append(f"{path.relative_to(REPO)}:{line} types cnn_lib.models."
                                  f"{presets[repr(model)]}(); import it instead")
    assert seen >= 5                                            # the scan finds the tests' own small networks
    assert not copies, "\n".join(copies)
