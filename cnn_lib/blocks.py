"""Layers for the building blocks of modern CNNs, thin classes over :mod:`cnn_lib.functional_blocks`.

Same protocol as :mod:`cnn_lib.layers` (PyTorch's names and weight layouts): ``forward`` keeps
what ``backward`` needs in ``self.cache``; ``backward(dy)`` returns dx and fills ``self.grads``.
BatchNorm2d and Dropout behave differently in training and evaluation mode (``train()`` /
``eval()``). Introduced in notebook 07.
"""
import numpy as np

from . import functional_blocks as FB
from . import layers as L
from ._checks import check_int, check_ndim
from .arithmetic import PADDING_HINT, STRIDE_HINT, output_size, output_size_transposed
from .layers import Conv2d, Layer, LayerInfo, Linear, MaxPool2d, ReLU, Sequential


def _saved(layer):
    """The layer's ``cache`` from the last forward, or a clear error if there was none."""
    if not layer.cache:
        raise RuntimeError(f"{type(layer).__name__}.backward: needs the input saved by forward, got no forward "
                           f"pass yet. Hint: call forward(x) (in training mode) before backward(dy).")
    return layer.cache


def _uniform(shape, fan_in, rng):
    """PyTorch's default initialisation, as in :mod:`cnn_lib.layers`: uniform in +-1/sqrt(fan_in), float32."""
    rng = L._rng if rng is None else rng                   # the generator manual_seed resets
    bound = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=shape).astype(np.float32)


def _named(layer, fn, *args):
    """``fn(*args)``, with a learner-facing error prefixed by the layer's name (the functional's is inside)."""
    try:
        return fn(*args)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{type(layer).__name__}.forward: {error}") from None


