"""check_implementation: every worked solution is accepted, each typical bug is named, nothing raises."""
import inspect
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from cnn_lib import functional as F
from cnn_lib.exercises import EXERCISES, check_implementation
from cnn_lib.exercises.solutions import SOLUTIONS

sys.path.insert(0, str(Path(__file__).parent))
from buggy_implementations import BUGS  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")   # overflowing buggy softmaxes


def test_at_least_twelve_exercises_each_with_a_solution():
    assert len(EXERCISES) >= 12
    assert set(SOLUTIONS) == set(EXERCISES)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_worked_solution_is_accepted(name):
    feedback = check_implementation(name, SOLUTIONS[name])
    assert feedback, feedback.message
    assert "compare with the library's version" in feedback.message


@pytest.mark.parametrize("name", ["conv2d_naive", "max_pool2d_naive", "relu_backward", "linear_backward",
                                  "conv2d_backward_naive", "max_pool2d_backward_naive"])
def test_the_library_itself_is_accepted(name):
    assert check_implementation(name, getattr(F, name))


@pytest.mark.parametrize("name, fn, words", BUGS, ids=[f"{n}-{f.__name__}" for n, f, _ in BUGS])
def test_bug_is_rejected_with_its_own_hint(name, fn, words):
    feedback = check_implementation(name, fn)
    assert not feedback
    assert words in feedback.message, feedback.message


def test_three_bugs_per_exercise():
    for name in EXERCISES:
        assert sum(n == name for n, _, _ in BUGS) >= 3, name


def test_known_mistakes_differ_from_the_right_answer_on_some_case():
    """A registered mistake that no case can reveal would be dead weight."""
    from cnn_lib.exercises.implement import _parts
    from cnn_lib.exercises.diagnose import call, same
    for spec in EXERCISES.values():
        for wrong in spec.wrongs:
            differs = False
            for case in spec.cases:
                args, ref = case.make(), case.make()
                run = call(wrong.fn, args)
                if run.error is not None:
                    differs = differs or wrong.raises
                    continue
                got, expected = _parts(spec, run.result, args), _parts(spec, spec.reference(*ref), ref)
                differs = differs or isinstance(got, str) or not all(same(g, e) for g, e in zip(got, expected))
            assert differs, f"{spec.name}: {wrong.hint}"


# ---------------------------------------------------------------- not written yet
def conv2d_naive(x, weight, bias=None, stride=1, padding=0):
    """The notebook's placeholder."""
    raise NotImplementedError   # replace this line with your code


def placeholder_dots(dy, x):
    """Docstring."""
    ...


def placeholder_pass(dy, x):
    pass


@pytest.mark.parametrize("fn", [conv2d_naive, placeholder_dots, placeholder_pass])
def test_placeholder_says_not_written_yet(fn):
    name = "conv2d_naive" if fn is conv2d_naive else "relu_backward"
    feedback = check_implementation(name, fn)
    assert not feedback and "not written yet" in feedback.message
    assert "Traceback" not in feedback.message


def test_code_that_still_reaches_the_placeholder_line_is_told_to_delete_it():
    def relu_backward(dy, x):
        dx = dy * (x > 0)  # noqa: F841
        raise NotImplementedError   # replace this line with your code
    message = check_implementation("relu_backward", relu_backward).message
    assert "still reaches raise NotImplementedError" in message and "line 3 of your function" in message


# ---------------------------------------------------------------- exceptions, mutation, shapes, dtypes
def test_exception_shows_the_case_the_error_and_the_learners_line():
    def relu_backward(dy, x):
        out = dy * (x > 0)
        return out[5, 5]            # IndexError on the first (1-D) case
    feedback = check_implementation("relu_backward", relu_backward)
    assert not feedback
    message = feedback.message
    assert "case 1 of" in message and "IndexError" in message
    assert "line 3 of your function: return out[5, 5]" in message
    assert "implement.py" not in message and "Traceback" not in message


def test_error_raised_inside_numpy_points_at_the_learners_line():
    def linear_backward(dy, x, weight):
        dx = dy @ weight.T          # shapes do not match
        return dx, dy.T @ x, dy.sum(0)
    message = check_implementation("linear_backward", linear_backward).message
    assert "ValueError" in message and "line 2 of your function: dx = dy @ weight.T" in message
    assert "Likely mistake: dx used weight.T" in message


def _helper_that_fails(x):
    return x[99]


def test_error_in_a_helper_points_at_the_line_of_the_function_that_called_it():
    def relu_backward(dy, x):
        mask = x > 0
        return _helper_that_fails(dy) * mask
    message = check_implementation("relu_backward", relu_backward).message
    assert "IndexError" in message and "line 3 of your function: return _helper_that_fails(dy) * mask" in message


def test_in_place_change_is_named():
    def max_pool2d_backward_naive(dy, x, kernel_size, stride=None):
        x -= x.max()                # changes the caller's array
        return F.max_pool2d_backward_naive(dy, x, kernel_size, stride)
    message = check_implementation("max_pool2d_backward_naive", max_pool2d_backward_naive).message
    assert "changed its input x in place" in message


def test_output_transposed_is_named():
    def linear_backward(dy, x, weight):
        dx, dw, db = F.linear_backward(dy, x, weight)
        return dx.T, dw, db
    assert "transposed" in check_implementation("linear_backward", linear_backward).message


def test_missing_batch_axis_is_named():
    def conv2d_naive(x, weight, bias=None, stride=1, padding=0):
        return F.conv2d_naive(x, weight, bias, stride, padding)[0]
    assert "batch axis" in check_implementation("conv2d_naive", conv2d_naive).message


