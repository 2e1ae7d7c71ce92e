"""Tests for cnn_lib.functional: vectorized == naive on random shapes, hand-computed examples,
cross-correlation (not convolution), learner-facing errors, and dtypes."""
import numpy as np
import pytest

from cnn_lib import functional as F

ATOL = 1e-10

# (N, C, H, W, C_out, KH, KW, stride, padding): non-square images and kernels, batch > 1
CONV_CONFIGS = [
    (2, 3, 7, 5, 4, 3, 3, 1, 0),
    (2, 3, 7, 5, 4, 3, 2, 2, 1),
    (3, 2, 8, 6, 3, 2, 3, 2, 0),
    (2, 1, 9, 7, 2, 3, 3, 3, 2),
    (2, 4, 6, 9, 3, 1, 1, 2, 0),
    (3, 2, 5, 8, 2, 4, 3, 1, 2),
    (2, 3, 10, 7, 5, 5, 3, 3, 1),
    (1, 2, 6, 6, 3, 2, 2, 2, 1),
    (2, 2, 7, 11, 2, 3, 5, 2, 2),
    (4, 3, 5, 4, 2, 3, 2, 1, 1),
    (2, 5, 8, 5, 3, 2, 1, 3, 0),
    (2, 2, 4, 3, 3, 5, 6, 1, 2),
]


def conv_case(cfg, seed):
    N, C, H, W, C_out, KH, KW, s, p = cfg
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((C_out, C, KH, KW))
    b = rng.standard_normal(C_out)
    return x, w, b, s, p, rng


