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

# Every public name has its cases here (the widgets/viz allow-list of the parallel branches is empty now).
AWAITING_OTHER_BRANCHES = frozenset()


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
