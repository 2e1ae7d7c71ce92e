"""Numbers about a trained classifier and what runs inside it: the confusion matrix and a few helpers.

Numpy only; introduced in notebook 05 (train a CNN). Labels and predictions are integer class
ids ``0..K-1`` (for the digits, K = 10).
"""
import numpy as np

from ._checks import as_array, called_as, check_array, check_int, check_ndim, check_size, fail, show
from .train import History


def _class_ids(func, name, values, num_classes):
    """``values`` as a 1-D int array of ids in 0..num_classes-1, else a learner-facing error."""
    values = as_array(func, name, values, "(N,)")
    check_ndim(func, name, values, 1, "(N,): one class id per example", "Hint: for logits use .argmax(axis=1).")
    if not np.issubdtype(values.dtype, np.integer):
        raise TypeError(f"{func}: {name} must be integer class ids, got dtype {values.dtype}. "
                        f"Hint: predictions are logits.argmax(axis=1); labels.astype(int) converts.")
    bad = values[(values < 0) | (values >= num_classes)]
    if bad.size:
        raise ValueError(f"{func}: {name} must be in 0..{num_classes - 1} (num_classes = {num_classes}), "
                         f"got {bad[0]}. Hint: num_classes counts every class, e.g. 10 for the digits.")
    return values


def confusion_matrix(y_true, y_pred, num_classes):
    """Count every (true class, predicted class) pair: y_true (N,), y_pred (N,) -> (K, K) int64.

    ``matrix[i, j]`` is how many examples of class ``i`` were predicted as class ``j``: the
    diagonal holds the correct answers, each row sums to the number of examples of that class.
    Introduced in notebook 05.
    """
    func = "confusion_matrix"
    K = check_int(func, "num_classes", num_classes, 1, "Hint: 10 for the digits 0-9.")
    check_size(func, "the K x K matrix", K * K, 8, "Hint: num_classes counts the classes, e.g. 10 for the digits.")
    y_true = _class_ids(func, "y_true", y_true, K)
    y_pred = _class_ids(func, "y_pred", y_pred, K)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{func}: y_true and y_pred must have one entry per example, got {len(y_true)} "
                         f"labels and {len(y_pred)} predictions. Hint: predict on the same examples.")
    pairs = y_true * K + y_pred                              # (N,): one number per (true, predicted) pair
    return np.bincount(pairs, minlength=K * K).reshape(K, K)  # (K*K,) -> (K, K)


def most_confused(matrix):
    """The most frequent mistake in a confusion matrix (K, K): ``(pairs, count)``.

    ``pairs`` lists every off-diagonal ``(true, predicted)`` cell holding the largest count
    (usually one; several when tied); ``count`` is that count (0 when there is no mistake).
    """
    matrix = check_array("most_confused", "matrix", matrix, 2, "(K, K)", "Hint: pass confusion_matrix(...).")
    if matrix.shape[0] != matrix.shape[1] or (matrix < 0).any() or (matrix != np.round(matrix)).any():
        fail("most_confused", "matrix", "a square (K, K) matrix of counts", show(matrix),
             "Hint: pass confusion_matrix(y_true, y_pred, num_classes).")
    matrix = matrix.astype(np.int64)
    off = matrix * (1 - np.eye(*matrix.shape, dtype=matrix.dtype))    # mistakes only: diagonal -> 0
    count = int(off.max())
    pairs = [(int(i), int(j)) for i, j in np.argwhere(off == count) if i != j] if count else []
    return pairs, count


def multiply_adds(model, input_shape):
    """Multiply-adds that ``model`` (any layer or Sequential) does for ONE input of shape (C, H, W).

    A node of a Conv2d or Linear layer does one multiply-add per weight of its kernel (its fan-in),
    so a layer costs ``nodes * fan_in``; the whole-network count says how much work one image is.
    Each layer counts its own in :meth:`~cnn_lib.layers.Layer.describe`; this adds them up.
    """
    if not callable(getattr(model, "describe", None)):
        fail("multiply_adds", "model", "a layer or Sequential (with describe)", show(model),
             "Hint: multiply_adds(model, (1, 28, 28)).", TypeError)
    with called_as("multiply_adds"):
        return model.describe(input_shape).mult_adds


def join_histories(*histories):
    """One :class:`~cnn_lib.train.History` from several :func:`~cnn_lib.train.fit` runs, one after another."""
    joined = History()
    for i, history in enumerate(histories):
        if not isinstance(history, History):
            fail("join_histories", f"argument {i}", "a History returned by fit", show(history),
                 "Hint: join_histories(history1, history2), one History per fit call.", TypeError)
        for name, values in vars(history).items():
            getattr(joined, name).extend(values)
    return joined
