"""Notebook 07's building blocks: gradient checks in float64, naive vs vectorized, and PyTorch's numbers.

The PyTorch values come from ``tools/make_torch_references.py`` (run once with torch, stored in
``cnn_lib/datasets/torch_blocks.npz``, shipped so notebook 07 can show them too); torch is not needed here.
"""
from pathlib import Path

import numpy as np
import pytest

import cnn_lib
from cnn_lib import functional as F
from cnn_lib import functional_blocks as FB
from cnn_lib.blocks import AvgPool2d, BatchNorm2d, ConvTranspose2d, Dropout, GlobalAvgPool2d, Residual
from cnn_lib.gradcheck import check_layer, rel_error
from cnn_lib.layers import Conv2d, ReLU, Sequential

REF = np.load(Path(cnn_lib.__file__).with_name("datasets") / "torch_blocks.npz")
TOL = 1e-10                                  # float64 against float64: only rounding differs


def ref(case, name):
    return REF[f"{case}/{name}"]


def error(ours, theirs):
    """Relative error; absolute where torch's value is rounding noise around 0 (a conv bias before BatchNorm
    in training mode has gradient exactly 0 in exact arithmetic: the batch mean removes it)."""
    return rel_error(ours, theirs) if np.linalg.norm(theirs) > 1e-8 else float(np.abs(ours - theirs).max())


def compare(case, layer, param_names=None, mode="train"):
    """Feed the stored inputs to ``layer`` and return the worst relative error against torch."""
    param_names = param_names or {}
    for ours, theirs in param_names.items():
        owner, key = ours
        owner.params[key] = ref(case, f"param/{theirs}").copy()
    layer.train(mode == "train")
    y = layer.forward(ref(case, "x"))
    dx = layer.backward(ref(case, "dy"))
    errors = {"y": error(y, ref(case, "y")), "dx": error(dx, ref(case, "dx"))}
    for (owner, key), theirs in param_names.items():
        errors[theirs] = error(owner.grads[key], ref(case, f"grad/{theirs}"))
    return errors


# ---------------------------------------------------------------- against PyTorch
def test_batchnorm_train_matches_torch_including_running_statistics():
    bn = BatchNorm2d(3)
    errors = compare("bn_train", bn, {(bn, "weight"): "weight", (bn, "bias"): "bias"})
    assert max(errors.values()) < TOL, errors
    assert rel_error(bn.running_mean, ref("bn_train", "buffer/running_mean")) < 1e-6     # stored as float32
    assert rel_error(bn.running_var, ref("bn_train", "buffer/running_var")) < 1e-6


def test_batchnorm_eval_matches_torch():
    bn = BatchNorm2d(3, eps=1e-3, momentum=0.3)
    bn.buffers["running_mean"] = ref("bn_eval", "running_mean")
    bn.buffers["running_var"] = ref("bn_eval", "running_var")
    errors = compare("bn_eval", bn, {(bn, "weight"): "weight", (bn, "bias"): "bias"}, mode="eval")
    assert max(errors.values()) < TOL, errors
    assert np.array_equal(bn.running_mean, ref("bn_eval", "running_mean"))             # eval never updates


@pytest.mark.parametrize("case, layer", [("avgpool_k2", AvgPool2d(2)), ("avgpool_k3s2", AvgPool2d(3, stride=2)),
                                         ("gap", GlobalAvgPool2d())])
def test_pooling_matches_torch(case, layer):
    errors = compare(case, layer)
    assert max(errors.values()) < TOL, errors


def test_dropout_eval_is_the_identity_like_torch():
    errors = compare("dropout_eval", Dropout(0.3), mode="eval")
    assert max(errors.values()) == 0.0, errors


