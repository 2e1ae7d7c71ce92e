"""The helper process of :mod:`cnn_lib.parallel`: a second Python that computes the second half of a batch.

Why a process and not a thread: a second thread of the same Python shares its global interpreter
lock (GIL). Around each of the ~150 numpy calls of a half step one thread waits for the other, so
two threads took 10.7 ms per half of notebook 05's batches where one thread alone takes 8.7 ms;
two processes take 9.0 ms (benchmarks/README.md). PyTorch's DistributedDataParallel also runs one
process per core.

How they talk: the helper is started with ``subprocess`` (no ``multiprocessing``: that re-runs a
learner's script or notebook in the child on macOS and Windows). Requests go down its stdin,
replies come up its stdout, one pickle each. The numbers themselves (weights, images, gradients)
travel through two blocks of shared memory, one each way, so that a step does not copy them
through a pipe twice (0.3 ms a step). The helper ends when this process closes the pipe, or dies.

A request is ``(ticket, model, weights, job, args, errstate)``: ``model`` the pickled :func:`twin` without weights
model (None when the helper holds it already), ``weights`` its arrays in ``named_slots()`` order,
``job`` a name in ``parallel._JOBS``; a reply is ``(ticket, status, result)``.
"""
import atexit
import contextlib
import copy
import json
import mmap
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import numpy as np

from .layers import _all_layers

SHARED_BYTES = 32 * 2**20       # each way; bigger messages (e.g. top_patches of 4,000 digits) take the pipe
READY = b"cnn_lib helper ready"         # written at the start of the helper's block once it can take requests
DATA = 64                               # where the arrays start in a block (after READY)


PATIENCE = 5.0                          # seconds a request may wait for room in the pipe
STARTUP = 30.0                          # seconds the helper may take to be ready (a crowded server: imports are slow)
_WARNED = {}                            # warnings from the helper already shown ("default": once per place)


def _stamps():
    """Size and modification time of every file of the cnn_lib package (the helper must import the same)."""
    folder = Path(__file__).resolve().parent
    return {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in sorted(folder.glob("*.py"))}


_STAMPS = _stamps()                     # as they were when this process imported cnn_lib


