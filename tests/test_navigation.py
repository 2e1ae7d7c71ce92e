"""Navigation cannot rot: every notebook starts and ends with previous | start here | next links,
in course order, and notebook 00 and the README link every notebook."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s#]+)[^)]*\)")


def markdown_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def nav_targets(text):
    """The link targets of the navigation line (the one line joining links with ' | ')."""
    lines = [line for line in text.splitlines() if " | " in line and LINK.search(line) and not line.startswith("|")]
    assert lines, f"no navigation line (links joined by ' | ') in:\n{text[:300]}"
    return [target for _, target in LINK.findall(lines[0])]


def expected_nav(i):
    names = [p.name for p in NOTEBOOKS]
    if i == 0:
        return [names[1]]
    return [names[i - 1], names[0]] + ([names[i + 1]] if i + 1 < len(names) else [])


def test_course_order_has_no_gaps():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(len(numbers))), f"notebook numbers skip: {numbers}"
    assert NOTEBOOKS[0].name == "00-start-here.ipynb"


@pytest.mark.parametrize("i", range(len(NOTEBOOKS)), ids=[p.stem for p in NOTEBOOKS])
def test_navigation_at_top_and_bottom(i):
    cells = markdown_cells(NOTEBOOKS[i])
    for where, text in (("first", cells[0]), ("last", cells[-1])):
        assert nav_targets(text) == expected_nav(i), f"{NOTEBOOKS[i].name}: {where} markdown cell's navigation"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_local_link_resolves(path):
    for text in markdown_cells(path):
        for _, target in LINK.findall(text):
            if not re.match(r"^[a-z]+:", target):
                assert (path.parent / target).exists(), f"{path.name}: link {target} does not resolve"


def test_start_here_and_readme_link_every_notebook():
    start = "\n".join(markdown_cells(NOTEBOOKS[0]))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS[1:]:
        assert f"]({path.name})" in start, f"00-start-here does not link {path.name}"
    for path in NOTEBOOKS:
        assert f"](notebooks/{path.name})" in readme, f"README does not link {path.name}"
