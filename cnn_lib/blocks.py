"""Layers for the building blocks of modern CNNs, thin classes over :mod:`cnn_lib.functional_blocks`.

Same protocol and machinery as :mod:`cnn_lib.layers` (PyTorch's names and weight layouts): ``forward``
keeps what ``backward`` needs with ``Layer._remember`` (in ``self.cache``); ``backward(dy)`` starts
with ``Layer._saved`` (forward ran, dy shaped like its output), returns dx and fills ``self.grads``.
BatchNorm2d and Dropout behave differently in training and evaluation mode (``train()`` /
``eval()``). Introduced in notebook 07.
"""
import numpy as np

from . import functional_blocks as FB
from . import layers as L
from ._checks import check_int, check_ndim, fail, show
from .arithmetic import PADDING_HINT, STRIDE_HINT, output_size, output_size_transposed
from .layers import Layer, LayerInfo, _init_uniform


def _named(layer, fn, *args):
    """``fn(*args)``; a learner-facing error of the functional ``fn`` is raised again under the layer's name."""
    try:
        return fn(*args)
    except (TypeError, ValueError) as error:                 # "avg_pool2d: x must be ..." -> "AvgPool2d.forward: x ..."
        raise type(error)(f"{type(layer).__name__}.forward: {str(error).removeprefix(fn.__name__ + ': ')}") from None


