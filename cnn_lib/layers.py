"""Layers: thin classes over :mod:`cnn_lib.functional` that remember what backward needs.

Protocol (like PyTorch's modules, by hand):
- ``forward(x) -> y`` keeps the inputs the gradients need;
- ``backward(dy) -> dx`` returns a new array (``dy`` is never edited) and fills
  ``layer.grads[name]`` for every ``layer.params[name]`` (names ``"weight"``, ``"bias"``);
- ``describe(in_shape) -> LayerInfo``: kind, output shape, parameters and multiply-adds for one
  example, without running anything (``summary`` and ``metrics.multiply_adds`` add these up);
- ``named_parameters()``: ``(name, array)`` with PyTorch's dotted names (``"0.weight"``).
Layers without parameters have empty ``params`` and ``grads``. Containers keep their children in
``.layers``. Introduced in notebook 01; ARCHITECTURE.md has the whole protocol.
"""
import contextlib
import numbers
from functools import partial
from typing import NamedTuple

import numpy as np

from . import functional as F
from . import functional_blocks as FB
from ._checks import (NCHW_HINT, NHWC_HINT, called_as, check_array, check_bool, check_int, check_size, checked_once,
                      fail, show)
from .arithmetic import PADDING_HINT, STRIDE_HINT, output_size

_rng = np.random.default_rng(0)


def manual_seed(seed):
    """Reset the generator that new layers draw their initial weights from (like ``torch.manual_seed``)."""
    global _rng
    _rng = np.random.default_rng(check_int("manual_seed", "seed", seed, 0, "Hint: any whole number >= 0, e.g. 0."))


def _init_uniform(func, shape, fan_in, rng):
    """PyTorch's default initialisation: uniform in +-1/sqrt(fan_in), float32.

    ``fan_in`` is how many inputs feed one node (C_in*k*k for a conv, in_features for a linear
    layer); scaling by it keeps the outputs' size about the same from layer to layer.
    """
    if rng is not None and not isinstance(rng, np.random.Generator):
        fail(func, "rng", "a np.random.Generator or None", show(rng),
             "Hint: rng=np.random.default_rng(0), or leave it out and call cnn_lib.manual_seed(0).", TypeError)
    check_size(func, "the weights", np.prod(shape, dtype=object), 8, "Hint: use fewer channels or features.")
    rng = _rng if rng is None else rng
    bound = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=shape).astype(np.float32)


def _square(size):
    """``(3, 3)``, PyTorch's way of writing a square kernel, as 3 (cnn_lib's kernels are square)."""
    return size[0] if isinstance(size, tuple) and len(size) == 2 and size[0] == size[1] else size


class LayerInfo(NamedTuple):
    """What a layer does to ONE example (no batch axis), from :meth:`Layer.describe`.

    ``kind``: the layer's type, e.g. ``"Conv2d"``; ``out_shape``: one example's output shape, e.g.
    ``(8, 26, 26)``; ``params``: learnable values; ``mult_adds``: multiply-adds for one example
    (a node of a Conv2d or Linear layer does one per weight of its kernel; pooling, ReLU and
    reshapes do none).
    """
    kind: str
    out_shape: tuple
    params: int
    mult_adds: int


def _one_example(layer, in_shape, ndim=None, layout="(C, H, W)"):
    """``in_shape`` as a tuple of ints >= 1 (with ``ndim`` axes if given), else a learner-facing error."""
    shape = tuple(in_shape) if isinstance(in_shape, (tuple, list)) else None
    if shape is None or not shape or (ndim and len(shape) != ndim) or not all(
            isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 1 for n in shape):
        raise ValueError(f"{type(layer).__name__}.describe: in_shape must be one example's shape {layout}, "
                         f"without the batch axis, got {in_shape!r}. Hint: for one grey 28x28 digit "
                         f"write (1, 28, 28), not (1, 1, 28, 28).")
    return tuple(int(n) for n in shape)


