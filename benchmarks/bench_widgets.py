"""How fast does each explorer redraw when a learner moves a control? Prints; asserts nothing.

Usage:  OPENBLAS_NUM_THREADS=1 python benchmarks/bench_widgets.py [repeats]

The scenarios ``(label, explorer, control, values)`` come from ``tests/widget_fixtures.py`` (they
move every control of every explorer). ``explorer.move(control, value)`` runs the explorer's
callback synchronously (update + PNG render), exactly what a slider move or a button click does
in JupyterLab minus the trip to the browser. The course's goal is a median of 50 ms or less per
move. ``repeats`` (default 1) runs every scenario that many times and reports the median of all moves.

Two clocks: wall time (what a learner waits; on a busy machine it includes waiting for a core) and
the process's CPU time (the work itself, much less sensitive to other programs on a shared machine).
"""
import statistics
import sys
import time
from pathlib import Path

import ipywidgets as widgets

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from widget_fixtures import scenarios  # noqa: E402

GOAL_MS = 50


def main(repeats=1):
    print(f"{'explorer: control':<48} {'moves':>5} {'median ms':>10} {'max ms':>8} {'CPU ms':>7}  "
          f"goal <= {GOAL_MS} ms (median)")
    for label, explorer, control, values in scenarios():
        button = isinstance(control, widgets.Button)
        times, cpu = [], []
        for _ in range(repeats):
            for value in values:
                if not button and control.value == value:
                    continue
                start, start_cpu = time.perf_counter(), time.process_time()
                explorer.move(control, value)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
        median = statistics.median(times)
        verdict = "met" if median <= GOAL_MS else "MISSED"
        print(f"{label:<48} {len(times):>5} {median:>10.1f} {max(times):>8.1f} {statistics.median(cpu):>7.1f}  "
              f"{verdict}", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
