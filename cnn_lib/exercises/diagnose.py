"""Run a learner's function safely and describe how its output differs from the right one.

Used by :mod:`cnn_lib.exercises.implement`. Nothing here raises: a learner's exception becomes
a :class:`Run` holding the error and the line of the learner's code that raised it; an output
that cannot be compared becomes a sentence saying why.
"""
import ast
import contextlib
import copy
import io
import inspect
import linecache
import numbers
import signal
import textwrap
import threading
import time
import traceback
import warnings
from dataclasses import dataclass

import numpy as np

# ATOL is relative to the largest expected value: 1e-6 is a few float32 epsilons (1.2e-7), so a right answer
# computed in float32, as PyTorch does, is accepted; every known mistake is off by far more.
RTOL, ATOL = 1e-6, 1e-6
PRINTED_LINES = 10          # lines of the learner's own prints shown, the rest counted


@contextlib.contextmanager
def capped_prints(lines=PRINTED_LINES):
    """Collect what the learner's function prints during the checks; show only its first ``lines`` lines."""
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            yield
    finally:
        printed = buffer.getvalue().splitlines()
        if printed:
            more = f"\n... ({len(printed) - lines} more lines not shown)" if len(printed) > lines else ""
            print(f"your function printed {len(printed)} lines during the checks; the first ones:\n"
                  + "\n".join(line[:200] for line in printed[:lines]) + more)


TIME_LIMIT = 5.0            # seconds per call of the learner's function: longer is an infinite loop


class _TimeUp(Exception):
    """The learner's function ran past TIME_LIMIT (raised by the SIGALRM timer inside it)."""


def _ring(signum, frame):
    raise _TimeUp(f"did not finish within {TIME_LIMIT:g} s")


def _timed(fn, args):
    """``fn(*args)`` stopped after TIME_LIMIT by a SIGALRM timer; without one (not the main thread, no
    signals on this system) it runs unlimited. A timer already running (a test runner's) is restored."""
    try:
        outer = signal.getitimer(signal.ITIMER_REAL)[0]
        if outer and outer <= TIME_LIMIT:                    # an outer timer fires first: leave it alone
            return fn(*args)
        old = signal.signal(signal.SIGALRM, _ring)
    except (AttributeError, ValueError, OSError):             # Windows, or not the main thread
        return fn(*args)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-3))


# ---------------------------------------------------------------- running the learner's code
@dataclass
class Run:
    """What one call of the learner's function gave: a ``result``, or an ``error`` and where."""
    result: object = None
    error: BaseException = None
    line: str = ""          # "line 7: y[n, o, i, j] = ...", the learner's line that raised


def placeholder_only(fn):
    """True when ``fn``'s body is still the notebook's placeholder (``...``, ``pass``,
    ``raise NotImplementedError``, ``return None``), ignoring its docstring and comments."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return False
    funcs = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not funcs:
        return False
    body = funcs[0].body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]                                         # the docstring
    for stmt in body:
        if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            continue                                            # pass, ..., a string
        if isinstance(stmt, ast.Raise) and "NotImplementedError" in ast.dump(stmt):
            continue
        if isinstance(stmt, ast.Return) and (stmt.value is None or (
                isinstance(stmt.value, ast.Constant) and stmt.value.value in (None, ...))):
            continue
        return False
    return True


def call(fn, args, quiet=False):
    """Call ``fn(*args)``; an exception (even SystemExit) is caught and located in the learner's code.

    ``quiet``: silence numpy's warnings (for the checker's own wrong variants, e.g. an overflowing exp).
    """
    try:
        if quiet:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                return Run(result=fn(*args))
        return Run(result=_timed(fn, args) if threading.current_thread() is threading.main_thread() else fn(*args))
    except KeyboardInterrupt:
        raise
    except BaseException as error:                              # noqa: BLE001, the learner's code may raise anything
        return Run(error=error, line=learner_line(fn, error.__traceback__))


def learner_line(fn, tb):
    """Where the learner's code raised: ``"line N of your function: <code>"`` for the last traceback
    frame running ``fn`` itself, else ``"line N of <file>: <code>"`` for the last frame outside cnn_lib
    (a helper the learner wrote). "" when the error came from the call itself."""
    code = getattr(inspect.unwrap(fn), "__code__", None)
    frames = list(traceback.walk_tb(tb))
    own = [(f, line) for f, line in frames if code is not None and f.f_code is code]
    if own:
        frame, line = own[-1]
        text = linecache.getline(frame.f_code.co_filename, line, frame.f_globals).strip()
        return f"line {line - code.co_firstlineno + 1} of your function: {text}"
    outside = [(f, line) for f, line in frames[1:]
               if "cnn_lib" not in f.f_code.co_filename.replace("\\", "/").split("/")]
    if not outside:
        return ""
    frame, line = outside[-1]
    text = linecache.getline(frame.f_code.co_filename, line, frame.f_globals).strip()
    return f"line {line} of {frame.f_code.co_name}(): {text}"


def changed_inputs(before, after, names):
    """Names of the arguments whose arrays (or array-holding values) differ after the call."""
    changed = []
    for name, old, new in zip(names, before, after):
        if isinstance(old, np.ndarray) and (old.shape != np.shape(new) or not np.array_equal(old, new, equal_nan=True)):
            changed.append(name)
    return changed


def snapshot(args):
    """A deep copy of the arguments, to compare with after the call."""
    return copy.deepcopy(args)


# ---------------------------------------------------------------- comparing outputs
def as_array(value):
    """The learner's value as a float array, or a sentence saying why it cannot be one."""
    if isinstance(value, (bool, np.bool_)):
        return f"a bool ({value}), not a number"
    if inspect.isgenerator(value):
        return "a generator: your function uses yield; build the whole output and return it"
    if isinstance(value, (str, bytes, dict, set)) or value is None or value is ...:
        return f"{value!r} ({type(value).__name__})"
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as error:
        return f"{type(value).__name__} that numpy cannot turn into one array ({error})"
    if array.dtype == object or array.dtype.kind in "USV":
        return f"an array of dtype {array.dtype} (not numbers)"
    if array.dtype.kind == "c":
        return "an array of complex numbers"
    return array.astype(float) if array.dtype.kind == "b" else array