@pytest.mark.parametrize("case", ["convt_s1", "convt_s2", "convt_s3", "convt_k2s2"])
def test_conv_transpose_matches_torch(case):
    c_in, c_out, k, s, p, op = ref(case, "config")
    layer = ConvTranspose2d(c_in, c_out, k, stride=s, padding=p, output_padding=op)
    errors = compare(case, layer, {(layer, "weight"): "weight", (layer, "bias"): "bias"})
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("case", ["conv_g2", "conv_dw", "conv_dw_x2"])
def test_grouped_conv_matches_torch(case):
    c_in, c_out, k, s, p, g = ref(case, "config")
    layer = Conv2d(c_in, c_out, k, stride=s, padding=p, groups=g)
    assert layer.params["weight"].shape == ref(case, "param/weight").shape        # (C_out, C_in/groups, k, k)
    errors = compare(case, layer, {(layer, "weight"): "weight", (layer, "bias"): "bias"})
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_residual_block_matches_torch(mode):
    case = f"residual_{mode}"
    conv, bn = Conv2d(3, 3, 3, padding=1), BatchNorm2d(3)
    block = Residual(conv, bn, ReLU())
    bn.buffers["running_mean"] = ref(case, "running_mean").astype(np.float64)    # torch kept float32 values
    bn.buffers["running_var"] = ref(case, "running_var").astype(np.float64)
    names = {(conv, "weight"): "f.0.weight", (conv, "bias"): "f.0.bias", (bn, "weight"): "f.1.weight",
             (bn, "bias"): "f.1.bias"}
    errors = compare(case, block, names, mode=mode)
    assert max(errors.values()) < TOL, errors
    assert rel_error(bn.running_mean, ref(case, "buffer/f.1.running_mean")) < 1e-6


# ---------------------------------------------------------------- gradient checks (float64)
class SeededDropout(Dropout):
    """Dropout drawing the same mask on every forward, so numerical gradients see one function."""

    def forward(self, x):
        self.rng = np.random.default_rng(0)
        return super().forward(x)


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("mode", ["train", "eval"])
@pytest.mark.parametrize("make, shape", [
    (lambda: BatchNorm2d(3), (4, 3, 3, 4)),
    (lambda: AvgPool2d(2), (2, 3, 4, 5)),
    (lambda: AvgPool2d(3, stride=2), (2, 2, 7, 6)),
    (lambda: GlobalAvgPool2d(), (2, 3, 4, 5)),
    (lambda: SeededDropout(0.4), (2, 3, 4, 4)),
    (lambda: ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1), (2, 2, 3, 4)),
    (lambda: Conv2d(4, 6, 3, padding=1, groups=2), (2, 4, 5, 5)),
    (lambda: Conv2d(3, 3, 3, stride=2, groups=3), (2, 3, 7, 6)),
    (lambda: Residual(BatchNorm2d(3), ReLU(), Conv2d(3, 3, 3, padding=1)), (3, 3, 4, 4)),   # no bias before BN
])
def test_gradient_check_float64(make, shape, mode):
    layer = make()
    if mode == "eval":
        for bn in [layer] + getattr(layer, "layers", []):
            if isinstance(bn, BatchNorm2d):
                bn.buffers["running_mean"] = _x(3, 1)
                bn.buffers["running_var"] = np.exp(_x(3, 2))
        layer.eval()
    errors = check_layer(layer, _x(shape, seed=7))          # not seed 0: check_layer's dy would equal x
    assert max(errors.values()) < 1e-7, errors


