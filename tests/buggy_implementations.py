"""Buggy versions of the implementation exercises, written the way learners get them wrong.

``BUGS`` lists ``(exercise name, buggy function, words the hint must contain)``; each function
has exactly one typical bug. Used by tests/test_implement.py.
"""
import numpy as np

from cnn_lib.losses import softmax_cross_entropy as _ce


# ---------------------------------------------------------------- output_size
def size_rounds_up(n, kernel_size, stride=1, padding=0):
    return int(np.ceil((n + 2 * padding - kernel_size) / stride)) + 1


def size_no_floor(n, kernel_size, stride=1, padding=0):
    return (n + 2 * padding - kernel_size) / stride + 1


def size_no_plus_one(n, kernel_size, stride=1, padding=0):
    return (n + 2 * padding - kernel_size) // stride


def size_one_sided_padding(n, kernel_size, stride=1, padding=0):
    return (n + padding - kernel_size) // stride + 1


def size_plus_one_inside(n, kernel_size, stride=1, padding=0):
    return (n + 2 * padding - kernel_size + 1) // stride


def size_round(n, kernel_size, stride=1, padding=0):
    return round((n + 2 * padding - kernel_size) / stride) + 1


# ---------------------------------------------------------------- conv_node
def node_flipped(x, kernel, i, j):
    k = kernel[::-1, ::-1]
    return sum(k[a, b] * x[i + a, j + b] for a in range(k.shape[0]) for b in range(k.shape[1]))


def node_swapped_ij(x, kernel, i, j):
    return sum(kernel[a, b] * x[j + a, i + b] for a in range(kernel.shape[0]) for b in range(kernel.shape[1]))


def node_mean(x, kernel, i, j):
    return np.mean(x[i:i + kernel.shape[0], j:j + kernel.shape[1]] * kernel)


def node_no_weights(x, kernel, i, j):
    return x[i:i + kernel.shape[0], j:j + kernel.shape[1]].sum()


# ---------------------------------------------------------------- conv2d_naive
def _conv(x, weight, bias, stride, padding, flip=False, use_bias=True, last_channel=False, step=True,
          pad_output=False):
    N, C, H, W = x.shape
    C_out, _, KH, KW = weight.shape
    OH = (H + 2 * padding - KH) // stride + 1
    OW = (W + 2 * padding - KW) // stride + 1
    xp = x if pad_output else np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    w = weight[:, :, ::-1, ::-1] if flip else weight
    y = np.zeros((N, C_out, OH, OW))
    t = stride if step else 1
    for n in range(N):
        for o in range(C_out):
            for i in range(OH - (2 * padding if pad_output else 0)):
                for j in range(OW - (2 * padding if pad_output else 0)):
                    r = i + padding if pad_output else i
                    q = j + padding if pad_output else j
                    if last_channel:
                        for c in range(C):
                            y[n, o, r, q] = np.sum(xp[n, c, i * t:i * t + KH, j * t:j * t + KW] * w[o, c])
                    else:
                        y[n, o, r, q] = np.sum(xp[n, :, i * t:i * t + KH, j * t:j * t + KW] * w[o])
                    if use_bias and bias is not None:
                        y[n, o, r, q] += bias[o]
    return y


def conv_flipped(x, weight, bias=None, stride=1, padding=0):
    return _conv(x, weight, bias, stride, padding, flip=True)


def conv_no_bias(x, weight, bias=None, stride=1, padding=0):
    return _conv(x, weight, bias, stride, padding, use_bias=False)


def conv_channel_overwritten(x, weight, bias=None, stride=1, padding=0):
    return _conv(x, weight, bias, stride, padding, last_channel=True)


def conv_stride_ignored(x, weight, bias=None, stride=1, padding=0):
    return _conv(x, weight, bias, stride, padding, step=False)


def conv_padding_on_output(x, weight, bias=None, stride=1, padding=0):
    return _conv(x, weight, bias, stride, padding, pad_output=True)


def conv_nhwc(x, weight, bias=None, stride=1, padding=0):
    return _conv(x, weight, bias, stride, padding).transpose(0, 2, 3, 1)


