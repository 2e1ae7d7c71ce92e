"""cnn_lib.parallel: a batch as two halves on two cores gives the whole batch's gradient, the same
numbers on one core or two (a thread or the helper process), and changes nothing for models or
batches it must not split (issue 18)."""
import os
import signal
import subprocess
import sys
import textwrap
import time
import types

import numpy as np
import pytest

import cnn_lib
from cnn_lib import (Adam, BatchNorm2d, Conv2d, Flatten, GlobalAvgPool2d, Linear, MaxPool2d, ReLU, SGD, Sequential,
                     parallel)
from cnn_lib._checks import _trusted
from cnn_lib.exercises import solutions
from cnn_lib.models import lenet


def helper_ready(timeout=30):
    """The helper process, started if need be and waited for (it takes about 0.3 s to start)."""
    if parallel._helper is False or (parallel._helper and parallel._helper.process.poll() is not None):
        parallel._helper = None                     # an earlier test stopped it: a new one
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        helper = parallel._helper_for(lenet(0))
        if helper is not None:
            return helper
        time.sleep(0.02)
    raise AssertionError("the helper process did not start within 30 s")


@pytest.fixture
def threads(monkeypatch):
    """Set the number of cores for one test and put the setting back afterwards (the second half on a thread)."""
    monkeypatch.setattr(parallel, "_use_helper", False)
    previous = parallel.set_threads(1)
    yield parallel.set_threads
    parallel.set_threads(previous)


@pytest.fixture(params=["one core", "two threads", "helper process"])
def cores(request, monkeypatch):
    """Each test three times: both halves here; the second on a thread; the second in the helper process."""
    monkeypatch.setattr(parallel, "_use_helper", request.param == "helper process")
    previous = parallel.set_threads(1 if request.param == "one core" else 2)
    if request.param == "helper process":
        helper_ready()
    yield request.param
    parallel.set_threads(previous)


def helper_requests():
    return parallel._helper.ticket if parallel._helper else 0


def digits(n, start=0):
    x, y, _, _ = cnn_lib.load_mnist()
    return x[start:start + n], y[start:start + n]


def weights(model):
    return {name: array.copy() for name, array in model.named_parameters()}


def grads(model):
    return {name: layer.grads[key].copy() for name, layer, key in model.named_slots()}


def as_float64(model):
    for _, layer, key in model.named_slots():
        layer.params[key] = layer.params[key].astype(np.float64)
    return model


# forward, loss, backward, step on the whole batch (notebook 05's worked solution): what train_step
# computed before the halves
whole_batch_step = solutions.train_step


def train_a_little(seed=3):
    x, y = digits(64 * 3 + 44)                                 # three full batches and a last one of 44
    model = lenet(0)
    history = cnn_lib.fit(model, Adam(model, lr=0.003), x, y, epochs=2, batch_size=64, seed=seed,
                          validation=digits(150, 500))
    return weights(model), history


def same_training(run_a, run_b):
    (w1, h1), (w2, h2) = run_a, run_b
    return (all(np.array_equal(w1[k], w2[k]) for k in w1) and h1.step_loss == h2.step_loss
            and h1.val_loss == h2.val_loss and h1.val_accuracy == h2.val_accuracy)


def test_one_core_two_threads_and_the_helper_process_give_bit_identical_training(threads, monkeypatch):
    parallel.set_threads(1)
    one = train_a_little()
    parallel.set_threads(2)
    monkeypatch.setattr(parallel, "_use_helper", False)
    two_threads = train_a_little()
    monkeypatch.setattr(parallel, "_use_helper", True)
    helper_ready()
    before = helper_requests()
    helper = train_a_little()
    assert helper_requests() - before == 2 * 4 + 2              # all 8 steps and both validations went there
    assert same_training(one, two_threads) and same_training(one, helper)