class BatchNorm2d(Layer):
    """Batch normalisation per channel: (N, C, H, W) -> (N, C, H, W).

    Training mode normalises with the batch's mean and variance and updates the running
    statistics, ``running = (1 - momentum) * running + momentum * batch`` (the variance unbiased,
    as PyTorch stores it); evaluation mode normalises with the running statistics.
    ``params``: ``"weight"`` (gamma, ones) and ``"bias"`` (beta, zeros), both (C,).
    ``buffers``: ``"running_mean"`` (zeros) and ``"running_var"`` (ones): state, not learned.
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        C = check_int("BatchNorm2d", "num_features", num_features, 1, "Hint: the number of channels of the input.")
        for name, value in (("eps", eps), ("momentum", momentum)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
                raise ValueError(f"BatchNorm2d: {name} must be a number in (0, 1], got {value!r}. "
                                 f"Hint: PyTorch's defaults are eps=1e-5, momentum=0.1.")
        self.eps, self.momentum = float(eps), float(momentum)
        self.params = {"weight": np.ones(C, np.float32), "bias": np.zeros(C, np.float32)}
        self.buffers = {"running_mean": np.zeros(C, np.float32), "running_var": np.ones(C, np.float32)}
        self.cache = {}

    running_mean = property(lambda self: self.buffers["running_mean"])
    running_var = property(lambda self: self.buffers["running_var"])

    def __repr__(self):
        return f"BatchNorm2d({self.params['weight'].size}, eps={self.eps:g}, momentum={self.momentum:g})"

    def forward(self, x):
        check_ndim("BatchNorm2d.forward", "x", x, 4, "(N, C, H, W)", "Hint: for one grey image use x[None, None].")
        C = self.params["weight"].size
        if x.shape[1] != C:
            raise ValueError(f"BatchNorm2d.forward: x must have num_features = {C} channels, got shape {x.shape}. "
                             f"Hint: BatchNorm2d(C) follows a layer with C output channels.")
        w, b = self.params["weight"], self.params["bias"]
        if not self.training:
            inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
            self.cache = {"x_hat": (x - self.running_mean[:, None, None]) * inv_std[:, None, None],
                          "inv_std": inv_std, "training": False}
            return FB.batch_norm2d_eval(x, w, b, self.running_mean, self.running_var, self.eps)
        out = FB.batch_norm2d_train(x, w, b, self.eps)
        M = x.size // C
        if M < 2:
            raise ValueError(f"BatchNorm2d.forward: training needs more than one value per channel, got input shape "
                             f"{x.shape}. Hint: use a batch of several examples, or call eval() first.")
        m = self.momentum                                      # running statistics: state, updated in training
        self.buffers["running_mean"] = ((1 - m) * self.running_mean + m * out.mean).astype(np.float32)
        self.buffers["running_var"] = ((1 - m) * self.running_var + m * out.var * M / (M - 1)).astype(np.float32)
        self.cache = {"x_hat": out.x_hat, "inv_std": out.inv_std, "training": True}
        return out.y

    def backward(self, dy):
        cache = _saved(self)
        w = self.params["weight"]
        if cache["training"]:
            g = FB.batch_norm2d_backward(dy, cache["x_hat"], cache["inv_std"], w)
        else:                                                  # a fixed affine map per channel
            g = FB.BatchNormGrads(dy * (w * cache["inv_std"])[:, None, None],
                                  (dy * cache["x_hat"]).sum(axis=(0, 2, 3)), dy.sum(axis=(0, 2, 3)))
        self.grads["weight"], self.grads["bias"] = g.dweight, g.dbias
        return g.dx

    def describe(self, in_shape):
        """Same shape; one multiply-add per value (the per-channel scale and shift of inference)."""
        return LayerInfo("BatchNorm2d", tuple(in_shape), self.num_params(), int(np.prod(in_shape)))


class AvgPool2d(Layer):
    """Average pooling: (N, C, H, W) -> (N, C, OH, OW); ``stride`` defaults to ``kernel_size``."""

    def __init__(self, kernel_size, stride=None):
        super().__init__()
        self.kernel_size = check_int("AvgPool2d", "kernel_size", kernel_size, 1, "Hint: 2 pools 2x2 windows.")
        self.stride = self.kernel_size if stride is None else check_int("AvgPool2d", "stride", stride, 1,
                                                                        STRIDE_HINT)
        self.cache = {}

    def __repr__(self):
        return f"AvgPool2d(kernel_size={self.kernel_size}, stride={self.stride})"

    def forward(self, x):
        y = _named(self, FB.avg_pool2d, x, self.kernel_size, self.stride)
        self.cache = {"x_shape": x.shape}
        return y

    def backward(self, dy):
        return FB.avg_pool2d_backward(dy, _saved(self)["x_shape"], self.kernel_size, self.stride)

    def describe(self, in_shape):
        """(C, H, W) -> (C, OH, OW); no parameters, and additions only (no multiply-adds counted)."""
        C, H, W = in_shape
        size = [output_size(n, self.kernel_size, self.stride) for n in (H, W)]
        return LayerInfo("AvgPool2d", (C, *size), 0, 0)


class GlobalAvgPool2d(Layer):
    """Global average pooling: (N, C, H, W) -> (N, C), the mean of each feature map.

    No parameters, any H and W: it replaces Flatten (whose output size depends on H and W) in front
    of the output layer. PyTorch writes it ``AdaptiveAvgPool2d(1)`` followed by ``Flatten()``.
    """

    def __init__(self):
        super().__init__()
        self.cache = {}

    def forward(self, x):
        y = _named(self, FB.global_avg_pool2d, x)
        self.cache = {"x_shape": x.shape}
        return y

    def backward(self, dy):
        return FB.global_avg_pool2d_backward(dy, _saved(self)["x_shape"])

    def describe(self, in_shape):
        """(C, H, W) -> (C,); no parameters, additions only."""
        return LayerInfo("GlobalAvgPool2d", (in_shape[0],), 0, 0)


class Dropout(Layer):
    """Inverted dropout: in training mode zero each value with probability ``p`` and scale the rest by
    1/(1-p); in evaluation mode the identity. Any shape. ``rng``: a ``np.random.Generator``
    (default: one seeded from the generator :func:`~cnn_lib.layers.manual_seed` resets).
    """

    def __init__(self, p=0.5, rng=None):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ValueError(f"Dropout: p (the probability of dropping a value) must be a number in [0, 1], "
                             f"got {p!r}. Hint: 0.5 is common; 0 drops nothing.")
        self.p = float(p)
        self.rng = np.random.default_rng(L._rng.integers(2 ** 32)) if rng is None else rng
        self.cache = {}

    def __repr__(self):
        return f"Dropout(p={self.p:g})"

    def forward(self, x):
        if not self.training or self.p == 0:
            self.cache = {"mask": None}
            return x.copy()
        y, mask = FB.dropout(x, self.p, self.rng)
        self.cache = {"mask": mask}
        return y

    def backward(self, dy):
        mask = _saved(self)["mask"]
        return dy.copy() if mask is None else dy * mask

    def describe(self, in_shape):
        """Any shape, unchanged; nothing to learn, nothing at inference."""
        return LayerInfo("Dropout", tuple(in_shape), 0, 0)


class ConvTranspose2d(Layer):
    """Transposed convolution: x (N, C_in, H, W) -> (N, C_out, OH, OW), ``OH = output_size_transposed(H, ...)``.

    ``params``: ``"weight"`` (C_in, C_out, k, k) (PyTorch's layout), ``"bias"`` (C_out,). With
    stride s it upsamples about s times: the gradient of a stride-s convolution, run forwards.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, rng=None):
        super().__init__()
        func = "ConvTranspose2d"
        c_in = check_int(func, "in_channels", in_channels, 1, "Hint: the channels of the input.")
        c_out = check_int(func, "out_channels", out_channels, 1, "Hint: the channels of the output.")
        k = check_int(func, "kernel_size", kernel_size, 1, "Hint: 3 means 3x3 kernels.")
        self.stride = check_int(func, "stride", stride, 1, STRIDE_HINT)
        self.padding = check_int(func, "padding", padding, 0, PADDING_HINT)
        self.output_padding = check_int(func, "output_padding", output_padding, 0, "Hint: usually 0.")
        if self.output_padding >= self.stride:
            raise ValueError(f"{func}: output_padding must be smaller than stride, got output_padding "
                             f"{self.output_padding} with stride {self.stride}. Hint: use 0, or stride - 1 at most.")
        fan_in = c_out * k * k                                 # PyTorch reads fan-in from weight.shape[1:]
        self.params["weight"] = _uniform((c_in, c_out, k, k), fan_in, rng)
        self.params["bias"] = _uniform((c_out,), fan_in, rng)
        self.cache = {}

    def __repr__(self):
        c_in, c_out, k, _ = self.params["weight"].shape
        return (f"ConvTranspose2d({c_in}, {c_out}, kernel_size={k}, stride={self.stride}, "
                f"padding={self.padding}, output_padding={self.output_padding})")

    def forward(self, x):
        y = _named(self, FB.conv_transpose2d, x, self.params["weight"], self.params["bias"], self.stride,
                   self.padding, self.output_padding)
        self.cache = {"x": x}
        return y

    def backward(self, dy):
        g = FB.conv_transpose2d_backward(dy, _saved(self)["x"], self.params["weight"], self.stride, self.padding)
        self.grads["weight"], self.grads["bias"] = g.dweight, g.dbias
        return g.dx

    def describe(self, in_shape):
        """Each input value stamps one kernel: ``C_in*H*W * C_out*k*k`` multiply-adds."""
        c_in, c_out, k, _ = self.params["weight"].shape
        C, H, W = in_shape
        size = [output_size_transposed(n, k, self.stride, self.padding, self.output_padding) for n in (H, W)]
        return LayerInfo("ConvTranspose2d", (c_out, *size), self.num_params(), C * H * W * c_out * k * k)


