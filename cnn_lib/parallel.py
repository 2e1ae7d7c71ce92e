"""The two halves of a batch on two cores (data parallelism): training and prediction.

Why the result is the same: in a CNN without batch statistics (no BatchNorm, no Dropout) each example
goes through the network on its own, so the forward pass of half a batch gives those examples'
logits, and the gradient of the batch's mean loss is the halves' gradients weighted by their share
of the examples::

    L = (n_a * L_a + n_b * L_b) / N    so    dL/dw = (n_a / N) dL_a/dw + (n_b / N) dL_b/dw

with ``L_a`` the mean loss over half a. PyTorch's DistributedDataParallel does the same with one
process per core or machine ("all-reduce" adds the gradients).

Where the halves run: the first here; the second in a *helper process* (a second Python, started on
first use; :mod:`cnn_lib._helper` says why not a thread: two threads of one Python wait for each
other's lock). While it starts (about 0.15 s) both halves run here, one after the other. When it
cannot be used (a model with a learner's own layer classes, a system that allows no second process),
the second half runs on a thread of this process instead: numpy releases the lock inside matrix
products and copies, so that is still faster than one core. Each half runs on a *twin* of the model,
with its own ``cache`` (the weights are shared).

Why runs repeat exactly, on any machine: a batch is always cut into the same two halves and their
gradients are always added in the same order, whether one core computes them one after the other
or two cores at the same time (:func:`set_threads`), in a thread or in the helper process.
"""
import contextvars
import ctypes
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from . import _helper as _helper_module
from .layers import _all_layers
from ._checks import check_int

MIN_SPLIT = 32      # smaller batches run whole: halves of fewer than 16 examples gain less than a hand-over costs


def _usable_cores(cgroup="/sys/fs/cgroup"):
    """Cores this process may use: those it may run on (``taskset``, a container's cpuset), and no more
    than its CPU quota (JupyterHub's ``cpu_limit``, ``docker --cpus``: the cgroup's ``cpu.max``)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota = _cpu_quota(cgroup)
    return cores if quota is None else max(1, min(cores, int(quota)))


def _cpu_quota(cgroup):
    """CPUs per second the cgroup allows (1.5: one and a half), or None for no limit (or not Linux)."""
    try:
        with open(f"{cgroup}/cpu.max") as limit:                      # cgroup v2: "<quota> <period>" or "max ..."
            quota, period = limit.read().split()
    except (OSError, ValueError):
        try:                                                            # cgroup v1: a quota of -1 is no limit
            with open(f"{cgroup}/cpu/cpu.cfs_quota_us") as q, open(f"{cgroup}/cpu/cpu.cfs_period_us") as p:
                quota, period = q.read().strip(), p.read().strip()
        except OSError:
            return None
    return None if quota in ("max", "-1") or not period.isdigit() or int(period) == 0 else int(quota) / int(period)


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
_helper = None                                  # the helper process (_helper.Helper), started on first use; False: none
_use_helper = True                              # False: the second half always on a thread (tests compare the two)
_helper_lock = threading.Lock()                 # one request at a time (two threads training at once: one waits)
_code_at_import = None                          # _code() once cnn_lib was imported (set by cnn_lib/__init__.py)
_CODE_MODULES = ("functional", "functional_blocks", "layers", "blocks", "losses")    # the maths a half runs
PATIENCE = 5.0      # seconds (+ 10x the first half's time) the helper may take before it is stopped


def set_threads(n):
    """Compute the two halves of a batch on ``n`` = 1 or 2 cores; returns the previous setting.

    2: the second half in the helper process (started on first use; a thread of this process until
    it is ready); 1: both halves here, one after the other, and no helper process is started.
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


_twin = _helper_module.twin       # a copy of the model sharing its weights, with its own cache and grads


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


def _half(model, x, y, share):
    """Forward, loss and backward of one half of a batch: ``(loss, logits, grads)``, with ``grads`` the
    gradient arrays in ``model.named_slots()`` order (see ``train._forward_backward``)."""
    from .train import _forward_backward        # here, not at the top: train imports this module
    loss, logits = _forward_backward(model, x, y, share)
    return loss, logits, [layer.grads[key] for _, layer, key in model.named_slots()]


def _batches(model, x, batch_size, upto=None, channel=None):
    """``[output of each batch of x]``, batches of ``batch_size`` in order: ``model.forward``, or with ``upto``
    only ``model.layers[:upto + 1]`` and then channel ``channel`` of that output (``features.top_patches``)."""
    outputs = []
    for i in range(0, len(x), batch_size):
        batch = x[i:i + batch_size]
        if upto is None:
            outputs.append(model.forward(batch))
            continue
        for layer in model.layers[:upto + 1]:
            batch = layer.forward(batch)
        outputs.append(batch[:, channel])
    return outputs


