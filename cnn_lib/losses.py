"""The output layer's softmax and the training loss (cross-entropy), computed stably.

The loss is not part of the network: at prediction time the output layer gives scores
(logits) or probabilities; during training the loss compares them with the labels.
Introduced in notebook 01, differentiated in notebook 04.
"""
import numpy as np

from ._checks import check_ndim


def softmax(logits):
    """Scores -> probabilities along the last axis: (N, K) -> (N, K), each row sums to 1.

    Subtracting the row maximum first changes nothing mathematically and keeps exp() finite.
    """
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient.

    logits (N, K) floats; labels (N,) int class ids in 0..K-1.
    Returns ``(mean_loss, dlogits)``: a Python float and (N, K) = (softmax - one_hot) / N.
    Uses log-sum-exp, so logits of 1000 give a finite loss.
    """
    func = "softmax_cross_entropy"
    check_ndim(func, "logits", logits, 2, "(N, K): one row of K class scores per example",
               "Hint: for one example use logits[None].")
    labels = np.asarray(labels)
    N, K = logits.shape
    if labels.shape != (N,):
        raise ValueError(f"{func}: labels must have shape (N,) = ({N},), one class id per row of logits, "
                         f"got shape {labels.shape}. Hint: pass integer ids like y[:{N}], not one-hot vectors.")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"{func}: labels must be integer class ids, got dtype {labels.dtype}. "
                        f"Hint: labels.astype(int).")
    if N and (labels.min() < 0 or labels.max() >= K):
        bad = labels[(labels < 0) | (labels >= K)][0]
        raise ValueError(f"{func}: labels must be in 0..{K - 1} (there are K = {K} classes), got {bad}. "
                         f"Hint: the output layer needs one score per class.")
    z = logits - logits.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))     # log softmax, (N, K)
    rows = np.arange(N)
    loss = -log_probs[rows, labels].mean()
    dlogits = np.exp(log_probs)                                        # softmax, (N, K)
    dlogits[rows, labels] -= 1
    return float(loss), dlogits / N
