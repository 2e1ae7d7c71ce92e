"""Tests for cnn_lib.arithmetic: output sizes, leftovers, receptive fields, parameter counts.

Every formula is checked against a brute force written differently (counting window
positions, marking covered pixels, running real convolutions on impulses, counting arrays).
"""
import itertools

import numpy as np
import pytest

import cnn_lib
from cnn_lib import conv_params, dilated_span, leftover, linear_params, output_size, receptive_field

NS = range(1, 31)
KS = range(1, 6)
STRIDES = range(1, 6)
PADS = range(0, 6)
DILATIONS = range(1, 6)


def windows_floor(n, k, s, p, d):
    """Window starts (padded coordinates) of every window that fits entirely: 0, s, 2s, ..."""
    span, starts, t = d * (k - 1) + 1, [], 0
    while t + span <= n + 2 * p:
        starts.append(t)
        t += s
    return starts


def count_ceil(n, k, s, p, d):
    """Fewest windows (at 0, s, 2s...) whose union reaches the end of the padded input, minus
    the last one if it would start in the right padding (PyTorch's pooling rule)."""
    span, m = d * (k - 1) + 1, 1
    while (m - 1) * s + span < n + 2 * p:
        m += 1
    if (m - 1) * s >= n + p:
        m -= 1
    return m


# ---------------------------------------------------------------- output_size, exhaustive
@pytest.mark.parametrize("ceil_mode", [False, True])
def test_output_size_matches_brute_force_for_every_small_config(ceil_mode):
    checked = rejected = 0
    mismatches = []
    for n, k, s, p, d in itertools.product(NS, KS, STRIDES, PADS, DILATIONS):
        span = d * (k - 1) + 1
        if span > n + 2 * p:
            with pytest.raises(ValueError) as info:
                output_size(n, k, s, p, d, ceil_mode=ceil_mode)
            msg = str(info.value)
            assert str(span) in msg and str(n + 2 * p) in msg, msg
            rejected += 1
            continue
        want = count_ceil(n, k, s, p, d) if ceil_mode else len(windows_floor(n, k, s, p, d))
        got = output_size(n, k, s, p, d, ceil_mode=ceil_mode)
        if got != want:
            mismatches.append(((n, k, s, p, d), got, want))
        checked += 1
    assert not mismatches, f"{len(mismatches)} mismatches, first: (n, k, s, p, d), got, want = {mismatches[:5]}"
    assert checked > 15000 and rejected > 500      # the grid really covered both cases


def test_ceil_mode_adds_at_most_one_window_and_never_starts_in_right_padding():
    # Within PyTorch's pooling limit padding <= kernel_size / 2. (With more padding a floor-mode
    # window can lie wholly in the right padding, and ceil mode, by PyTorch's formula, drops it.)
    for n, k, s, p, d in itertools.product(NS, KS, STRIDES, range(0, 3), (1, 2)):
        if dilated_span(k, d) > n + 2 * p or p > k // 2:
            continue
        lo, hi = output_size(n, k, s, p, d), output_size(n, k, s, p, d, ceil_mode=True)
        assert lo <= hi <= lo + 1
        assert (hi - 1) * s < n + p                 # last window starts inside input or left padding
        if leftover(n, k, s, p, d) == 0:
            assert hi == lo                         # nothing left over: nothing to round up


# ---------------------------------------------------------------- the article's examples
@pytest.mark.parametrize("n, k, s, floor_out, ceil_out, left", [
    (128, 11, 2, 59, 60, 1),
    (128, 11, 6, 20, 21, 3),
    (128, 6, 4, 31, 32, 2),
])
def test_article_examples(n, k, s, floor_out, ceil_out, left):
    assert output_size(n, k, stride=s) == floor_out
    assert output_size(n, k, stride=s, ceil_mode=True) == ceil_out
    assert leftover(n, k, stride=s) == left
    covered = np.zeros(n, dtype=bool)
    for t in windows_floor(n, k, s, 0, 1):
        covered[t:t + k] = True
    assert int((~covered).sum()) == left            # pixels no window ever touches
    assert not covered[n - left:].any() and covered[:n - left].all()


def test_alexnet_first_layer():
    assert output_size(227, 11, stride=4) == 55
    assert leftover(227, 11, stride=4) == 0


def test_leftover_matches_uncovered_pixels():
    for n, k, s, p, d in itertools.product(NS, KS, STRIDES, range(0, 3), (1, 2, 3)):
        span = dilated_span(k, d)
        if span > n + 2 * p:
            continue
        covered = np.zeros(n + 2 * p, dtype=bool)
        for t in windows_floor(n, k, s, p, d):
            covered[t:t + span:d] = True            # the taps actually read
        trailing = n + 2 * p - 1 - np.flatnonzero(covered).max()
        assert leftover(n, k, s, p, d) == trailing, (n, k, s, p, d)
        if d == 1 and s <= k:                       # no gaps between windows: only the tail is missed
            assert leftover(n, k, s, p, d) == int((~covered).sum())


