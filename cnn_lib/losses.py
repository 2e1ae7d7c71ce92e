"""The output layer's softmax and the training loss (cross-entropy), computed stably.

The loss is not part of the network: at prediction time the output layer gives scores
(logits) or probabilities; during training the loss compares them with the labels.
Introduced in notebook 01, differentiated in notebook 04.
"""
import numpy as np

from ._checks import as_array, check_array, fail, show

LR_HINT = ("Hint: the weights blew up (or the input holds NaN): lower the learning rate, e.g. lr / 10, "
           "and rebuild the model and optimizer.")


def softmax(logits):
    """Scores -> probabilities along the last axis: (N, K) -> (N, K), each row sums to 1.

    Subtracting the row maximum first changes nothing mathematically and keeps exp() finite.
    """
    logits = check_array("softmax", "logits", logits, None, "(N, K)")      # NaN / inf refused with a hint
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
    logits = check_array(func, "logits", logits, 2, "(N, K): one row of K class scores per example",
                         "Hint: for one example use logits[None].", finite=False)
    if not np.isfinite(logits).all():
        fail(func, "logits", "finite numbers", "NaN or inf", LR_HINT, FloatingPointError)
    labels = as_array(func, "labels", labels, "(N,)")
    N, K = logits.shape
    if labels.shape != (N,):
        fail(func, "labels", f"of shape (N,) = ({N},), one class id per row of logits", f"shape {labels.shape}",
             "Hint: for one-hot labels use labels.argmax(axis=1); else pass y[:N] sliced like x."
             if labels.shape == (N, K) else f"Hint: pass integer ids like y[:{N}], sliced like the inputs.")
    if not np.issubdtype(labels.dtype, np.integer):
        fail(func, "labels", "integer class ids", f"dtype {labels.dtype} ({show(labels.ravel()[:3].tolist())})",
             "Hint: labels.astype(int).", TypeError)
    if labels.min() < 0 or labels.max() >= K:
        bad = labels[(labels < 0) | (labels >= K)][0]
        fail(func, "labels", f"in 0..{K - 1} (there are K = {K} classes)", bad,
             "Hint: the output layer needs one score per class, e.g. Linear(..., 10) for the digits.")
    z = logits - logits.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))     # log softmax, (N, K)
    rows = np.arange(N)
    loss = -log_probs[rows, labels].mean()
    dlogits = np.exp(log_probs)                                        # softmax, (N, K)
    dlogits[rows, labels] -= 1
    return float(loss), dlogits / N
