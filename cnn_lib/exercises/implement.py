"""Check a learner's own implementation of a cnn_lib function, and name the bug when it is wrong.

``check_implementation(name, fn)`` runs ``fn`` on a ladder of cases, from the smallest that can
show a mistake (one channel, a 3x3 input) to the general one (batch, channels, stride, padding,
non-square, ties, large values), compares each answer with cnn_lib's, and stops at the first
case that fails. The feedback shows that case, expected vs got, where they differ, and the
likely mistake: the learner's output is compared with the outputs of known wrong versions
(a flipped kernel, a forgotten bias, ...) registered in :mod:`cnn_lib.exercises.ladders`.
It never raises, whatever it is given. Introduced in notebook 01; exercises in notebooks 01-05.
"""
import difflib
import inspect
from dataclasses import dataclass, field

import numpy as np

from . import diagnose as D
from .core import Feedback

EXERCISES = {}


@dataclass
class Case:
    """One rung of the ladder: a label saying what it adds, and the arguments (copied per call)."""
    label: str
    args: tuple

    def make(self):
        return D.snapshot(self.args)


class CannotShow(LookupError):
    """Raised by a known mistake's function on a case where that mistake makes no difference."""


@dataclass
class Wrong:
    """A known mistake: a function computing the wrong answer it gives, and the hint naming it."""
    hint: str
    fn: object
    raises: bool = False        # True: the mistake shows as an exception (matched by type and message)
    shape: bool = False         # True: the mistake shows in the output's shape (matched by shape alone)


@dataclass
class Spec:
    """An implementation exercise: what ``name`` computes, its ladder and its known mistakes."""
    name: str
    args: tuple                 # argument names, in order, e.g. ("x", "weight", "bias", "stride", "padding")
    outputs: tuple              # names of the returned values, e.g. ("dx", "dweight", "dbias")
    reference: object           # cnn_lib's version (or the formula it uses)
    cases: list
    wrongs: list = field(default_factory=list)
    library: str = ""           # where to read cnn_lib's version afterwards
    pure: bool = True           # False when the function is meant to change its inputs (train_step)
    after: object = None        # args -> [(name, array)]: state to compare after the call (train_step)


def exercise(spec):
    """Register an implementation exercise (used by :mod:`cnn_lib.exercises.ladders`)."""
    EXERCISES[spec.name] = spec
    return spec


def check_implementation(name, fn=None):
    """Check ``fn``, the learner's version of cnn_lib's ``name``; returns a :class:`Feedback`.

    ``name``: one of ``EXERCISES`` (e.g. ``"conv2d_naive"``); ``fn``: a function with the same
    signature and return value. Never raises.
    """
    try:
        with D.capped_prints():
            return _check(name, fn)
    except Exception as error:      # noqa: BLE001, a bug of the checker must not look like the learner's
        return Feedback(False, f"the checker could not judge this function ({type(error).__name__}: "
                               f"{error}). Please report it; meanwhile compare with the worked solution.")


