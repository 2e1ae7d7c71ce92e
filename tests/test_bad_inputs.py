"""Contract 7: every public callable of cnn_lib answers learner-style bad input right or refuses it clearly.

Every ``tests/bad_inputs_*.py`` holds ``CASES = [(target, call, expect), ...]``:
- ``target``: the dotted public name the case exercises (``"cnn_lib.Conv2d.forward"``);
- ``call``: a zero-argument function making the learner-style call;
- ``expect``: an exception class (the call must raise it, and the message must name ``target``'s
  last part and contain ``got`` and ``Hint``), or a one-argument function that receives the
  result and asserts it is right (odd-looking but valid input must work).

A second test enumerates the public callables of every cnn_lib module (pkgutil; public = no
leading underscore, defined in that module; functions, classes, and the methods learners call)
and fails when one has no case, so a new function without bad-input cases is noticed.
"""
import importlib
import importlib.util
import inspect
import pkgutil
import signal
from pathlib import Path

import pytest

import cnn_lib

TESTS = Path(__file__).resolve().parent
LEARNER_METHODS = ("forward", "backward", "step", "train", "eval", "summary", "layer_outputs", "update")
SECONDS = 60          # not a speed test: a guard so that a hang fails this test instead of the whole run

# cnn_lib.widgets and cnn_lib.viz names whose cases come from another branch (i13b's
# tests/bad_inputs_widgets.py). The integrator empties this after merging; only widgets/viz names may be here.
AWAITING_OTHER_BRANCHES = frozenset({
    "cnn_lib.viz.backprop.draw_tiny_cnn", "cnn_lib.viz.backprop.heatmap", "cnn_lib.viz.backprop.plot_loss_curves",
    "cnn_lib.viz.backprop.set_heatmap", "cnn_lib.viz.backprop.show_panels",
    "cnn_lib.viz.diagrams.backprop_flow_figure", "cnn_lib.viz.diagrams.describe",
    "cnn_lib.viz.diagrams.layer_schema_figure", "cnn_lib.viz.diagrams.shape_text",
    "cnn_lib.viz.diagrams.sliding_kernel_figure", "cnn_lib.viz.diagrams.stride_grid_figure",
    "cnn_lib.viz.kernels.NodeDrawing", "cnn_lib.viz.kernels.heading", "cnn_lib.viz.kernels.kernel_gallery",
    "cnn_lib.viz.kernels.label_cells", "cnn_lib.viz.kernels.map_style", "cnn_lib.viz.kernels.maps_figure",
    "cnn_lib.viz.kernels.node_figure", "cnn_lib.viz.kernels.number_texts", "cnn_lib.viz.kernels.profile_figure",
    "cnn_lib.viz.kernels.write_numbers",
    "cnn_lib.viz.layers.LayerTable", "cnn_lib.viz.layers.cross_entropy_figure",
    "cnn_lib.viz.layers.feature_maps_figure", "cnn_lib.viz.layers.layer_table", "cnn_lib.viz.layers.scores_figure",
    "cnn_lib.viz.layers.steps_figure",
    "cnn_lib.viz.stride.StrideDrawing", "cnn_lib.viz.stride.StrideDrawing.update", "cnn_lib.viz.stride.TextStamps",
    "cnn_lib.viz.stride.axis_categories", "cnn_lib.viz.stride.downsampling_figure", "cnn_lib.viz.stride.grid_image",
    "cnn_lib.viz.stride.lanes_image", "cnn_lib.viz.stride.legend_handles", "cnn_lib.viz.stride.pixel_list",
    "cnn_lib.viz.stride.positions_figure",
    "cnn_lib.viz.style.figure_png", "cnn_lib.viz.style.new_figure", "cnn_lib.viz.style.show_array",
    "cnn_lib.viz.style.symmetric_limits",
    "cnn_lib.viz.training.DigitDrawing", "cnn_lib.viz.training.confusion_figure", "cnn_lib.viz.training.digits_figure",
    "cnn_lib.viz.training.feature_maps_figure", "cnn_lib.viz.training.history_figure",
    "cnn_lib.viz.training.kernels_figure", "cnn_lib.viz.training.mistakes_figure", "cnn_lib.viz.training.tile_maps",
    "cnn_lib.viz.kernels.NodeDrawing.update", "cnn_lib.viz.training.DigitDrawing.update",
    "cnn_lib.widgets.backprop.StepResult", "cnn_lib.widgets.backprop.TrainingStepper",
    "cnn_lib.widgets.backprop.TrainingStepper.step", "cnn_lib.widgets.backprop.TrainingStepper.update",
    "cnn_lib.widgets.backprop.demo_moves", "cnn_lib.widgets.base.Explorer", "cnn_lib.widgets.base.Explorer.update",
    "cnn_lib.widgets.digits.DigitExplorer", "cnn_lib.widgets.digits.DigitExplorer.update",
    "cnn_lib.widgets.digits.TrainingMonitor", "cnn_lib.widgets.digits.TrainingMonitor.update",
    "cnn_lib.widgets.digits.demo_moves",
    "cnn_lib.widgets.hello.HelloExplorer", "cnn_lib.widgets.hello.HelloExplorer.update",
    "cnn_lib.widgets.hello.demo_moves",
    "cnn_lib.widgets.kernels.KernelExplorer", "cnn_lib.widgets.kernels.KernelExplorer.update",
    "cnn_lib.widgets.kernels.NodeInspector", "cnn_lib.widgets.kernels.NodeInspector.update",
    "cnn_lib.widgets.kernels.demo_moves", "cnn_lib.widgets.kernels.small_photo",
    "cnn_lib.widgets.layers.LayerExplorer", "cnn_lib.widgets.layers.LayerExplorer.update",
    "cnn_lib.widgets.layers.demo_moves",
    "cnn_lib.widgets.stride.StrideExplorer", "cnn_lib.widgets.stride.StrideExplorer.update",
    "cnn_lib.widgets.stride.demo_moves", "cnn_lib.widgets.stride.plural",
})


