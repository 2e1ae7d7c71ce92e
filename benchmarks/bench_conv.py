"""Benchmark of cnn_lib's convolution and training step (prints numbers; asserts nothing).

Run:  python benchmarks/bench_conv.py            (~10 s on 2 cores, most of it the naive loops)
      python benchmarks/bench_conv.py --quick    (fewer repeats, naive on 2 images; ~2 s)

Measures (all times from time.perf_counter; medians unless said otherwise; data seeded):
1. Vectorized vs naive conv: forward + backward of one conv, x (32, 8, 28, 28), weight
   (16, 8, 3, 3), padding 1, float32. ``conv2d`` + ``conv2d_backward`` (im2col + matmul) against
   ``conv2d_naive`` + ``conv2d_backward_naive`` (Python loops). The naive pair runs once, on the
   whole batch (--quick: on 2 images, scaled linearly to 32; its loops are linear in N). Target: >= 50x.
2. One training step (forward + softmax_cross_entropy + backward + Adam, via cnn_lib.train_step)
   of a LeNet-sized net on 64 real MNIST images: median over ~30 steps after warm-up, the implied
   time per epoch of 4,000 images, and a per-layer breakdown (forward and backward medians).
3. The machine's float32 matmul rate (best of several ``a @ b``, square 256/512/1024) and the
   fraction of it the conv layers reach in step 2: conv FLOPs (forward 2*N*OH*OW*C_out*C_in*k*k,
   backward twice that) / measured conv forward + backward time.
Numbers move 10-30% between runs on a shared or busy machine; compare runs on a quiet one.
"""
import argparse
import itertools
import os
import platform
import statistics
import time

import numpy as np

import cnn_lib
from cnn_lib import functional as F

MEDIAN = statistics.median


def clock(fn, *args):
    """Call ``fn(*args)`` once; return ``(its result, seconds taken)``."""
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def timeit(fn, repeats, warmup=1):
    """Run ``fn`` ``warmup`` times untimed, then ``repeats`` times; return the list of seconds."""
    for _ in range(warmup):
        fn()
    return [clock(fn)[1] for _ in range(repeats)]


def blas_info():
    """A one-line description of the BLAS numpy uses (threadpoolctl if installed, else show_config)."""
    try:
        from threadpoolctl import threadpool_info
        return "; ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture', '')} "
                         f"threads={i.get('num_threads')}" for i in threadpool_info() if i.get("user_api") == "blas")
    except ImportError:
        pass
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')} (from np.show_config; threadpoolctl not installed)"
    except Exception as exc:                     # older numpy, or a build without the dict mode
        return f"unknown ({type(exc).__name__})"


def print_header():
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    print(f"python {platform.python_version()}, numpy {np.__version__}, cnn_lib {cnn_lib.__version__}")
    print(f"BLAS: {blas_info()}")
    cpu = platform.processor() or platform.machine()
    print(f"CPU cores: {os.cpu_count()} (usable by this process: {usable}); {cpu}")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if var in os.environ:
            print(f"{var}={os.environ[var]}")


