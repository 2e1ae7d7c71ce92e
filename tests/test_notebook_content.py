"""What a learner meets in the committed notebooks: exercises with checkers and hidden worked
solutions, a static picture for every widget (GitHub and nbviewer run no kernel), no saved widget
state, and colour maps that colour-blind readers can tell apart."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
MIN_EXERCISES = {"01": 3, "02": 3, "03": 4, "04": 3, "05": 2}
WIDGET = "application/vnd.jupyter.widget-view+json"
PLACEHOLDER = re.compile(r"^answer\w*\s*=\s*\.\.\.", re.M)
BAD_CMAPS = re.compile(r"""["'](jet|rainbow|hsv|RdYlGn|RdGn|gist_rainbow|nipy_spectral|Spectral)(_r)?["']""")


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def text_outputs(cell):
    texts = []
    for out in cell.get("outputs", []):
        texts.append("".join(out.get("text", "")))
        texts.append("".join(out.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


def exercises(nb):
    """(exercise cell, the cell after it) for every code cell holding an `answer = ...` placeholder."""
    cells = nb["cells"]
    return [(c, cells[i + 1] if i + 1 < len(cells) else None) for i, c in enumerate(cells)
            if c["cell_type"] == "code" and PLACEHOLDER.search("".join(c["source"]))]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_exercise_has_a_checker_and_a_hidden_worked_solution(path):
    found = exercises(load(path))
    assert len(found) >= MIN_EXERCISES.get(path.name[:2], 0), f"{path.name}: only {len(found)} exercises"
    for cell, solution in found:
        source = "".join(cell["source"])
        checker = re.findall(r"^(check_\w+)\(", source, re.M)
        assert checker, f"{path.name}: exercise without a checker call:\n{source}"
        assert "replace the ..." in text_outputs(cell), f"{path.name}: {checker[0]} did not ask for an answer"
        assert solution is not None and solution["cell_type"] == "code", f"{path.name}: {checker[0]} has no solution cell"
        assert "solution" in solution["metadata"].get("tags", []), f"{path.name}: {checker[0]}'s solution is not tagged"
        hidden = solution["metadata"].get("jupyter", {})
        assert hidden.get("source_hidden") and hidden.get("outputs_hidden"), \
            f"{path.name}: {checker[0]}'s solution (or its output, which shows the answer) is visible"
        assert "".join(solution["source"]).startswith("# Worked solution"), \
            f"{path.name}: a collapsed solution previews its first line: make it a neutral header"
        solution_source = "".join(solution["source"])
        assert f"{checker[0]}(" in solution_source, f"{path.name}: the solution does not run {checker[0]}"
        assert solution_source.lstrip().startswith("#"), f"{path.name}: {checker[0]}'s solution has no worked reasoning"
        assert "✔ Correct" in text_outputs(solution), f"{path.name}: {checker[0]} rejects its own solution"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_widget_has_a_static_picture_and_no_saved_state(path):
    nb = load(path)
    assert "widgets" not in nb["metadata"], f"{path.name}: saved widget state hides the static PNG on GitHub"
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET in data:
                fallback = "".join(data.get("text/plain", ""))
                assert fallback.startswith("["), f"{path.name}: a widget without its text fallback: {fallback!r}"
                if "run the notebook" in fallback:            # an explorer (cnn_lib.widgets.base.Explorer)
                    assert data.get("image/png"), f"{path.name}: {fallback} has no static PNG"


def test_widget_notebooks_use_widgets():
    with_widgets = {p.name[:2] for p in NOTEBOOKS
                    if any(WIDGET in o.get("data", {}) for c in load(p)["cells"] for o in c.get("outputs", []))}
    assert with_widgets == {p.name[:2] for p in NOTEBOOKS}, f"notebooks with a live widget: {sorted(with_widgets)}"


def test_colour_maps_are_colour_blind_safe():
    sources = [p for p in (ROOT / "cnn_lib").rglob("*.py")] + NOTEBOOKS
    bad = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in sources for m in BAD_CMAPS.finditer(p.read_text(encoding="utf-8"))]
    assert not bad, "rainbow or red-green colour maps:\n" + "\n".join(bad)
