"""Input checks shared by cnn_lib: every message says what was expected, what came, and a hint.

Learners make mistakes; a message like
``conv2d: stride must be a whole number >= 1, got 0. Hint: stride 1 visits every position.``
teaches, where a numpy broadcasting error from deep inside does not. The form is always
``"<function>: <what> must be <expected>, got <what came>. Hint: <the fix>."``.
"""
import contextlib
import numbers
import threading

import numpy as np

MAX_BYTES = 2 * 1024**3      # the size guard: no call may allocate more than this (2 GiB) in one go
MAX_LOOPS = 5 * 10**6        # the *_naive loops and gradient checks: about a minute of Python at most
NCHW_HINT = "Hint: for one grey image (H, W) use x[None, None]; for one image (C, H, W) use x[None]."
NHWC_HINT = "Hint: your array looks NHWC (channels last); the course uses NCHW: x.transpose(0, 3, 1, 2)."
_trusted = threading.local()  # .depth > 0 while a model runs its layers on an input it checked once: no NaN
#                              scans. Per thread: training runs two halves of a batch at once (cnn_lib.parallel).


def fail(func, what, expected, got, hint, error=ValueError):
    """Raise ``error("<func>: <what> must be <expected>, got <got>. Hint: ...")``; ``hint`` starts with 'Hint:'."""
    raise error(f"{func}: {what} must be {expected}, got {got}. {hint}")


