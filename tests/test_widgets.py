"""The explorer pattern: callbacks run synchronously in plain Python, redraw in place, fall back to a PNG,
explain what cannot work in the status line (never raise), and every control does something visible."""
import ast
import hashlib
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pytest

from cnn_lib.environment import Check, check_environment
from cnn_lib.widgets import Explorer, HelloExplorer, KernelExplorer, StrideExplorer
from widget_fixtures import scenarios

WIDGETS = Path(__file__).resolve().parents[1] / "cnn_lib" / "widgets"


def digest(explorer):
    return hashlib.sha256(explorer.image.value).hexdigest()


def test_moving_the_slider_redraws_the_same_figure():
    hello = HelloExplorer(n=4)
    figure, board, before = hello.fig, hello.drawing.board, digest(hello)
    state = hello.move(hello.slider, 7)
    assert hello.fig is figure and hello.drawing.board is board, "the figure must be reused, not rebuilt"
    assert digest(hello) != before
    assert state == {"ok": True, "reason": None, "squares": 7} == hello.state()
    assert hello.drawing.board.get_array().shape == (7, 7)


def test_static_fallback_has_png_and_text():
    bundle = HelloExplorer()._repr_mimebundle_()
    assert bundle["image/png"] and "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("[widget check")


def test_no_widget_module_imports_matplotlib_or_draws():
    for path in sorted(WIDGETS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        modules += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [m for m in modules if m.split(".")[0] in ("matplotlib", "PIL")], path.name
        calls = {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Attribute)}
        drawing = calls & {"imshow", "subplots", "add_axes", "bar", "plot", "text", "set_data"}
        assert not drawing, f"{path.name} draws: {sorted(drawing)}"


class Broken(Explorer):
    """An explorer whose update fails after the first drawing, as a bug in a new explorer would."""

    def __init__(self):
        super().__init__(figsize=(2, 2))
        self.art = self.fig.add_subplot().imshow(np.zeros((2, 2)), vmin=0, vmax=3)
        self.slider = widgets.IntSlider(value=0, min=0, max=3)
        self.finish(self.slider)

    def update(self):
        if self.slider.value == 2:
            raise ZeroDivisionError("division by zero")
        self.art.set_data(np.full((2, 2), self.slider.value))
        return f"value {self.slider.value}"


def test_an_exception_in_update_goes_to_the_status_line_and_keeps_the_drawing():
    broken = Broken()
    broken.move(broken.slider, 1)
    picture = bytes(broken.image.value)
    state = broken.move(broken.slider, 2)                     # would raise into the kernel's log
    assert state["ok"] is False and state["reason"] == "error"
    assert "ZeroDivisionError: division by zero" in broken.status.value
    assert bytes(broken.image.value) == picture
    assert broken.move(broken.slider, 3)["ok"] and bytes(broken.image.value) != picture   # and it recovers


def test_a_control_changed_by_update_does_not_start_a_second_refresh():
    explorer = StrideExplorer(n=10, kernel_size=3, stride=1, position=60)
    calls = []
    original = explorer.update
    explorer.update = lambda: calls.append(1) or original()
    explorer.move(explorer.stride, 3)                          # 3 x 3 outputs: update clamps position 60 -> 8
    assert calls == [1] and explorer.position.value == 8 and explorer.state()["position"] == 8


def test_kernel_size_does_something_visible_or_says_why():
    explorer = KernelExplorer(name="box_blur")
    before = digest(explorer)
    assert explorer.move(explorer.size, 9)["size"] == 9 and digest(explorer) != before
    state = explorer.move(explorer.name, "sobel_y")            # a fixed 3x3 kernel: slider disabled, reason shown
    assert state["size_fixed"] and state["size"] == 3 and explorer.size.disabled and explorer.size.value == 3
    assert "kernel-size-fixed" in explorer.size_note.value and "3 x 3 only" in explorer.size_note.value
    assert explorer.move(explorer.name, "box_blur")["size"] == 9 and not explorer.size.disabled   # its size back


def test_custom_weights_that_overflow_are_explained():
    explorer = KernelExplorer(name="custom")
    assert explorer.move(explorer.cells[0], 1e308)["ok"]       # huge but finite: drawn, printed in short form
    assert "e+308" in explorer.status.value and len(explorer.status.value) < 1200
    for cell in explorer.cells:
        cell.value = 1e308
    assert explorer.state() == {"ok": False, "reason": "overflow", "kernel": "custom", "size_fixed": True,
                                "stride": 1}
    assert explorer.move(explorer.cells[0], float("nan"))["reason"] == "weights"


def test_kernel_larger_than_a_small_image_is_explained_not_raised():
    explorer = KernelExplorer(image=np.ones((4, 4)), name="box_blur")
    state = explorer.move(explorer.size, 7)
    assert state["reason"] == "too-big" and "does not fit in the 4 x 4 input" in explorer.status.value


def every_explorer_class():
    """Names of every Explorer subclass defined in a cnn_lib.widgets module (found, not listed by hand)."""
    import importlib
    import inspect
    import pkgutil

    import cnn_lib.widgets
    from cnn_lib.widgets.base import Explorer
    found = set()
    for info in pkgutil.iter_modules(cnn_lib.widgets.__path__):
        module = importlib.import_module(f"cnn_lib.widgets.{info.name}")
        found |= {name for name, obj in vars(module).items() if inspect.isclass(obj) and issubclass(obj, Explorer)
                  and obj is not Explorer and obj.__module__ == module.__name__}
    return found


@pytest.fixture(scope="module")
def all_scenarios():
    return scenarios()


def test_scenarios_move_every_control_of_every_explorer(all_scenarios):
    moved = {}
    for _, explorer, control, _ in all_scenarios:
        moved.setdefault(id(explorer), (explorer, set()))[1].add(id(control))
    classes = {type(explorer).__name__ for explorer, _ in moved.values()}
    assert classes == every_explorer_class(), "an explorer has no scenario in tests/widget_fixtures.py"
    for name in classes:            # per class, the union over its instances covers its controls' kinds
        covered = {c for explorer, ids in moved.values() if type(explorer).__name__ == name
                   for c in explorer.controls if id(c) in ids}
        kinds = {(type(c).__name__, getattr(c, "description", "")) for explorer, _ in moved.values()
                 if type(explorer).__name__ == name for c in explorer.controls}
        assert {(type(c).__name__, getattr(c, "description", "")) for c in covered} == kinds, name


def test_every_move_changes_the_picture_or_explains_why(all_scenarios):
    for label, explorer, control, values in all_scenarios:
        for value in values[:3]:
            if not isinstance(control, widgets.Button) and control.value == value:
                continue
            before = digest(explorer)
            state = explorer.move(control, value)
            changed = digest(explorer) != before
            assert changed or not state["ok"] or label.endswith(("learning rate", "Reset button")), (label, value)


def test_environment_check_flags_a_version_that_differs_from_the_pins(monkeypatch, tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy==0.0.1\n")
    report = {c.name: c for c in check_environment(start=tmp_path)}
    assert not report["numpy"].ok and "0.0.1" in report["numpy"].advice and "course.py lab" in report["numpy"].advice
    assert report["python"].ok


def test_environment_check_passes_in_the_course_environment():
    assert all(c.ok for c in check_environment()), [str(c) for c in check_environment() if not c.ok]


def test_check_line_reads_in_words():
    assert str(Check("numpy", "missing", False, "install it")) == "✘ numpy               missing\n    -> install it"
