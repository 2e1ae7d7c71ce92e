"""Gradient checking: compare backward's gradients with slopes measured numerically, in float64.

Central differences ``(f(w + h) - f(w - h)) / 2h`` have error ~h^2, so in float64 a correct
backward agrees to 1e-7 relative error or better (typically ~1e-10); around 1e-5 is suspicious
(a kink of ReLU or max pooling, or float32 creeping in); 1e-2 or worse is a bug. Notebook 04.
"""
import numpy as np

from ._checks import MAX_LOOPS, as_number, called_as, check_array, check_int, check_loops, check_real, fail, show


def rel_error(a, b):
    """``||a - b|| / (||a|| + ||b||)`` over whole arrays: 0 when equal, about 1 when unrelated.

    Taken over the whole array (not entry by entry), so a gradient that is exactly 0 where the
    numerical one is 1e-11 of rounding noise does not count as a 100% error.
    """
    a, b = (check_array("rel_error", name, v, finite=False).astype(np.float64) for name, v in (("a", a), ("b", b)))
    if a.shape != b.shape:
        fail("rel_error", "b", f"of a's shape {a.shape}", f"shape {b.shape}",
             "Hint: compare like with like, e.g. the analytic and numerical gradient of the same array.")
    for name, v in (("a", a), ("b", b)):       # a NaN must never look like a perfect match (NaN < 1e-7 is False)
        if not np.isfinite(v).all():
            fail("rel_error", name, "finite numbers", f"{v.size - np.count_nonzero(np.isfinite(v))} NaN or inf",
                 "Hint: a NaN gradient is a bug in backward (or in its input); find where it appears first.")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / scale) if scale > 0 else 0.0


def numerical_gradient(f, x, h=1e-5):
    """d f / d x by central differences, one entry at a time. ``f()`` -> float; ``x`` float64, nudged in place.

    Returns an array of ``x.shape``. ``x`` is restored exactly after each nudge.
    """
    func = "numerical_gradient"
    if not callable(f):
        fail(func, "f", "a function of no arguments returning a number", show(f),
             "Hint: f = lambda: float(np.sum(layer.forward(x) * r)).", TypeError)
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        fail(func, "x", "a float64 numpy array (nudged in place)", show(x),
             "Hint: in float32 the differences drown in rounding; use x = x.astype(np.float64), and let f read x.",
             TypeError)
    if not np.isfinite(x).all():
        fail(func, "x", "finite numbers", f"{x.size - np.count_nonzero(np.isfinite(x))} NaN or inf",
             "Hint: a nudge of a NaN is still NaN, so every slope would be NaN; find where x got its NaN.")
    h = check_real(func, "h", h, "a small number > 0", lambda v: 0 < v < 1, "Hint: h=1e-5 suits float64.")
    check_loops(func, 2 * x.size, f"Hint: that is {2 * x.size:,} evaluations of f; check a small input "
                f"(a few examples, a small image) or a few entries.")
    if as_number(f()) is None:
        fail(func, "f()", "a number (the loss)", show(f()), "Hint: return a float, e.g. float(np.sum(y * r)).", TypeError)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f()
        x[i] = old - h
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def check_layer(layer, x, seed=0):
    """Relative errors of a layer's backward against numerical gradients, for its input and each parameter.

    ``x`` is any input the layer accepts; the layer's parameters (for a ``Sequential``, those of
    every layer inside, named like ``"0.weight"`` by ``named_slots``) are converted to float64 first.
    The scalar checked is ``sum(forward(x) * r)`` for a fixed random ``r``, so ``dy = r``.
    Returns ``{"x": err, "weight": err, ...}``.
    """
    func = "check_layer"
    if isinstance(layer, type) or not (hasattr(layer, "forward") and hasattr(layer, "backward")):
        fail(func, "layer", "a layer (with forward and backward)", show(layer),
             "Hint: check_layer(Conv2d(1, 2, 3), x), with the layer's parentheses.", TypeError)
    x = check_array(func, "x", x).astype(np.float64)
    slots = layer.named_slots()                          # (label, owner, name): owner.params[name]
    evaluations = 2 * (x.size + sum(owner.params[name].size for _, owner, name in slots))
    check_loops(func, 50 * evaluations, f"Hint: that is {evaluations:,} forward passes (at most "
                f"{MAX_LOOPS // 50:,}); use a small layer and input, e.g. Conv2d(2, 3, 3) on x of shape (2, 2, 5, 5).")
    for _, owner, name in slots:
        owner.params[name] = owner.params[name].astype(np.float64)
    with called_as(func):
        r = np.random.default_rng(check_int(func, "seed", seed, 0)).standard_normal(layer.forward(x).shape)

    def f():
        return float(np.sum(layer.forward(x) * r))

    dx = layer.backward(r.copy())
    errors = {"x": rel_error(dx, numerical_gradient(f, x))}
    for label, owner, name in slots:
        layer.forward(x)
        layer.backward(r.copy())
        errors[label] = rel_error(owner.grads[name], numerical_gradient(f, owner.params[name]))
    return errors
