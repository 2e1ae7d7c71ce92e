"""Optimizers: turn gradients into weight updates, in place. Introduced in notebook 04.

Each takes a model (a :class:`~cnn_lib.layers.Sequential`, or any layer), remembers it as
``optimizer.model`` and, on ``step()``, updates every ``layer.params[name]`` from
``layer.grads[name]``. What an optimizer remembers between steps (momentum, Adam's running
means) is keyed by the parameter's PyTorch-style name (``"0.weight"``, from
``model.named_slots()``), so it belongs to ``optimizer.model`` alone.
"""
import numpy as np


def _check_lr(owner, lr):
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
        raise ValueError(f"{owner}: lr (learning rate) must be a number > 0, got {lr!r}. "
                         f"Hint: try 0.01 for SGD or 0.001 for Adam.")
    return float(lr)


class SGD:
    """Stochastic gradient descent, optionally with momentum.

    ``v <- momentum * v + grad``; ``w <- w - lr * v`` (PyTorch's form). momentum=0 is plain
    ``w <- w - lr * grad``.
    """

    def __init__(self, model, lr=0.01, momentum=0.0):
        self.model, self.lr = model, _check_lr("SGD", lr)
        if not 0 <= momentum < 1:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum}. Hint: 0.9 is common.")
        self.momentum = momentum
        self.velocity = {}

    def step(self):
        for key, layer, name in self.model.named_slots():
            grad = layer.grads[name]
            if self.momentum:
                v = self.velocity.setdefault(key, np.zeros_like(grad))
                v *= self.momentum
                v += grad
                grad = v
            layer.params[name] -= self.lr * grad


class Adam:
    """Adam: per-weight step sizes from running means of the gradient and its square.

    ``m <- b1 m + (1-b1) g``; ``v <- b2 v + (1-b2) g^2``; ``w <- w - lr * m_hat / (sqrt(v_hat) + eps)``
    with bias-corrected ``m_hat = m / (1 - b1^t)``, ``v_hat = v / (1 - b2^t)``.
    """

    def __init__(self, model, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        self.model, self.lr = model, _check_lr("Adam", lr)
        self.b1, self.b2 = betas
        self.eps, self.t = eps, 0
        self.m, self.v = {}, {}

    def step(self):
        self.t += 1
        for key, layer, name in self.model.named_slots():
            g = layer.grads[name]
            m = self.m.setdefault(key, np.zeros_like(g))
            v = self.v.setdefault(key, np.zeros_like(g))
            m += (1 - self.b1) * (g - m)
            v += (1 - self.b2) * (g * g - v)
            m_hat = m / (1 - self.b1 ** self.t)
            v_hat = v / (1 - self.b2 ** self.t)
            layer.params[name] -= (self.lr * m_hat / (np.sqrt(v_hat) + self.eps)).astype(g.dtype)
