"""Keep every worked solution folded, in every renderer: an HTML <details> block in a markdown cell.

JupyterLab, Notebook 7, VS Code, Colab, GitHub and nbviewer all render ``<details>`` closed, while
a collapsed code cell is hidden only by JupyterLab. This script, idempotent (run it again after
merging other branches' notebook edits), does two things in every course notebook:

1. a code cell tagged ``solution`` (the old form) becomes a markdown cell, same id, holding its
   code in a ``<details>`` block (the neutral "# Worked solution: ..." first line becomes the summary);
2. a markdown cell with metadata ``"exercise": "<name>"`` (an implementation exercise) gets its
   code from ``cnn_lib.exercises.solutions``, so the notebook shows exactly the tested solution.

Usage: python tools/solution_cells.py [notebooks/NN-name.ipynb ...]   (default: every notebooks/NN-*.ipynb)
"""
import inspect
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cnn_lib.exercises.solutions import SOLUTIONS  # noqa: E402

SUMMARY = "Worked solution (open it after you have tried the exercise)"
OLD_HEADER = "# Worked solution"


def details(code, summary=SUMMARY):
    """The markdown of a folded block holding ``code`` as a fenced Python block."""
    return f"<details><summary>{summary}</summary>\n\n```python\n{code.strip()}\n```\n\n</details>"


def code_of(markdown):
    """The code inside a solution cell's fenced block (what :func:`details` put there)."""
    start = markdown.index("```python\n") + len("```python\n")
    return markdown[start:markdown.index("\n```", start)]


def lines(text):
    """Notebook JSON keeps a cell's source as a list of lines, each but the last ending in \\n."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + [parts[-1]]


def convert(cell):
    """An old solution code cell -> a markdown <details> cell (same id and tags). True if changed."""
    if cell["cell_type"] != "code" or "solution" not in cell["metadata"].get("tags", []):
        return False
    source = "".join(cell["source"]).split("\n")
    if source and source[0].startswith(OLD_HEADER):
        source = source[1:]                                    # the summary says it now
    cell_id = cell.get("id")
    cell.clear()
    cell.update({"cell_type": "markdown", "id": cell_id, "metadata": {"tags": ["solution"]},
                 "source": lines(details("\n".join(source)))})
    return True


def refresh(cell):
    """An implementation exercise's solution cell <- the code in cnn_lib.exercises.solutions."""
    name = cell["metadata"].get("exercise")
    if cell["cell_type"] != "markdown" or name not in SOLUTIONS:
        return False
    new = lines(details(inspect.getsource(SOLUTIONS[name])))
    changed = cell["source"] != new
    cell["source"] = new
    return changed


def process(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    changed = 0
    for cell in nb["cells"]:
        changed += convert(cell) + refresh(cell)
    if changed:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def main(paths):
    paths = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    for path in paths:
        print(f"{path.name}: {process(path)} solution cell(s) updated")


if __name__ == "__main__":
    main(sys.argv[1:])