@contextlib.contextmanager
def _interrupts_deferred():
    """Ctrl-C (SIGINT) during the block takes effect at its end, so that a message is read or written whole.

    Only the main thread receives signals; elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and callable(previous):
            previous(signal.SIGINT, caught[0])          # usually raises KeyboardInterrupt
        elif caught and previous == signal.SIG_DFL:
            signal.raise_signal(signal.SIGINT)


def twin(layer, weights=True):
    """A copy of ``layer`` (and of its children) with its own ``cache`` and ``grads``.

    ``weights=True``: it shares the layer's weight arrays (``parallel``'s twins, one per half);
    ``weights=False``: it has none, ``params`` keeps its keys (``named_slots()``'s order) with None,
    what the helper keeps between requests (each request brings the weights).
    """
    copied = copy.copy(layer)                   # shallow: the same params dict, so the same weight arrays
    copied.cache, copied.grads = {}, {}
    if not weights:
        copied.params = dict.fromkeys(layer.params)
    if hasattr(layer, "layers"):
        copied.layers = [twin(child, weights) for child in layer.layers]
    return copied


# ---------------------------------------------------------------- shared memory and pipes
def _shared_block(handle=None):
    """``(block, handle)``: SHARED_BYTES of memory shared with the other process, and what opens it there.

    On Windows a named mapping; elsewhere an unlinked temporary file (in /dev/shm when there is one:
    memory, not disk) whose descriptor the helper inherits, so nothing is left behind by a crash.
    """
    if os.name == "nt":
        handle = handle or f"cnn_lib-{os.getpid()}-{time.monotonic_ns()}"
        return mmap.mmap(-1, SHARED_BYTES, tagname=handle), handle
    if handle is None:
        handle, path = tempfile.mkstemp(prefix="cnn_lib-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
        os.unlink(path)
        os.ftruncate(handle, SHARED_BYTES)      # a sparse file: memory is used only where written
    return mmap.mmap(handle, SHARED_BYTES), handle


def _aligned(n):
    return -(-n // 64) * 64                     # each array starts on a 64-byte boundary


def send(pipe, block, message):
    """Write ``message`` to ``pipe``, the data of its arrays through ``block`` (when they fit in it)."""
    buffers = []
    meta = pickle.dumps(message, protocol=5, buffer_callback=buffers.append)   # arrays: described, not copied
    views = [buffer.raw() for buffer in buffers]
    sizes = [view.nbytes for view in views]
    if DATA + sum(map(_aligned, sizes)) > SHARED_BYTES:
        meta, sizes = pickle.dumps(message, protocol=5), None                    # all through the pipe
    else:
        start = DATA
        for view, size in zip(views, sizes):
            block[start:start + size] = view
            start += _aligned(size)
    pipe.write(pickle.dumps((meta, sizes), protocol=5))
    pipe.flush()


def receive(pipe, block, copied):
    """Read one message from ``pipe`` (EOFError when the other side has gone). Its arrays are views of
    ``block`` (valid until the next message), or with ``copied`` arrays of their own."""
    meta, sizes = pickle.load(pipe)
    if sizes is None:
        return pickle.loads(meta)
    buffers, start = [], DATA
    for size in sizes:
        view = memoryview(block)[start:start + size]
        buffers.append(bytearray(view) if copied else view)
        start += _aligned(size)
    return pickle.loads(meta, buffers=buffers)


# ---------------------------------------------------------------- this process's side
class Helper:
    """The helper process, seen from the main process (see the module's doc)."""

    def __init__(self):
        self.owner = os.getpid()                # a forked copy of this process must not write to the helper
        (self.down, down), (self.up, up) = _shared_block(), _shared_block()
        # The helper imports this very cnn_lib (its folder first on sys.path, before the working directory,
        # which may hold another copy) and refuses to start if its files changed since they were imported here.
        package_parent = str(Path(__file__).resolve().parent.parent)
        start = f"import sys; sys.path[0] = {package_parent!r}; from cnn_lib._helper import serve; serve()"
        fds = () if os.name == "nt" else (down, up)
        try:
            self.process = subprocess.Popen([sys.executable, "-c", start, str(down), str(up), json.dumps(_STAMPS)],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, pass_fds=fds)
        finally:
            for fd in fds:
                os.close(fd)                    # the helper has its own copy; the blocks stay mapped here
        self.started = time.monotonic()
        self.sent, self.key, self.refused = None, None, set()   # the model it holds (pickled), and its key
        self.ticket, self.pending = 0, None                      # the last request; one not yet answered
        self.waiting_since, self.patience = None, 0.0
        threading.Thread(target=self._watch, name="cnn_lib-helper-watch", daemon=True).start()
        atexit.register(self.stop)

    def _watch(self):
        """Stop a helper that does not answer (or read) within ``patience``: :meth:`result` and :meth:`submit`
        wait without a time limit of their own (a thread)."""
        while self.process.poll() is None:
            time.sleep(0.5)
            since = self.waiting_since
            if since is not None and time.monotonic() - since > self.patience:
                self.process.kill()             # the pipe closes: the waiting read ends (EOFError)

    def usable(self):
        """True when the helper has started (it writes READY at the start of its block) and has not ended."""
        return self.up[:len(READY)] == READY and self.process.poll() is None

    def starting(self):
        """True while the helper process runs but is not ready yet. One not ready within ``STARTUP``
        seconds of its start (0.15 s is usual) is stopped: from then on a thread computes."""
        if self.up[:len(READY)] == READY or self.process.poll() is not None:
            return False
        if time.monotonic() - self.started > STARTUP:
            self.give_up()
            return False
        return True

    def stop(self):
        """End the helper (it exits when its stdin closes; killed if it has not within a second)."""
        if os.getpid() != self.owner:           # a forked copy of this process: the helper is not its own
            return
        try:
            self.process.stdin.close()
            self.process.wait(timeout=1)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.process.kill()
        self.process.stdout.close()

    def submit(self, model, job, args):
        """Send ``job`` with ``args`` for ``model``; returns a ticket, or None when the helper cannot take it.

        Speed: the pickled model without weights (0.1 ms) is compared with the one the helper holds only when the
        model or a layer's training mode changed; otherwise :meth:`still_holds` checks it afterwards,
        while the helper computes.
        """
        errstate = np.geterr()
        if "call" in errstate.values() or "log" in errstate.values():   # np.seterrcall's function stays here
            return None
        if self.pending is not None:            # the reply to an interrupted step: wait for it, drop it
            self.result(self.pending, patience=30)
        key = (id(model), tuple((id(layer), layer.training) for layer in _all_layers(model)))
        model_bytes = None
        if key != self.key or self.sent is None:
            try:
                model_bytes = pickle.dumps(twin(model, weights=False), protocol=5)
            except Exception:                   # something in the model does not pickle: a thread computes it
                return None
            if model_bytes in self.refused:
                return None
            self.sent, model_bytes = model_bytes, (None if model_bytes == self.sent else model_bytes)
            self.key = key
        self.ticket += 1
        weights = [layer.params[name] for _, layer, name in model.named_slots()]
        self.waiting_since, self.patience = time.monotonic(), PATIENCE    # a full pipe: the watch steps in
        try:
            with _interrupts_deferred():        # Ctrl-C after the whole request is written, never half-way
                send(self.process.stdin, self.down, (self.ticket, model_bytes, weights, job, args, errstate))
                self.pending = self.ticket
        except Exception:                       # the helper ended: never again
            self.give_up()
            return None
        finally:
            self.waiting_since = None
        return self.ticket

    def still_holds(self, model):
        """True when the helper computed with ``model`` as it is now (a learner may change a layer between steps)."""
        try:
            if pickle.dumps(twin(model, weights=False), protocol=5) == self.sent:
                return True
        except Exception:
            pass
        self.key = None                         # the next request sends the model again
        return False

    def result(self, ticket, patience):
        """``(status, result)`` of request ``ticket``: ``("ok", what the job returned)``, ``("error", exception)``,
        or ``("here", None)`` when it must be computed here: the helper could not load the model, ended,
        or gave no answer within ``patience`` seconds (then it is stopped: nothing waits forever)."""
        while True:
            self.waiting_since, self.patience = time.monotonic(), patience
            with _interrupts_deferred():        # Ctrl-C once the reply is read whole (or the wait ended)
                try:
                    reply = receive(self.process.stdout, self.up, copied=True)   # this thread reads: no hand-over
                except Exception:               # EOF: it ended or was stopped
                    reply = None
                except BaseException:           # stopped half-way through a message: the pipe's state is unknown
                    self.give_up()
                    raise
                finally:
                    self.waiting_since = None
                if reply is not None and reply[0] == self.pending:
                    self.pending = None
            if reply is None:
                self.give_up()
                return "here", None
            ticket_read, status, result, warned = reply
            if ticket_read != ticket:
                continue                        # the reply to an earlier, interrupted request: dropped
            if status == "refused":
                self.refused.add(self.sent)
                self.sent = self.key = None
                return "here", None
            for message, category, filename, lineno in warned:   # as if they were raised here (filters apply)
                warnings.warn_explicit(message, category, filename, lineno, registry=_WARNED)
            return status, result

    def give_up(self):
        """Stop the helper for good: from now on the second half runs on a thread."""
        from . import parallel
        if parallel._helper is self:
            parallel._helper = False
        self.pending = None
        self.stop()


# ---------------------------------------------------------------- the helper's side
def serve():
    """The helper process: answer requests from stdin until it closes (``python -c ...; serve()``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is for the main process, which then stops us
    _end_with_parent()
    if json.loads(sys.argv[3]) != _STAMPS:      # cnn_lib's files changed since the main process imported them
        return
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr                     # a stray print must not land among the replies
    handles = [int(h) if os.name != "nt" else h for h in sys.argv[1:3]]
    (down, _), (up, _) = (_shared_block(h) for h in handles)
    up[:len(READY)] = READY                     # the main process sees it without waiting (Helper.usable)
    model = None
    while True:
        try:
            ticket, model_bytes, weights, job, args, errstate = receive(requests, down, copied=False)
        except Exception:                       # EOF: the main process closed the pipe, or ended
            return
        try:
            model = pickle.loads(model_bytes) if model_bytes is not None else model
            if model is None:
                raise ValueError("no model")
        except Exception:                       # e.g. a class the helper cannot import
            model, reply = None, (ticket, "refused", None, [])
        else:
            with warnings.catch_warnings(record=True) as warned:     # sent back: the main process's filters decide
                warnings.simplefilter("always")
                try:
                    for (_, layer, name), weight in zip(model.named_slots(), weights):
                        layer.params[name] = weight
                    with np.errstate(**errstate):
                        reply = [ticket, "ok", _run(model, job, args)]
                except Exception as error:      # raised in the main process, as a thread's error would be
                    reply = [ticket, "error", error]
            reply = (*reply, [(str(w.message), w.category, w.filename, w.lineno) for w in warned])
        try:
            send(replies, up, reply)
        except (pickle.PicklingError, TypeError, AttributeError):   # an error that does not pickle
            send(replies, up, (ticket, "error", RuntimeError(f"{type(reply[2]).__name__}: {reply[2]}"), []))
        except OSError:
            return


def _run(model, job, args):
    """``job`` (a name in ``parallel._JOBS``) on a twin of ``model``, as the main process runs its half.

    Memory: the twin's cache (feature maps, im2col matrices: about 13 MB for half of notebook 05's batch)
    is freed when the job returns, not kept until the next request replaces it, so a step's arrays are
    not alive twice at its start: the helper's resident memory after an epoch of notebook 05's training
    went from 63 to 55 MB (no measurable change in speed). The model itself keeps no cache.
    """
    from .parallel import _JOBS                 # here, not at the top: parallel imports this module
    return _JOBS[job](twin(model), *args)


def _end_with_parent():
    """Exit when the main process ends, even if a forked copy of it still holds our stdin: on Linux the
    kernel's parent-death signal (also for a stopped helper), elsewhere a thread that notices the new parent."""
    parent = os.getppid()
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)     # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    if os.getppid() != parent:
        os._exit(0)
    threading.Thread(target=watch, daemon=True).start()
