"""Benchmark of notebook 05's training run (prints numbers; asserts nothing).

Run:  python benchmarks/bench_train.py                 (3 training runs, ~1-2 min on a busy 2-core machine)
      python benchmarks/bench_train.py --runs 1 --quick
      python benchmarks/bench_train.py --compare-threads  (the same, once with 1 and once with 2 BLAS threads)

Like the notebook, it asks OpenBLAS for one thread (OPENBLAS_NUM_THREADS=1) unless the variable
is already set. It measures (time.perf_counter; the machine may be shared, so it repeats):
1. The notebook's training run, exactly as in section 3.3 of notebooks/05-train-a-cnn.ipynb
   (same network, seeds, batch size, learning-rate phases; 3,500 training digits, the last 500
   of the shipped 4,000 kept for validation after each epoch): wall time of each run (best and
   median), time per epoch, and the test accuracy on the 1,000 test digits once at the end
   (identical in every run on one machine with one BLAS thread count: everything is seeded).
2. A per-layer breakdown of one training step of that network (batch 64) and the conv layers'
   share of the machine's float32 matmul rate, with the functions of benchmarks/bench_conv.py.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")     # before numpy loads, as the notebook does

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_conv  # noqa: E402  (the foundation's benchmark: header, clock, timeit, matmul rate)

import cnn_lib  # noqa: E402
from cnn_lib import Adam, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, fit  # noqa: E402

BATCH_SIZE = 64
PHASES = [(5, 0.003), (3, 0.0005)]                     # (epochs, learning rate), as in the notebook
N_VAL = 500                                            # the last 500 training digits: validation, as in the notebook


def make_net(seed=0):
    """Notebook 05's network (section 2)."""
    cnn_lib.manual_seed(seed)
    return Sequential(Conv2d(1, 16, 5, padding=2), ReLU(), MaxPool2d(2), Conv2d(16, 32, 5), ReLU(), MaxPool2d(2),
                      Flatten(), Linear(800, 10))


def notebook_run(data):
    """Section 3.3 of the notebook; returns (seconds, per-epoch validation accuracies, test accuracy, epochs)."""
    x_all, y_all, x_test, y_test = data
    x_train, y_train, x_val, y_val = x_all[:-N_VAL], y_all[:-N_VAL], x_all[-N_VAL:], y_all[-N_VAL:]
    net = make_net()
    optimizer = Adam(net, lr=PHASES[0][1])
    start = time.perf_counter()
    accuracies = []
    for seed, (epochs, lr) in enumerate(PHASES):
        optimizer.lr = lr
        history = fit(net, optimizer, x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE, seed=seed,
                      validation=(x_val, y_val))
        accuracies += history.val_accuracy
    seconds = time.perf_counter() - start
    return seconds, accuracies, cnn_lib.evaluate(net, x_test, y_test)[1], sum(e for e, _ in PHASES)


def bench_run(runs, data):
    print(f"\n1. The notebook's training run ({sum(e for e, _ in PHASES)} epochs of {len(data[0]) - N_VAL:,} digits, "
          f"batch {BATCH_SIZE}, phases {PHASES}, {N_VAL} validation digits evaluated after each epoch), {runs} run(s)")
    times = []
    for i in range(runs):
        seconds, accuracies, test_accuracy, epochs = notebook_run(data)
        times.append(seconds)
        print(f"   run {i + 1}: {seconds:6.1f} s  ({seconds / epochs:.2f} s per epoch, validation included); "
              f"test accuracy {test_accuracy:.1%}")
    best, median = min(times), statistics.median(times)
    print(f"   {'best / median':<22}{best:6.1f} s / {median:.1f} s;  per epoch {best / epochs:.2f} s / "
          f"{median / epochs:.2f} s   (targets: <= 45 s, goal 30 s)")
    print(f"   {'test accuracy':<22}{test_accuracy:.1%} of {len(data[3]):,} test digits   "
          f"(target >= 96%, goal 97%+); validation accuracy per epoch: {' '.join(f'{a:.3f}' for a in accuracies)}")


def bench_step(quick, data):
    """Per-layer forward/backward medians of one step of the notebook's network; returns (conv s, conv FLOPs)."""
    x_train, y_train = data[0][:-N_VAL], data[1][:-N_VAL]
    steps, warmup = (10, 3) if quick else (40, 5)
    rng = np.random.default_rng(0)
    model = make_net()
    optimizer = Adam(model, lr=1e-3)
    layers = model.layers
    fwd, bwd, whole = [[] for _ in layers], [[] for _ in layers], []
    for s in range(warmup + steps):
        idx = rng.choice(len(x_train), BATCH_SIZE, replace=False)
        t0 = time.perf_counter()
        a, tf, tb = x_train[idx], [], []
        for layer in layers:
            a, t = bench_conv.clock(layer.forward, a)
            tf.append(t)
        _, d = cnn_lib.softmax_cross_entropy(a, y_train[idx])
        for layer in reversed(layers):
            d, t = bench_conv.clock(layer.backward, d)
            tb.insert(0, t)
        optimizer.step()
        if s >= warmup:
            whole.append(time.perf_counter() - t0)
            for i in range(len(layers)):
                fwd[i].append(tf[i])
                bwd[i].append(tb[i])
    med = statistics.median
    print(f"\n2. One training step of the notebook's network, batch {BATCH_SIZE}: median of {steps} after {warmup} "
          f"warm-up; one step {med(whole) * 1e3:.2f} ms (min {min(whole) * 1e3:.2f}), "
          f"x {-(-len(x_train) // BATCH_SIZE)} steps = {med(whole) * -(-len(x_train) // BATCH_SIZE):.2f} s per epoch "
          f"without evaluation")
    print(f"   {'layer':<52}{'forward ms':>11}{'backward ms':>13}")
    conv_time = conv_flops = 0.0
    for layer, f, b in zip(layers, fwd, bwd):
        print(f"   {repr(layer):<52}{med(f) * 1e3:11.3f}{med(b) * 1e3:13.3f}")
        if isinstance(layer, Conv2d):
            c_out, c_in, k, _ = layer.params["weight"].shape
            oh, ow = (cnn_lib.output_size(n, k, layer.stride, layer.padding) for n in layer.cache["x"].shape[2:])
            conv_flops += 3 * 2 * BATCH_SIZE * oh * ow * c_out * c_in * k * k     # forward + backward (dx, dweight)
            conv_time += med(f) + med(b)
    return conv_time, conv_flops


def compare_threads(args):
    """Run this script again in fresh processes with 1 and 2 BLAS threads (the variable is read at numpy import)."""
    for threads in ("1", "2"):
        print(f"\n===== OPENBLAS_NUM_THREADS={threads} =====", flush=True)
        command = [sys.executable, __file__, "--runs", str(args.runs)] + (["--quick"] if args.quick else [])
        subprocess.run(command, env=dict(os.environ, OPENBLAS_NUM_THREADS=threads), check=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="training runs to time (default 3)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats in the step and matmul measures")
    parser.add_argument("--compare-threads", action="store_true", help="run everything with 1 and with 2 BLAS threads")
    args = parser.parse_args()
    if args.compare_threads:
        return compare_threads(args)
    t0 = time.perf_counter()
    bench_conv.print_header()
    data = cnn_lib.load_mnist()
    bench_run(args.runs, data)
    conv_time, conv_flops = bench_step(args.quick, data)
    bench_conv.bench_matmul(args.quick, conv_time, conv_flops)
    print(f"\n(benchmark wall time {time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