def test_dilated_span():
    assert [dilated_span(3, d) for d in (1, 2, 3)] == [3, 5, 7]
    assert dilated_span(1, 4) == 1


# ---------------------------------------------------------------- receptive field
def test_receptive_field_known_stacks():
    assert receptive_field([(3, 1), (3, 1)]) == (5, 1)
    assert receptive_field([(3, 2), (3, 1)]) == (7, 2)
    assert receptive_field([]) == (1, 1)
    assert receptive_field([(3, 1, 2)]) == (5, 1)


def brute_receptive_field(layers, length=160):
    """Run the stack on every one-pixel impulse (a batch of 1 x length images, all-ones kernels with
    holes for dilation); the pixels whose impulse reaches output node 0 (node 1) are its field."""
    x = np.eye(length)[:, None, None, :]           # (length, 1, 1, length): impulse at pixel i in image i
    for k, s, d in layers:
        span = d * (k - 1) + 1
        w = np.zeros((1, 1, 1, span))
        w[..., ::d] = 1.0                           # k taps, d apart
        x = cnn_lib.conv2d(x, w, stride=s)
    assert x.shape[-1] >= 2
    seen0 = np.flatnonzero(x[:, 0, 0, 0])
    seen1 = np.flatnonzero(x[:, 0, 0, 1])
    return seen0.max() - seen0.min() + 1, seen1.min() - seen0.min()


def test_receptive_field_matches_impulse_propagation():
    rng = np.random.default_rng(0)
    for _ in range(40):
        layers = [(int(rng.integers(1, 6)), int(rng.integers(1, 4)), int(rng.integers(1, 3)))
                  for _ in range(rng.integers(1, 4))]
        assert receptive_field(layers) == brute_receptive_field(layers), layers
        if all(d == 1 for _, _, d in layers):       # the two-number form gives the same
            assert receptive_field([(k, s) for k, s, _ in layers]) == receptive_field(layers)


# ---------------------------------------------------------------- parameter counts
@pytest.mark.parametrize("c_in, c_out, k", [(1, 8, 3), (3, 16, 5), (8, 4, 1), (6, 16, 5)])
def test_conv_params_counts_real_arrays(c_in, c_out, k):
    layer = cnn_lib.Conv2d(c_in, c_out, k)
    w, b = layer.params["weight"], layer.params["bias"]
    assert conv_params(c_in, c_out, k) == w.size + b.size == layer.num_params()
    assert conv_params(c_in, c_out, k, bias=False) == w.size


@pytest.mark.parametrize("n_in, n_out", [(784, 10), (400, 120), (1, 1), (9, 3)])
def test_linear_params_counts_real_arrays(n_in, n_out):
    layer = cnn_lib.Linear(n_in, n_out)
    w, b = layer.params["weight"], layer.params["bias"]
    assert linear_params(n_in, n_out) == w.size + b.size == layer.num_params()
    assert linear_params(n_in, n_out, bias=False) == w.size


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs", [dict(stride=0), dict(stride=-1), dict(padding=-1), dict(dilation=0),
                                    dict(kernel_size=0)])
def test_rejects_out_of_range(kwargs):
    args = dict(n=10, kernel_size=3) | kwargs
    with pytest.raises(ValueError) as info:
        output_size(**args)
    bad = next(iter(kwargs.values()))
    assert f"got {bad}" in str(info.value)
    assert "Hint" in str(info.value)


def test_rejects_non_integer_size():
    with pytest.raises(TypeError) as info:
        output_size(10.5, 3)
    assert "10.5" in str(info.value)
    with pytest.raises(TypeError) as info:
        output_size(10.0, 3)
    assert "Write 10 instead of 10.0" in str(info.value)


def test_rejects_string_size_with_hint():
    with pytest.raises(TypeError) as info:
        output_size("3", 3)
    assert "'3'" in str(info.value) and "without quotes" in str(info.value)
    with pytest.raises(TypeError) as info:
        output_size(28, 3, stride="2")
    assert "'2'" in str(info.value) and "without quotes" in str(info.value)


def test_rejects_bool_and_accepts_numpy_int():
    with pytest.raises(TypeError):
        output_size(10, 3, stride=True)
    assert output_size(np.int64(128), np.int32(11), stride=np.int64(2)) == 59


def test_kernel_larger_than_padded_input_names_both_sizes():
    with pytest.raises(ValueError) as info:
        output_size(4, 9, padding=2)
    msg = str(info.value)
    assert "9" in msg and "8" in msg and "4 + 2*2" in msg
    with pytest.raises(ValueError) as info:
        output_size(6, 3, dilation=4)               # span 9 > 6
    assert "9" in str(info.value) and "6" in str(info.value)


def test_rejects_non_bool_ceil_mode():
    with pytest.raises(TypeError) as info:
        output_size(10, 3, ceil_mode="yes")
    assert "'yes'" in str(info.value)


def test_receptive_field_rejects_bad_stride():
    with pytest.raises(ValueError):
        receptive_field([(3, 0)])