def load_cases():
    """Every case of every tests/bad_inputs_*.py, as pytest params with readable ids."""
    cases = []
    for path in sorted(TESTS.glob("bad_inputs_*.py")):
        spec = importlib.util.spec_from_file_location(f"cases_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for i, case in enumerate(module.CASES):
            assert len(case) == 3, f"{path.name} case {i} is not (target, call, expect): {case!r}"
            cases.append(pytest.param(*case, id=f"{path.stem}-{i}-{case[0].removeprefix('cnn_lib.')}"))
    return cases


CASES = load_cases()


def resolve(target):
    """The object a dotted name like ``cnn_lib.Conv2d.forward`` points to (modules, then attributes)."""
    parts = target.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise LookupError(target)


def public_callables():
    """``{dotted name: object}`` for every public function, class and learner-facing method of cnn_lib."""
    found = {}
    for info in pkgutil.walk_packages(cnn_lib.__path__, "cnn_lib."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != info.name:
                continue
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            found[f"{info.name}.{name}"] = obj
            if inspect.isclass(obj):
                for method in LEARNER_METHODS:
                    if inspect.isfunction(vars(obj).get(method)):
                        found[f"{info.name}.{name}.{method}"] = vars(obj)[method]
    return found


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"the call ran for more than {SECONDS} s")


@pytest.mark.parametrize("target, call, expect", CASES)
def test_bad_input_case(target, call, expect):
    resolve(target)                                            # the target exists
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS)
    try:
        if isinstance(expect, type) and issubclass(expect, BaseException):
            with pytest.raises(expect) as info:
                call()
            message, name = str(info.value), target.rsplit(".", 1)[-1]
            assert name in message, f"the message does not name {name!r}: {message}"
            assert "got" in message, f"the message does not say what came ('got'): {message}"
            assert "Hint" in message, f"the message gives no 'Hint': {message}"
        else:
            expect(call())
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_there_are_enough_cases():
    assert len(CASES) >= 300, len(CASES)


def test_every_public_callable_has_a_case():
    names = public_callables()
    assert "cnn_lib.functional.conv2d" in names and "cnn_lib.layers.Conv2d.forward" in names   # the walk worked
    assert all(n.startswith(("cnn_lib.widgets", "cnn_lib.viz")) for n in AWAITING_OTHER_BRANCHES)
    covered = set()
    for param in CASES:
        obj = resolve(param.values[0])
        covered.add(id(obj))
    missing = sorted(n for n, obj in names.items() if id(obj) not in covered and n not in AWAITING_OTHER_BRANCHES)
    assert not missing, (f"{len(missing)} public callables have no bad-input case; add learner-style cases to a "
                         "tests/bad_inputs_<topic>.py file (contract 7):\n  " + "\n  ".join(missing))