def same(got, expected):
    """Same shape and the same values (to floating-point rounding). Non-finite values (nan, inf) match
    each other, wherever both arrays have one: two overflows agree even if one gave nan, the other inf."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return False
    finite = np.isfinite(got)
    if not finite.all() or not np.isfinite(expected).all():   # nan, inf, -inf: one kind of failure
        return bool(np.array_equal(finite, np.isfinite(expected))) and same(got[finite], expected[finite])
    scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
    return bool(np.allclose(got, expected, rtol=RTOL, atol=ATOL * scale))


def shape_hint(got, expected, what):
    """Why a shape is wrong, when the pattern tells (NHWC, transposed, batch axis missing)."""
    g, e = tuple(got), tuple(expected)
    say = f"{what} has shape {g}, expected {e}"
    if len(e) == 4 and g == (e[0], e[2], e[3], e[1]):
        return f"{say}: that is channels last (N, H, W, C). cnn_lib, like PyTorch, is NCHW: (N, C, H, W)."
    if len(e) >= 2 and g == e[::-1]:
        return f"{say}: the axes are transposed (reversed). Check which axis is which in the docstring."
    if e == ():
        return f"{what} must be one number, got an array of shape {g}. Hint: average (or sum) it down to one value."
    if g == e[1:]:
        return f"{say}: the batch axis (N = {e[0]}) is missing. Keep one output per example."
    if tuple(d for d in g if d != 1) == tuple(d for d in e if d != 1):
        return f"{say}: only axes of length 1 differ. Drop or add them (keepdims=False, np.squeeze, reshape)."
    if len(g) == len(e) + 1 and g[1:] == e or (len(g) == len(e) + 1 and g[:-1] == e):
        return f"{say}: one axis too many. Did you forget to sum over it?"
    if len(g) == len(e) - 1 and e[:1] + g[1:] == e[:1] + e[2:]:
        return f"{say}: an axis is missing (did you sum over the channels or the batch?)."
    if len(e) == 4 and len(g) == 4 and g[:2] == e[:2]:
        rows, cols = g[2] - e[2], g[3] - e[3]
        more = "too many" if rows > 0 or cols > 0 else "too few"
        return (f"{say}: {more} positions per row or column. Check the output size, "
                f"floor((H + 2*padding - KH) / stride) + 1, and that the stride and padding are used.")
    if np.prod(g) == np.prod(e):
        return f"{say}: the right number of values in another arrangement. Check the order of the axes."
    return f"{say}."


def pattern_hint(got, expected, inputs=(), large=True):
    """What the difference looks like when no known mistake matches it exactly.

    ``inputs``: ``(name, value)`` of the call's arguments, to notice an input returned unchanged.
    """
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if not np.all(np.isfinite(got)):
        return ("your output holds nan or inf: an overflow (np.exp of a large number?) or a division by zero"
                + (". Check the large values in the case above." if large else ", or a value never written."))
    if not np.any(got) and np.any(expected):
        return "your output is all zeros: did you fill the array you return (and not a copy of it)?"
    for name, value in inputs:
        if isinstance(value, np.ndarray) and value.size > 1 and same(got, value):
            return f"your output is the input {name}, unchanged: is the result of your computation returned?"
    if same(got, -expected):
        return "every value has the wrong sign."
    nonzero = np.abs(expected) > 1e-12
    if np.sum(nonzero) >= 2:                                    # one number is always some multiple of another
        ratio = got[nonzero] / expected[nonzero]
        if np.allclose(ratio, ratio[0], rtol=1e-6) and same(got, ratio[0] * expected):
            return f"every value is {ratio[0]:.4g} times the right one: a factor (a mean, a 1/N, a step size) is off."
        diff = got - expected
        if np.allclose(diff, diff.flat[0]):
            return f"every value is off by the same amount, {diff.flat[0]:.4g}: a constant (a bias?) is wrong."
    return ""


def where_hint(got, expected):
    """Where the values differ: which examples, channels and positions (for 4-D outputs)."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    wrong = differ(got, expected)
    count = f"{int(wrong.sum())} of {wrong.size} values differ"
    if 0 < wrong.sum() <= 4 and got.ndim:
        count += " (at " + ", ".join(str(tuple(int(v) for v in at)) for at in np.argwhere(wrong)) + ")"
    if got.ndim != 4:
        if got.ndim == 2:
            rows = np.flatnonzero(wrong.any(axis=1)).tolist()
            return f"{count}, in rows {rows}." if len(rows) < got.shape[0] else f"{count}."
        return f"{count}."
    parts = [count]
    examples = np.flatnonzero(wrong.any(axis=(1, 2, 3))).tolist()
    channels = np.flatnonzero(wrong.any(axis=(0, 2, 3))).tolist()
    if len(examples) < got.shape[0]:
        parts.append(f"only in example(s) {examples}" + (" (the first one is right: is the batch loop complete?)"
                                                         if 0 not in examples else ""))
    if len(channels) < got.shape[1]:
        parts.append(f"only in channel(s) {channels}")
    rows = wrong.any(axis=(0, 1, 3))
    cols = wrong.any(axis=(0, 1, 2))
    if rows.sum() < len(rows) or cols.sum() < len(cols):
        parts.append(f"in rows {np.flatnonzero(rows).tolist()}, columns {np.flatnonzero(cols).tolist()}")
    return ", ".join(parts) + "."