@pytest.mark.parametrize("cfg", CONV_CONFIGS)
def test_conv2d_matches_naive(cfg):
    x, w, b, s, p, _ = conv_case(cfg, 0)
    fast, slow = F.conv2d(x, w, b, stride=s, padding=p), F.conv2d_naive(x, w, b, stride=s, padding=p)
    N, C, H, W, C_out, KH, KW = cfg[:7]
    assert fast.shape == slow.shape == (N, C_out, (H + 2 * p - KH) // s + 1, (W + 2 * p - KW) // s + 1)
    np.testing.assert_allclose(fast, slow, rtol=0, atol=ATOL)
    np.testing.assert_allclose(F.conv2d(x, w, None, s, p), F.conv2d_naive(x, w, None, s, p), rtol=0, atol=ATOL)


@pytest.mark.parametrize("cfg", CONV_CONFIGS)
def test_conv2d_backward_matches_naive(cfg):
    x, w, b, s, p, rng = conv_case(cfg, 1)
    y = F.conv2d(x, w, b, stride=s, padding=p)
    dy = rng.standard_normal(y.shape)
    fast = F.conv2d_backward(dy, x, w, stride=s, padding=p)
    slow = F.conv2d_backward_naive(dy, x, w, stride=s, padding=p)
    assert fast.dx.shape == x.shape and fast.dweight.shape == w.shape and fast.dbias.shape == b.shape
    for name in ("dx", "dweight", "dbias"):
        np.testing.assert_allclose(getattr(fast, name), getattr(slow, name), rtol=0, atol=ATOL, err_msg=name)
    # reusing the forward pass's im2col matrix gives the same gradients
    cols = F.conv2d_with_cols(x, w, b, s, p).cols
    again = F.conv2d_backward(dy, x, w, stride=s, padding=p, cols=cols)
    for name in ("dx", "dweight", "dbias"):
        np.testing.assert_allclose(getattr(again, name), getattr(slow, name), rtol=0, atol=ATOL, err_msg=name)


def test_naive_backward_is_the_adjoint_of_naive_forward():
    """<conv(x), dy> is linear in x and w, so its gradients must satisfy <dx, x> = <dy, conv(x) - b>."""
    x, w, b, s, p, rng = conv_case((2, 3, 7, 6, 4, 3, 2, 2, 1), 2)
    y = F.conv2d_naive(x, w, b, s, p)
    dy = rng.standard_normal(y.shape)
    g = F.conv2d_backward_naive(dy, x, w, s, p)
    inner = np.sum(dy * (y - b[None, :, None, None]))
    np.testing.assert_allclose(np.sum(g.dx * x), inner, rtol=1e-12)
    np.testing.assert_allclose(np.sum(g.dweight * w), inner, rtol=1e-12)
    np.testing.assert_allclose(g.dbias, dy.sum(axis=(0, 2, 3)), rtol=1e-12)


# ---------------------------------------------------------------- max pooling vs naive
# (N, C, H, W, kernel, stride): overlapping, side by side, gaps, sizes not divisible by stride
POOL_CONFIGS = [
    (2, 3, 7, 9, 3, 2),
    (2, 2, 6, 5, 3, 1),
    (2, 3, 8, 6, 2, 2),
    (3, 2, 9, 7, 2, 2),
    (2, 2, 11, 8, 2, 3),
    (1, 1, 5, 5, 5, None),
]


@pytest.mark.parametrize("cfg", POOL_CONFIGS)
@pytest.mark.parametrize("values", ["distinct", "ties"])
def test_max_pool_matches_naive(cfg, values):
    N, C, H, W, k, s = cfg
    rng = np.random.default_rng(3)
    if values == "distinct":
        x = rng.standard_normal((N, C, H, W))
    else:                                           # many ties: both must pick the first maximum
        x = rng.integers(0, 3, size=(N, C, H, W)).astype(np.float64)
    y = F.max_pool2d(x, k, s)
    np.testing.assert_array_equal(y, F.max_pool2d_naive(x, k, s))
    step = k if s is None else s
    assert y.shape == (N, C, (H - k) // step + 1, (W - k) // step + 1)
    dy = rng.standard_normal(y.shape)
    np.testing.assert_allclose(F.max_pool2d_backward(dy, x, k, s), F.max_pool2d_backward_naive(dy, x, k, s),
                               rtol=0, atol=ATOL)


# ---------------------------------------------------------------- hand-computed examples
@pytest.mark.parametrize("conv", [F.conv2d, F.conv2d_naive])
def test_hand_example_difference_kernel(conv):
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    w = np.array([[1.0, 0.0], [0.0, -1.0]])[None, None]
    # y[i, j] = x[i, j] - x[i+1, j+1] = -(4 + 1) everywhere
    np.testing.assert_array_equal(conv(x, w), np.full((1, 1, 3, 3), -5.0))


@pytest.mark.parametrize("conv", [F.conv2d, F.conv2d_naive])
def test_hand_example_ones_with_padding(conv):
    y = conv(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), padding=1)
    np.testing.assert_array_equal(y[0, 0], [[4, 6, 4], [6, 9, 6], [4, 6, 4]])


@pytest.mark.parametrize("conv", [F.conv2d, F.conv2d_naive])
def test_hand_example_two_channels_and_bias(conv):
    x = np.stack([np.ones((3, 3)), 2 * np.ones((3, 3))])[None]        # (1, 2, 3, 3)
    w = np.zeros((2, 2, 1, 1))
    w[0, 0], w[0, 1] = 10, 1       # kernel 0: 10 * ch0 + 1 * ch1 = 12
    w[1, 1] = -1                   # kernel 1: -ch1 = -2
    y = conv(x, w, np.array([0.5, 100.0]))
    np.testing.assert_array_equal(y[0, 0], np.full((3, 3), 12.5))
    np.testing.assert_array_equal(y[0, 1], np.full((3, 3), 98.0))


@pytest.mark.parametrize("s, p", [(2, 0), (2, 1), (3, 2), (3, 0)])
def test_stride_picks_every_sth_node_of_stride_1(s, p):
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((2, 2, 9, 8)), rng.standard_normal((3, 2, 3, 2))
    np.testing.assert_allclose(F.conv2d(x, w, stride=s, padding=p),
                               F.conv2d(x, w, stride=1, padding=p)[:, :, ::s, ::s], rtol=0, atol=ATOL)


def test_bias_adds_one_number_per_output_channel():
    rng = np.random.default_rng(5)
    x, w, b = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 3)), np.array([1.0, -2.0, 3.0, 0.5])
    diff = F.conv2d(x, w, b, padding=1) - F.conv2d(x, w, padding=1)
    np.testing.assert_allclose(diff, np.broadcast_to(b[None, :, None, None], diff.shape), atol=1e-12)


