"""The derivation pictures (cnn_lib.viz.derivations: notebooks 02, 03 and 04), the shared colour
scales of show_panels and tile_maps, and the new exercises that need a step of thought."""
import matplotlib
import numpy as np
import pytest

import cnn_lib
from cnn_lib.viz import derivations as d

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title() for ax in fig.axes]


def font_sizes(fig):
    return [t.get_fontsize() for ax in fig.axes for t in ax.texts] + [ax.title.get_fontsize() for ax in fig.axes]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def chain_numbers(p1=2.0, p2=-1.0, w=3.0):
    """L = (w p1 + w p2)^2 and its gradients, as notebook 04 computes them."""
    z1, z2 = w * p1, w * p2
    s = z1 + z2
    values = {"p1": p1, "p2": p2, "w": w, "z1": z1, "z2": z2, "s": s, "L": s * s}
    grads = {"s": 2 * s, "z1": 2 * s, "z2": 2 * s, "L": 1.0, "w via z1": 2 * s * p1, "w via z2": 2 * s * p2}
    grads["w"] = grads["w via z1"] + grads["w via z2"]
    return values, grads


def test_chain_rule_numbers_are_the_derivative_and_the_figure_writes_them():
    values, grads = chain_numbers()
    w, p1, p2 = values["w"], values["p1"], values["p2"]
    assert grads["w"] == pytest.approx(2 * w * (p1 + p2) ** 2)           # d/dw of w^2 (p1 + p2)^2
    fig = d.chain_rule_figure(values, grads)
    words = " ".join(texts(fig))
    assert "∂L/∂w = 12 (via z1) + -6 (via z2) = 6" in words
    assert "∂z1/∂w = p1 = 2" in words and "∂L/∂s = 2s = 6" in words
    assert min(font_sizes(fig)) >= 9


def test_conv1d_paths_figure_sums_match_conv2d_backward():
    x, w, dy = np.array([1.0, 2, 0, -1, 3]), np.array([1.0, -2, 0.5]), np.array([0.5, -1.0, 2.0])
    grads = cnn_lib.functional.conv2d_backward(dy[None, None, None], x[None, None, None], w[None, None, None])
    for u, pixel in [(0, 0), (1, 2), (2, 4)]:
        fig = d.conv1d_paths_figure(x, w, dy, weight_index=u, pixel=pixel)
        titles = [ax.get_title() for ax in fig.axes]
        assert titles[1].endswith(f"= {grads.dweight[0, 0, 0, u] + 0.0:.3g}"), titles[1]
        assert titles[2].endswith(f"= {grads.dx[0, 0, 0, pixel] + 0.0:.3g}"), titles[2]
        # the right panel labels exactly the paths that start at the pixel: one per window covering it
        covering = sum(1 for i in range(3) if 0 <= pixel - i < 3)
        assert len([t for t in fig.axes[2].texts if t.get_bbox_patch() is not None]) == covering
        assert min(font_sizes(fig)) >= 9
        plt.close(fig)


def test_strided_paths_figure_marks_the_skipped_positions():
    fig = d.strided_paths_figure(7, 3, 2, [0.5, -1.0, 2.0])
    top = [t.get_text() for t in fig.axes[0].texts]
    assert top.count("0") >= 2 and "0.5" in top and "-1" in top and "2" in top
    with pytest.raises(ValueError, match="strided_paths_figure.*got 2.*Hint"):
        d.strided_paths_figure(7, 3, 2, [0.5, 1.0])


def test_multichannel_figure_states_the_shapes():
    words = " ".join(texts(d.multichannel_figure(3, 6, 3, 4)))
    assert "3 x 6 x 6" in words and "one kernel\n3 x 3 x 3" in words and "ONE map\n4 x 4" in words
    assert "4 x 4 x 4" in words and "27 products" in words


def test_pooling_figure_shares_one_scale_per_row():
    x = np.array([[1.0, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [2, 6, 1, 1]])
    xx = x[None, None]
    mx = cnn_lib.max_pool2d(xx, 2)[0, 0]
    avg = x.reshape(2, 2, 2, 2).mean(axis=(1, 3))                  # (4, 4) -> (2, 2, 2, 2): windows
    dp = np.array([[1.0, 2], [3, 4]])
    dmax = cnn_lib.functional.max_pool2d_backward(dp[None, None], xx, 2)[0, 0]
    davg = np.kron(dp, np.ones((2, 2))) / 4
    fig = d.pooling_figure(x, mx, avg, dp, dmax, davg)
    limits = [ax.images[0].get_clim() for ax in fig.axes]
    assert limits[0] == limits[1] == limits[2] == (0, 6) and limits[3] == limits[4] == limits[5] == (0, 4)
    assert min(font_sizes(fig)) >= 9


@pytest.mark.parametrize("call", [
    lambda: d.chain_rule_figure({"w": 1}, {}),
    lambda: d.conv1d_paths_figure(np.zeros((2, 5)), [1, 2, 3], [1, 2, 3]),
    lambda: d.conv1d_paths_figure([1, 2, 3, 4, 5], [1, 2, 3], [1, 2]),
    lambda: d.multichannel_figure(3, 2, 3, 4),
    lambda: d.pooling_figure(np.zeros(4), np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2)),
                             np.zeros((4, 4)), np.zeros((4, 4))),
])
def test_bad_input_is_refused_with_a_hint(call):
    with pytest.raises(ValueError, match="got.*Hint"):
        call()