class Layer:
    """Base class: a layer with no parameters.

    ``training`` is True after construction; ``train()`` / ``eval()`` switch it (PyTorch's names;
    BatchNorm and Dropout behave differently in the two modes). Everything ``forward`` keeps for
    ``backward`` lives in one dict, ``cache``, so inference helpers can put it back untouched.
    """

    # True when each example's output depends on that example alone and forward changes nothing but
    # ``cache``: then a batch may be computed as two halves at once (cnn_lib.parallel). False here, so
    # a new layer is computed whole until it says otherwise.
    per_example = False

    def __init__(self):
        self.params, self.grads = {}, {}
        self.training, self.cache = True, {}

    def __call__(self, x):
        return self.forward(x)

    def __repr__(self):
        return f"{type(self).__name__}()"

    def num_params(self):
        """Number of learnable values (weights + biases), children's included."""
        return sum(array.size for _, array in self.named_parameters())

    def named_slots(self, prefix=""):
        """``(name, layer, key)`` for every learnable array, in order: ``layer.params[key]`` is the
        array, ``layer.grads[key]`` its gradient, ``name`` its PyTorch-style name. A container
        (anything with ``.layers``) lists its own arrays, then each child's, prefixed by the child's
        index: ``"0.weight"``, and ``"2.0.weight"`` one container deeper."""
        slots = [(prefix + key, self, key) for key in self.params]
        for i, child in enumerate(getattr(self, "layers", ())):
            slots += child.named_slots(f"{prefix}{i}.")
        return slots

    def named_parameters(self):
        """``(name, array)`` for every learnable array, named as PyTorch's ``named_parameters()``
        names them: ``"weight"``, ``"bias"`` for one layer; ``"0.weight"``, ``"3.bias"`` in a Sequential."""
        return [(name, layer.params[key]) for name, layer, key in self.named_slots()]

    def parameters(self):
        """``(layer, key)`` pairs for every learnable array: ``layer.params[key]``, ``layer.grads[key]``."""
        return [(layer, key) for _, layer, key in self.named_slots()]

    def describe(self, in_shape):
        """:class:`LayerInfo` for one example of shape ``in_shape`` (no batch axis). Every layer writes its own."""
        raise NotImplementedError(f"{type(self).__name__}.describe: this layer does not say what it does to a "
                                  f"shape, got in_shape {in_shape!r}. Hint: give the class a describe(in_shape) "
                                  f"returning LayerInfo(kind, out_shape, params, mult_adds); see ARCHITECTURE.md.")

    def train(self, mode=True):
        """Switch to training mode (``mode=False``: evaluation mode), here and in ``.layers``; returns self."""
        self.training = check_bool(f"{type(self).__name__}.train", "mode", mode)
        for layer in getattr(self, "layers", ()):
            if hasattr(layer, "train"):
                layer.train(mode)
        return self

    def eval(self):
        """Switch to evaluation mode (what ``predict`` and ``evaluate`` use); returns self."""
        return self.train(False)

    def _input(self, x, ndim, layout, hint=NCHW_HINT):
        """Check ``forward``'s input (the NaN scan happens once, in the model's forward)."""
        x = check_array(f"{type(self).__name__}.forward", "x", x, None, layout)
        if x.ndim not in ndim:
            fail(f"{type(self).__name__}.forward", "x", f"a {layout} array", f"shape {x.shape}", hint)
        return x

    def _remember(self, y, **cache):
        """Keep what backward needs in ``self.cache`` (a new dict) and return forward's output ``y``."""
        self.cache = dict(cache, y_shape=y.shape)
        return y

    def _saved(self, dy):
        """``(dy, cache)`` for backward, after checking that forward ran and ``dy`` has its output's shape."""
        func = f"{type(self).__name__}.backward"
        if not self.cache:
            fail(func, "backward", "called after forward", "a call before any forward pass (nothing is saved)",
                 "Hint: run y = layer.forward(x) first, then layer.backward(dy) with dy shaped like y.", RuntimeError)
        if isinstance(dy, (list, tuple)):                # a nested list: in the dtype the forward pass used
            dy = check_array(func, "dy", dy).astype(next((v.dtype for v in self.cache.values() if isinstance(
                v, np.ndarray) and v.dtype.kind == "f"), np.float64))
        dy = check_array(func, "dy", dy)
        if dy.shape != self.cache["y_shape"]:
            fail(func, "dy (the gradient of forward's output)", f"of the output's shape {self.cache['y_shape']}",
                 f"shape {dy.shape}", "Hint: dy must be shaped like the y that the last forward returned.")
        return dy, self.cache


