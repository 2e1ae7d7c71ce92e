"""Execute notebooks top to bottom in a fresh kernel and save them with their outputs, ready to commit.

Usage:  python tools/execute_notebooks.py [notebooks/01-layers.ipynb ...]   (default: all)

Runs each notebook the way nbval and a learner's "Restart and run all" do (fresh kernel,
working directory = notebooks/), then removes saved widget state (``metadata.widgets``), so
GitHub and nbviewer show each explorer's static PNG instead of a widget placeholder.
Prints how long each notebook took.
"""
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path):
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)        # timestamps: noise in every diff
    nbformat.write(nb, path)
    return seconds


def main(args):
    paths = [Path(a).resolve() for a in args] or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    total = 0.0
    for path in paths:
        seconds = execute(path)
        total += seconds
        print(f"{path.relative_to(ROOT)}: {seconds:.1f} s")
    print(f"total: {total:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