def _check(name, fn):
    spec = EXERCISES.get(name) if isinstance(name, str) else None
    if callable(name) and fn is None:                        # check_implementation(conv2d_naive): the name is missing
        guess = getattr(name, "__name__", "")
        guess = guess if guess in EXERCISES else "conv2d_naive"
        return Feedback(False, f"check_implementation: name must be the exercise's name as a string, got a function "
                               f"only. Hint: pass the name and your function too: check_implementation({guess!r}, "
                               f"{getattr(name, '__name__', 'your_function')}).")
    if spec is None:
        close = difflib.get_close_matches(str(name), list(EXERCISES), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return Feedback(False, f"check_implementation: name must be one of {sorted(EXERCISES)}, got {name!r}. "
                               f"Hint: {hint}The name is the cnn_lib function you re-implemented, as a string.")
    signature = f"{name}({', '.join(spec.args)})"
    if fn is None:
        return Feedback(False, f"check_implementation: fn must be your function, got None (nothing). Hint: pass your "
                               f"function too: check_implementation({name!r}, {name}).")
    if isinstance(fn, str):
        return Feedback(False, f"pass the function itself, not its name: check_implementation({name!r}, {name}).")
    if not callable(fn):
        return Feedback(False, f"the second argument must be your function, got {D.show(fn)} "
                               f"({type(fn).__name__}). Hint: check_implementation({name!r}, {name}), "
                               f"without parentheses after {name}: the function, not its result.")
    if D.placeholder_only(fn):
        return not_written(spec)
    problem = _signature_problem(fn, spec, signature)
    if problem:
        return Feedback(False, problem)
    for number, case in enumerate(spec.cases, 1):
        head = f"case {number} of {len(spec.cases)}, {case.label}: {signature}\n" + _show_args(spec, case.args)
        verdict = _run_case(spec, case, fn, number)
        if isinstance(verdict, Feedback):
            return verdict
        if verdict:
            return Feedback(False, head + "\n" + verdict)
    return Feedback(True, f"your {name} gives cnn_lib's answer on all {len(spec.cases)} cases, up to the "
                          f"general one ({spec.cases[-1].label}). Now compare with the library's version: "
                          f"{spec.library}.")


def not_written(spec):
    """Feedback for a function that still holds the notebook's placeholder."""
    return Feedback(False, f"{spec.name} is not written yet: replace the placeholder body "
                           f"(raise NotImplementedError) with your code, then run this cell again. It will be tried "
                           f"on {len(spec.cases)} cases, from the smallest ({spec.cases[0].label}) to the general one.")


def _signature_problem(fn, spec, signature):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return ""
    mine = [p for p in params if params[p].kind in (params[p].POSITIONAL_ONLY, params[p].POSITIONAL_OR_KEYWORD)]
    takes_any = any(p.kind == p.VAR_POSITIONAL for p in params.values())
    required = [p for p in mine if params[p].default is params[p].empty]
    if takes_any or (len(required) <= len(spec.args) <= len(mine)):
        if sorted(mine[:len(spec.args)]) == sorted(spec.args) and mine[:len(spec.args)] != list(spec.args):
            return (f"your function takes ({', '.join(mine)}): the same names as {signature} in another "
                    f"order. The checker passes them in the order of {signature}; reorder yours.")
        return ""
    return (f"your function takes ({', '.join(mine)}) but must take {signature}: "
            f"{len(spec.args)} arguments, in that order. Hint: copy the def line from the exercise cell.")


def _show_args(spec, args):
    return "\n".join(f"  {name} = {D.show(value)}" for name, value in zip(spec.args, args))


def _parts(spec, result, args):
    """The returned values as a tuple (one per name in ``spec.outputs``), or a sentence why not."""
    k = len(spec.outputs)
    if inspect.isgenerator(result):
        return "your function yields (it is a generator): build the whole answer and return it."
    if k == 1:
        parts = (result,)
    elif not isinstance(result, (tuple, list)):
        return (f"return {k} values, ({', '.join(spec.outputs)}), as a tuple; got {D.show(result)} "
                f"({type(result).__name__}).")
    elif len(result) != k:
        return f"return {k} values, ({', '.join(spec.outputs)}); yours returned {len(result)}."
    else:
        parts = tuple(result)
    if spec.after is not None:
        parts += tuple(value for _, value in spec.after(args))
    return parts


def _names(spec, args):
    return list(spec.outputs) + ([name for name, _ in spec.after(args)] if spec.after else [])


def _run_case(spec, case, fn, number):
    """Run one case; return "" when it passes, else what went wrong (the case is shown by the caller)."""
    args = case.make()
    before = D.snapshot(args)
    run = D.call(fn, args)
    if run.error is not None:
        where = f"\n  at {run.line}" if run.line else ""
        if isinstance(run.error, NotImplementedError) and number == 1:
            return Feedback(False, f"{spec.name} is not finished: it still reaches raise NotImplementedError"
                                   f"{where}\nDelete that placeholder line once your code is in place.")
        if isinstance(run.error, D._TimeUp):
            return (f"your function did not finish within {D.TIME_LIMIT:g} s on this case: an infinite loop? "
                    f"(a while loop whose condition never changes, or a loop variable never increased)")
        hint = _known_mistake(spec, case, [], [], error=run.error)
        return (f"your function raised {type(run.error).__name__}: {run.error}{where}"
                + (f"\n  Likely mistake: {hint}" if hint else ""))
    if (run.result is None or run.result is ...) and len(spec.outputs) >= 1:
        return (f"your function returned {run.result!r}: did you forget the return statement "
                f"(return {', '.join(spec.outputs)})?")
    if spec.pure:
        changed = D.changed_inputs(before, args, spec.args)
        if changed:
            return (f"your function changed its input {' and '.join(changed)} in place (with +=, *=, "
                    f"[...] = or an out= argument). A caller still needs it: work on a copy "
                    f"({changed[0]}.copy()) or write the answer into a new array.")
    got = _parts(spec, run.result, args)
    if isinstance(got, str):
        return got
    ref_args = case.make()
    expected = _parts(spec, spec.reference(*ref_args), ref_args)
    return _compare(spec, case, got, expected, _names(spec, args))


def _compare(spec, case, got, expected, names):
    arrays, bad = [], []
    for name, value, right in zip(names, got, expected):
        array = D.as_array(value)
        if isinstance(array, str):
            return f"{name} is {array}; expected {D.show(np.asarray(right))}."
        arrays.append(array)
        if not D.same(array, right):
            bad.append(len(arrays) - 1)
    if not bad:
        return ""
    if len(expected) > 1 and len(bad) > 1:
        order = _swapped(arrays, expected, names)
        if order:
            return order
    i = bad[0]
    name, array, right = names[i], arrays[i], np.asarray(expected[i], dtype=float)
    hint = _known_mistake(spec, case, arrays, bad)
    if array.shape != right.shape:
        inputs = [arg for arg, value in zip(spec.args, case.args)        # the data arrays, not the weights
                  if arg in ("x", "dy") and np.shape(value) == array.shape]
        hint = hint or (f"{name} has the shape of the input {inputs[0]}: did you make it with np.zeros_like("
                        f"{inputs[0]})? Work out the output's shape first, from the docstring." if inputs else "")
        return D.shape_hint(array.shape, right.shape, name) + (f"\n  Likely mistake: {hint}" if hint else "")
    if array.dtype.kind in "iu" and right.dtype.kind == "f":
        hint = hint or (f"{name} holds integers (dtype {array.dtype}): the array you filled was made with "
                        f"an integer dtype, so every value was rounded. Make it with np.zeros(shape) (float).")
    elif array.dtype == np.float32 and np.allclose(array, right, rtol=1e-4):
        hint = hint or f"{name} is float32 and lost precision: keep float64, the dtype of the inputs."
    wrong = "" if len(names) == 1 else (f"{name} is wrong, the rest is right. " if len(bad) == 1 else
                                        f"{', '.join(names[j] for j in bad)} are wrong; first {name}. ")
    lines = [wrong + D.where_hint(array, right), D.show_slice(array, right)]
    pattern = D.pattern_hint(array, right, list(zip(spec.args, case.args)), large="large" in case.label)
    lines.append(f"  Likely mistake: {hint}" if hint else "  " + (pattern or (
        "no typical mistake gives these numbers. Work out one wrong value by hand from the docstring's "
        "formula with the inputs above, then follow your code for that same value.")))
    return "\n".join(lines)


def _swapped(arrays, expected, names):
    """A hint when the right values came back in another order."""
    for i, array in enumerate(arrays):
        for j, right in enumerate(expected):
            if i != j and D.same(array, right) and not D.same(array, expected[i]):
                return (f"your function returned {names[j]} in the place of {names[i]}: "
                        f"return ({', '.join(names[:len(expected)])}) in this order.")
    return ""


def _known_mistake(spec, case, arrays, bad, error=None):
    """The hint of the known mistake that gives the learner's output (or error) on this case and, like
    the learner's function, cnn_lib's answers on every earlier case. Mistakes matching every output are
    preferred to those matching only the wrong ones; when several remain, all are named, as possible."""
    hints = {True: [], False: []}                               # matches every output / only the wrong ones
    for wrong in spec.wrongs:
        args = case.make()
        run = D.call(wrong.fn, args, quiet=True)
        if (error is not None) != wrong.raises:
            continue
        if error is not None:
            same = run.error is not None and type(run.error) is type(error) and str(run.error) == str(error)
            if same and _passes_earlier(spec, case, wrong):
                return wrong.hint
            continue
        theirs = None if run.error is not None else _parts(spec, run.result, args)
        match = (lambda a, t: a.shape == np.shape(t)) if wrong.shape else (
            lambda a, t: D.same(a, np.asarray(t, dtype=float)))
        if not (isinstance(theirs, tuple) and all(match(arrays[i], theirs[i]) for i in bad)):
            continue
        every = all(D.same(a, np.asarray(t, dtype=float)) for a, t in zip(arrays, theirs))
        if wrong.hint not in hints[every] and _passes_earlier(spec, case, wrong):
            hints[every].append(wrong.hint)
    found = hints[True] or hints[False]
    if len(found) > 1:
        return "possibly one of these (this case cannot tell them apart): " + " OR ".join(
            f"({k}) {hint}" for k, hint in enumerate(found, 1))
    return found[0] if found else ""


def _passes_earlier(spec, case, wrong):
    """Whether ``wrong`` agrees with cnn_lib on the cases before ``case`` (which the learner passed)."""
    for earlier in spec.cases[:spec.cases.index(case)]:
        args, ref_args = earlier.make(), earlier.make()
        run = D.call(wrong.fn, args, quiet=True)
        if isinstance(run.error, CannotShow):                  # the mistake changes nothing in that case
            continue
        theirs = None if run.error is not None else _parts(spec, run.result, args)
        expected = _parts(spec, spec.reference(*ref_args), ref_args)
        if not isinstance(theirs, tuple) or not all(D.same(t, e) for t, e in zip(theirs, expected)):
            return False
    return True
