"""Layers: thin classes over :mod:`cnn_lib.functional` that remember what backward needs.

Protocol (like PyTorch's modules, by hand):
- ``forward(x) -> y`` keeps the inputs the gradients need;
- ``backward(dy) -> dx`` returns a new array (``dy`` is never edited) and fills
  ``layer.grads[name]`` for every ``layer.params[name]`` (names ``"weight"``, ``"bias"``).
Layers without parameters have empty ``params`` and ``grads``. Introduced in notebook 01.
"""
import numpy as np

from . import functional as F
from ._checks import check_int, check_ndim
from .arithmetic import PADDING_HINT, STRIDE_HINT

_rng = np.random.default_rng(0)


def manual_seed(seed):
    """Reset the generator that new layers draw their initial weights from (like ``torch.manual_seed``)."""
    global _rng
    _rng = np.random.default_rng(check_int("manual_seed", "seed", seed, 0))


def _init_uniform(shape, fan_in, rng):
    """PyTorch's default initialisation: uniform in +-1/sqrt(fan_in), float32.

    ``fan_in`` is how many inputs feed one node (C_in*k*k for a conv, in_features for a linear
    layer); scaling by it keeps the outputs' size about the same from layer to layer.
    """
    rng = _rng if rng is None else rng
    bound = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=shape).astype(np.float32)


class Layer:
    """Base class: a layer with no parameters."""

    def __init__(self):
        self.params, self.grads = {}, {}

    def __call__(self, x):
        return self.forward(x)

    def __repr__(self):
        return f"{type(self).__name__}()"

    def num_params(self):
        """Number of learnable values (weights + biases)."""
        return sum(p.size for p in self.params.values())


