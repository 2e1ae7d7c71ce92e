"""Worked solutions of the implementation exercises, written the way a learner would: loops first.

The notebooks show each one inside a folded ``<details>`` block, generated from this file by
``tools/solution_cells.py``; a test checks the notebooks' copies are this code and that each is
accepted by :func:`cnn_lib.exercises.check_implementation`.
"""
import numpy as np

from ..losses import softmax_cross_entropy


def output_size(n, kernel_size, stride=1, padding=0):
    # The kernel can start at 0, stride, 2*stride, ... as long as it fits in the padded input
    # (n + 2*padding pixels): there are (n + 2*padding - kernel_size) pixels of room, so
    # room // stride steps (round DOWN: a kernel sticking out is not used), plus the start at 0.
    room = n + 2 * padding - kernel_size
    return room // stride + 1


def conv_node(x, kernel, i, j):
    # Node (i, j) lays the kernel on the window whose top-left corner is x[i, j] and adds up
    # kernel[a, b] * x[i + a, j + b] over every weight: cross-correlation, no flip.
    total = 0.0
    for a in range(kernel.shape[0]):
        for b in range(kernel.shape[1]):
            total += kernel[a, b] * x[i + a, j + b]
    return total


def conv2d_naive(x, weight, bias=None, stride=1, padding=0):
    # One node at a time: output channel o uses kernel weight[o], which spans ALL input channels.
    N, C, H, W = x.shape
    C_out, _, KH, KW = weight.shape
    OH = (H + 2 * padding - KH) // stride + 1
    OW = (W + 2 * padding - KW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))   # pad H and W only
    y = np.zeros((N, C_out, OH, OW))
    for n in range(N):
        for o in range(C_out):
            for i in range(OH):
                for j in range(OW):
                    patch = xp[n, :, i * stride:i * stride + KH, j * stride:j * stride + KW]   # (C, KH, KW)
                    y[n, o, i, j] = np.sum(patch * weight[o])
                    if bias is not None:
                        y[n, o, i, j] += bias[o]
    return y


def max_pool2d_naive(x, kernel_size, stride=None):
    # Each node keeps the largest value of its window; by default the windows sit side by side.
    if stride is None:
        stride = kernel_size
    N, C, H, W = x.shape
    OH = (H - kernel_size) // stride + 1
    OW = (W - kernel_size) // stride + 1
    y = np.zeros((N, C, OH, OW))
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    window = x[n, c, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size]
                    y[n, c, i, j] = window.max()
    return y


def softmax(logits):
    # exp makes every score positive, dividing by the row's sum makes each row add up to 1.
    # Subtracting the row's maximum first changes nothing (it cancels) and keeps exp() finite.
    z = logits - logits.max(axis=1, keepdims=True)      # (N, K) - (N, 1)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)             # (N, K) / (N, 1)


def relu_backward(dy, x):
    # y = max(x, 0) has slope 1 where x > 0 and 0 elsewhere (PyTorch takes 0 at x = 0):
    # the chain rule multiplies the incoming gradient by that slope.
    return dy * (x > 0)


def linear_backward(dy, x, weight):
    # y = x @ weight.T + bias, so y[n, o] = sum_i x[n, i] * weight[o, i] + bias[o]:
    # dx[n, i] = sum_o dy[n, o] * weight[o, i]; dweight[o, i] = sum_n dy[n, o] * x[n, i]
    # (a sum over the batch: one weight serves every example); dbias[o] = sum_n dy[n, o].
    dx = dy @ weight               # (N, out) @ (out, in) -> (N, in)
    dweight = dy.T @ x             # (out, N) @ (N, in) -> (out, in)
    dbias = dy.sum(axis=0)         # (N, out) -> (out,)
    return dx, dweight, dbias


def softmax_cross_entropy(logits, labels):
    # loss_n = -log softmax(z_n)[label_n] = log(sum_k exp(z_nk)) - z_n,label, averaged over the batch.
    # Its gradient: (softmax - one_hot) / N. The max is subtracted first so exp() stays finite.
    N = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)                  # (N, K)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))    # (N, K)
    loss = -log_probs[np.arange(N), labels].mean()
    dlogits = np.exp(log_probs)                                     # softmax, (N, K)
    dlogits[np.arange(N), labels] -= 1                              # minus one_hot
    return loss, dlogits / N


def conv2d_backward_naive(dy, x, weight, stride=1, padding=0):
    # Node (n, o, i, j) computed sum(weight[o] * window) + bias[o], where the window is the
    # (C, KH, KW) patch of the padded input at (i*stride, j*stride). Its gradient dy[n, o, i, j]
    # goes back to each factor: dweight[o] += dy * window, dwindow += dy * weight[o].
    # Shared weights and overlapping windows ADD their contributions (+=).
    N, C, H, W = x.shape
    C_out, _, KH, KW = weight.shape
    _, _, OH, OW = dy.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp = np.zeros(xp.shape)
    dweight = np.zeros(weight.shape)
    for n in range(N):
        for o in range(C_out):
            for i in range(OH):
                for j in range(OW):
                    rows = slice(i * stride, i * stride + KH)
                    cols = slice(j * stride, j * stride + KW)
                    dweight[o] += dy[n, o, i, j] * xp[n, :, rows, cols]
                    dxp[n, :, rows, cols] += dy[n, o, i, j] * weight[o]
    dx = dxp[:, :, padding:padding + H, padding:padding + W]        # drop the padding's gradient
    dbias = dy.sum(axis=(0, 2, 3))                                   # bias[o] is in every node of channel o
    return dx, dweight, dbias


def max_pool2d_backward_naive(dy, x, kernel_size, stride=None):
    # Only the window's maximum reached the output, so only it gets the window's dy; on a tie,
    # the first maximum in row order (np.argmax), as PyTorch. Overlapping windows add up.
    if stride is None:
        stride = kernel_size
    N, C, OH, OW = dy.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    window = x[n, c, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size]
                    a, b = np.unravel_index(np.argmax(window), window.shape)   # position of the first max
                    dx[n, c, i * stride + a, j * stride + b] += dy[n, c, i, j]
    return dx


def sgd_momentum_step(weight, grad, velocity, lr, momentum):
    # PyTorch's form: the velocity remembers past gradients, v = momentum * v + grad, and the
    # weight steps against it, w = w - lr * v. New arrays are returned; the inputs stay as they were.
    new_velocity = momentum * velocity + grad
    new_weight = weight - lr * new_velocity
    return new_weight, new_velocity


def train_step(model, optimizer, x, y):
    # One iteration: forward, loss, backward (which stores every layer's gradients), update.
    logits = model.forward(x)
    loss, dlogits = softmax_cross_entropy(logits, y)
    model.backward(dlogits)
    optimizer.step()
    return loss, logits


SOLUTIONS = {f.__name__: f for f in (output_size, conv_node, conv2d_naive, max_pool2d_naive, softmax,
                                      relu_backward, linear_backward, softmax_cross_entropy,
                                      conv2d_backward_naive, max_pool2d_backward_naive,
                                      sgd_momentum_step, train_step)}
