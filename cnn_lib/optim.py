"""Optimizers: turn gradients into weight updates, in place. Introduced in notebook 04.

Each takes a model (a :class:`~cnn_lib.layers.Sequential`, or any layer), remembers it as
``optimizer.model`` and, on ``step()``, updates every ``layer.params[name]`` from
``layer.grads[name]``. What an optimizer remembers between steps (momentum, Adam's running
means) is keyed by the parameter's PyTorch-style name (``"0.weight"``, from
``model.named_slots()``), so it belongs to ``optimizer.model`` alone.
"""
import numpy as np

from ._checks import check_real, fail, show


def _check_model(owner, model):
    """The model an optimizer updates: anything with ``parameters()`` (a Sequential, or one layer)."""
    if isinstance(model, type) or not callable(getattr(model, "parameters", None)):
        hint = ("Hint: pass the model itself, SGD(model, lr=0.01), not model.parameters() (PyTorch's form)."
                if isinstance(model, (list, tuple)) else "Hint: build the model first, then SGD(model, lr=0.01).")
        fail(owner, "model", "a model with parameters(), e.g. a Sequential", show(model), hint, TypeError)
    return model


def _check_lr(owner, lr):
    return check_real(owner, "lr (learning rate)", lr, "a finite number > 0", lambda v: v > 0,
                      "Hint: try 0.01 for SGD or 0.001 for Adam.")


def _fraction(owner, name, value, hint):
    return check_real(owner, name, value, "a number in [0, 1)", lambda v: 0 <= v < 1, hint)


class Optimizer:
    """What SGD and Adam share: the model they were built for, and checks that ``step()`` can run."""

    def __init__(self, model, lr):
        self.model, self.lr = _check_model(type(self).__name__, model), _check_lr(type(self).__name__, lr)
        self._last_grads = None                 # the gradient arrays the last step used

    def _grads(self):
        """``[(key, layer, name, grad)]`` for every parameter (``key``: its name, e.g. "0.weight"), refusing a step with no (new) backward before it."""
        func = f"{type(self).__name__}.step"
        found = [(key, layer, name, layer.grads.get(name)) for key, layer, name in self.model.named_slots()]
        missing = [key for key, _, _, g in found if g is None]
        if missing:
            fail(func, "step()", "called after backward", f"no gradient yet for {', '.join(missing[:3])}",
                 "Hint: run loss, dlogits = softmax_cross_entropy(model.forward(x), y), then model.backward(dlogits), "
                 "then step() (train_step does all three).", RuntimeError)
        grads = [g for *_, g in found]       # kept alive, so "is" cannot be fooled by a reused id
        if grads and self._last_grads is not None and len(grads) == len(self._last_grads) \
                and all(a is b for a, b in zip(grads, self._last_grads)):
            fail(func, "step()", "preceded by a new backward pass", "the same gradients as the last step",
                 "Hint: call model.backward(...) before every step(); if you rebuilt the model, rebuild the "
                 f"optimizer too: {type(self).__name__}(model, ...), so it updates the new model.", RuntimeError)
        for key, layer, name, g in found:
            if np.shape(g) != np.shape(layer.params[name]):
                fail(func, f"the gradient of {key}", f"of the weight's shape {np.shape(layer.params[name])}",
                     f"shape {np.shape(g)}", "Hint: a layer's backward must store grads[name] shaped like "
                     "params[name]; run model.backward(dlogits) rather than setting grads by hand.")
            if not np.isfinite(np.sum(g)):                  # one cheap sum per parameter, not a full scan
                fail(func, f"the gradient of {key}", "finite numbers", "NaN or inf (or numbers too huge to add up)",
                     "Hint: the update would make the weights NaN; lower the learning rate, or look for a "
                     "division by zero in the loss; np.isnan(layer.grads[name]).any() finds it.", FloatingPointError)
        self._last_grads = grads
        return found


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum.

    ``v <- momentum * v + grad``; ``w <- w - lr * v`` (PyTorch's form). momentum=0 is plain
    ``w <- w - lr * grad``. ``model``: what to update (kept as ``optimizer.model``).
    """

    def __init__(self, model, lr=0.01, momentum=0.0):
        super().__init__(model, lr)
        self.momentum = _fraction("SGD", "momentum", momentum, "Hint: 0 is plain SGD, 0.9 is common.")
        self.velocity = {}

    def step(self):
        lr = _check_lr("SGD.step", self.lr)    # lr may have been changed since, e.g. by a schedule
        for key, layer, name, grad in self._grads():
            if self.momentum:
                v = self.velocity.setdefault(key, np.zeros_like(grad))
                v *= self.momentum
                v += grad
                grad = v
            layer.params[name] -= lr * grad


class Adam(Optimizer):
    """Adam: per-weight step sizes from running means of the gradient and its square.

    ``m <- b1 m + (1-b1) g``; ``v <- b2 v + (1-b2) g^2``; ``w <- w - lr * m_hat / (sqrt(v_hat) + eps)``
    with bias-corrected ``m_hat = m / (1 - b1^t)``, ``v_hat = v / (1 - b2^t)``.
    """

    def __init__(self, model, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(model, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            fail("Adam", "betas", "a pair (beta1, beta2)", show(betas), "Hint: betas=(0.9, 0.999).", TypeError)
        self.b1, self.b2 = (_fraction("Adam", f"betas[{i}]", b, "Hint: betas=(0.9, 0.999); 1 would divide by "
                                      "1 - beta**t = 0.") for i, b in enumerate(betas))
        self.eps = check_real("Adam", "eps", eps, "a small number > 0", lambda v: v > 0, "Hint: eps=1e-8.")
        self.t = 0
        self.m, self.v = {}, {}

    def step(self):
        lr = _check_lr("Adam.step", self.lr)
        found = self._grads()
        self.t += 1
        for key, layer, name, g in found:
            m = self.m.setdefault(key, np.zeros_like(g))
            v = self.v.setdefault(key, np.zeros_like(g))
            m += (1 - self.b1) * (g - m)
            v += (1 - self.b2) * (g * g - v)
            m_hat = m / (1 - self.b1 ** self.t)
            v_hat = v / (1 - self.b2 ** self.t)
            layer.params[name] -= (lr * m_hat / (np.sqrt(v_hat) + self.eps)).astype(g.dtype)
