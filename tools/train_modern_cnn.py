"""Train notebook 07's modern CNN and notebook 05's network over several seeds; store the numbers.

Run from the repository root (each seed trains both networks: about a minute of CPU
time per seed, several minutes of wall time on a busy machine):

    python tools/train_modern_cnn.py --seeds 0 1 2        # writes notebooks/results/07-modern-cnn.json

Seeds already in the file are kept, so seeds can be run one at a time. The data are notebook
05's: 3,500 training digits, the last 500 of the shipped 4,000 for validation, and the 1,000
test digits used once per trained network, at the end. ``tests/test_modern_cnn_results.py``
checks the stored file against this recipe (network, schedule, the first iterations' losses).
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")     # as the notebooks do, before numpy loads

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import cnn_lib  # noqa: E402
from cnn_lib import Adam, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, evaluate, fit  # noqa: E402
from cnn_lib.models import lenet, modern_cnn  # noqa: E402
from cnn_lib.functional_blocks import random_shift  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "results" / "07-modern-cnn.json"
BATCH_SIZE = 64
RECIPES = {
    # name: (epochs and learning rate of each phase, max_shift of the random shifts; 0 = none)
    "05 LeNet-like": ([(5, 0.003), (3, 0.0005)], 0),                 # notebook 05's schedule
    "07 modern": ([(8, 0.003), (4, 0.001), (4, 0.0002)], 2),
}


MAKERS = {"05 LeNet-like": lenet, "07 modern": modern_cnn}


def digits():
    """Notebook 05's split: (x_train, y_train, x_val, y_val, x_test, y_test)."""
    x_train, y_train, x_test, y_test = cnn_lib.load_mnist()
    return x_train[:-500], y_train[:-500], x_train[-500:], y_train[-500:], x_test, y_test


def train(name, seed, data, on_step=None, max_epochs=None):
    """Train network ``name`` from ``seed`` with its recipe: one ``fit`` call per epoch (a fresh shuffle
    and, with augmentation, fresh random shifts each epoch), validation in eval mode after each.

    Returns ``(model, record)``; ``record`` has the validation accuracy per epoch, the first
    iterations' losses and the training time. ``max_epochs`` stops early (for tests).
    """
    x_train, y_train, x_val, y_val = data[:4]
    phases, shift = RECIPES[name]
    model = MAKERS[name](seed)
    optimizer = Adam(model, lr=phases[0][1])
    record = {"val_accuracy": [], "step_loss": []}
    rng = np.random.default_rng(1000 + seed)                     # shifts (and nothing else)
    start, cpu_start, epoch = time.perf_counter(), time.process_time(), 0
    for epochs, lr in phases:
        optimizer.lr = lr
        for _ in range(epochs):
            if max_epochs is not None and epoch >= max_epochs:
                break
            x = random_shift(x_train, shift, rng) if shift else x_train
            model.train()
            history = fit(model, optimizer, x, y_train, epochs=1, batch_size=BATCH_SIZE, seed=100 * seed + epoch,
                          on_step=on_step)
            record["step_loss"] += [float(v) for v in history.step_loss]
            model.eval()
            record["val_accuracy"].append(evaluate(model, x_val, y_val)[1])
            epoch += 1
    record["seconds"] = time.perf_counter() - start             # wall clock: slower when the machine is busy
    record["cpu_seconds"] = time.process_time() - cpu_start     # this process's CPU time: what an idle machine takes
    record["step_loss"] = record["step_loss"][:5]
    return model, record


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--networks", nargs="+", default=list(RECIPES), choices=list(RECIPES),
                        help="which networks to (re)train; the others' stored runs are kept")
    args = parser.parse_args()
    results = json.loads(OUT.read_text()) if OUT.exists() else {"runs": {}}
    data = digits()
    for seed in args.seeds:
        for name in args.networks:
            model, record = train(name, seed, data)
            model.eval()
            record["test_accuracy"] = evaluate(model, data[4], data[5])[1]
            info = model.describe((1, 28, 28))
            record.update(params=info.params, mult_adds=info.mult_adds, load_average=os.getloadavg()[0])
            results["runs"].setdefault(name, {})[str(seed)] = record
            print(f"seed {seed} {name:>14}: test accuracy {record['test_accuracy']:.1%}, {record['seconds']:.1f} s, "
                  f"CPU {record['cpu_seconds']:.1f} s (load average {record['load_average']:.1f})", flush=True)
    results["recipes"] = {name: {"phases": phases, "max_shift": shift, "batch_size": BATCH_SIZE,
                                 "network": repr(MAKERS[name](0))} for name, (phases, shift) in RECIPES.items()}
    results["summary"] = {name: {"seeds": sorted(runs, key=int),
                                 "test_accuracy_mean": statistics.mean(r["test_accuracy"] for r in runs.values()),
                                 "test_accuracy_std": statistics.pstdev(r["test_accuracy"] for r in runs.values()),
                                 "seconds_median": statistics.median(r["seconds"] for r in runs.values()),
                                 "cpu_seconds_median": statistics.median(r["cpu_seconds"] for r in runs.values())}
                          for name, runs in results["runs"].items()}
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__,
                          "OPENBLAS_NUM_THREADS": os.environ["OPENBLAS_NUM_THREADS"]}
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
