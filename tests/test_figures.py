"""images/make_figures.py draws the course's diagrams from cnn_lib (issue 8, item 5).

The script runs with the project's interpreter into a temporary folder (twice: the bytes must
not change); each PNG is valid, small, at 100 dpi; the committed images/ are what it draws; and
every ``![alt](../images/X.png)`` in the notebooks points to a file it makes, with real alt text.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "images" / "make_figures.py"
EXPECTED = {"layer-schema.png", "sliding-kernel.png", "stride-grid.png", "backprop-flow.png"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")      # course_lint's rule, images only
VAGUE = {"diagram", "figure", "image", "picture", "plot", "png"}


def draw(folder):
    """Run the script into ``folder`` from an unrelated working directory; returns its stdout."""
    done = subprocess.run([sys.executable, str(SCRIPT), str(folder)], capture_output=True, text=True,
                          cwd=folder.parent, timeout=120)
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two runs of the script, each into a fresh folder: ``[(folder, stdout), (folder, stdout)]``."""
    return [(folder, draw(folder)) for folder in
            (tmp_path_factory.mktemp("first") / "images", tmp_path_factory.mktemp("second") / "images")]


def notebook_images():
    """``(notebook name, alt, target)`` for every markdown image in notebooks/*.ipynb."""
    found = []
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                found += [(path.name, alt, target) for alt, target in MD_IMAGE.findall(source)]
    return found


def test_the_script_writes_each_figure_and_says_so(runs):
    folder, stdout = runs[0]
    assert {p.name for p in folder.iterdir()} == EXPECTED               # the folder was created, nothing else
    for name in EXPECTED:
        assert str(folder / name) in stdout


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_png_is_valid_small_and_at_100_dpi(runs, name):
    path = runs[0][0] / name
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    assert 5_000 < path.stat().st_size < 100_000, f"{name}: {path.stat().st_size} bytes"
    with Image.open(path) as image:
        image.verify()                                                   # chunks and checksums
    with Image.open(path) as image:
        width, height = image.size
        assert 600 <= width <= 1200 and 250 <= height <= 700, (name, image.size)
        assert np.allclose(image.info["dpi"], 100, atol=0.01)
        assert "Software" not in image.info                             # no version stamp in the bytes


def test_a_second_run_gives_the_same_bytes(runs):
    (first, _), (second, _) = runs
    for name in sorted(EXPECTED):
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name} changed between runs"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_committed_image_is_what_the_script_draws(runs, name):
    """Pixels, not bytes: the PNG compressor may differ between machines, the picture must not.
    If this fails, run ``python images/make_figures.py`` and commit the new images."""
    committed, fresh = REPO / "images" / name, runs[0][0] / name
    assert committed.is_file(), f"images/{name} is missing: run python images/make_figures.py"
    with Image.open(committed) as a, Image.open(fresh) as b:
        assert a.size == b.size and np.array_equal(np.asarray(a), np.asarray(b)), \
            f"images/{name} is out of date: run python images/make_figures.py"


def test_every_notebook_image_is_drawn_by_the_script_and_has_alt_text():
    found = [(nb, alt, target) for nb, alt, target in notebook_images() if "images/" in target]
    assert found, "no notebook shows an image from images/"
    for nb, alt, target in found:
        assert target.startswith("../images/") and target[len("../images/"):] in EXPECTED, \
            f"{nb}: {target} is not a figure that images/make_figures.py draws"
        words = re.findall(r"\w+", alt)
        assert len(words) >= 8 and not set(w.lower() for w in words) <= VAGUE, \
            f"{nb}: the alt text of {target} should say what the image shows, got {alt!r}"


def test_every_figure_is_shown_somewhere():
    shown = {target.rsplit("/", 1)[-1] for _, _, target in notebook_images() if "images/" in target}
    assert EXPECTED <= shown, f"drawn but not shown in any notebook: {sorted(EXPECTED - shown)}"