def test_the_halves_gradient_is_the_whole_batch_gradient_float64(cores):
    x, y = digits(64)
    x = x.astype(np.float64)
    split, whole = as_float64(lenet(0)), as_float64(lenet(0))
    loss, logits = cnn_lib.train_step(split, SGD(split, lr=1e-12), x, y)    # an update too small to matter
    whole_loss, whole_logits = whole_batch_step(whole, SGD(whole, lr=1e-12), x, y)
    assert parallel._halves(split, len(x)) is not None           # it really was split
    assert abs(loss - whole_loss) < 1e-12
    assert np.allclose(logits, whole_logits, rtol=0, atol=1e-12)
    a, b = grads(split), grads(whole)
    for name in b:
        assert a[name].shape == b[name].shape
        assert cnn_lib.rel_error(a[name], b[name]) < 1e-10, name


def test_float32_training_stays_close_to_the_whole_batch(cores):
    x, y = digits(64)
    split, whole = lenet(0), lenet(0)
    cnn_lib.train_step(split, Adam(split, lr=0.003), x, y)
    whole_batch_step(whole, Adam(whole, lr=0.003), x, y)
    a, b = grads(split), grads(whole)
    assert all(np.allclose(a[k], b[k], rtol=1e-4, atol=1e-6) for k in b)   # float32 sums, in another order


def test_small_batches_and_batch_statistics_are_never_split(threads):
    threads(2)
    x, y = digits(64)
    assert parallel._halves(lenet(0), 31) is None and parallel._halves(lenet(0), 32) == (slice(0, 16), slice(16, 32))
    with_bn = Sequential(Conv2d(1, 4, 3, rng=np.random.default_rng(0)), BatchNorm2d(4), ReLU(), MaxPool2d(2),
                         Flatten(), Linear(4 * 13 * 13, 10, rng=np.random.default_rng(1)))
    assert parallel._halves(with_bn, 64) is None                 # BatchNorm's statistics need the whole batch
    twin = Sequential(Conv2d(1, 4, 3, rng=np.random.default_rng(0)), BatchNorm2d(4), ReLU(), MaxPool2d(2),
                      Flatten(), Linear(4 * 13 * 13, 10, rng=np.random.default_rng(1)))
    loss, _ = cnn_lib.train_step(with_bn, SGD(with_bn, lr=0.1), x, y)
    whole_loss, _ = whole_batch_step(twin, SGD(twin, lr=0.1), x, y)
    assert loss == whole_loss
    assert all(np.array_equal(a, b) for a, b in zip(weights(with_bn).values(), weights(twin).values()))
    assert np.array_equal(with_bn.layers[1].running_mean, twin.layers[1].running_mean)
    small, small_twin = lenet(0), lenet(0)
    cnn_lib.train_step(small, SGD(small, lr=0.1), x[:20], y[:20])
    whole_batch_step(small_twin, SGD(small_twin, lr=0.1), x[:20], y[:20])
    assert all(np.array_equal(a, b) for a, b in zip(weights(small).values(), weights(small_twin).values()))


class Custom(ReLU):
    """A learner's own layer: not marked per_example, so a model containing it runs whole."""
    per_example = False


def test_only_layers_that_say_so_are_split():
    assert all(layer.per_example for layer in lenet(0).layers)
    assert lenet(0).per_example
    assert not Sequential(Conv2d(1, 2, 3), Custom()).per_example
    assert not cnn_lib.layers.Layer.per_example


def test_predict_is_the_same_on_one_or_two_cores(cores):
    x, _ = digits(530)
    model = lenet(1)
    previous = parallel.set_threads(1)
    one = cnn_lib.predict(model, x)
    parallel.set_threads(previous)
    two = cnn_lib.predict(model, x)
    # the first half of x and the second half, each in batches of 32, the default (the same batches on one core or two)
    by_hand = np.concatenate([model.forward(part[i:i + 32]) for part in (x[:265], x[265:]) for i in range(0, 265, 32)])
    assert np.array_equal(one, two) and np.array_equal(two, by_hand)


