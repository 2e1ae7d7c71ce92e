"""The widget pattern: callbacks run synchronously in plain Python, redraw in place, and fall back to a PNG."""
import hashlib

from cnn_lib.environment import Check, check_environment
from cnn_lib.widgets import HelloExplorer


def digest(explorer):
    return hashlib.sha256(explorer.image.value).hexdigest()


def test_moving_the_slider_redraws_the_same_figure():
    hello = HelloExplorer(n=4)
    figure, artist, before = hello.fig, hello.artist, digest(hello)
    hello.slider.value = 7
    assert hello.fig is figure and hello.artist is artist, "the figure must be reused, not rebuilt"
    assert digest(hello) != before
    assert "7 x 7" in hello.status.value
    assert hello.artist.get_array().shape == (7, 7)


def test_static_fallback_has_png_and_text():
    bundle = HelloExplorer()._repr_mimebundle_()
    assert bundle["image/png"] and "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("[widget check")


def test_environment_check_flags_a_version_that_differs_from_the_pins(monkeypatch, tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy==0.0.1\n")
    report = {c.name: c for c in check_environment(start=tmp_path)}
    assert not report["numpy"].ok and "0.0.1" in report["numpy"].advice and "course.py lab" in report["numpy"].advice
    assert report["python"].ok


def test_environment_check_passes_in_the_course_environment():
    assert all(c.ok for c in check_environment()), [str(c) for c in check_environment() if not c.ok]


def test_check_line_reads_in_words():
    assert str(Check("numpy", "missing", False, "install it")) == "✘ numpy               missing\n    -> install it"
