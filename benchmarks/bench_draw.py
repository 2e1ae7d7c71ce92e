"""Notebook 06: how long from the end of a stroke to the new picture? Prints; asserts nothing.

Usage:  python benchmarks/bench_draw.py [--strokes 40]

The canvas sends the drawing (84 x 84 grey bytes) when a stroke ends; setting ``canvas.value``
here runs exactly what that message runs in the kernel: preprocessing (crop, scale, centre),
the network's forward pass through every layer, the saliency map (one backward pass), the
redraw of every panel and the PNG encoding. Not included: the browser's shrinking of the
canvas (well under 1 ms) and the two trips between browser and kernel (a few ms on one machine).
The goal (ARCHITECTURE.md, budgets) is a median of 50 ms or less, with one BLAS thread.
"""
import argparse
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")     # before numpy loads, as the course runs

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from cnn_lib.pretrained import load_trained_lenet  # noqa: E402
from cnn_lib.widgets.draw import DrawExplorer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from widget_fixtures import stroke_pictures  # noqa: E402  (drawings as the canvas sends them)

GOAL_MS = 50


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strokes", type=int, default=40)
    args = parser.parse_args()
    explorer = DrawExplorer(load_trained_lenet())
    pictures = stroke_pictures(args.strokes)
    totals, cpu, parts = [], [], {"preprocess + network + saliency": [], "redraw + JPEG": []}
    for picture in pictures[:3]:                          # warm-up: first renders cache the fixed parts
        explorer.canvas.value = picture
    explorer.canvas.clear()
    for picture in pictures:
        start, start_cpu = time.perf_counter(), time.process_time()
        explorer.canvas.value = picture                   # what the end of a stroke does in the kernel
        totals.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        start = time.perf_counter()
        explorer.update()
        middle = time.perf_counter()
        explorer.render()
        parts["preprocess + network + saliency"].append((middle - start) * 1000)
        parts["redraw + JPEG"].append((time.perf_counter() - middle) * 1000)
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, {len(totals)} strokes, "
          f"picture {len(explorer.image.value):,} bytes")
    print(f"end of stroke -> new picture: median {statistics.median(totals):.1f} ms, "
          f"max {max(totals):.1f} ms  (goal <= {GOAL_MS} ms: {'met' if statistics.median(totals) <= GOAL_MS else 'MISSED'})")
    print(f"  CPU time of this process per stroke: median {statistics.median(cpu):.1f} ms (about what a stroke "
          "takes on an idle machine: the code runs on one thread, so on a busy machine the rest is waiting)")
    for name, times in parts.items():
        print(f"  of which {name:<33} median {statistics.median(times):5.1f} ms")
    print(f"status: {explorer.status.value}")


if __name__ == "__main__":
    main()
