"""Input checks shared by cnn_lib: every message says what was expected, what came, and a hint.

Learners make mistakes; a message like
``conv2d: stride must be a whole number >= 1, got 0. Hint: stride 1 visits every position.``
teaches, where a numpy broadcasting error from deep inside does not.
"""
import numbers


def check_int(func, name, value, minimum, hint=""):
    """Return ``value`` as an int if it is a whole number >= ``minimum``, else raise.

    Accepts Python and numpy integers; rejects bools, floats (even 3.0), strings.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        kind = type(value).__name__
        example = ""
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            example = f" Write {value.strip()} without quotes."
        elif isinstance(value, float) and value.is_integer():
            example = f" Write {int(value)} instead of {value}."
        raise TypeError(f"{func}: {name} must be a whole number (int), got {value!r} ({kind}).{example} {hint}".rstrip())
    if value < minimum:
        raise ValueError(f"{func}: {name} must be a whole number >= {minimum}, got {value}. {hint}".rstrip())
    return int(value)


def check_ndim(func, name, array, ndim, layout, hint=""):
    """Raise if ``array`` is not an array with ``ndim`` axes (``layout`` names them, e.g. '(N, C, H, W)')."""
    shape = getattr(array, "shape", None)
    if shape is None:
        raise TypeError(f"{func}: {name} must be a numpy array {layout}, got {type(array).__name__}. "
                        f"Hint: wrap it with np.asarray(...).")
    if len(shape) != ndim:
        raise ValueError(f"{func}: {name} must be {ndim}-D {layout}, got shape {tuple(shape)}. {hint}".rstrip())