@pytest.mark.parametrize("conv", [F.conv2d, F.conv2d_naive])
def test_cross_correlation_not_convolution(conv):
    """An impulse in the middle: cross-correlation writes the kernel back flipped."""
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0
    k = np.arange(1.0, 10.0).reshape(3, 3)          # [[1 2 3] [4 5 6] [7 8 9]], not symmetric
    y = conv(x, k[None, None], padding=1)[0, 0]
    np.testing.assert_array_equal(y, [[9, 8, 7], [6, 5, 4], [3, 2, 1]])
    assert not np.array_equal(y, k)                 # a true convolution would give k itself
    # one row by hand: y[j] = sum_a x[j + a] * w[a], no flip
    row = F.conv2d(np.array([1.0, 2.0, 3.0, 4.0])[None, None, None], np.array([1.0, 10.0])[None, None, None])
    np.testing.assert_array_equal(row[0, 0, 0], [1 + 20, 2 + 30, 3 + 40])


@pytest.mark.parametrize("pool, pool_back", [(F.max_pool2d, F.max_pool2d_backward),
                                             (F.max_pool2d_naive, F.max_pool2d_backward_naive)])
def test_max_pool_hand_example(pool, pool_back):
    x = np.array([[1, 2, 5, 3],
                  [4, 0, 1, 7],
                  [2, 9, 8, 1],
                  [3, 6, 2, 4]], dtype=np.float64)[None, None]
    np.testing.assert_array_equal(pool(x, 2)[0, 0], [[4, 7], [9, 8]])
    dx = pool_back(np.array([[10.0, 20.0], [30.0, 40.0]])[None, None], x, 2)
    np.testing.assert_array_equal(dx[0, 0], [[0, 0, 0, 0],
                                             [10, 0, 0, 20],
                                             [0, 30, 40, 0],
                                             [0, 0, 0, 0]])
    # overlapping 3x3 windows, stride 1: the 9 is the maximum of all four, so it collects all of dy
    np.testing.assert_array_equal(pool(x, 3, 1)[0, 0], [[9, 9], [9, 9]])
    dx = pool_back(np.array([[1.0, 2.0], [3.0, 4.0]])[None, None], x, 3, 1)
    expected = np.zeros((4, 4))
    expected[2, 1] = 10
    np.testing.assert_array_equal(dx[0, 0], expected)


@pytest.mark.parametrize("pool_back", [F.max_pool2d_backward, F.max_pool2d_backward_naive])
def test_max_pool_ties_go_to_first_maximum(pool_back):
    x = np.array([[5, 5, 1, 3],
                  [5, 5, 3, 0]], dtype=np.float64)[None, None]
    dx = pool_back(np.array([[1.0, 2.0]])[None, None], x, 2)
    np.testing.assert_array_equal(dx[0, 0], [[1, 0, 0, 2],     # window 2: first 3 in row order is (0, 3)
                                             [0, 0, 0, 0]])


