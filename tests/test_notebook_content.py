"""What a learner meets in the committed notebooks: exercises with checkers and worked solutions
folded in <details> (hidden in every renderer), coding exercises whose folded solution is the
tested one, a static picture for every widget (GitHub and nbviewer run no kernel), no saved widget
state, and colour maps that colour-blind readers can tell apart."""
import importlib
import inspect
import json
import pkgutil
import re
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import solution_cells  # noqa: E402
from cnn_lib.exercises.solutions import SOLUTIONS  # noqa: E402

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


def exercise_namespace():
    """numpy as np, cnn_lib, its public names, and every public name of every exercise module."""
    import cnn_lib
    import cnn_lib.exercises
    namespace = {"np": np, "cnn_lib": cnn_lib, **{n: getattr(cnn_lib, n) for n in cnn_lib.__all__}}
    for info in pkgutil.iter_modules(cnn_lib.exercises.__path__):
        module = importlib.import_module(f"cnn_lib.exercises.{info.name}")
        namespace.update({n: v for n, v in vars(module).items() if not n.startswith("_")})
    # the one notebook variable a worked solution reads (05: a confusion matrix of the trained net);
    # the solution derives its answer from it, so any confusion matrix exercises it
    namespace["matrix"] = np.random.default_rng(0).integers(0, 9, (10, 10)) + np.diag(np.full(10, 90))
    return namespace


def folded_solution(path, cell, what):
    """The code of a worked solution folded in a <details> block (every renderer shows it closed)."""
    assert cell is not None and cell["cell_type"] == "markdown", f"{path.name}: {what} has no solution cell after it"
    text = "".join(cell["source"])
    assert "solution" in cell["metadata"].get("tags", []), f"{path.name}: {what}'s solution is not tagged"
    assert text.startswith(f"<details><summary>{solution_cells.SUMMARY}</summary>\n\n```python\n"), \
        f"{path.name}: {what}'s solution is not folded in a <details> block"
    assert text.rstrip().endswith("```\n\n</details>"), f"{path.name}: {what}'s <details> block is not closed"
    return solution_cells.code_of(text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_exercise_has_a_checker_and_a_hidden_worked_solution(path):
    found = exercises(load(path))
    assert len(found) >= MIN_EXERCISES.get(path.name[:2], 0), f"{path.name}: only {len(found)} exercises"
    for cell, solution in found:
        source = "".join(cell["source"])
        checker = re.findall(r"^(check_\w+)\(", source, re.M)
        assert checker, f"{path.name}: exercise without a checker call:\n{source}"
        assert "replace the ..." in text_outputs(cell), f"{path.name}: {checker[0]} did not ask for an answer"
        code = folded_solution(path, solution, checker[0])
        assert f"{checker[0]}(" in code, f"{path.name}: the solution does not run {checker[0]}"
        assert code.lstrip().startswith("#"), f"{path.name}: {checker[0]}'s solution has no worked reasoning"
        # run the worked solution with what the exercise modules define (checkers, data like PATCH)
        *body, last = code.strip().splitlines()
        namespace = exercise_namespace()
        exec("\n".join(body), namespace)
        verdict = eval(last, namespace)
        assert verdict, f"{path.name}: {checker[0]} rejects its own worked solution: {verdict!r}"


def implementation_exercises(nb):
    """(definition cell, check cell, solution cell, name) for every check_implementation call."""
    cells = nb["cells"]
    found = []
    for i, cell in enumerate(cells):
        match = re.search(r'^check_implementation\("(\w+)", (\w+)\)', "".join(cell["source"]), re.M)
        if cell["cell_type"] == "code" and match:
            found.append((cells[i - 1], cell, cells[i + 1] if i + 1 < len(cells) else None, match.group(1)))
    return found


def test_at_least_twelve_coding_exercises_all_different():
    names = [name for path in NOTEBOOKS for *_, name in implementation_exercises(load(path))]
    assert len(names) >= 12 and len(set(names)) == len(names), names
    assert set(names) == set(SOLUTIONS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_coding_exercises_say_not_written_yet_and_fold_the_tested_solution(path):
    for definition, check, solution, name in implementation_exercises(load(path)):
        source = "".join(definition["source"])
        assert definition["cell_type"] == "code" and f"def {name}(" in source, f"{path.name}: {name} has no def cell"
        assert '"""' in source and "raise NotImplementedError" in source, f"{path.name}: {name}: docstring, placeholder"
        assert "not written yet" in text_outputs(check), f"{path.name}: {name}'s check cell was not run unfilled"
        assert "Traceback" not in text_outputs(check)
        assert solution["metadata"].get("exercise") == name, f"{path.name}: {name}'s solution cell is not marked"
        code = folded_solution(path, solution, name)
        assert code == inspect.getsource(SOLUTIONS[name]).strip(), \
            f"{path.name}: {name}'s folded solution is not the tested one: run python tools/solution_cells.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_solution_in_a_code_cell_and_the_converter_is_idempotent(path):
    nb = load(path)
    assert not [c["id"] for c in nb["cells"] if c["cell_type"] == "code" and "solution" in c["metadata"].get("tags", [])], \
        f"{path.name}: a solution in a code cell shows on GitHub: run python tools/solution_cells.py"
    assert not any(solution_cells.convert(c) or solution_cells.refresh(c) for c in nb["cells"])


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
