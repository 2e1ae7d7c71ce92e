"""The stored 3-seed results of notebook 07's modern CNN match the recipe in tools/train_modern_cnn.py.

A full training run takes about a minute per network, too long for a test; instead this re-runs
the recipe's first iterations (seeded: weights, shuffles, random shifts) and compares their
losses with the stored ones, and checks the stored networks, schedules and summary.
"""
import importlib.util
import json
import statistics
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("train_modern_cnn", ROOT / "tools" / "train_modern_cnn.py")
recipe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(recipe)
STORED = json.loads((ROOT / "notebooks" / "results" / "07-modern-cnn.json").read_text())


@pytest.mark.parametrize("name", list(recipe.RECIPES))
def test_stored_recipe_and_network_are_the_scripts(name):
    phases, shift = recipe.RECIPES[name]
    stored = STORED["recipes"][name]
    assert [tuple(p) for p in stored["phases"]] == phases and stored["max_shift"] == shift
    assert stored["network"] == repr(recipe.MAKERS[name](0)) and stored["batch_size"] == recipe.BATCH_SIZE
    info = recipe.MAKERS[name](0).describe((1, 28, 28))
    for seed, run in STORED["runs"][name].items():
        assert (run["params"], run["mult_adds"]) == (info.params, info.mult_adds)
        assert len(run["val_accuracy"]) == sum(e for e, _ in phases)


@pytest.mark.parametrize("name", list(recipe.RECIPES))
def test_summary_is_computed_from_the_runs(name):
    runs, summary = STORED["runs"][name], STORED["summary"][name]
    accuracies = [run["test_accuracy"] for run in runs.values()]
    assert sorted(runs, key=int) == summary["seeds"] == ["0", "1", "2"]
    assert summary["test_accuracy_mean"] == pytest.approx(statistics.mean(accuracies))
    assert summary["test_accuracy_std"] == pytest.approx(statistics.pstdev(accuracies))
    assert all(0 <= a <= 1 and round(a * 1000) == a * 1000 for a in accuracies)    # counts of 1,000 test digits


def test_modern_beats_lenet_on_average():
    s = STORED["summary"]
    assert s["07 modern"]["test_accuracy_mean"] > s["05 LeNet-like"]["test_accuracy_mean"]


class Enough(Exception):
    """Raised by the step callback to stop training after the iterations that are compared."""


@pytest.mark.parametrize("name", list(recipe.RECIPES))
def test_recipe_reproduces_the_stored_first_iterations(name):
    stored = STORED["runs"][name]["0"]["step_loss"]
    losses = []

    def on_step(info):
        losses.append(info.loss)
        if len(losses) == len(stored):
            raise Enough

    with pytest.raises(Enough):
        recipe.train(name, 0, recipe.digits(), on_step=on_step)
    np.testing.assert_allclose(losses, stored, rtol=1e-4)