# ---------------------------------------------------------------- shared colour scales
def test_show_panels_shared_scale_and_9pt_numbers():
    from cnn_lib.viz.backprop import show_panels
    small, large = np.full((4, 4), 0.6), np.full((4, 4), 3.5)
    own = show_panels([("a", small), ("b", large)])
    assert own.axes[0].images[0].get_clim() != own.axes[1].images[0].get_clim()
    shared = show_panels([("a", small), ("b", large)], shared=True)
    assert shared.axes[0].images[0].get_clim() == shared.axes[1].images[0].get_clim() == (0, 3.5)
    big = show_panels([("7x7", np.arange(49.0).reshape(7, 7))])
    assert min(t.get_fontsize() for t in big.axes[0].texts) >= 9


def test_tile_maps_shared_keeps_the_ratio_between_maps():
    from cnn_lib.viz.training import tile_maps
    maps = np.stack([np.full((2, 2), 1.0), np.full((2, 2), 4.0)])
    own, shared = tile_maps(maps, 2), tile_maps(maps, 2, shared=True)
    assert own[0, 0] == own[0, 3] == 1.0                            # each map scaled to its own max
    assert shared[0, 0] == 0.25 and shared[0, 3] == 1.0             # one scale: 1 is a quarter of 4


# ---------------------------------------------------------------- exercises that need thought
def test_paths_meet_answer_is_the_chain_rule():
    from cnn_lib.exercises.nb04_backprop import check_paths_meet
    # a = relu(z) feeds two scores; compare with a numerical derivative of L(z) = u . (W a)
    z, weights, upstream = 0.8, (0.5, -1.5), (0.3, -0.2)
    loss = lambda zz: sum(u * w * max(zz, 0) for u, w in zip(upstream, weights))   # noqa: E731
    h = 1e-6
    assert check_paths_meet((loss(z + h) - loss(z - h)) / (2 * h), z, weights, upstream)
    assert check_paths_meet(0, -0.5, weights, upstream)
    assert "nothing passes back" in check_paths_meet(0.45, -0.5, weights, upstream).message


def test_two_steps_matches_a_descent_loop():
    from cnn_lib.exercises.nb04_backprop import check_two_steps
    for w0, target, lr in [(0.0, 3.0, 0.25), (5.0, -1.0, 0.1)]:
        w = w0
        for _ in range(2):
            w -= lr * 2 * (w - target)
        assert check_two_steps(w, w0, target, lr)


def test_loss_from_scores_agrees_with_cnn_lib():
    from cnn_lib.exercises.nb01_layers import check_loss_from_scores
    scores, label = np.array([[2.0, 1.0, -1.0]]), 1
    loss, _ = cnn_lib.softmax_cross_entropy(scores, [label])
    assert check_loss_from_scores(round(float(loss), 3), scores[0], label)
    assert not check_loss_from_scores(round(float(loss), 3) + 0.05, scores[0], label)


def test_output_layer_params_agree_with_the_real_network():
    from cnn_lib import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential
    from cnn_lib.exercises.nb01_layers import check_output_layer_params
    for side in (28, 32, 36):
        features = Sequential(Conv2d(1, 8, 3), ReLU(), MaxPool2d(2), Conv2d(8, 16, 3), ReLU(), MaxPool2d(2), Flatten())
        flat = features.forward(np.zeros((1, 1, side, side))).shape[1]
        assert check_output_layer_params(Linear(flat, 10).num_params(), side)


def test_precision_reads_the_column_not_the_row():
    from cnn_lib.exercises.nb05_train import check_precision
    m = np.diag([50, 40, 30])
    m[0, 2], m[1, 2], m[2, 0] = 10, 5, 3                           # rows: true digits; columns: guesses
    assert check_precision(30 / 45, m, 2) and check_precision(100 * 30 / 45, m, 2)
    assert "row 2" in check_precision(30 / 33, m, 2).message
    assert "count" in check_precision(30, m, 2).message
    assert not check_precision("0.66", m, 2)                        # a string: no crash, a hint