def test_train_step_leaves_the_whole_batch_gradient_in_the_model(cores):
    x, y = digits(64)
    model = lenet(0)
    cnn_lib.train_step(model, SGD(model, lr=1e-30), x, y)
    after_step = grads(model)
    reference = lenet(0)
    whole_batch_step(reference, SGD(reference, lr=1e-30), x, y)
    assert all(np.allclose(after_step[k], v, rtol=1e-4, atol=1e-6) for k, v in grads(reference).items())


@pytest.mark.parametrize("half", [0, 1])
def test_a_diverging_half_is_refused_before_any_update(cores, half):
    x, y = digits(64)
    x = x.copy()
    x[half * 32 + 5] = 1e30                                   # one huge digit in one half: its logits blow up
    model = lenet(0)
    before = weights(model)
    with pytest.raises(FloatingPointError, match="train_step: .*diverged"):
        cnn_lib.train_step(model, SGD(model, lr=0.1), x, y)
    assert all(np.array_equal(before[k], v) for k, v in weights(model).items())
    assert getattr(_trusted, "depth", 0) == 0                 # the NaN-scan flag was put back
    with pytest.raises(ValueError, match="NaN"):
        cnn_lib.train_step(model, SGD(model, lr=0.1), np.full((64, 1, 28, 28), np.nan, np.float32), y)


def test_set_threads_returns_the_previous_setting(threads):
    assert threads(2) == 1
    assert threads(1) == 2


# ---------------------------------------------------------------- the helper process
class MyConv(Conv2d):
    """A learner's own layer class (defined here, not in cnn_lib): the helper process does not know it."""


def test_a_learner_layer_class_is_never_sent_to_the_helper(cores):
    helper_ready() if cores == "helper process" else None
    model = Sequential(MyConv(1, 4, 3, rng=np.random.default_rng(0)), ReLU(), MaxPool2d(2), Flatten(),
                       Linear(4 * 13 * 13, 10, rng=np.random.default_rng(1)))
    assert model.per_example and parallel._helper_for(model) is None
    reference = Sequential(Conv2d(1, 4, 3, rng=np.random.default_rng(0)), ReLU(), MaxPool2d(2), Flatten(),
                           Linear(4 * 13 * 13, 10, rng=np.random.default_rng(1)))
    x, y = digits(64)
    before = helper_requests()
    cnn_lib.train_step(model, SGD(model, lr=0.1), x, y)
    whole_batch_step(reference, SGD(reference, lr=0.1), x, y)
    assert helper_requests() == before
    assert all(np.allclose(a, b, atol=1e-6) for a, b in zip(weights(model).values(), weights(reference).values()))


def pooled_model():
    """Conv, ReLU, max pool, global average: changing the pool's stride changes the numbers, not the shapes."""
    return Sequential(Conv2d(1, 4, 3, rng=np.random.default_rng(0)), ReLU(), MaxPool2d(2), GlobalAvgPool2d(),
                      Linear(4, 10, rng=np.random.default_rng(1)))


def test_a_layer_changed_between_steps_is_computed_as_it_is_now(cores):
    x, y = digits(64)
    runs = []
    for _ in range(2):
        model = pooled_model()
        optimizer = SGD(model, lr=0.1)
        cnn_lib.train_step(model, optimizer, x, y)
        model.layers[2].stride = 1                          # the same layer object, changed in place
        runs.append(cnn_lib.train_step(model, optimizer, x, y)[0])
        parallel.set_threads(1)                             # the second run: the reference, on one core
    assert runs[0] == runs[1]
    unchanged = pooled_model()
    cnn_lib.train_step(unchanged, SGD(unchanged, lr=0.1), x, y)
    assert cnn_lib.train_step(unchanged, SGD(unchanged, lr=0.1), x, y)[0] != runs[0]    # the change mattered


def reference_step(x, y):
    model = lenet(0)
    previous = parallel.set_threads(1)
    loss, _ = cnn_lib.train_step(model, SGD(model, lr=0.1), x, y)
    parallel.set_threads(previous)
    return loss, weights(model)