class Conv2d(Layer):
    """2-D convolution: x (N, C_in, H, W) -> (N, C_out, OH, OW), ``OH = output_size(H, k, stride, padding)``.

    ``params``: ``"weight"`` (C_out, C_in, k, k), ``"bias"`` (C_out,). ``rng``: a
    ``np.random.Generator`` for the initial weights (default: the one :func:`manual_seed` resets).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None):
        super().__init__()
        c_in = check_int("Conv2d", "in_channels", in_channels, 1, "Hint: 1 for grey images, 3 for RGB.")
        c_out = check_int("Conv2d", "out_channels", out_channels, 1, "Hint: one output channel per kernel.")
        k = check_int("Conv2d", "kernel_size", kernel_size, 1, "Hint: 3 means 3x3 kernels.")
        self.stride = check_int("Conv2d", "stride", stride, 1, STRIDE_HINT)
        self.padding = check_int("Conv2d", "padding", padding, 0, PADDING_HINT)
        self.params["weight"] = _init_uniform((c_out, c_in, k, k), c_in * k * k, rng)
        self.params["bias"] = _init_uniform((c_out,), c_in * k * k, rng)

    def __repr__(self):
        c_out, c_in, k, _ = self.params["weight"].shape
        return f"Conv2d({c_in}, {c_out}, kernel_size={k}, stride={self.stride}, padding={self.padding})"

    def forward(self, x):
        self.x = x
        out = F.conv2d_with_cols(x, self.params["weight"], self.params["bias"], self.stride, self.padding)
        self.cols = out.cols                    # the im2col matrix, reused by backward
        return out.y

    def backward(self, dy, input_grad=True):
        """dy (N, C_out, OH, OW) -> dx (N, C_in, H, W); ``input_grad=False``: no dx (None), see Sequential.backward."""
        g = F.conv2d_backward(dy, self.x, self.params["weight"], self.stride, self.padding, cols=self.cols,
                              input_grad=input_grad)
        self.grads["weight"], self.grads["bias"] = g.dweight, g.dbias
        return g.dx


class MaxPool2d(Layer):
    """Max pooling: (N, C, H, W) -> (N, C, OH, OW); ``stride`` defaults to ``kernel_size``."""

    def __init__(self, kernel_size, stride=None):
        super().__init__()
        self.kernel_size = check_int("MaxPool2d", "kernel_size", kernel_size, 1, "Hint: 2 pools 2x2 windows.")
        self.stride = self.kernel_size if stride is None else check_int("MaxPool2d", "stride", stride, 1, STRIDE_HINT)

    def __repr__(self):
        return f"MaxPool2d(kernel_size={self.kernel_size}, stride={self.stride})"

    def forward(self, x):
        self.x = x
        self.y = F.max_pool2d(x, self.kernel_size, self.stride)    # kept: backward needs each window's maximum
        return self.y

    def backward(self, dy):
        return F.max_pool2d_backward(dy, self.x, self.kernel_size, self.stride, y=self.y)


class ReLU(Layer):
    """max(x, 0) elementwise; any shape in, same shape out."""

    def forward(self, x):
        self.x = x
        return F.relu(x)

    def backward(self, dy):
        return F.relu_backward(dy, self.x)


class Flatten(Layer):
    """(N, C, H, W) -> (N, C*H*W): lines feature maps up for a fully connected layer."""

    def forward(self, x):
        self.shape = x.shape
        return x.reshape(x.shape[0], -1)        # (N, C, H, W) -> (N, C*H*W)

    def backward(self, dy):
        return dy.reshape(self.shape)           # (N, C*H*W) -> (N, C, H, W): a new view, dy untouched


class Linear(Layer):
    """Fully connected: (N, in_features) -> (N, out_features); weight (out, in), bias (out,)."""

    def __init__(self, in_features, out_features, rng=None):
        super().__init__()
        n_in = check_int("Linear", "in_features", in_features, 1)
        n_out = check_int("Linear", "out_features", out_features, 1)
        self.params["weight"] = _init_uniform((n_out, n_in), n_in, rng)
        self.params["bias"] = _init_uniform((n_out,), n_in, rng)

    def __repr__(self):
        n_out, n_in = self.params["weight"].shape
        return f"Linear({n_in}, {n_out})"

    def forward(self, x):
        self.x = x
        return F.linear(x, self.params["weight"], self.params["bias"])

    def backward(self, dy):
        g = F.linear_backward(dy, self.x, self.params["weight"])
        self.grads["weight"], self.grads["bias"] = g.dweight, g.dbias
        return g.dx


class Sequential(Layer):
    """Layers applied one after another: ``forward`` runs them in order, ``backward`` in reverse."""

    def __init__(self, *layers):
        super().__init__()
        for i, layer in enumerate(layers):
            if isinstance(layer, type) or not (hasattr(layer, "forward") and hasattr(layer, "backward")):
                raise TypeError(f"Sequential: argument {i} must be a layer (with forward and backward), "
                                f"got {layer!r}. Hint: write Conv2d(1, 8, 3), with the parentheses.")
        self.layers = list(layers)

    def __repr__(self):
        inner = "".join(f"\n  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential({inner}\n)"

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dy, input_grad=True):
        """Gradients from the output's ``dy`` back to the input's (returned); fills every layer's ``grads``.

        ``input_grad=False``: when the first layer is a Conv2d, it skips the gradient for the network's
        input and None is returned. Training never uses that gradient (``train_step`` asks for none).
        """
        for i, layer in reversed(list(enumerate(self.layers))):
            if i == 0 and not input_grad and isinstance(layer, Conv2d):
                return layer.backward(dy, input_grad=False)
            dy = layer.backward(dy)
        return dy

    def layer_outputs(self, x):
        """``forward`` that keeps every layer's output: a list, item ``i`` from ``self.layers[i]``.

        x (N, C, H, W) -> [(N, C_1, H_1, W_1), ..., (N, K)]; the last item is ``forward(x)``.
        What the explorers and the feature-map figures show (notebooks 01 and 05).
        """
        outputs = []
        for layer in self.layers:
            x = layer.forward(x)
            outputs.append(x)
        return outputs

    def parameters(self):
        """``(layer, name)`` pairs for every learnable array: ``layer.params[name]``, ``layer.grads[name]``."""
        return [(layer, name) for layer in self.layers for name in layer.params]

    def num_params(self):
        return sum(layer.num_params() for layer in self.layers)

    def summary(self, input_shape):
        """One row per layer for one input of ``input_shape`` (C, H, W): what it does to the shape.

        Returns a list of dicts with ``layer`` (repr), ``output_shape`` (without the batch axis),
        ``nodes`` (values in that output), ``params`` (learnable values). Runs one forward pass on
        zeros, so the shapes are the real ones. Introduced in notebook 01.
        """
        check_ndim("Sequential.summary", "input_shape", np.empty(input_shape), 3, "(C, H, W)",
                   "Hint: leave out the batch axis, e.g. (1, 28, 28).")
        x = np.zeros((1, *input_shape), dtype=np.float32)
        rows = [dict(layer="input", output_shape=tuple(input_shape), nodes=int(np.prod(input_shape)), params=0)]
        for layer in self.layers:
            x = layer.forward(x)
            rows.append(dict(layer=repr(layer), output_shape=x.shape[1:], nodes=int(np.prod(x.shape[1:])),
                             params=layer.num_params()))
        return rows