# ---------------------------------------------------------------- naive vs vectorized, identities
@pytest.mark.parametrize("k, s", [(2, None), (3, 2), (2, 1), (3, 3)])
def test_avg_pool_vectorized_matches_naive(k, s):
    x = _x((2, 3, 7, 8)).astype(np.float32)
    np.testing.assert_allclose(FB.avg_pool2d(x, k, s), FB.avg_pool2d_naive(x, k, s), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("s, p, op", [(1, 0, 0), (2, 0, 1), (2, 1, 0), (3, 2, 2), (1, 1, 0)])
def test_conv_transpose_vectorized_matches_naive_and_is_conv_backward_dx(s, p, op):
    rng = np.random.default_rng(s * 10 + p)
    x, w, b = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(2)
    y = FB.conv_transpose2d(x, w, b, s, p, op)
    np.testing.assert_allclose(y, FB.conv_transpose2d_naive(x, w, b, s, p, op), atol=1e-12)
    # notebook 04's dx: a convolution with weight w maps y's shape down to x's; its dx is our forward
    z = np.zeros((2, 2) + y.shape[2:])
    np.testing.assert_allclose(y - b[:, None, None], F.conv2d_backward(x, z, w, s, p).dx, atol=1e-12)
    assert y.shape[2:] == (cnn_lib.output_size_transposed(4, 3, s, p, op), cnn_lib.output_size_transposed(5, 3, s, p, op))


def test_batchnorm_closed_form_backward_matches_step_by_step():
    rng = np.random.default_rng(3)
    x, w, dy = rng.normal(1, 2, (4, 3, 5, 5)), rng.standard_normal(3), rng.standard_normal((4, 3, 5, 5))
    out = FB.batch_norm2d_train(x, w, np.zeros(3))
    fast = FB.batch_norm2d_backward(dy, out.x_hat, out.inv_std, w)
    slow = FB.batch_norm2d_backward_naive(dy, x, w)
    for a, b in zip(fast, slow):
        np.testing.assert_allclose(a, b, atol=1e-12)
    assert np.allclose(out.y.mean(axis=(0, 2, 3)), 0) and np.allclose(out.y.std(axis=(0, 2, 3)) / np.abs(w), 1, atol=1e-3)


def test_grouped_conv_is_separate_convolutions_and_depthwise_matches_loops():
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((2, 4, 6, 6)), rng.standard_normal((4, 1, 3, 3))
    y = FB.grouped_conv2d_with_cols(x, w, None, 1, 1, groups=4).y
    for c in range(4):
        np.testing.assert_allclose(y[:, c:c + 1], F.conv2d_naive(x[:, c:c + 1], w[c:c + 1], None, 1, 1), atol=1e-12)


@pytest.mark.parametrize("n, k, s, p", [(28, 3, 2, 1), (14, 4, 2, 1), (7, 5, 3, 0), (10, 1, 1, 0), (9, 3, 3, 2)])
def test_output_size_transposed_inverts_output_size(n, k, s, p):
    m = cnn_lib.output_size(n, k, s, p)
    op = (n + 2 * p - k) % s                                      # the rows the floor dropped
    assert cnn_lib.output_size_transposed(m, k, s, p, op) == n
    assert cnn_lib.output_size(cnn_lib.output_size_transposed(m, k, s, p), k, s, p) == m


# ---------------------------------------------------------------- modes and state
def test_batchnorm_running_statistics_follow_momentum_and_eval_uses_them():
    x = np.random.default_rng(5).normal(3.0, 2.0, (8, 2, 4, 4)).astype(np.float32)
    bn = BatchNorm2d(2, momentum=0.5)
    bn.forward(x)
    np.testing.assert_allclose(bn.running_mean, 0.5 * x.mean(axis=(0, 2, 3)), rtol=1e-5)
    np.testing.assert_allclose(bn.running_var, 0.5 + 0.5 * x.var(axis=(0, 2, 3), ddof=1), rtol=1e-5)
    assert "running_mean" not in bn.params and bn.num_params() == 4         # buffers are not learned
    before = bn.running_mean.copy()
    y = bn.eval().forward(x[:1])
    np.testing.assert_array_equal(bn.running_mean, before)
    np.testing.assert_allclose(y, (x[:1] - before[:, None, None]) / np.sqrt(bn.running_var + 1e-5)[:, None, None],
                               rtol=1e-5, atol=1e-5)


def test_dropout_train_scales_kept_values_and_keeps_the_mean():
    x = np.ones((200, 100), dtype=np.float32)
    layer = Dropout(0.25, rng=np.random.default_rng(0))
    y = layer.forward(x)
    assert set(np.unique(y)) == {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.01 and abs(y.mean() - 1) < 0.02
    np.testing.assert_array_equal(layer.backward(x), y)                    # same mask on the way back
    np.testing.assert_array_equal(layer.eval().forward(x), x)
    a, b = Dropout(0.5, rng=np.random.default_rng(1)), Dropout(0.5, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a.forward(x), b.forward(x))               # seeded: repeatable


def test_train_eval_reach_nested_layers_and_backward_before_forward_is_refused():
    bn, drop = BatchNorm2d(2), Dropout()
    model = Sequential(Residual(bn, ReLU()), drop)
    assert model.eval() is model and not bn.training and not drop.training
    assert model.train() is model and bn.training and drop.training
    for layer in (BatchNorm2d(2), AvgPool2d(2), GlobalAvgPool2d(), Dropout(), ConvTranspose2d(1, 1, 2)):
        with pytest.raises(RuntimeError, match="forward"):
            layer.backward(np.zeros((1, 1, 2, 2)))


def test_residual_gradient_is_dy_plus_the_branch_and_parameters_are_found():
    conv = Conv2d(2, 2, 3, padding=1)
    block = Residual(conv)
    x, dy = _x((1, 2, 4, 4)), _x((1, 2, 4, 4), 1)
    np.testing.assert_allclose(block.forward(x), x + conv.forward(x))
    np.testing.assert_allclose(block.backward(dy), dy + conv.backward(dy))
    model = Sequential(Conv2d(1, 2, 3), block)
    assert (conv, "weight") in model.parameters() and model.num_params() == 20 + 38


def test_describe_counts_parameters_and_multiply_adds():
    info = Conv2d(8, 8, 3, padding=1, groups=8).describe((8, 10, 10))
    assert info.out_shape == (8, 10, 10) and info.params == 8 * 9 + 8 and info.mult_adds == 8 * 100 * 9
    info = ConvTranspose2d(4, 2, 2, stride=2).describe((4, 5, 5))
    assert info.out_shape == (2, 10, 10) and info.mult_adds == 4 * 25 * 2 * 4 and info.params == 4 * 2 * 4 + 2
    assert GlobalAvgPool2d().describe((6, 7, 7)).out_shape == (6,)
    assert AvgPool2d(2).describe((3, 8, 8)) == cnn_lib.layers.LayerInfo("AvgPool2d", (3, 4, 4), 0, 0)
    block = Residual(Conv2d(4, 4, 1), BatchNorm2d(4))
    assert block.describe((4, 3, 3)) == cnn_lib.layers.LayerInfo("Residual", (4, 3, 3), 20 + 8, 16 * 9 + 36)


# ---------------------------------------------------------------- bad inputs (contract 7), run here until
# tests/test_bad_inputs.py (branch i12) runs every tests/bad_inputs_*.py
def test_bad_input_cases_of_notebook_07():
    import bad_inputs_blocks
    for target, call, expect in bad_inputs_blocks.CASES:
        name = target.split(".")[-1]
        if isinstance(expect, type):
            with pytest.raises(expect) as caught:
                call()
            message = str(caught.value)
            assert name in message and "got" in message and "Hint" in message, (target, message)
        else:
            assert expect(call()), target


def test_describe_matches_forward_for_every_new_layer():
    x = np.zeros((1, 4, 9, 8), dtype=np.float32)
    for layer in (AvgPool2d(2), AvgPool2d(3, stride=2), GlobalAvgPool2d(), Dropout(0.3), BatchNorm2d(4),
                  ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1), Conv2d(4, 8, 3, groups=4),
                  Residual(Conv2d(4, 4, 3, padding=1), BatchNorm2d(4), ReLU())):
        assert layer.eval().describe(x.shape[1:]).out_shape == layer.forward(x).shape[1:], layer


@pytest.mark.parametrize("make", [lambda: BatchNorm2d(3), lambda: AvgPool2d(2), lambda: GlobalAvgPool2d(),
                                  lambda: Dropout(0.5), lambda: ConvTranspose2d(3, 2, 3),
                                  lambda: Residual(Conv2d(3, 3, 3, padding=1), ReLU())])
def test_blocks_use_the_layer_machinery_for_backward(make):
    layer = make()
    name = type(layer).__name__
    dy = np.ones((2, 3, 4, 4))
    with pytest.raises(RuntimeError, match=f"{name}.backward: .*got a call before any forward pass"):
        layer.backward(dy)
    y = layer.forward(np.random.default_rng(0).normal(size=(2, 3, 4, 4)))
    assert layer.cache["y_shape"] == y.shape                                # Layer._remember kept the output's shape
    with pytest.raises(ValueError, match=f"{name}.backward: dy .*must be of the output's shape"):
        layer.backward(np.ones(y.shape + (1,)))
    assert layer.backward(np.ones(y.shape)).shape == (2, 3, 4, 4)