@pytest.fixture
def with_helper(threads, monkeypatch):
    """Two cores, the helper allowed; returns ``check()``: one train_step of lenet(0) on 64 digits, and
    whether its loss and weights are those of the same step on one core."""
    monkeypatch.setattr(parallel, "_use_helper", True)
    threads(2)
    x, y = digits(64)
    expected_loss, expected = reference_step(x, y)

    def check(model=None):
        model = lenet(0) if model is None else model            # (a lenet(0) the test changed in a harmless way)
        loss, _ = cnn_lib.train_step(model, SGD(model, lr=0.1), x, y)
        return loss == expected_loss and all(np.array_equal(expected[k], v) for k, v in weights(model).items())
    return check


@pytest.fixture
def starting(with_helper, monkeypatch):
    """A new helper process, just started (not ready yet); returns the list that grows by one each time
    the second half runs on a thread (``parallel._run_both``)."""
    if parallel._helper:
        parallel._helper.give_up()
    monkeypatch.setattr(parallel, "_helper", None)
    parallel._helper_for(lenet(0))                          # starts it: importing numpy and cnn_lib takes a while
    on_threads = []
    run_both = parallel._run_both
    monkeypatch.setattr(parallel, "_run_both", lambda *jobs: on_threads.append(1) or run_both(*jobs))
    yield on_threads
    if parallel._helper:
        parallel._helper.give_up()                          # this test's helper ends with it


def test_while_the_helper_starts_both_halves_run_here(with_helper, starting):
    assert parallel._helper.starting()
    assert with_helper() and helper_requests() == 0 and not starting        # both halves here, the same numbers
    helper_ready()
    assert not parallel._helper.starting() and with_helper() and helper_requests() == 1


def test_a_helper_that_is_not_ready_in_time_is_stopped_and_a_thread_computes(with_helper, starting):
    helper = parallel._helper
    helper.started -= parallel._helper_module.STARTUP + 1   # as if it had been starting for too long
    assert not helper.starting() and parallel._helper is False and helper.process.poll() is not None
    assert with_helper() and starting                       # the same numbers, on a thread


def test_without_the_helper_the_second_half_is_on_a_thread_even_while_one_starts(with_helper, starting, monkeypatch):
    monkeypatch.setattr(parallel, "_use_helper", False)
    assert parallel._helper.starting() and with_helper() and starting


def test_the_helper_runs_each_job_on_a_twin_and_keeps_no_feature_maps():
    """What the helper process does with a request (_helper._run): the job's numbers, and nothing left in
    the model it holds between requests (a kept cache is ~13 MB of notebook 05's feature maps)."""
    x, y = digits(32)
    model, reference = lenet(0), lenet(0)
    loss, logits, half_grads = parallel._helper_module._run(model, "_half", (x, y, 0.5))
    assert all(layer.cache == {} and layer.grads == {} for layer in parallel._all_layers(model))
    expected = parallel._half(reference, x, y, 0.5)                     # on the model itself
    assert loss == expected[0] and np.array_equal(logits, expected[1])
    assert all(np.array_equal(a, b) for a, b in zip(half_grads, expected[2]))
    outputs = parallel._helper_module._run(model, "_batches", (x, 16))
    assert all(layer.cache == {} for layer in parallel._all_layers(model)) and len(outputs) == 2


def test_a_helper_that_has_ended_is_replaced_by_a_thread(with_helper):
    helper = helper_ready()
    helper.process.kill()                                   # e.g. killed by the system for memory
    helper.process.wait()
    assert with_helper()
    assert parallel._helper_for(lenet(0)) is None


def test_a_helper_that_ends_during_a_step_changes_nothing(with_helper, monkeypatch):
    helper = helper_ready()
    submit = helper.submit

    def submit_then_die(*args):
        ticket = submit(*args)
        helper.process.kill()                               # after the request was sent, before the reply
        return ticket

    monkeypatch.setattr(helper, "submit", submit_then_die)
    assert with_helper()
    assert parallel._helper is False                        # given up: threads from now on


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs SIGSTOP (POSIX)")
def test_a_helper_that_does_not_answer_is_stopped_and_the_step_finishes(with_helper, monkeypatch):
    monkeypatch.setattr(parallel, "PATIENCE", 0.5)
    helper = helper_ready()
    os.kill(helper.process.pid, signal.SIGSTOP)             # frozen: it will never answer
    start = time.monotonic()
    assert with_helper()
    assert time.monotonic() - start < 10                    # PATIENCE, the watch's half second, a margin
    assert helper.process.wait(timeout=5) is not None        # it was killed