class Conv2d(Layer):
    """2-D convolution: x (N, C_in, H, W) -> (N, C_out, OH, OW), ``OH = output_size(H, k, stride, padding)``.

    ``params``: ``"weight"`` (C_out, C_in/groups, k, k), ``"bias"`` (C_out,). ``rng``: a
    ``np.random.Generator`` for the initial weights (default: the one :func:`manual_seed` resets).
    ``groups`` > 1 splits the channels into groups convolved separately (notebook 07; depthwise:
    groups = in_channels).
    """

    per_example = True              # see Layer.per_example: a batch may run as two halves

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, rng=None, groups=1):
        super().__init__()
        c_in = check_int("Conv2d", "in_channels", in_channels, 1, "Hint: 1 for grey images, 3 for RGB.")
        c_out = check_int("Conv2d", "out_channels", out_channels, 1, "Hint: one output channel per kernel.")
        k = check_int("Conv2d", "kernel_size", _square(kernel_size), 1, "Hint: 3 means 3x3 kernels.")
        self.stride = check_int("Conv2d", "stride", stride, 1, STRIDE_HINT)
        self.padding = check_int("Conv2d", "padding", padding, 0, f"Hint: padding='same' is PyTorch's; here write "
                                 f"padding={(k - 1) // 2} (keeps the size for an odd kernel_size {k})."
                                 if isinstance(padding, str) and padding == "same" else PADDING_HINT)
        self.groups = FB._check_groups("Conv2d", c_in, c_out, groups)
        c_in //= self.groups                    # each kernel spans only its group's channels
        self.params["weight"] = _init_uniform("Conv2d", (c_out, c_in, k, k), c_in * k * k, rng)
        self.params["bias"] = _init_uniform("Conv2d", (c_out,), c_in * k * k, rng)

    def __repr__(self):
        c_out, c_in, k, _ = self.params["weight"].shape
        groups = f", groups={self.groups}" if self.groups > 1 else ""
        return (f"Conv2d({c_in * self.groups}, {c_out}, kernel_size={k}, stride={self.stride}, "
                f"padding={self.padding}{groups})")

    def describe(self, in_shape):
        c, h, w = _one_example(self, in_shape, 3)
        c_out, c_in, k, _ = self.params["weight"].shape
        c_in *= self.groups                     # the weight holds C_in/groups channels per kernel
        if c != c_in:
            raise ValueError(f"Conv2d.describe: in_shape must have {c_in} channels (in_channels), got {c} in "
                             f"{tuple(in_shape)}. Hint: in_channels is the previous layer's out_channels.")
        out = (c_out, output_size(h, k, self.stride, self.padding), output_size(w, k, self.stride, self.padding))
        fan_in = (c_in // self.groups) * k * k
        return LayerInfo("Conv2d", out, self.num_params(), int(np.prod(out)) * fan_in)   # nodes x fan-in

    def forward(self, x):
        x = self._input(x, (4,), "(N, C, H, W)")
        c_in = self.params["weight"].shape[1] * self.groups
        if x.shape[1] != c_in:
            fail("Conv2d.forward", f"x's channels (axis 1) for {self!r}", f"in_channels = {c_in}", x.shape[1],
                 NHWC_HINT if x.shape[3] == c_in else "Hint: in_channels must match the channels of the input.")
        k = self.params["weight"].shape[2]
        if k > min(x.shape[2:]) + 2 * self.padding:
            fail("Conv2d.forward", f"x's height and width for {self!r}", f"at least kernel_size - 2 * padding = "
                 f"{k - 2 * self.padding}", f"shape {x.shape}", "Hint: use a smaller kernel or more padding.")
        conv = F.conv2d_with_cols if self.groups == 1 else partial(FB.grouped_conv2d_with_cols, groups=self.groups)
        out = conv(x, self.params["weight"], self.params["bias"], self.stride, self.padding)
        return self._remember(out.y, x=x, cols=out.cols)      # cols: the im2col matrix, reused by backward

    skips_input_grad = True         # Sequential.backward(input_grad=False): the first layer needs no dx

    def backward(self, dy, input_grad=True):
        """dy (N, C_out, OH, OW) -> dx (N, C_in, H, W); ``input_grad=False``: no dx (None), see Sequential.backward."""
        dy, c = self._saved(dy)
        if self.groups == 1:                            # x, weight checked by forward, dy by _saved: no re-check
            g = F._conv2d_backward(dy, c["x"], self.params["weight"], self.stride, self.padding, cols=c["cols"],
                                   input_grad=input_grad)
        else:                                           # grouped (notebook 07): dx is always computed
            g = FB.grouped_conv2d_backward(dy, c["x"], self.params["weight"], self.stride, self.padding,
                                           groups=self.groups, cols=c["cols"])
        self.grads["weight"], self.grads["bias"] = g.dweight, g.dbias
        return g.dx


class MaxPool2d(Layer):
    """Max pooling: (N, C, H, W) -> (N, C, OH, OW); ``stride`` defaults to ``kernel_size``."""

    per_example = True              # see Layer.per_example: a batch may run as two halves

    def __init__(self, kernel_size, stride=None):
        super().__init__()
        self.kernel_size = check_int("MaxPool2d", "kernel_size", _square(kernel_size), 1, "Hint: 2 pools 2x2 windows.")
        self.stride = self.kernel_size if stride is None else check_int("MaxPool2d", "stride", stride, 1, STRIDE_HINT)

    def __repr__(self):
        return f"MaxPool2d(kernel_size={self.kernel_size}, stride={self.stride})"

    def describe(self, in_shape):
        c, h, w = _one_example(self, in_shape, 3)
        out = (c, output_size(h, self.kernel_size, self.stride), output_size(w, self.kernel_size, self.stride))
        return LayerInfo("MaxPool2d", out, 0, 0)

    def forward(self, x):
        x = self._input(x, (4,), "(N, C, H, W)")
        if self.kernel_size > min(x.shape[2:]):
            fail("MaxPool2d.forward", "x's height and width", f"at least kernel_size = {self.kernel_size}",
                 f"shape {x.shape}", NHWC_HINT if x.shape[3] in (1, 3, 4) and x.shape[2] > 4 else "Hint: pool less often.")
        with called_as("MaxPool2d.forward"):
            y = F.max_pool2d(x, self.kernel_size, self.stride)
        return self._remember(y, x=x, out=y)           # out kept: backward needs each window's maximum

    def backward(self, dy):
        dy, c = self._saved(dy)                         # x and out from forward, dy checked: no re-check
        return F._max_pool2d_backward(dy, c["x"], self.kernel_size, self.stride, c["out"])


class ReLU(Layer):
    """max(x, 0) elementwise; any shape in, same shape out."""

    per_example = True              # see Layer.per_example: a batch may run as two halves

    def describe(self, in_shape):
        return LayerInfo("ReLU", _one_example(self, in_shape, layout="(any axes)"), 0, 0)

    def forward(self, x):
        x = self._input(x, range(0, 9), "array of any shape")
        y = F.relu(x)
        # Only the output is kept: y > 0 exactly where x > 0, so backward needs no x (as in PyTorch), and x,
        # the size of a whole feature map, can be freed (speed: notebook 05's network keeps 2 MB less per half).
        return self._remember(y, out=y)             # out: also lets Sequential.backward see the next layer read it

    def backward(self, dy):
        dy, c = self._saved(dy)
        return F.relu_backward(dy, c["out"])        # passes where the output, so the input, was > 0


def _relu_then_pool(pair):
    """True when ``pair`` is a ReLU followed by a MaxPool2d that pooled what that ReLU output (last forward)."""
    return (len(pair) == 2 and type(pair[0]) is ReLU and type(pair[1]) is MaxPool2d and "out" in pair[0].cache
            and pair[1].cache.get("x") is pair[0].cache["out"])


class Flatten(Layer):
    """(N, C, H, W) -> (N, C*H*W): lines feature maps up for a fully connected layer."""

    per_example = True              # see Layer.per_example: a batch may run as two halves

    def describe(self, in_shape):
        return LayerInfo("Flatten", (int(np.prod(_one_example(self, in_shape, layout="(C, H, W)"))),), 0, 0)

    def forward(self, x):
        x = self._input(x, range(2, 9), "(N, C, H, W)", "Hint: Flatten keeps the batch axis; one image: x[None].")
        return self._remember(x.reshape(x.shape[0], -1), x_shape=x.shape)      # (N, C, H, W) -> (N, C*H*W)

    def backward(self, dy):
        dy, c = self._saved(dy)
        return dy.reshape(c["x_shape"])         # (N, C*H*W) -> (N, C, H, W): a new view, dy untouched


class Linear(Layer):
    """Fully connected: (N, in_features) -> (N, out_features); weight (out, in), bias (out,)."""

    per_example = True              # see Layer.per_example: a batch may run as two halves

    def __init__(self, in_features, out_features, rng=None):
        super().__init__()
        n_in = check_int("Linear", "in_features", in_features, 1, "Hint: C * H * W of the flattened input, e.g. 800.")
        n_out = check_int("Linear", "out_features", out_features, 1, "Hint: one output per class, e.g. 10.")
        self.params["weight"] = _init_uniform("Linear", (n_out, n_in), n_in, rng)
        self.params["bias"] = _init_uniform("Linear", (n_out,), n_in, rng)

    def __repr__(self):
        n_out, n_in = self.params["weight"].shape
        return f"Linear({n_in}, {n_out})"

    def describe(self, in_shape):
        (n,) = _one_example(self, in_shape, 1, "(in_features,)")
        n_out, n_in = self.params["weight"].shape
        if n != n_in:
            raise ValueError(f"Linear.describe: in_shape must be ({n_in},) (in_features), got ({n},). "
                             f"Hint: in_features is the number of values coming in, e.g. C*H*W after Flatten.")
        return LayerInfo("Linear", (n_out,), self.num_params(), n_out * n_in)

    def forward(self, x):
        x = self._input(x, (2,), "(N, in_features)", "Hint: put Flatten() before Linear; for one example use x[None].")
        n_in = self.params["weight"].shape[1]
        if x.shape[1] != n_in:
            fail("Linear.forward", f"x's features for {self!r}", f"in_features = {n_in}", x.shape[1],
                 f"Hint: make the layer Linear({x.shape[1]}, ...), or check the shape before Flatten (C * H * W).")
        return self._remember(F.linear(x, self.params["weight"], self.params["bias"]), x=x)

    def backward(self, dy):
        dy, c = self._saved(dy)
        g = F.linear_backward(dy, c["x"], self.params["weight"])
        self.grads["weight"], self.grads["bias"] = g.dweight, g.dbias
        return g.dx


def _all_layers(model):
    """``model`` and every layer inside it (recursing into ``.layers``), in order."""
    return [model] + [sub for layer in getattr(model, "layers", ()) for sub in _all_layers(layer)]


@contextlib.contextmanager
def inference(model):
    """Run ``model`` in evaluation mode, then put back every layer exactly as it was.

    Inside the ``with`` block forward passes may overwrite ``cache``; afterwards each layer's
    attributes (``cache``, ``training``, ``grads``, ...) are restored, so a ``backward`` after ``summary``,
    ``layer_outputs``, ``predict`` or ``evaluate`` still gets the gradients of the last training forward,
    and a backward run inside (notebook 06's saliency maps) leaves the gradients of training alone.
    """
    if isinstance(model, type) or not hasattr(model, "forward"):
        fail("inference", "model", "a model or layer (with forward)", show(model), "Hint: with inference(model): ...",
             TypeError)
    saved = [(layer, dict(vars(layer)), dict(layer.grads)) for layer in _all_layers(model)]
    if hasattr(model, "eval"):
        model.eval()
    try:
        yield model
    finally:
        for layer, state, grads in saved:
            vars(layer).clear()
            vars(layer).update(state)
            layer.grads = grads                         # backward edits the grads dict in place


def _children(container, layers, example):
    """``layers`` as a list if each is a layer (an instance with forward and backward), else a learner-facing
    TypeError naming the container (Sequential, notebook 01; Residual, 07); ``example`` is a valid child."""
    func = type(container).__name__
    for i, layer in enumerate(layers):
        if isinstance(layer, type) or not (hasattr(layer, "forward") and hasattr(layer, "backward")):
            hint = (f"Hint: pass the layers one by one, {func}({example}, ReLU()), or unpack a list: {func}(*layers)."
                    if isinstance(layer, (list, tuple)) else f"Hint: write {example}, with the parentheses.")
            fail(func, f"argument {i}", "a layer (with forward and backward)", show(layer), hint, TypeError)
    return list(layers)


# A container is per-example when all its children are (Sequential here, Residual in blocks.py).
_CHILDREN_PER_EXAMPLE = property(lambda self: all(getattr(layer, "per_example", False) for layer in self.layers))


class Sequential(Layer):
    """Layers applied one after another: ``forward`` runs them in order, ``backward`` in reverse."""

    skips_input_grad = True         # backward(dy, input_grad=False) passes it on to a first Conv2d
    per_example = _CHILDREN_PER_EXAMPLE

    def __init__(self, *layers):
        super().__init__()
        self.layers = _children(self, layers, "Conv2d(1, 8, 3)")

    def __repr__(self):
        inner = "".join(f"\n  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential({inner}\n)"

    def forward(self, x):
        x = check_array("Sequential.forward", "x", x, None, "(N, C, H, W)")   # NaN / inf: scanned once, here
        with checked_once():
            for layer in self.layers:
                x = layer.forward(x)
        return self._remember(x)

    def backward(self, dy, input_grad=True):
        """Gradients from the output's ``dy`` back to the input's (returned); fills every layer's ``grads``.

        ``input_grad=False``: when the first layer can skip it (a Conv2d), no gradient is computed for
        the network's input and None is returned. Training never uses that gradient (``train_step``
        asks for none), and PyTorch skips it too for inputs that do not require grad.
        """
        dy, _ = self._saved(dy)
        with checked_once():
            i = len(self.layers) - 1
            while i >= 0:
                layer = self.layers[i]
                if i == 0 and not input_grad and getattr(layer, "skips_input_grad", False):
                    return layer.backward(dy, input_grad=False)
                if _relu_then_pool(self.layers[i - 1:i + 1]):
                    # Speed, "fused masks": ReLU's backward passes dy where its input was > 0, and max pooling
                    # routes each window's dy to the window's maximum, which was > 0 exactly when the pooled
                    # output is > 0. So ReLU's mask can be applied to the pooled gradient, 4x smaller for 2x2
                    # pooling, and ReLU's own pass over the whole feature map is skipped (the same numbers;
                    # notebook 05: 0.3 ms of a 9 ms half batch). Layer by layer gives the same dy.
                    dy = layer.backward(dy * (layer.cache["out"] > 0))     # (N, C, OH, OW) -> (N, C, H, W)
                    i -= 2
                    continue
                dy = layer.backward(dy)
                i -= 1
        return dy

    def layer_outputs(self, x):
        """``forward`` that keeps every layer's output: a list, item ``i`` from ``self.layers[i]``.

        x (N, C, H, W) -> [(N, C_1, H_1, W_1), ..., (N, K)]; the last item is ``forward(x)``.
        Runs in evaluation mode and leaves every layer's ``cache`` as it was (see :func:`inference`).
        What the explorers and the feature-map figures show (notebooks 01 and 05).
        """
        x = check_array("Sequential.layer_outputs", "x", x, None, "(N, C, H, W)")
        outputs = []
        with inference(self), checked_once():
            for layer in self.layers:
                x = layer.forward(x)
                outputs.append(x)
        return outputs

    def describe(self, in_shape):
        """The layers' :class:`LayerInfo` chained: the last output shape, the sums of params and mult_adds."""
        rows = self.summary(in_shape)
        return LayerInfo("Sequential", rows[-1]["output_shape"], sum(r["params"] for r in rows),
                         sum(r["mult_adds"] for r in rows))

    def summary(self, input_shape):
        """One row per layer for one input of ``input_shape`` (C, H, W): what it does to the shape.

        Returns a list of dicts with ``layer`` (repr), ``output_shape`` (without the batch axis),
        ``nodes`` (values in that output), ``params`` (learnable values), ``mult_adds`` (for one
        example), from each layer's :meth:`~Layer.describe`: nothing runs. Introduced in notebook 01.
        """
        func = "Sequential.summary"
        if not isinstance(input_shape, (tuple, list)):
            fail(func, "input_shape", "a tuple (C, H, W)", show(input_shape),
                 "Hint: one example's shape, e.g. (1, 28, 28), or x.shape[1:].", TypeError)
        if len(input_shape) != 3:
            fail(func, "input_shape", "3 numbers (C, H, W)", tuple(input_shape), "Hint: leave out the batch axis "
                 "and keep the channel axis, e.g. (1, 28, 28) for a grey digit.")
        shape = tuple(check_int(func, "input_shape", n, 1, "Hint: e.g. (1, 28, 28).") for n in input_shape)
        rows = [dict(layer="input", output_shape=shape, nodes=int(np.prod(shape)), params=0, mult_adds=0)]
        for i, layer in enumerate(self.layers):
            try:
                info = layer.describe(shape)
            except (ValueError, TypeError) as error:            # say which layer cannot take this shape
                raise type(error)(f"{func}: layer {i}, {layer!r}, on shape {shape}: {error}") from None
            shape = info.out_shape
            rows.append(dict(layer=repr(layer), output_shape=shape, nodes=int(np.prod(shape)), params=info.params,
                             mult_adds=info.mult_adds))
        return rows