def bench_vectorized_vs_naive(quick):
    """Measure 1: conv forward + backward, vectorized vs naive; prints the speedup."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 8, 28, 28), dtype=np.float32)
    w = rng.standard_normal((16, 8, 3, 3), dtype=np.float32)
    b = rng.standard_normal(16, dtype=np.float32)
    dy = rng.standard_normal((32, 16, 28, 28), dtype=np.float32)

    def vectorized():
        F.conv2d(x, w, b, padding=1)
        F.conv2d_backward(dy, x, w, padding=1)

    t_vec = MEDIAN(timeit(vectorized, repeats=10 if quick else 30, warmup=2))
    n = 2 if quick else 32                       # naive on a slice of the batch, scaled to 32
    t0 = time.perf_counter()
    F.conv2d_naive(x[:n], w, b, padding=1)
    F.conv2d_backward_naive(dy[:n], x[:n], w, padding=1)
    t_naive = (time.perf_counter() - t0) * 32 / n
    speedup = t_naive / t_vec
    print("\n1. Conv forward+backward, x (32, 8, 28, 28), w (16, 8, 3, 3), padding 1, float32")
    print(f"   {'vectorized (conv2d + conv2d_backward), median':<52}{t_vec * 1e3:10.2f} ms")
    how = "1 run on all 32 images" if n == 32 else f"1 run on {n} images, x 32/{n} (linear in N)"
    print(f"   {f'naive loops, {how}':<52}{t_naive * 1e3:10.0f} ms")
    print(f"   {'speedup':<52}{speedup:10.0f} x   "
          f"(target >= 50x: {'MET' if speedup >= 50 else 'NOT MET'})")


def lenet():
    cnn_lib.manual_seed(0)
    return cnn_lib.Sequential(
        cnn_lib.Conv2d(1, 8, 5, padding=2), cnn_lib.ReLU(), cnn_lib.MaxPool2d(2),
        cnn_lib.Conv2d(8, 16, 5), cnn_lib.ReLU(), cnn_lib.MaxPool2d(2),
        cnn_lib.Flatten(), cnn_lib.Linear(400, 10))


def bench_train_step(quick):
    """Measure 2: whole train_step, then a per-layer breakdown; returns (conv seconds, conv FLOPs)."""
    x_train, y_train, _, _ = cnn_lib.load_mnist()
    n_epoch, batch = len(x_train), 64
    rng = np.random.default_rng(0)
    batches = itertools.cycle([rng.choice(n_epoch, batch, replace=False) for _ in range(8)])
    steps, warmup = (10, 3) if quick else (30, 5)

    model = lenet()
    opt = cnn_lib.Adam(model, lr=1e-3)

    def step():
        idx = next(batches)
        cnn_lib.train_step(model, opt, x_train[idx], y_train[idx])

    t_step = MEDIAN(timeit(step, steps, warmup))

    # Per-layer breakdown: the same work as train_step, with a clock around each layer.
    model = lenet()
    opt = cnn_lib.Adam(model, lr=1e-3)
    layers = model.layers
    fwd, bwd = [[] for _ in layers], [[] for _ in layers]
    rest = {"loss (softmax_cross_entropy)": [], "Adam step": []}
    for s in range(warmup + steps):
        idx = next(batches)
        a, tf, tb = x_train[idx], [], []
        for layer in layers:
            a, t = clock(layer.forward, a)
            tf.append(t)
        (_, d), t_loss = clock(cnn_lib.softmax_cross_entropy, a, y_train[idx])
        for layer in reversed(layers):
            d, t = clock(layer.backward, d)
            tb.insert(0, t)
        _, t_opt = clock(opt.step)
        if s >= warmup:
            for i in range(len(layers)):
                fwd[i].append(tf[i])
                bwd[i].append(tb[i])
            rest["loss (softmax_cross_entropy)"].append(t_loss)
            rest["Adam step"].append(t_opt)

    n_steps = -(-n_epoch // batch)
    print(f"\n2. Training step (train_step: forward + loss + backward + Adam), batch {batch} MNIST, "
          f"median of {steps} after {warmup} warm-up")
    print(f"   {'one step':<52}{t_step * 1e3:10.2f} ms")
    print(f"   {f'implied epoch of {n_epoch:,} images ({n_steps} steps)':<52}{t_step * n_steps:10.2f} s")
    print(f"\n   {'layer':<52}{'forward ms':>11}{'backward ms':>13}{'total ms':>10}{'share':>8}")
    rows = [(repr(layer), MEDIAN(f), MEDIAN(b)) for layer, f, b in zip(layers, fwd, bwd)]
    rows += [(name, MEDIAN(t), 0.0) for name, t in rest.items()]
    total = sum(f + b for _, f, b in rows)
    for name, f, b in rows:
        print(f"   {name:<52}{f * 1e3:11.3f}{b * 1e3:13.3f}{(f + b) * 1e3:10.3f}{(f + b) / total:8.1%}")
    print(f"   {'sum of the medians above (compare: one step)':<52}{'':24}{total * 1e3:10.3f}")

    conv_time = conv_flops = 0.0
    for layer, (_, f, b) in zip(layers, rows):
        if isinstance(layer, cnn_lib.Conv2d):
            c_out, c_in, k, _ = layer.params["weight"].shape
            h, w = layer.cache["x"].shape[2:]    # the input this layer saw in the last step
            oh, ow = (cnn_lib.output_size(n, k, layer.stride, layer.padding) for n in (h, w))
            conv_flops += 3 * 2 * batch * oh * ow * c_out * c_in * k * k   # fwd + bwd (dx, dweight)
            conv_time += f + b
    return conv_time, conv_flops


def bench_matmul(quick, conv_time, conv_flops):
    """Measure 3: float32 matmul GFLOP/s (best of several) and the conv layers' share of it."""
    rng = np.random.default_rng(0)
    print("\n3. float32 matmul rate (a @ b, square, best of several) and the conv layers' share")
    best = 0.0
    for n in (256, 512, 1024):
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        repeats = (3 if quick else 10) if n == 1024 else (10 if quick else 30)
        t = min(timeit(lambda: a @ b, repeats))      # best of: the machine's capability, not its noise
        rate = 2 * n ** 3 / t / 1e9
        best = max(best, rate)
        print(f"   {f'matmul {n} x {n}':<52}{rate:10.1f} GFLOP/s  ({t * 1e3:.2f} ms)")
    conv_rate = conv_flops / conv_time / 1e9
    print(f"   {'conv layers in the step: FLOPs (fwd + bwd)':<52}{conv_flops / 1e6:10.1f} MFLOP")
    print(f"   {'conv layers in the step: time (fwd + bwd medians)':<52}{conv_time * 1e3:10.2f} ms")
    print(f"   {'conv layers in the step: rate':<52}{conv_rate:10.2f} GFLOP/s "
          f"= {conv_rate / best:.1%} of best matmul")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller naive slice")
    args = parser.parse_args()
    t0 = time.perf_counter()
    print_header()
    bench_vectorized_vs_naive(args.quick)
    conv_time, conv_flops = bench_train_step(args.quick)
    bench_matmul(args.quick, conv_time, conv_flops)
    print(f"\n(benchmark wall time {time.perf_counter() - t0:.1f} s{', --quick' if args.quick else ''})")


if __name__ == "__main__":
    main()