# ---------------------------------------------------------------- showing a case
def show(value, indent="    "):
    """A value small enough to read: the numbers themselves, or a shape and a few numbers."""
    if isinstance(value, np.ndarray) and value.ndim == 0 or isinstance(value, np.generic):
        return f"{value.item():.6g}" if isinstance(value.item(), numbers.Number) else repr(value.item())
    if isinstance(value, np.ndarray):
        if value.size <= 60:
            text = np.array2string(value, precision=3, suppress_small=True, max_line_width=90)
            return f"array of shape {value.shape}:\n" + textwrap.indent(text, indent)
        first = value.reshape(-1)[:6]
        return f"array of shape {value.shape} (first values {np.round(first, 3).tolist()} ...)"
    if isinstance(value, numbers.Number) or value is None:
        return repr(value)
    if type(value).__repr__ is object.__repr__:                    # no readable repr: its class and settings
        settings = {k: v for k, v in getattr(value, "__dict__", {}).items()
                    if isinstance(v, numbers.Number) and not isinstance(v, bool)}
        return f"{type(value).__name__}({', '.join(f'{k}={v!r}' for k, v in settings.items())})"
    return repr(value) if len(repr(value)) < 200 else f"{type(value).__name__} object"


def differ(got, expected):
    """Boolean mask of the values that differ (NaN and inf always do)."""
    scale = max(1.0, float(np.max(np.abs(expected), initial=0)))
    return ~np.isclose(got, expected, rtol=RTOL, atol=ATOL * scale) | ~np.isfinite(got)


def mask_picture(wrong, indent="    "):
    """A 2-D mask as text, X where the values differ and . where they agree (a small picture)."""
    return "\n".join(indent + " ".join("X" if w else "." for w in row) for row in wrong)


def show_slice(got, expected):
    """Expected vs got, and for maps a picture of where they differ; 4-D outputs too big to print
    whole show the first (example, channel) map that differs."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    where = ""
    if got.ndim == 4 and got.size > 60:
        n, c = np.argwhere(differ(got, expected))[0][:2]
        got, expected, where = got[n, c], expected[n, c], f"example {n}, channel {c}, "
    text = f"  {where}expected: {show(expected)}\n  {where}got:      {show(got)}"
    maps = differ(got, expected).reshape((-1,) + got.shape[-2:]) if got.ndim >= 2 else []
    if len(maps) == 1 and max(got.shape[-2:]) <= 12 and got.shape[-2] > 1:
        text += "\n  where they differ (X):\n" + mask_picture(maps[0])
    return text