class BatchNorm2d(Layer):
    """Batch normalisation per channel: (N, C, H, W) -> (N, C, H, W).

    Training mode normalises with the batch's mean and variance and updates the running
    statistics, ``running = (1 - momentum) * running + momentum * batch`` (the variance unbiased,
    as PyTorch stores it); evaluation mode normalises with the running statistics.
    ``params``: ``"weight"`` (gamma, ones) and ``"bias"`` (beta, zeros), both (C,).
    ``buffers``: ``"running_mean"`` (zeros) and ``"running_var"`` (ones): state, not learned.
    """

    # batch statistics mix the examples in training mode; evaluation mode treats each on its own
    per_example = property(lambda self: not self.training)

    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        C = check_int("BatchNorm2d", "num_features", num_features, 1, "Hint: the number of channels of the input.")
        for name, value in (("eps", eps), ("momentum", momentum)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
                fail("BatchNorm2d", name, "a number in (0, 1]", show(value),
                     "Hint: PyTorch's defaults are eps=1e-5, momentum=0.1.")
        self.eps, self.momentum = float(eps), float(momentum)
        self.params = {"weight": np.ones(C, np.float32), "bias": np.zeros(C, np.float32)}
        self.buffers = {"running_mean": np.zeros(C, np.float32), "running_var": np.ones(C, np.float32)}

    running_mean = property(lambda self: self.buffers["running_mean"])
    running_var = property(lambda self: self.buffers["running_var"])

    def __repr__(self):
        return f"BatchNorm2d({self.params['weight'].size}, eps={self.eps:g}, momentum={self.momentum:g})"

    def forward(self, x):
        check_ndim("BatchNorm2d.forward", "x", x, 4, "(N, C, H, W)", "Hint: for one grey image use x[None, None].")
        C = self.params["weight"].size
        if x.shape[1] != C:
            fail("BatchNorm2d.forward", "x's channels (axis 1)", f"num_features = {C}",
                 f"{x.shape[1]} (shape {x.shape})", "Hint: BatchNorm2d(C) follows a layer with C output channels.")
        w, b = self.params["weight"], self.params["bias"]
        if not self.training:
            inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
            x_hat = (x - self.running_mean[:, None, None]) * inv_std[:, None, None]
            y = FB.batch_norm2d_eval(x, w, b, self.running_mean, self.running_var, self.eps)
            return self._remember(y, x_hat=x_hat, inv_std=inv_std, training=False)
        M = x.size // C
        if M < 2:
            fail("BatchNorm2d.forward", "the values per channel in training mode (N*H*W)", "more than 1",
                 f"{M} (input shape {x.shape})", "Hint: use a batch of several examples, or call eval() first.")
        out = FB.batch_norm2d_train(x, w, b, self.eps)
        m = self.momentum                                      # running statistics: state, updated in training
        self.buffers["running_mean"] = ((1 - m) * self.running_mean + m * out.mean).astype(np.float32)
        self.buffers["running_var"] = ((1 - m) * self.running_var + m * out.var * M / (M - 1)).astype(np.float32)
        return self._remember(out.y, x_hat=out.x_hat, inv_std=out.inv_std, training=True)

    def backward(self, dy):
        dy, cache = self._saved(dy)
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

    per_example = True              # see Layer.per_example: a batch may run as two halves

    def __init__(self, kernel_size, stride=None):
        super().__init__()
        self.kernel_size = check_int("AvgPool2d", "kernel_size", kernel_size, 1, "Hint: 2 pools 2x2 windows.")
        self.stride = self.kernel_size if stride is None else check_int("AvgPool2d", "stride", stride, 1,
                                                                        STRIDE_HINT)

    def __repr__(self):
        return f"AvgPool2d(kernel_size={self.kernel_size}, stride={self.stride})"

    def forward(self, x):
        return self._remember(_named(self, FB.avg_pool2d, x, self.kernel_size, self.stride), x_shape=x.shape)

    def backward(self, dy):
        dy, cache = self._saved(dy)
        return FB.avg_pool2d_backward(dy, cache["x_shape"], self.kernel_size, self.stride)

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

    per_example = True              # see Layer.per_example: a batch may run as two halves

    def forward(self, x):
        return self._remember(_named(self, FB.global_avg_pool2d, x), x_shape=x.shape)

    def backward(self, dy):
        dy, cache = self._saved(dy)
        return FB.global_avg_pool2d_backward(dy, cache["x_shape"])

    def describe(self, in_shape):
        """(C, H, W) -> (C,); no parameters, additions only."""
        return LayerInfo("GlobalAvgPool2d", (in_shape[0],), 0, 0)


class Dropout(Layer):
    """Inverted dropout: in training mode zero each value with probability ``p`` and scale the rest by
    1/(1-p); in evaluation mode the identity. Any shape. ``rng``: a ``np.random.Generator``
    (default: one seeded from the generator :func:`~cnn_lib.layers.manual_seed` resets).
    """

    # random draws in training mode (split, they would come in another order); evaluation: the identity
    per_example = property(lambda self: not self.training)

    def __init__(self, p=0.5, rng=None):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            fail("Dropout", "p (the probability of dropping a value)", "a number in [0, 1]", show(p),
                 "Hint: 0.5 is common; 0 drops nothing.")
        self.p = float(p)
        self.rng = np.random.default_rng(L._rng.integers(2 ** 32)) if rng is None else rng

    def __repr__(self):
        return f"Dropout(p={self.p:g})"

    def forward(self, x):
        if not self.training or self.p == 0:
            return self._remember(x.copy(), mask=None)
        y, mask = FB.dropout(x, self.p, self.rng)
        return self._remember(y, mask=mask)

    def backward(self, dy):
        dy, cache = self._saved(dy)
        return dy.copy() if cache["mask"] is None else dy * cache["mask"]

    def describe(self, in_shape):
        """Any shape, unchanged; nothing to learn, nothing at inference."""
        return LayerInfo("Dropout", tuple(in_shape), 0, 0)


class ConvTranspose2d(Layer):
    """Transposed convolution: x (N, C_in, H, W) -> (N, C_out, OH, OW), ``OH = output_size_transposed(H, ...)``.

    ``params``: ``"weight"`` (C_in, C_out, k, k) (PyTorch's layout), ``"bias"`` (C_out,). With
    stride s it upsamples about s times: the gradient of a stride-s convolution, run forwards.
    """

    per_example = True              # see Layer.per_example: a batch may run as two halves

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
            fail(func, "output_padding", f"smaller than stride = {self.stride}", self.output_padding,
                 "Hint: use 0, or stride - 1 at most.")
        fan_in = c_out * k * k                                 # PyTorch reads fan-in from weight.shape[1:]
        self.params["weight"] = _init_uniform(func, (c_in, c_out, k, k), fan_in, rng)
        self.params["bias"] = _init_uniform(func, (c_out,), fan_in, rng)

    def __repr__(self):
        c_in, c_out, k, _ = self.params["weight"].shape
        return (f"ConvTranspose2d({c_in}, {c_out}, kernel_size={k}, stride={self.stride}, "
                f"padding={self.padding}, output_padding={self.output_padding})")

    def forward(self, x):
        y = _named(self, FB.conv_transpose2d, x, self.params["weight"], self.params["bias"], self.stride,
                   self.padding, self.output_padding)
        return self._remember(y, x=x)

    def backward(self, dy):
        dy, cache = self._saved(dy)
        g = FB.conv_transpose2d_backward(dy, cache["x"], self.params["weight"], self.stride, self.padding)
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

    per_example = L._CHILDREN_PER_EXAMPLE                # per-example when all its children are

    def __init__(self, *layers):
        super().__init__()
        self.layers = L._children(self, layers, "Conv2d(8, 8, 3, padding=1)")
        if not layers:
            fail("Residual", "the layers of f in x + f(x)", "at least one layer", "none",
                 "Hint: Residual(Conv2d(8, 8, 3, padding=1), ReLU()).", TypeError)

    def __repr__(self):
        inner = "".join(f"\n    ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Residual({inner}\n  )"

    def forward(self, x):
        fx = x
        for layer in self.layers:
            fx = layer.forward(fx)
        if fx.shape != x.shape:
            fail("Residual.forward", "f(x)'s shape", f"x's shape {x.shape} (to be added to x)", fx.shape,
                 "Hint: keep the channels and use 'same' padding (padding=1 for 3x3) inside.")
        return self._remember(x + fx)

    def backward(self, dy):
        dy, _ = self._saved(dy)
        df = dy
        for layer in reversed(self.layers):
            df = layer.backward(df)
        return dy + df

    def describe(self, in_shape):
        """The children's sum (shape kept), plus one addition per value (not a multiply-add)."""
        shape, params, mult_adds = tuple(in_shape), 0, 0
        for layer in self.layers:
            info = layer.describe(shape)
            shape, params, mult_adds = info.out_shape, params + info.params, mult_adds + info.mult_adds
        return LayerInfo("Residual", shape, params, mult_adds)
