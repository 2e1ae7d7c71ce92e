"""How fast does each explorer redraw when a learner moves a control? Prints; asserts nothing.

Usage:  python benchmarks/bench_widgets.py

Every module in cnn_lib/widgets that defines ``demo_moves()`` contributes scenarios
``(label, explorer, control, values)``. Setting ``control.value`` runs the explorer's callback
synchronously (update + PNG render), exactly what a slider move does in JupyterLab minus the
trip to the browser. The course's goal is a median of 50 ms or less per move.
"""
import importlib
import pkgutil
import statistics
import time

import cnn_lib.widgets

GOAL_MS = 50


def main():
    print(f"{'explorer: control':<48} {'moves':>5} {'median ms':>10} {'max ms':>8}  goal <= {GOAL_MS} ms")
    for info in pkgutil.iter_modules(cnn_lib.widgets.__path__):
        module = importlib.import_module(f"cnn_lib.widgets.{info.name}")
        for label, explorer, control, values in getattr(module, "demo_moves", lambda: [])():
            times = []
            for value in values:
                if control.value == value:
                    continue
                start = time.perf_counter()
                control.value = value
                times.append((time.perf_counter() - start) * 1000)
            median = statistics.median(times)
            verdict = "met" if median <= GOAL_MS else "MISSED"
            print(f"{label:<48} {len(times):>5} {median:>10.1f} {max(times):>8.1f}  {verdict}")


if __name__ == "__main__":
    main()