class Residual(Layer):
    """A residual connection: ``x + f(x)``, with ``f`` the ``layers`` applied in order (shape kept).

    Backward adds the two paths: ``dx = dy + f'(x)^T dy``, so dy reaches earlier layers even when
    ``f``'s gradient is small. ``.layers`` holds the children, as in ``Sequential``.
    """

    def __init__(self, *layers):
        super().__init__()
        for i, layer in enumerate(layers):
            if isinstance(layer, type) or not (hasattr(layer, "forward") and hasattr(layer, "backward")):
                raise TypeError(f"Residual: argument {i} must be a layer (with forward and backward), got "
                                f"{layer!r}. Hint: write Conv2d(8, 8, 3, padding=1), with the parentheses.")
        if not layers:
            raise TypeError("Residual: needs at least one layer for f in x + f(x), got none. "
                            "Hint: Residual(Conv2d(8, 8, 3, padding=1), ReLU()).")
        self.layers = list(layers)

    def __repr__(self):
        inner = "".join(f"\n    ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Residual({inner}\n  )"

    def forward(self, x):
        fx = x
        for layer in self.layers:
            fx = layer.forward(fx)
        if fx.shape != x.shape:
            raise ValueError(f"Residual.forward: f(x) must keep x's shape to be added to it, got {x.shape} -> {fx.shape}. "
                             f"Hint: keep the channels and use 'same' padding (padding=1 for 3x3) inside.")
        return x + fx

    def backward(self, dy):
        df = dy
        for layer in reversed(self.layers):
            df = layer.backward(df)
        return dy + df

    def parameters(self):
        """``(layer, name)`` pairs of every learnable array inside, as ``Sequential.parameters``."""
        return [pair for layer in self.layers for pair in (layer.parameters() if hasattr(layer, "parameters")
                                                           else [(layer, name) for name in layer.params])]

    def num_params(self):
        return sum(layer.num_params() for layer in self.layers)

    def describe(self, in_shape):
        """The children's sum (shape kept), plus one addition per value (not a multiply-add)."""
        shape, params, mult_adds = tuple(in_shape), 0, 0
        for layer in self.layers:
            info = layer.describe(shape)
            shape, params, mult_adds = info.out_shape, params + info.params, mult_adds + info.mult_adds
        return LayerInfo("Residual", shape, params, mult_adds)
