"""Gradient checking: compare backward's gradients with slopes measured numerically, in float64.

Central differences ``(f(w + h) - f(w - h)) / 2h`` have error ~h^2, so in float64 a correct
backward agrees to 1e-7 relative error or better (typically ~1e-10); around 1e-5 is suspicious
(a kink of ReLU or max pooling, or float32 creeping in); 1e-2 or worse is a bug. Notebook 04.
"""
import numpy as np


def rel_error(a, b):
    """``||a - b|| / (||a|| + ||b||)`` over whole arrays: 0 when equal, about 1 when unrelated.

    Taken over the whole array (not entry by entry), so a gradient that is exactly 0 where the
    numerical one is 1e-11 of rounding noise does not count as a 100% error.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} vs {b.shape}. Hint: compare like with like.")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / scale) if scale > 0 else 0.0


def numerical_gradient(f, x, h=1e-5):
    """d f / d x by central differences, one entry at a time. ``f()`` -> float; ``x`` float64, nudged in place.

    Returns an array of ``x.shape``. ``x`` is restored exactly after each nudge.
    """
    if x.dtype != np.float64:
        raise TypeError(f"numerical_gradient: x must be float64, got {x.dtype}. "
                        f"Hint: in float32 the differences drown in rounding; use x.astype(np.float64).")
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
    x = np.array(x, dtype=np.float64)
    slots = layer.named_slots()                          # (label, owner, name): owner.params[name]
    for _, owner, name in slots:
        owner.params[name] = owner.params[name].astype(np.float64)
    r = np.random.default_rng(seed).standard_normal(layer.forward(x).shape)

    def f():
        return float(np.sum(layer.forward(x) * r))

    dx = layer.backward(r.copy())
    errors = {"x": rel_error(dx, numerical_gradient(f, x))}
    for label, owner, name in slots:
        layer.forward(x)
        layer.backward(r.copy())
        errors[label] = rel_error(owner.grads[name], numerical_gradient(f, owner.params[name]))
    return errors
