"""Two threads over the two halves of a batch (data parallelism): training and prediction on two cores.

Why the result is the same: in a CNN without batch statistics (no BatchNorm, no Dropout) each example
goes through the network on its own, so the forward pass of half a batch gives those examples'
logits, and the gradient of the batch's mean loss is the halves' gradients weighted by their share
of the examples::

    L = (n_a * L_a + n_b * L_b) / N    so    dL/dw = (n_a / N) dL_a/dw + (n_b / N) dL_b/dw

with ``L_a`` the mean loss over half a. PyTorch's DistributedDataParallel does the same with one
process per core or machine ("all-reduce" adds the gradients).

Why it is faster: numpy releases Python's global interpreter lock (GIL) inside matrix products,
copies and elementwise loops, so two Python threads really compute at the same time on two cores;
each half's work is done by one thread with its own copy of every layer's ``cache`` (the weights
are shared: one array, read by both).

Why runs repeat exactly, on any machine: a batch is always cut into the same two halves and their
gradients are always added in the same order, whether one core computes them one after the other
or two cores at the same time (:func:`set_threads`).
"""
import contextvars
import copy
import ctypes
import os
from concurrent.futures import ThreadPoolExecutor

from ._checks import check_int

MIN_SPLIT = 32      # smaller batches run whole: halves of fewer than 16 examples gain less than a hand-over costs


def _usable_cores():
    """Cores this process may run on (a container or ``taskset`` may allow fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _reuse_freed_memory():
    """Speed (Linux's C library, glibc): keep freed memory for the next step instead of returning it to the OS.

    By default glibc hands arrays of ~128 KB and more straight back to the operating system when freed,
    so each training step's im2col matrices and feature maps come as fresh pages the kernel must zero
    (page faults): notebook 05's first epoch took 1.3x longer than the others, the second thread's
    steps up to 1.7x. Arrays up to 32 MB are now reused (larger ones still go back at once); the heap
    keeps up to 64 MB free (glibc's own rule: twice that). Elsewhere (macOS, Windows) nothing changes.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 * 2**20)            # M_MMAP_THRESHOLD: below this, from the reusable heap
        libc.mallopt(-1, 64 * 2**20)            # M_TRIM_THRESHOLD: free memory kept at the heap's top
    except (OSError, AttributeError):           # not glibc: its allocator is left as it is
        pass


def _blas_on_one_thread():
    """True when the BLAS library was told to use one thread (``OPENBLAS_NUM_THREADS=1``, as the course sets).

    Otherwise each matrix product may already use every core, and two threads of our own on top
    would make four threads fight for two cores (2x slower, measured): then the halves run one
    after the other.
    """
    return any(os.environ.get(name) == "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"))


_reuse_freed_memory()
_threads = 2 if _usable_cores() >= 2 and _blas_on_one_thread() else 1
_pool = None                                    # one worker thread, started on first use


def set_threads(n):
    """Compute the two halves of a batch on ``n`` = 1 or 2 threads; returns the previous setting.

    The default is 2 when this process may use two cores or more and BLAS runs on one thread
    (``OPENBLAS_NUM_THREADS=1``, which ``course.py``, Binder and notebook 05's first cell set), else 1.
    The numbers computed are the same either way (the halves are the same); 1 leaves the second core
    to someone else, for example on a classroom server where each learner should use one core.
    """
    global _threads
    n = check_int("set_threads", "n", n, 1, "Hint: 1 (one core) or 2 (two cores).")
    if n > 2:
        raise ValueError(f"set_threads: n must be 1 or 2 (a batch is cut into two halves), got {n}. "
                         f"Hint: set_threads(2) uses two cores; more would change the numbers computed.")
    previous, _threads = _threads, n
    return previous


def _halves(model, n):
    """The two halves ``(slice, slice)`` of a batch of ``n`` examples, or None when it runs whole.

    Whole when the batch is small (< ``MIN_SPLIT``) or when a layer of ``model`` mixes the examples of
    a batch (BatchNorm2d's batch statistics, Dropout's random draws: their ``per_example`` is False).
    """
    if n < MIN_SPLIT or not getattr(model, "per_example", False):
        return None
    half = n // 2
    return slice(0, half), slice(half, n)


def _twin(layer):
    """A copy of ``layer`` (and of its children) sharing its weights, with its own ``cache`` and ``grads``."""
    copied = copy.copy(layer)                   # shallow: the same params dict, so the same weight arrays
    copied.cache, copied.grads = {}, {}
    if hasattr(layer, "layers"):
        copied.layers = [_twin(child) for child in layer.layers]
    return copied


def _run_both(first, second):
    """``(first(), second())``: on two threads when set so (``second`` in the worker), else one after the other.

    Both finish before this returns or raises (an error in ``first`` is raised after ``second`` is done).
    The worker runs in a copy of the caller's context, so ``np.errstate`` settings apply there too.
    """
    global _pool
    if _threads < 2:
        return first(), second()
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cnn_lib")
    future = _pool.submit(contextvars.copy_context().run, second)
    try:
        a = first()
    except BaseException:
        future.exception()                      # wait for the worker, then raise first()'s error
        raise
    return a, future.result()


def _map_batches(model, forward, x, batch_size):
    """``[forward(model, x[i:i + batch_size]) for every batch]``, the first half of the batches on one thread
    and the second half on another, each with its own twin of ``model`` (the same batches, so the same
    numbers as one after the other). For evaluation, where nothing is learned: ``predict``, ``top_patches``.
    """
    starts = range(0, len(x), batch_size)
    if len(starts) < 2 or _halves(model, len(x)) is None:
        return [forward(model, x[i:i + batch_size]) for i in starts]
    middle = len(starts) // 2
    twins = _twin(model), _twin(model)          # each with its own cache; the same weights
    first, second = (lambda m=m, part=part: [forward(m, x[i:i + batch_size]) for i in part]
                     for m, part in zip(twins, (starts[:middle], starts[middle:])))
    a, b = _run_both(first, second)
    return a + b