def conv_bias_none_crash(x, weight, bias=None, stride=1, padding=0):
    y = _conv(x, weight, None, stride, padding)
    return y + bias[None, :, None, None]          # TypeError when bias is None


# ---------------------------------------------------------------- max_pool2d_naive
def _pool(x, kernel_size, stride, reduce=np.max, start=None, default_stride=None):
    s = (default_stride or kernel_size) if stride is None else stride
    N, C, H, W = x.shape
    OH, OW = (H - kernel_size) // s + 1, (W - kernel_size) // s + 1
    y = np.zeros((N, C, OH, OW))
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    window = x[n, c, i * s:i * s + kernel_size, j * s:j * s + kernel_size]
                    if start is None:
                        y[n, c, i, j] = reduce(window)
                    else:
                        best = start
                        for v in window.ravel():
                            best = max(best, v)
                        y[n, c, i, j] = best
    return y


def pool_average(x, kernel_size, stride=None):
    return _pool(x, kernel_size, stride, reduce=np.mean)


def pool_max_starts_at_zero(x, kernel_size, stride=None):
    return _pool(x, kernel_size, stride, start=0.0)


def pool_default_stride_one(x, kernel_size, stride=None):
    return _pool(x, kernel_size, stride, default_stride=1)


def pool_stride_argument_ignored(x, kernel_size, stride=None):
    return _pool(x, kernel_size, None)


# ---------------------------------------------------------------- softmax
def softmax_axis0(logits):
    e = np.exp(logits - logits.max())
    return e / e.sum(axis=0)


def softmax_overflow(logits):
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def softmax_no_keepdims(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)


def softmax_whole_batch(logits):
    e = np.exp(logits - logits.max())
    return e / e.sum()


# ---------------------------------------------------------------- relu_backward
def relu_back_mask_from_dy(dy, x):
    return dy * (dy > 0)


def relu_back_no_dy(dy, x):
    return (x > 0) * 1.0


def relu_back_at_zero(dy, x):
    return np.where(x >= 0, dy, 0.0)


def relu_back_in_place(dy, x):
    dy[x <= 0] = 0
    return dy


def relu_back_no_return(dy, x):
    dx = dy * (x > 0)  # noqa: F841, the bug: no return


# ---------------------------------------------------------------- linear_backward
def linear_back_dweight_transposed(dy, x, weight):
    return dy @ weight, x.T @ dy, dy.sum(axis=0)


def linear_back_dbias_not_summed(dy, x, weight):
    return dy @ weight, dy.T @ x, dy


def linear_back_dweight_overwritten(dy, x, weight):
    dweight = np.zeros(weight.shape)
    for n in range(len(x)):
        dweight = np.outer(dy[n], x[n])
    return dy @ weight, dweight, dy.sum(axis=0)


def linear_back_dbias_mean(dy, x, weight):
    return dy @ weight, dy.T @ x, dy.mean(axis=0)


def linear_back_two_values(dy, x, weight):
    return dy @ weight, dy.T @ x