# ---------------------------------------------------------------- linear and relu
def test_linear_forward_backward_by_hand():
    x = np.array([[1.0, 2.0]])
    w = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    b = np.array([0.5, 0.0, -1.0])
    np.testing.assert_array_equal(F.linear(x, w, b), [[1.5, 2.0, 2.0]])
    np.testing.assert_array_equal(F.linear(x, w), [[1.0, 2.0, 3.0]])
    g = F.linear_backward(np.array([[1.0, 2.0, 3.0]]), x, w)
    np.testing.assert_array_equal(g.dx, [[4.0, 5.0]])
    np.testing.assert_array_equal(g.dweight, [[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    np.testing.assert_array_equal(g.dbias, [1.0, 2.0, 3.0])


def test_linear_rejects_feature_mismatch():
    with pytest.raises(ValueError) as info:
        F.linear(np.ones((2, 5)), np.ones((3, 4)))
    assert "5" in str(info.value) and "4" in str(info.value)


def test_relu_forward_backward_by_hand():
    x = np.array([-2.0, 0.0, 3.0, -0.5, 1e-9])
    np.testing.assert_array_equal(F.relu(x), [0.0, 0.0, 3.0, 0.0, 1e-9])
    np.testing.assert_array_equal(F.relu_backward(np.array([5.0, 6.0, 7.0, 8.0, 9.0]), x), [0, 0, 7, 0, 9])
    assert F.relu_backward(np.array([1.0]), np.array([0.0]))[0] == 0     # at the kink: 0


# ---------------------------------------------------------------- errors
def test_conv2d_rejects_2d_input_with_hint():
    with pytest.raises(ValueError) as info:
        F.conv2d(np.ones((28, 28)), np.ones((1, 1, 3, 3)))
    assert "(28, 28)" in str(info.value) and "x[None, None]" in str(info.value)


def test_conv2d_rejects_3d_input_with_hint():
    with pytest.raises(ValueError) as info:
        F.conv2d(np.ones((3, 8, 8)), np.ones((1, 3, 3, 3)))
    assert "(3, 8, 8)" in str(info.value) and "x[None]" in str(info.value)


def test_conv2d_rejects_channel_mismatch():
    with pytest.raises(ValueError) as info:
        F.conv2d(np.ones((1, 3, 8, 8)), np.ones((4, 2, 3, 3)))
    assert "3 channels" in str(info.value) and "C_in = 2" in str(info.value)


def test_conv2d_rejects_kernel_larger_than_padded_input():
    with pytest.raises(ValueError) as info:
        F.conv2d(np.ones((1, 1, 4, 9)), np.ones((1, 1, 7, 3)), padding=1)
    assert "7" in str(info.value) and "4 + 2*1 = 6" in str(info.value)


@pytest.mark.parametrize("kwargs", [dict(stride=0), dict(stride=-2), dict(padding=-1)])
def test_conv2d_rejects_bad_stride_and_padding(kwargs):
    with pytest.raises(ValueError) as info:
        F.conv2d(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), **kwargs)
    assert f"got {next(iter(kwargs.values()))}" in str(info.value)


def test_conv2d_rejects_bias_of_wrong_shape():
    with pytest.raises(ValueError) as info:
        F.conv2d(np.ones((1, 1, 5, 5)), np.ones((2, 1, 3, 3)), bias=np.ones(3))
    assert "(2,)" in str(info.value) and "(3,)" in str(info.value)


def test_conv2d_backward_rejects_dy_of_wrong_shape():
    x, w = np.ones((2, 1, 5, 5)), np.ones((3, 1, 3, 3))
    with pytest.raises(ValueError) as info:
        F.conv2d_backward(np.ones((2, 3, 4, 4)), x, w)
    assert "(2, 3, 3, 3)" in str(info.value) and "(2, 3, 4, 4)" in str(info.value)


@pytest.mark.parametrize("case", ["conv stride (2, 1)", "conv padding (1, 0)", "pool kernel (2, 3)"])
def test_tuple_stride_padding_kernel_is_honoured_or_rejected(case):
    """_checks.pair accepts (height, width) pairs; they must not silently become (height, height)."""
    rng = np.random.default_rng(6)
    x, w = rng.standard_normal((1, 1, 6, 7)), rng.standard_normal((1, 1, 2, 2))
    call, expected = {
        "conv stride (2, 1)": (lambda: F.conv2d(x, w, stride=(2, 1)), F.conv2d(x, w)[:, :, ::2, :]),
        "conv padding (1, 0)": (lambda: F.conv2d(x, w, padding=(1, 0)),
                                F.conv2d(np.pad(x, ((0, 0), (0, 0), (1, 1), (0, 0))), w)),
        # 2 x 3 windows side by side over 6 x 7: rows (0-1, 2-3, 4-5) x columns (0-2, 3-5) -> 3 x 2
        "pool kernel (2, 3)": (lambda: F.max_pool2d(x, (2, 3)),
                               x[..., :6].reshape(1, 1, 3, 2, 2, 3).max(axis=(3, 5))),
    }[case]
    try:
        got = call()
    except (TypeError, ValueError):
        return                                      # rejecting the pair is fine
    assert got.shape == expected.shape, f"{case}: got shape {got.shape}, expected {expected.shape}"
    np.testing.assert_allclose(got, expected, atol=ATOL)


# ---------------------------------------------------------------- dtypes
def test_float32_stays_float32():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 6, 5)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    y = F.conv2d(x, w, b, stride=2, padding=1)
    assert y.dtype == np.float32
    g = F.conv2d_backward(np.ones_like(y), x, w, stride=2, padding=1)
    assert g.dx.dtype == g.dweight.dtype == g.dbias.dtype == np.float32
    p = F.max_pool2d(x, 2)
    assert p.dtype == np.float32
    assert F.max_pool2d_backward(np.ones_like(p), x, 2).dtype == np.float32
    assert F.relu(x).dtype == np.float32


# ---------------------------------------------------------------- speed paths (benchmarks/README.md)
@pytest.mark.parametrize("cfg", CONV_CONFIGS)
def test_conv2d_backward_without_input_grad_keeps_the_weight_gradients(cfg):
    x, w, b, s, p, rng = conv_case(cfg, 5)
    dy = rng.standard_normal(F.conv2d(x, w, b, s, p).shape)
    full = F.conv2d_backward(dy, x, w, s, p)
    part = F.conv2d_backward(dy, x, w, s, p, input_grad=False)
    assert part.dx is None
    np.testing.assert_array_equal(part.dweight, full.dweight)
    np.testing.assert_array_equal(part.dbias, full.dbias)


@pytest.mark.parametrize("shape, C_out, k, p", [((3, 1, 9, 8), 6, 3, 1),      # few windows: channels outermost
                                                ((3, 6, 7, 7), 2, 3, 0)])     # many windows: batch innermost
def test_both_dx_paths_of_conv2d_backward_match_naive(shape, C_out, k, p):
    rng = np.random.default_rng(7)
    x = rng.standard_normal(shape)
    w = rng.standard_normal((C_out, shape[1], k, k))
    dy = rng.standard_normal(F.conv2d(x, w, None, 1, p).shape)
    C, OW = shape[1], dy.shape[3]
    assert (C * k * k >= C_out * OW / 4) == (C_out == 2)                       # each case takes the path it names
    np.testing.assert_allclose(F.conv2d_backward(dy, x, w, 1, p).dx, F.conv2d_backward_naive(dy, x, w, 1, p).dx,
                               rtol=0, atol=ATOL)


@pytest.mark.parametrize("order", [(0, 1, 2, 3, 4, 5), (1, 0, 2, 3, 4, 5), (3, 2, 1, 0, 4, 5), (4, 5, 0, 1, 2, 3)])
def test_col2im_gives_the_same_sums_whatever_the_memory_order_of_its_input(order):
    rng = np.random.default_rng(8)
    dwin = rng.standard_normal((2, 3, 4, 5, 3, 2))                 # (N, C, OH, OW, KH, KW)
    strided = np.ascontiguousarray(dwin.transpose(order)).transpose(np.argsort(order))   # same values, other layout
    expected = np.zeros((2, 3, 6, 6))                              # padded input: OH + KH - 1 = OW + KW - 1 = 6
    for a in range(3):
        for b in range(2):
            expected[:, :, a:a + 4, b:b + 5] += dwin[..., a, b]
    out = F.col2im(strided, (2, 3, 4, 4), 1, 1)
    np.testing.assert_array_equal(out, expected[:, :, 1:5, 1:5])


@pytest.mark.parametrize("cfg", POOL_CONFIGS)
def test_max_pool_backward_with_the_forward_output_is_the_same(cfg):
    N, C, H, W, k, s = cfg
    rng = np.random.default_rng(9)
    x = rng.integers(0, 3, size=(N, C, H, W)).astype(np.float64)              # ties: first maximum wins
    y = F.max_pool2d(x, k, s)
    dy = rng.standard_normal(y.shape)
    np.testing.assert_allclose(F.max_pool2d_backward(dy, x, k, s, y=y), F.max_pool2d_backward_naive(dy, x, k, s),
                               rtol=0, atol=ATOL)
    with pytest.raises(ValueError, match="max_pool2d_backward: y must be .* got shape"):
        F.max_pool2d_backward(dy, x, k, s, y=y[..., None])


@pytest.mark.parametrize("cfg", CONV_CONFIGS)
def test_im2col_rows_are_the_windows(cfg):
    """im2col's two-step copy gives exactly the windows of windows(), one per row, in (n, oh, ow) order."""
    x, w, _, s, p, _ = conv_case(cfg, 6)
    KH, KW = w.shape[2:]
    win = F.windows(x, KH, KW, s, p)                                        # (N, C, OH, OW, KH, KW)
    N, C, OH, OW = win.shape[:4]
    np.testing.assert_array_equal(F.im2col(x, KH, KW, s, p),
                                  win.transpose(0, 2, 3, 1, 4, 5).reshape(N * OH * OW, C * KH * KW))