def show(value):
    """A short description of a value for a message: its repr (cut to 60 characters) and its type."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return f"{text[:57] + '...' if len(text) > 60 else text} ({type(value).__name__})"


def as_number(value):
    """``value`` as a Python int or float if it is one (numpy scalars and one-element arrays too), else None."""
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return None
    return value.item() if isinstance(value, np.generic) else value


def check_int(func, name, value, minimum, hint=""):
    """Return ``value`` as an int if it is a whole number >= ``minimum``, else raise.

    Accepts Python and numpy integers (and one-element integer arrays); rejects bools, floats
    (even 3.0, with a hint to write 3), strings (with a hint to remove the quotes).
    """
    if type(value) is int and value >= minimum:             # the common case, fast (it runs in every step)
        return value
    hint = hint or f"Hint: write a whole number such as {max(minimum, 1)}."
    number = as_number(value)
    if not isinstance(number, numbers.Integral):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            hint = f"Hint: write {value.strip()} without quotes."
        elif isinstance(number, float) and number.is_integer():
            hint = f"Hint: Write {int(number)} instead of {number} (a count has no decimal point)."
        fail(func, name, "a whole number (int)", show(value), hint, TypeError)
    if number < minimum:
        fail(func, name, f"a whole number >= {minimum}", number, hint)
    return int(number)


def check_real(func, name, value, expected, ok, hint):
    """Return ``value`` as a float if it is a finite real number with ``ok(value)`` true, else raise.

    ``expected`` says in words what ``ok`` tests (e.g. ``"a number > 0"``). Accepts numpy scalars
    (``np.float32(0.01)``) and one-element arrays; refuses bools, strings, NaN and infinity.
    """
    number = as_number(value)
    if number is None:
        fail(func, name, expected, show(value), hint, TypeError)
    try:
        number = float(number)
    except OverflowError:                                    # 10**400
        number = float("inf")
    if not np.isfinite(number) or not ok(number):
        fail(func, name, expected, _short(value), hint)
    return number


def check_bool(func, name, value):
    """Return ``value`` as a bool if it is True or False (or numpy's), else raise."""
    if not isinstance(value, (bool, np.bool_)):
        fail(func, name, "True or False", show(value), f"Hint: write {name}=True or {name}=False.", TypeError)
    return bool(value)


def _short(number):
    """A number for a message, short even for 10**400."""
    if isinstance(number, numbers.Integral) and abs(int(number)) > 10**30:
        return f"about 10**{len(str(abs(int(number)))[:4300]) - 1}" if abs(int(number)) < 10**4000 else "a huge number"
    return repr(number)


def check_size(func, what, values, itemsize=8, hint="Hint: use smaller sizes."):
    """Refuse, before allocating, ``values`` numbers of ``itemsize`` bytes when that exceeds MAX_BYTES."""
    need = int(values) * itemsize
    if need > MAX_BYTES:
        gib = f"{need / 2**30:,.1f} GiB" if need < 2**100 else f"{_short(need)} bytes"
        raise ValueError(f"{func}: {what} must fit in {MAX_BYTES / 2**30:g} GiB (cnn_lib's size guard), got "
                          f"a request for {gib} ({_short(int(values))} numbers). {hint}")


def check_loops(func, steps, hint):
    """Refuse a Python loop of more than MAX_LOOPS steps up front (it would run for minutes or hours)."""
    if steps > MAX_LOOPS:
        fail(func, "the number of loop steps", f"at most {MAX_LOOPS:,} (about a minute)", f"{steps:,}", hint)


def as_array(func, name, x, layout="", dtype=None):
    """``x`` as a numpy array (lists, tuples and numbers converted, as ``dtype`` if given), else a clear error."""
    if isinstance(x, (list, tuple, numbers.Number, np.generic)):
        try:
            x = np.asarray(x, dtype=dtype if isinstance(x, (list, tuple, numbers.Number)) else None)
        except (TypeError, ValueError, OverflowError):
            fail(func, name, f"a numpy array of numbers {layout}", f"{type(x).__name__} that is not a grid of "
                 f"numbers", "Hint: every row must have the same length and hold numbers only.", TypeError)
    if not isinstance(x, np.ndarray):
        fail(func, name, f"a numpy array of numbers {layout}", show(x),
             "Hint: wrap it with np.asarray(...) and use a number dtype such as np.float32.", TypeError)
    return x


def check_array(func, name, x, ndim=None, layout="", hint="", finite=True):
    """``x`` as a float numpy array with ``ndim`` axes (``layout`` names them), no NaN or inf; else raise.

    Lists and nested lists are converted; integer and bool arrays become float64 (the maths is float).
    Python numbers and numpy scalars become 0-D arrays (and then meet the ``ndim`` rule).
    ``finite=False`` skips the NaN / inf scan (layers in a training loop leave it to the model's input).
    """
    x = as_array(func, name, x, layout, np.float64)
    if x.dtype.kind not in "biuf":
        fail(func, name, f"a numpy array of numbers {layout}", show(x),
             "Hint: wrap it with np.asarray(...) and use a number dtype such as np.float32.", TypeError)
    if x.dtype.kind in "biu":
        x = x.astype(np.float64)                              # int -> float, so sums and means are exact
    if ndim is not None and x.ndim != ndim:
        fail(func, name, f"{ndim}-D {layout}", f"shape {x.shape}", hint or "Hint: check the axes with x.shape.")
    if x.size == 0:
        fail(func, name, "non-empty", f"shape {x.shape}",
             "Hint: an empty batch has nothing to compute; check the slice that made it, e.g. x[:10].")
    if finite and not getattr(_trusted, "depth", 0) and not np.isfinite(x).all():
        bad = int(np.size(x) - np.count_nonzero(np.isfinite(x)))
        fail(func, name, "finite numbers", f"{bad} NaN or infinite value(s)",
             "Hint: a NaN usually comes from a division by zero or a learning rate so large the weights blew "
             "up; check where the array was made (np.isnan(x).any()).")
    return x


@contextlib.contextmanager
def called_as(func):
    """Re-raise a cnn_lib error from an inner call under ``func``, the name the learner called."""
    try:
        yield
    except (ValueError, TypeError) as error:
        text = str(error)
        if "Hint" not in text or text.startswith(func):      # not ours, or already named: unchanged
            raise
        raise type(error)(f"{func}: in {text}") from None


@contextlib.contextmanager
def checked_once():
    """Inside this block ``check_array`` skips its NaN / inf scan: the caller scanned the input once.

    ``Sequential.forward`` checks the model's input, then runs its layers in this block, so a
    training step does not scan every intermediate array (the loss checks the output).
    """
    _trusted.depth = getattr(_trusted, "depth", 0) + 1
    try:
        yield
    finally:
        _trusted.depth -= 1


def check_ndim(func, name, array, ndim, layout, hint=""):
    """Raise if ``array`` is not an array with ``ndim`` axes (``layout`` names them, e.g. '(N, C, H, W)')."""
    return check_array(func, name, array, ndim, layout, hint, finite=False)