# ---------------------------------------------------------------- softmax_cross_entropy
def _probs(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def ce_loss_summed(logits, labels):
    p = _probs(logits)
    N = len(labels)
    loss = -np.sum(np.log(p[np.arange(N), labels]))
    grad = p.copy()
    grad[np.arange(N), labels] -= 1
    return loss, grad / N


def ce_grad_not_divided(logits, labels):
    p = _probs(logits)
    N = len(labels)
    grad = p.copy()
    grad[np.arange(N), labels] -= 1
    return -np.mean(np.log(p[np.arange(N), labels])), grad


def ce_overflow(logits, labels):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    N = len(labels)
    grad = p.copy()
    grad[np.arange(N), labels] -= 1
    return -np.mean(np.log(p[np.arange(N), labels])), grad / N


def ce_no_one_hot(logits, labels):
    p = _probs(logits)
    N = len(labels)
    return -np.mean(np.log(p[np.arange(N), labels])), p / N


def ce_swapped_return(logits, labels):
    loss, grad = _ce(logits, labels)
    return grad, loss


def ce_per_example_loss(logits, labels):
    p = _probs(logits)
    N = len(labels)
    grad = p.copy()
    grad[np.arange(N), labels] -= 1
    return -np.log(p[np.arange(N), labels]), grad / N


# ---------------------------------------------------------------- conv2d_backward_naive
def _conv_back(dy, x, weight, stride, padding, add_w=True, add_x=True, crop=True, dbias="right"):
    N, C, H, W = x.shape
    C_out, _, KH, KW = weight.shape
    _, _, OH, OW = dy.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp, dweight = np.zeros(xp.shape), np.zeros(weight.shape)
    for n in range(N):
        for o in range(C_out):
            for i in range(OH):
                for j in range(OW):
                    rows, cols = slice(i * stride, i * stride + KH), slice(j * stride, j * stride + KW)
                    if add_w:
                        dweight[o] += dy[n, o, i, j] * xp[n, :, rows, cols]
                    else:
                        dweight[o] = dy[n, o, i, j] * xp[n, :, rows, cols]
                    if add_x:
                        dxp[n, :, rows, cols] += dy[n, o, i, j] * weight[o]
                    else:
                        dxp[n, :, rows, cols] = dy[n, o, i, j] * weight[o]
    dx = dxp[:, :, padding:padding + H, padding:padding + W] if crop else dxp
    db = {"right": dy.sum(axis=(0, 2, 3)), "per_example": dy.sum(axis=(2, 3)),
          "mean": dy.mean(axis=(0, 2, 3)), "batch_only": dy.sum(axis=0)}[dbias]
    return dx, dweight, db


def conv_back_dweight_overwritten(dy, x, weight, stride=1, padding=0):
    return _conv_back(dy, x, weight, stride, padding, add_w=False)


def conv_back_dx_overwritten(dy, x, weight, stride=1, padding=0):
    return _conv_back(dy, x, weight, stride, padding, add_x=False)


def conv_back_dx_not_cropped(dy, x, weight, stride=1, padding=0):
    return _conv_back(dy, x, weight, stride, padding, crop=False)


def conv_back_dbias_per_example(dy, x, weight, stride=1, padding=0):
    return _conv_back(dy, x, weight, stride, padding, dbias="per_example")


def conv_back_dbias_mean(dy, x, weight, stride=1, padding=0):
    return _conv_back(dy, x, weight, stride, padding, dbias="mean")


# ---------------------------------------------------------------- max_pool2d_backward_naive
def _pool_back(dy, x, kernel_size, stride, how):
    s = kernel_size if stride is None else stride
    k = kernel_size
    N, C, OH, OW = dy.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    window = x[n, c, i * s:i * s + k, j * s:j * s + k]
                    region = dx[n, c, i * s:i * s + k, j * s:j * s + k]
                    if how == "spread":
                        region += dy[n, c, i, j] / window.size
                    elif how == "ties":
                        region += dy[n, c, i, j] * (window == window.max())
                    elif how == "overwrite":
                        a, b = np.unravel_index(np.argmax(window), window.shape)
                        region[a, b] = dy[n, c, i, j]
                    elif how == "ones":
                        a, b = np.unravel_index(np.argmax(window), window.shape)
                        region[a, b] += 1.0
    return dx


def pool_back_spread(dy, x, kernel_size, stride=None):
    return _pool_back(dy, x, kernel_size, stride, "spread")


def pool_back_every_tie(dy, x, kernel_size, stride=None):
    return _pool_back(dy, x, kernel_size, stride, "ties")


def pool_back_overwrite(dy, x, kernel_size, stride=None):
    return _pool_back(dy, x, kernel_size, stride, "overwrite")


def pool_back_ignores_dy(dy, x, kernel_size, stride=None):
    return _pool_back(dy, x, kernel_size, stride, "ones")


# ---------------------------------------------------------------- sgd_momentum_step
def sgd_plus_sign(weight, grad, velocity, lr, momentum):
    v = momentum * velocity + grad
    return weight + lr * v, v


def sgd_old_velocity(weight, grad, velocity, lr, momentum):
    new_weight = weight - lr * velocity
    return new_weight, momentum * velocity + grad


def sgd_in_place(weight, grad, velocity, lr, momentum):
    velocity *= momentum
    velocity += grad
    return weight - lr * velocity, velocity


def sgd_no_momentum(weight, grad, velocity, lr, momentum):
    return weight - lr * grad, grad


def sgd_dampened(weight, grad, velocity, lr, momentum):
    v = momentum * velocity + (1 - momentum) * grad
    return weight - lr * v, v


# ---------------------------------------------------------------- train_step
def train_no_update(model, optimizer, x, y):
    logits = model.forward(x)
    loss, dlogits = _ce(logits, y)
    model.backward(dlogits)
    return loss, logits


def train_step_before_backward(model, optimizer, x, y):
    logits = model.forward(x)
    loss, dlogits = _ce(logits, y)
    optimizer.step()
    model.backward(dlogits)
    return loss, logits


def train_gradient_ascent(model, optimizer, x, y):
    logits = model.forward(x)
    loss, dlogits = _ce(logits, y)
    model.backward(-dlogits)
    optimizer.step()
    return loss, logits


def train_loss_after_update(model, optimizer, x, y):
    logits = model.forward(x)
    _, dlogits = _ce(logits, y)
    model.backward(dlogits)
    optimizer.step()
    loss, _ = _ce(model.forward(x), y)
    return loss, logits


def softmax_sigmoid(logits):
    return 1 / (1 + np.exp(-logits))


def relu_back_sign(dy, x):
    return dy * np.sign(x)


def pool_back_row_col_swapped(dy, x, kernel_size, stride=None):
    s = kernel_size if stride is None else stride
    k = kernel_size
    dx = np.zeros(x.shape)
    for n in range(dy.shape[0]):
        for c in range(dy.shape[1]):
            for i in range(dy.shape[2]):
                for j in range(dy.shape[3]):
                    a = np.argmax(x[n, c, i * s:i * s + k, j * s:j * s + k])
                    dx[n, c, i * s + a % k, j * s + a // k] += dy[n, c, i, j]
    return dx


def train_two_steps(model, optimizer, x, y):
    logits = model.forward(x)
    loss, dlogits = _ce(logits, y)
    model.backward(dlogits)
    optimizer.step()
    optimizer.step()
    return loss, logits


def sgd_weight_unchanged(weight, grad, velocity, lr, momentum):
    v = momentum * velocity + grad
    return weight, v


def conv_zeros_like_x(x, weight, bias=None, stride=1, padding=0):
    y = np.zeros_like(x)
    C_out, _, KH, KW = weight.shape
    for i in range(x.shape[2] - KH + 1):
        for j in range(x.shape[3] - KW + 1):
            y[0, 0, i, j] = np.sum(x[0, :, i:i + KH, j:j + KW] * weight[0])
    return y


def pool_argmax(x, kernel_size, stride=None):
    s = kernel_size if stride is None else stride
    N, C, H, W = x.shape
    OH, OW = (H - kernel_size) // s + 1, (W - kernel_size) // s + 1
    y = np.zeros((N, C, OH, OW))
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    y[n, c, i, j] = np.argmax(x[n, c, i * s:i * s + kernel_size, j * s:j * s + kernel_size])
    return y


def ce_mean_over_all_entries(logits, labels):
    p = _probs(logits)
    one_hot = np.eye(logits.shape[1])[labels]
    grad = (p - one_hot) / len(labels)
    return -np.mean(one_hot * np.log(p)), grad


def conv_back_dbias_total(dy, x, weight, stride=1, padding=0):
    dx, dweight, _ = _conv_back(dy, x, weight, stride, padding)
    return dx, dweight, dy.sum()


def pool_back_returns_dy(dy, x, kernel_size, stride=None):
    return dy * 1.0


def pool_back_default_stride_one(dy, x, kernel_size, stride=None):
    if stride is None:
        stride = 1
    dx = np.zeros(x.shape)
    for n in range(dy.shape[0]):
        for c in range(dy.shape[1]):
            for i in range(dy.shape[2]):
                for j in range(dy.shape[3]):
                    window = x[n, c, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * stride + a, j * stride + b] += dy[n, c, i, j]
    return dx


def softmax_global_max(logits):
    e = np.exp(logits - np.max(logits))
    return e / e.sum(axis=1, keepdims=True)


def ce_global_max(logits, labels):
    z = logits - logits.max()
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    N = len(labels)
    grad = np.exp(log_probs)
    grad[np.arange(N), labels] -= 1
    return -log_probs[np.arange(N), labels].mean(), grad / N


def linear_back_dbias_keepdims(dy, x, weight):
    return dy @ weight, dy.T @ x, dy.sum(axis=0, keepdims=True)


def conv_manual_pad_negative_slice(x, weight, bias=None, stride=1, padding=0):
    N, C, H, W = x.shape
    xp = np.zeros((N, C, H + 2 * padding, W + 2 * padding))
    xp[:, :, padding:-padding, padding:-padding] = x
    return _conv(xp, weight, bias, stride, 0)


def conv_back_crop_negative_slice(dy, x, weight, stride=1, padding=0):
    dxp, dweight, dbias = _conv_back(dy, x, weight, stride, padding, crop=False)
    return dxp[:, :, padding:-padding, padding:-padding], dweight, dbias


BUGS = [
    ("output_size", size_rounds_up, "rounded up"),
    ("output_size", size_no_floor, "forgot to round"),
    ("output_size", size_no_plus_one, "forgot the + 1"),
    ("output_size", size_one_sided_padding, "both sides"),
    ("output_size", size_plus_one_inside, "inside the division"),
    ("output_size", size_round, "round()"),
    ("conv_node", node_flipped, "flipped the kernel"),
    ("conv_node", node_swapped_ij, "rows and columns are swapped"),
    ("conv_node", node_mean, "averaged"),
    ("conv_node", node_no_weights, "without the kernel's weights"),
    ("conv2d_naive", conv_flipped, "flipped the kernel"),
    ("conv2d_naive", conv_no_bias, "bias is missing"),
    ("conv2d_naive", conv_channel_overwritten, "only the last input channel"),
    ("conv2d_naive", conv_stride_ignored, "stride is ignored inside the loop"),
    ("conv2d_naive", conv_padding_on_output, "padded the output instead of the input"),
    ("conv2d_naive", conv_nhwc, "channels last"),
    ("conv2d_naive", conv_manual_pad_negative_slice, "-0 is 0"),
    ("conv2d_naive", conv_zeros_like_x, "np.zeros_like(x)"),
    ("conv2d_naive", conv_bias_none_crash, "bias=None means no bias"),
    ("max_pool2d_naive", pool_average, "you averaged"),
    ("max_pool2d_naive", pool_argmax, "np.argmax"),
    ("max_pool2d_naive", pool_max_starts_at_zero, "started at 0"),
    ("max_pool2d_naive", pool_default_stride_one, "stride=None the stride is the kernel size"),
    ("max_pool2d_naive", pool_stride_argument_ignored, "stride argument is ignored"),
    ("softmax", softmax_axis0, "each column sums to 1"),
    ("softmax", softmax_overflow, "overflows"),
    ("softmax", softmax_no_keepdims, "keepdims=True"),
    ("softmax", softmax_whole_batch, "whole batch"),
    ("softmax", softmax_sigmoid, "sigmoid"),
    ("softmax", softmax_global_max, "largest score of the whole batch"),
    ("relu_backward", relu_back_mask_from_dy, "mask came from dy"),
    ("relu_backward", relu_back_no_dy, "mask (x > 0) alone"),
    ("relu_backward", relu_back_at_zero, "x == 0"),
    ("relu_backward", relu_back_sign, "sign(x)"),
    ("relu_backward", relu_back_in_place, "changed its input dy in place"),
    ("relu_backward", relu_back_no_return, "forget the return"),
    ("linear_backward", linear_back_dweight_transposed, "dweight is transposed"),
    ("linear_backward", linear_back_dbias_not_summed, "dbias was not summed over the batch"),
    ("linear_backward", linear_back_dweight_overwritten, "only the last example"),
    ("linear_backward", linear_back_dbias_mean, "dbias was averaged"),
    ("linear_backward", linear_back_dbias_keepdims, "only axes of length 1 differ"),
    ("linear_backward", linear_back_two_values, "return 3 values"),
    ("softmax_cross_entropy", ce_loss_summed, "loss was summed"),
    ("softmax_cross_entropy", ce_grad_not_divided, "gradient was not divided by N"),
    ("softmax_cross_entropy", ce_overflow, "overflowed"),
    ("softmax_cross_entropy", ce_global_max, "largest logit of the whole batch"),
    ("softmax_cross_entropy", ce_mean_over_all_entries, "all N*K entries"),
    ("softmax_cross_entropy", ce_no_one_hot, "one-hot part is missing"),
    ("softmax_cross_entropy", ce_swapped_return, "in the place of"),
    ("softmax_cross_entropy", ce_per_example_loss, "must be one number"),
    ("conv2d_backward_naive", conv_back_dweight_overwritten, "dweight was overwritten instead of accumulated"),
    ("conv2d_backward_naive", conv_back_dx_overwritten, "dx was overwritten where windows overlap"),
    ("conv2d_backward_naive", conv_back_dx_not_cropped, "dx still has the padding"),
    ("conv2d_backward_naive", conv_back_crop_negative_slice, "-0 is 0"),
    ("conv2d_backward_naive", conv_back_dbias_per_example, "not summed over the batch and positions"),
    ("conv2d_backward_naive", conv_back_dbias_mean, "dbias was averaged"),
    ("conv2d_backward_naive", conv_back_dbias_total, "output channels too"),
    ("max_pool2d_backward_naive", pool_back_spread, "spread over the whole window"),
    ("max_pool2d_backward_naive", pool_back_default_stride_one, "stride=None the stride is the kernel size"),
    ("max_pool2d_backward_naive", pool_back_returns_dy, "you returned dy itself"),
    ("max_pool2d_backward_naive", pool_back_every_tie, "every tied maximum"),
    ("max_pool2d_backward_naive", pool_back_overwrite, "overwrote each other"),
    ("max_pool2d_backward_naive", pool_back_ignores_dy, "dy was ignored"),
    ("max_pool2d_backward_naive", pool_back_row_col_swapped, "row and column are swapped"),
    ("sgd_momentum_step", sgd_plus_sign, "uphill"),
    ("sgd_momentum_step", sgd_old_velocity, "OLD velocity"),
    ("sgd_momentum_step", sgd_in_place, "changed its input velocity in place"),
    ("sgd_momentum_step", sgd_no_momentum, "momentum is ignored"),
    ("sgd_momentum_step", sgd_dampened, "damped"),
    ("train_step", train_no_update, "did not change"),
    ("train_step", train_step_before_backward, "BEFORE optimizer.step()"),
    ("train_step", train_gradient_ascent, "uphill"),
    ("train_step", train_loss_after_update, "AFTER the update"),
    ("train_step", train_two_steps, "moved twice"),
    ("sgd_momentum_step", sgd_weight_unchanged, "the input weight, unchanged"),
]


# ---------------------------------------------------------------- issue 14's adversarial review: more mistakes
def node_loops_one_short(x, kernel, i, j):
    KH, KW = kernel.shape
    return sum(kernel[a, b] * x[i + a, j + b] for a in range(KH - 1) for b in range(KW - 1))


def node_products_not_summed(x, kernel, i, j):
    return x[i:i + kernel.shape[0], j:j + kernel.shape[1]] * kernel


def _conv_loops(x, weight, bias, stride, padding, oh=None, ow=None, kw=None, short=0, pad=None, step=None,
                bias_per_channel=False):
    """conv2d by loops with one learner's slip: its own output size, kernel width, loop end, padding, step."""
    N, C, H, W = x.shape
    C_out, _, KH, KW = weight.shape
    kw = kw or KW
    pad = pad or ((padding, padding), (padding, padding))
    xp = np.pad(x, ((0, 0), (0, 0)) + pad)
    OH = oh or (H + 2 * padding - KH) // stride + 1
    OW = ow or (W + 2 * padding - kw) // stride + 1
    t = step or stride
    y = np.zeros((N, C_out, OH, OW))
    for n in range(N):
        for o in range(C_out):
            for i in range(OH - short):
                for j in range(OW - short):
                    for c in range(C):
                        patch = xp[n, c, i * t:i * t + KH, j * t:j * t + KW]
                        if patch.shape != (KH, KW):          # a window sticking out: the zeros beyond the edge
                            patch = np.pad(patch, ((0, KH - patch.shape[0]), (0, KW - patch.shape[1])))
                        y[n, o, i, j] += np.sum(patch * weight[o, c])
                        if bias_per_channel and bias is not None:
                            y[n, o, i, j] += bias[o]
                    if bias is not None and not bias_per_channel:
                        y[n, o, i, j] += bias[o]
    return y


def conv_ceil_size(x, weight, bias=None, stride=1, padding=0):
    (N, C, H, W), (_, _, KH, KW) = x.shape, weight.shape
    return _conv_loops(x, weight, bias, stride, padding, oh=int(np.ceil((H + 2 * padding - KH) / stride)) + 1,
                       ow=int(np.ceil((W + 2 * padding - KW) / stride)) + 1)


def conv_width_from_height(x, weight, bias=None, stride=1, padding=0):
    return _conv_loops(x, weight, bias, stride, padding, ow=(x.shape[2] + 2 * padding - weight.shape[3]) // stride + 1)


def conv_square_kernel(x, weight, bias=None, stride=1, padding=0):
    return _conv_loops(x, weight, bias, stride, padding, kw=weight.shape[2])


def conv_loops_one_short(x, weight, bias=None, stride=1, padding=0):
    return _conv_loops(x, weight, bias, stride, padding, short=1)


def conv_padding_one_side(x, weight, bias=None, stride=1, padding=0):
    return _conv_loops(x, weight, bias, stride, padding, pad=((0, 2 * padding), (0, 2 * padding)))


def conv_stride_twice(x, weight, bias=None, stride=1, padding=0):
    N, C, H, W = x.shape
    C_out, _, KH, KW = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    OH, OW = (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1
    y = np.zeros((N, C_out, OH, OW))
    for i in range(OH):
        for j in range(OW):
            r = min(i * stride * stride, xp.shape[2] - KH)
            q = min(j * stride * stride, xp.shape[3] - KW)
            y[:, :, i, j] = np.tensordot(xp[:, :, r:r + KH, q:q + KW], weight, axes=([1, 2, 3], [1, 2, 3]))
    return y if bias is None else y + bias[None, :, None, None]


def conv_bias_per_input_channel(x, weight, bias=None, stride=1, padding=0):
    return _conv_loops(x, weight, bias, stride, padding, bias_per_channel=True)


BUGS += [
    ("conv_node", node_loops_one_short, "loops stop one short"),
    ("conv_node", node_products_not_summed, "a node is their SUM"),
    ("conv2d_naive", conv_ceil_size, "rounded the output size up (ceil)"),
    ("conv2d_naive", conv_width_from_height, "width came from the height"),
    ("conv2d_naive", conv_square_kernel, "kernel's width was taken from its height"),
    ("conv2d_naive", conv_loops_one_short, "range(OH - 1)"),
    ("conv2d_naive", conv_padding_one_side, "padding is all on one side"),
    ("conv2d_naive", conv_stride_twice, "stride was applied twice"),
    ("conv2d_naive", conv_bias_per_input_channel, "once per input channel"),
]


def pool_ceil_mode(x, kernel_size, stride=None):
    s = kernel_size if stride is None else stride
    N, C, H, W = x.shape
    OH, OW = -(-(H - kernel_size) // s) + 1, -(-(W - kernel_size) // s) + 1
    y = np.zeros((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):                                 # the last windows are cut by the edge
            y[:, :, i, j] = x[:, :, i * s:i * s + kernel_size, j * s:j * s + kernel_size].max(axis=(2, 3))
    return y


def pool_abs_max(x, kernel_size, stride=None):
    return _pool(x, kernel_size, stride, reduce=lambda window: np.abs(window).max())


def pool_window_one_short(x, kernel_size, stride=None):
    s = kernel_size if stride is None else stride
    N, C, H, W = x.shape
    y = np.zeros((N, C, (H - kernel_size) // s + 1, (W - kernel_size) // s + 1))
    for i in range(y.shape[2]):
        for j in range(y.shape[3]):
            y[:, :, i, j] = x[:, :, i * s:i * s + kernel_size - 1, j * s:j * s + kernel_size - 1].max(axis=(2, 3))
    return y


def softmax_whole_batch(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum()


def softmax_log(logits):
    z = logits - logits.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def linear_back_dbias_zeros(dy, x, weight):
    return dy @ weight, dy.T @ x, np.zeros(weight.shape[0])


def ce_columns_not_rows(logits, labels):
    p = _probs(logits)
    d = p.copy()
    d[:, labels] -= 1
    return -np.log(p[:, labels]).mean(), d / len(labels)


def ce_no_log(logits, labels):
    p = _probs(logits)
    N = len(labels)
    d = p.copy()
    d[np.arange(N), labels] -= 1
    return -p[np.arange(N), labels].mean(), d / N


def ce_grad_from_logits(logits, labels):
    N, K = logits.shape
    return -np.log(_probs(logits)[np.arange(N), labels]).mean(), (logits - np.eye(K)[labels]) / N


def conv_back_dweight_unpadded(dy, x, weight, stride=1, padding=0):
    dx, _, db = _conv_back(dy, x, weight, stride, padding)
    ends = np.pad(x, ((0, 0), (0, 0), (0, 2 * padding), (0, 2 * padding)))      # the zeros all at the end
    return dx, _conv_back(dy, ends, weight, stride, 0)[1], db


def pool_back_starts_from_x(dy, x, kernel_size, stride=None):
    s = kernel_size if stride is None else stride
    dx = x.copy()
    N, C, OH, OW = dy.shape
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    window = x[n, c, i * s:i * s + kernel_size, j * s:j * s + kernel_size]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * s + a, j * s + b] += dy[n, c, i, j]
    return dx


def sgd_no_lr(weight, grad, velocity, lr, momentum):
    v = momentum * velocity + grad
    return weight - v, v


def sgd_momentum_on_grad(weight, grad, velocity, lr, momentum):
    v = velocity + momentum * grad
    return weight - lr * v, v


def train_logits_after_step(model, optimizer, x, y):
    loss, dlogits = _ce(model.forward(x), y)
    model.backward(dlogits)
    optimizer.step()
    return loss, model.forward(x)


def train_loss_times_n(model, optimizer, x, y):
    logits = model.forward(x)
    loss, dlogits = _ce(logits, y)
    model.backward(dlogits)
    optimizer.step()
    return loss * len(y), logits


def train_softmax_before_loss(model, optimizer, x, y):
    logits = model.forward(x)
    loss, dprobs = _ce(_probs(logits), y)
    model.backward(dprobs)
    optimizer.step()
    return loss, logits


BUGS += [
    ("max_pool2d_naive", pool_ceil_mode, "rounded the output size up (ceil)"),
    ("max_pool2d_naive", pool_abs_max, "largest absolute value"),
    ("max_pool2d_naive", pool_window_one_short, "one pixel short"),
    ("softmax", softmax_whole_batch, "whole batch was normalised together"),
    ("softmax", softmax_log, "log-softmax"),
    ("linear_backward", linear_back_dbias_zeros, "dbias is all zeros"),
    ("softmax_cross_entropy", ce_columns_not_rows, "p[np.arange(N), labels]"),
    ("softmax_cross_entropy", ce_no_log, "the log is missing"),
    ("softmax_cross_entropy", ce_grad_from_logits, "raw logits"),
    ("conv2d_backward_naive", conv_back_dweight_unpadded, "dweight was computed from the unpadded x"),
    ("max_pool2d_backward_naive", pool_back_starts_from_x, "dx started from x"),
    ("sgd_momentum_step", sgd_no_lr, "learning rate is missing"),
    ("sgd_momentum_step", sgd_momentum_on_grad, "momentum multiplies the wrong term"),
    ("train_step", train_logits_after_step, "second forward pass"),
    ("train_step", train_loss_times_n, "loss is N times too large"),
    ("train_step", train_softmax_before_loss, "softmax was applied before the loss"),
]


def conv_first_example_only(x, weight, bias=None, stride=1, padding=0):
    y = _conv_loops(x[:1], weight, bias, stride, padding)
    return np.concatenate([y] * len(x))


BUGS += [("conv2d_naive", conv_first_example_only, "read x[n], not x[0]")]