def test_integer_output_array_is_named():
    def relu_backward(dy, x):
        dx = np.zeros(dy.shape, dtype=int)
        dx[...] = dy * (x > 0)
        return dx
    assert "integers" in check_implementation("relu_backward", relu_backward).message


def test_equivalent_forms_are_accepted():
    def relu_backward(dy, x):              # a nested list
        return (dy * (x > 0)).tolist()

    def linear_backward(dy, x, weight):    # a list instead of a tuple, float32-free
        return list(F.linear_backward(dy, x, weight))

    def output_size(n, kernel_size, stride=1, padding=0):   # numpy integer
        return np.int64((n + 2 * padding - kernel_size) // stride + 1)

    def softmax_cross_entropy(logits, labels):            # loss as a 0-d array
        loss, grad = SOLUTIONS["softmax_cross_entropy"](logits, labels)
        return np.array(loss), grad
    for name, fn in [("relu_backward", relu_backward), ("linear_backward", linear_backward),
                     ("output_size", output_size), ("softmax_cross_entropy", softmax_cross_entropy)]:
        assert check_implementation(name, fn), name


def test_parameters_in_another_order_are_named():
    def conv2d_naive(x, weight, bias=None, padding=0, stride=1):
        return F.conv2d_naive(x, weight, bias, stride, padding)
    assert "another order" in check_implementation("conv2d_naive", conv2d_naive).message


# ---------------------------------------------------------------- never raises
def gen(dy, x):
    yield dy


def nan_out(dy, x):
    return np.full(dy.shape, np.nan)


def exits(dy, x):
    raise SystemExit(1)


def wrong_tuple(dy, x, weight):
    return (dy, dy, dy, dy)


def returns_string(dy, x):
    return "dx"


def returns_object_array(dy, x):
    return np.array([object()] * dy.size)


@pytest.mark.parametrize("name, fn, words", [
    ("relu_backward", gen, "generator"),
    ("relu_backward", nan_out, "nan"),
    ("relu_backward", exits, "SystemExit"),
    ("linear_backward", wrong_tuple, "return 3 values"),
    ("relu_backward", returns_string, "'dx'"),
    ("relu_backward", returns_object_array, "not numbers"),
    ("relu_backward", lambda dy: dy, "must take relu_backward(dy, x)"),
    ("relu_backward", print, ""),
    ("relu_backward", np.maximum, ""),
    ("train_step", lambda model, optimizer, x, y: (1.0, None), "logits is"),
])
def test_odd_functions_get_feedback_not_an_exception(name, fn, words):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        feedback = check_implementation(name, fn)
    assert not feedback and words in feedback.message, feedback.message


def test_the_checkers_own_wrong_variants_print_no_warning():
    import buggy_implementations as bugs
    with warnings.catch_warnings():
        warnings.simplefilter("error")              # a warning would raise here
        with np.errstate(over="ignore", invalid="ignore"):   # the learner's own overflow may warn
            feedback = check_implementation("softmax", bugs.softmax_overflow)
    assert "overflows" in feedback.message


def test_checker_source_never_shows_a_traceback_from_itself():
    assert "traceback.print" not in inspect.getsource(sys.modules["cnn_lib.exercises.implement"])


def test_a_right_answer_computed_in_float32_is_accepted():
    """PyTorch computes in float32: the same sums in float32 differ from float64 by a few epsilons."""
    def conv2d_naive(x, weight, bias=None, stride=1, padding=0):
        x32 = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding))).astype(np.float32)
        w32 = weight.astype(np.float32)
        N, _, H, W = x32.shape
        O, _, KH, KW = w32.shape
        y = np.zeros((N, O, (H - KH) // stride + 1, (W - KW) // stride + 1), dtype=np.float32)
        for i in range(y.shape[2]):
            for j in range(y.shape[3]):
                patch = x32[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
                y[:, :, i, j] = np.tensordot(patch, w32, axes=([1, 2, 3], [1, 2, 3]))
        return y if bias is None else y + bias.astype(np.float32)[None, :, None, None]
    assert check_implementation("conv2d_naive", conv2d_naive)


def test_the_learners_prints_are_capped(capsys):
    def relu_backward(dy, x):
        for k in range(1000):
            print("debug", k)
        return dy * (x > 0)
    assert check_implementation("relu_backward", relu_backward)
    out = capsys.readouterr().out
    assert "debug 0" in out and "debug 9\n" in out and "debug 10\n" not in out and "more lines not shown" in out


def test_numbers_and_the_optimizer_read_as_numbers_not_arrays_or_addresses():
    feedback = check_implementation("output_size", lambda n, kernel_size, stride, padding: (n + 2 * padding - kernel_size) // stride)
    assert "expected: 3\n" in feedback.message and "got:      2" in feedback.message
    def train_step(model, optimizer, x, y):
        return 0.0, model.forward(x)
    message = check_implementation("train_step", train_step).message
    assert "SGD(" in message and "lr=0.5" in message and " at 0x" not in message


def test_two_mistakes_that_one_case_cannot_tell_apart_are_both_named_as_possible():
    from buggy_implementations import node_loops_one_short
    message = check_implementation("conv_node", node_loops_one_short).message
    assert "possibly one of these" in message
    assert "without the kernel's weights" in message and "loops stop one short" in message


def test_nan_on_a_case_without_large_values_does_not_point_at_large_values():
    def relu_backward(dy, x):
        return dy * np.nan
    message = check_implementation("relu_backward", relu_backward).message
    assert "case 1 of" in message and "nan or inf" in message and "large values" not in message