_JOBS = {job.__name__: job for job in (_half, _batches)}     # what the helper process may be asked to do


def _map_batches(model, x, batch_size, upto=None, channel=None):
    """:func:`_batches` of ``x``, for evaluation (nothing is learned): ``predict``, ``top_patches``.

    When ``model`` may be split, the first half of ``x`` and the second half go to two cores, each in
    batches of ``batch_size`` (:func:`_on_two_cores`); one core computes the same batches (the same numbers).
    """
    halves = _halves(model, len(x)) if len(x) > batch_size else None
    if halves is None:
        return _batches(model, x, batch_size, upto, channel)
    a, b = _on_two_cores(model, _batches, *((x[half], batch_size, upto, channel) for half in halves))
    return a + b


def _on_two_cores(model, job, first, second):
    """``(job(twin, *first), job(twin, *second))``: a job (:data:`_JOBS`) on both halves of a batch.

    Each half runs on its own twin of ``model`` (the model's own ``cache`` and ``grads`` are left
    alone). The first half runs here; the second in the helper process when it is ready, else on the
    worker thread (:func:`_run_both`), or after the first when :func:`set_threads` says one core.
    """
    def on_threads():
        twins = _twin(model), _twin(model)      # the same weights, their own cache and grads
        return _run_both(lambda: job(twins[0], *first), lambda: job(twins[1], *second))

    if not _helper_lock.acquire(blocking=False):    # another thread of this process is using the helper
        return on_threads()
    try:
        helper = _helper_for(model)
        ticket = helper.submit(model, job.__name__, second) if helper else None
        if ticket is None and _use_helper and _helper and _helper.starting():
            # Speed: while the helper starts (~0.15 s importing numpy and cnn_lib) both halves run here, one
            # after the other: a thread beside it made three busy threads on two cores (steps of 19-20 ms, not 17-18)
            return job(_twin(model), *first), job(_twin(model), *second)
        if ticket is None:
            return on_threads()
        start = time.perf_counter()             # the helper computes from here on: the twin is made after
        a = job(_twin(model), *first)           # if this raises, the helper's reply is dropped later
        patience = PATIENCE + 10 * (time.perf_counter() - start)   # then it is stopped: nothing waits forever
        if not helper.still_holds(model):       # a layer changed since the helper got the model
            helper.result(ticket, patience)     # computed with the old model: dropped
            return a, job(_twin(model), *second)
        status, b = helper.result(ticket, patience)
        if status == "error":
            raise b                             # the second half's error, as a thread would raise it
        return a, (b if status == "ok" else job(_twin(model), *second))   # else the helper could not compute it
    finally:
        _helper_lock.release()


def _forget_after_fork():
    """In a forked copy of this process: the parent's worker thread and helper process are not its own."""
    global _pool, _helper, _helper_lock
    _pool, _helper, _helper_lock = None, None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def _code():
    """A fingerprint of the code a half runs: each function and class of :data:`_CODE_MODULES`, and each
    method of those classes. The helper imports cnn_lib afresh, so when a learner has replaced one of
    them here (``cnn_lib.functional.relu = ...``, ``%autoreload``) the second half must not go there."""
    ids = []
    for name in _CODE_MODULES:
        for value in vars(sys.modules[f"cnn_lib.{name}"]).values():
            if callable(value):
                ids.append(id(value))
                if isinstance(value, type):
                    ids += [id(method) for method in vars(value).values() if callable(method)]
    return hash(tuple(ids))


def _helper_for(model):
    """The helper process, when it is ready and may compute a half of ``model``; else None (use a thread).

    Only models built from cnn_lib's own layer classes go there, while cnn_lib's code is as it was
    imported: a class defined in a notebook does not exist in the helper, and a function replaced here
    is not replaced there. The helper is started on first use and takes about 0.15 s to be ready;
    until then both halves run here (:func:`_on_two_cores`).
    """
    global _helper
    if _threads < 2 or not _use_helper or not all(type(layer).__module__.startswith("cnn_lib.")
                                                  for layer in _all_layers(model)) or _code() != _code_at_import:
        return None
    if _helper is None:
        try:
            _helper = _helper_module.Helper()
        except Exception:                       # no new process (or shared memory) allowed here: threads only
            _helper = False
    return _helper if _helper and _helper.usable() else None