def test_the_reply_to_an_interrupted_step_is_dropped(with_helper):
    helper = helper_ready()
    x, y = digits(32, start=100)
    assert helper.submit(lenet(5), "_half", (x, y, 0.5)) is not None   # as if its step was interrupted
    assert with_helper()
    assert helper.pending is None


def test_a_model_the_helper_cannot_load_is_computed_here(with_helper, monkeypatch):
    helper = helper_ready()
    module = types.ModuleType("only_in_this_process")     # importable here, unknown to the helper

    class Marker:
        pass

    Marker.__module__, Marker.__qualname__ = module.__name__, "Marker"
    module.Marker = Marker
    monkeypatch.setitem(sys.modules, module.__name__, module)
    model = lenet(0)
    model.layers[1].note = Marker()                         # pickles here, does not load there
    assert with_helper(model)
    assert helper.usable() and len(helper.refused) == 1     # the helper is still there for other models
    before = helper_requests()
    x, y = digits(64)
    cnn_lib.train_step(model, SGD(model, lr=0.1), x, y)     # refused once: not sent again
    assert helper_requests() == before


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc (Linux)")
@pytest.mark.parametrize("ending", ["exit", "kill", "kill while a forked child holds its pipe", "kill while it is stopped"])
def test_the_helper_ends_with_the_process_that_started_it(ending):
    script = textwrap.dedent(f"""
        import os, signal, sys, time
        sys.path.insert(0, {str(os.path.dirname(os.path.dirname(cnn_lib.__file__)))!r})
        import cnn_lib
        from cnn_lib import parallel
        from cnn_lib.models import lenet
        parallel.set_threads(2)
        model = lenet(0)
        while parallel._helper_for(model) is None:
            time.sleep(0.02)
        x, y, _, _ = cnn_lib.load_mnist()
        cnn_lib.train_step(model, cnn_lib.SGD(model, lr=0.1), x[:64], y[:64])
        helper = parallel._helper.process.pid
        print(helper, flush=True)
        if "forked" in {ending!r}:
            child = os.fork()
            if child == 0:                                  # a child with a copy of the helper's pipes, still alive
                os.closerange(0, 3)
                time.sleep(30)
                os._exit(0)
            print(child, flush=True)
        if "stopped" in {ending!r}:
            os.kill(helper, signal.SIGSTOP)
        os.kill(os.getpid(), signal.SIGKILL) if "kill" in {ending!r} else os._exit(0)   # no clean-up at all
    """)
    run = subprocess.run([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         timeout=120, env=dict(os.environ, OPENBLAS_NUM_THREADS="1"))
    pid, *child = map(int, run.stdout.split())
    deadline = time.monotonic() + 10
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    for other in child:
        os.kill(other, signal.SIGKILL)
    assert not running(pid)


def running(pid):
    """True while process ``pid`` runs (a zombie, ended but not yet collected, does not count)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_forked_copy_of_the_process_trains_without_the_parents_helper(cores):
    if not hasattr(os, "fork"):
        pytest.skip("needs fork")
    x, y = digits(64)
    expected_loss, expected = reference_step(x, y)
    if cores == "helper process":
        helper_ready()
    other = lenet(3)
    cnn_lib.train_step(other, SGD(other, lr=0.1), x, y)     # the worker thread or the helper in use
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:                                            # the child: a step of its own, then its answer
        try:
            model = lenet(0)
            loss, _ = cnn_lib.train_step(model, SGD(model, lr=0.1), x, y)
            same = loss == expected_loss and all(np.array_equal(expected[k], v) for k, v in weights(model).items())
            os.write(write, b"1" if same else b"0")
        finally:
            os._exit(0)
    deadline = time.monotonic() + 60
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            pytest.fail("the forked child's training step hung")
        time.sleep(0.05)
    assert os.read(read, 1) == b"1"
    if cores == "helper process":
        assert parallel._helper_for(lenet(0)) is not None    # the parent's helper is unharmed


def test_top_patches_is_the_same_on_one_or_two_cores(cores):
    from cnn_lib.features import top_patches
    x, _ = digits(300)
    model = lenet(2)
    previous = parallel.set_threads(1)
    one = top_patches(model, x, 3, 5)
    parallel.set_threads(previous)
    two = top_patches(model, x, 3, 5)
    assert all(np.array_equal(a, b) for a, b in zip(one, two))


@pytest.mark.parametrize("files, cores", [
    ({}, 2),                                                        # no cgroup files: the affinity counts
    ({"cpu.max": "max 100000\n"}, 2),                               # cgroup v2, no limit
    ({"cpu.max": "100000 100000\n"}, 1),                            # cgroup v2, one CPU (a hub's cpu_limit: 1)
    ({"cpu.max": "150000 100000\n"}, 1),                            # one and a half: not two whole cores
    ({"cpu.max": "50000 100000\n"}, 1),                             # half a CPU: still one
    ({"cpu.max": "400000 100000\n"}, 2),                            # four CPUs of quota, two to run on
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, 2),      # cgroup v1, no limit
    ({"cpu/cpu.cfs_quota_us": "100000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 1),  # cgroup v1, one CPU
    ({"cpu.max": "garbage\n"}, 2),                                  # unreadable: no limit assumed
])
def test_a_cpu_quota_counts_as_fewer_cores(tmp_path, monkeypatch, files, cores):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert parallel._usable_cores(str(tmp_path)) == cores


def test_a_system_that_allows_no_helper_process_trains_on_threads(with_helper, monkeypatch):
    def no_processes():
        raise PermissionError("no new processes here (a sandbox)")

    monkeypatch.setattr(parallel._helper_module, "Helper", no_processes)
    monkeypatch.setattr(parallel, "_helper", None)
    assert with_helper()
    assert parallel._helper is False                        # tried once, not at every step


def test_a_ctrl_c_just_after_the_reply_was_read_costs_nothing_later(with_helper, monkeypatch):
    helper = helper_ready()
    receive = parallel._helper_module.receive

    def receive_then_ctrl_c(*args, **kwargs):
        message = receive(*args, **kwargs)
        if isinstance(message, tuple) and message[1] == "ok":
            signal.raise_signal(signal.SIGINT)              # Ctrl-C once the reply has left the pipe
        return message

    monkeypatch.setattr(parallel._helper_module, "receive", receive_then_ctrl_c)
    x, y = digits(64)
    model = lenet(0)
    with pytest.raises(KeyboardInterrupt):
        cnn_lib.train_step(model, SGD(model, lr=0.1), x, y)
    monkeypatch.setattr(parallel._helper_module, "receive", receive)
    assert helper.pending is None                           # that reply was taken: nothing to wait for
    start = time.monotonic()
    assert with_helper()
    assert time.monotonic() - start < 2 and parallel._helper is helper


def overflowing_digits():
    x, _ = digits(64)
    x = x.copy()
    x[40] = 1e30                                            # in the second half: overflows in its products
    return x


def loud_lenet():
    model = lenet(0)
    model.layers[0].params["weight"] *= 1e10                # 1e30 x 1e10 > float32's largest, 3.4e38
    return model


def test_np_errstate_call_reaches_the_learners_function(cores):
    calls, before = [], helper_requests()
    previous = np.seterrcall(lambda kind, flag: calls.append(kind))
    try:
        with np.errstate(over="call", invalid="call"):
            logits = cnn_lib.predict(loud_lenet(), overflowing_digits(), batch_size=16)
    finally:
        np.seterrcall(previous)
    assert calls and not np.isfinite(logits[40]).all() and np.isfinite(logits[:32]).all()
    assert helper_requests() == before                      # computed here: the helper has no such function


def test_the_learners_warning_filters_apply_to_the_second_half(cores):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning, match="overflow"):
            cnn_lib.predict(loud_lenet(), overflowing_digits(), batch_size=16)
    before = helper_requests()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        cnn_lib.predict(loud_lenet(), overflowing_digits(), batch_size=16)
    assert any("overflow" in str(w.message) for w in seen)
    assert helper_requests() == before + (cores == "helper process")   # the second half went there


def test_the_helper_imports_this_cnn_lib_not_one_in_the_working_directory(with_helper, tmp_path, monkeypatch):
    (tmp_path / "cnn_lib").mkdir()
    (tmp_path / "cnn_lib" / "__init__.py").write_text("raise ImportError('the wrong cnn_lib')\n")
    monkeypatch.chdir(tmp_path)                             # a learner's folder with another copy
    if parallel._helper:
        parallel._helper.give_up()
    monkeypatch.setattr(parallel, "_helper", None)
    helper = helper_ready()                                 # it started: it imported the right one
    before = helper.ticket
    assert with_helper() and helper.ticket > before


def test_the_helper_refuses_to_start_when_cnn_libs_files_changed(with_helper, monkeypatch):
    if parallel._helper:
        parallel._helper.give_up()
    monkeypatch.setattr(parallel, "_helper", None)
    monkeypatch.setattr(parallel._helper_module, "_STAMPS", {"layers.py": [0, 0]})   # as if edited since
    model = lenet(0)
    parallel._helper_for(model)                             # starts it
    assert parallel._helper.process.wait(timeout=30) is not None   # it exits at once, never ready
    assert parallel._helper_for(model) is None and with_helper()


class _SameAs:
    """A stand-in that says it equals what it wraps (as wrapt's proxies do) but computes something else."""

    def __init__(self, wrapped, instead):
        self.wrapped, self.instead = wrapped, instead

    def __eq__(self, other):
        return self.wrapped == other

    __hash__ = None

    def __call__(self, *args):
        return self.instead(*args)


@pytest.mark.parametrize("patch", ["functional.relu", "ReLU.forward", "ReLU._remember (over Layer's)",
                                   "functional.relu, by a proxy equal to it", "losses.float, a new name"])
def test_code_replaced_by_the_learner_is_not_sent_to_the_helper(cores, monkeypatch, patch):
    leaky = lambda x: np.where(x > 0, x, 0.1 * x)          # noqa: E731
    if patch == "functional.relu":
        monkeypatch.setattr(cnn_lib.functional, "relu", leaky)
    elif patch == "ReLU.forward":
        monkeypatch.setattr(ReLU, "forward", lambda self, x: self._remember(leaky(x), x=x, out=leaky(x)))
    elif patch == "ReLU._remember (over Layer's)":          # a method ReLU inherited, now its own
        monkeypatch.setattr(ReLU, "_remember", lambda self, y, **cache: cnn_lib.layers.Layer._remember(
            self, 2 * y, **cache), raising=False)
    elif patch == "functional.relu, by a proxy equal to it":
        monkeypatch.setattr(cnn_lib.functional, "relu", _SameAs(cnn_lib.functional.relu, leaky))
    else:                                                   # a builtin the module calls, shadowed in it
        monkeypatch.setattr(cnn_lib.losses, "float", lambda v: 2.0 * v, raising=False)
    if cores == "helper process":
        assert parallel._helper_for(lenet(0)) is None       # the helper would run the code as imported
    x, y = digits(64)
    model = lenet(0)
    loss, _ = cnn_lib.train_step(model, SGD(model, lr=0.1), x, y)
    previous = parallel.set_threads(1)
    reference = lenet(0)
    expected, _ = cnn_lib.train_step(reference, SGD(reference, lr=0.1), x, y)
    parallel.set_threads(previous)
    assert loss == expected
    monkeypatch.undo()
    unpatched = lenet(0)
    assert cnn_lib.train_step(unpatched, SGD(unpatched, lr=0.1), x, y)[0] != loss     # the patch mattered
