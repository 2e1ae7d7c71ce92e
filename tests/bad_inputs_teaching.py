"""Learner-style bad input for what issue 15 added (contract 7): the derivation pictures refuse
with their name, what they expected, what came and a hint; the new exercise checkers never
raise, and answer a wrong or odd answer with a hint."""
import numpy as np


def _feedback_not_right(result):
    assert not result and "Not yet" in repr(result)


def _drawn(result):
    import matplotlib.pyplot as plt
    assert result.axes
    plt.close(result)


def _derivations():
    from cnn_lib.viz import derivations
    return derivations


CASES = [
    ("cnn_lib.viz.derivations.chain_rule_figure",
     lambda: _derivations().chain_rule_figure([1, 2, 3], {}), ValueError),
    ("cnn_lib.viz.derivations.chain_rule_figure",                # the gradients without the two paths' shares
     lambda: _derivations().chain_rule_figure(dict(p1=2, p2=-1, w=3, z1=6, z2=-3, s=3, L=9), {"w": 6}), ValueError),
    ("cnn_lib.viz.derivations.conv1d_paths_figure",
     lambda: _derivations().conv1d_paths_figure(np.zeros((1, 1, 5)), [1, 0, -1], [1, 2, 3]), ValueError),
    ("cnn_lib.viz.derivations.conv1d_paths_figure",
     lambda: _derivations().conv1d_paths_figure([1, 2, 3, 4, 5], [1, 0, -1], [1, 2, 3], pixel=5), ValueError),
    ("cnn_lib.viz.derivations.conv1d_paths_figure",             # integers are fine
     lambda: _derivations().conv1d_paths_figure([1, 2, 3, 4], [1, -1], [1, 2, 3]), _drawn),
    ("cnn_lib.viz.derivations.strided_paths_figure",
     lambda: _derivations().strided_paths_figure(7, 3, 2, [1.0, 2.0, 3.0, 4.0]), ValueError),
    ("cnn_lib.viz.derivations.multichannel_figure",
     lambda: _derivations().multichannel_figure(3, 5, 7, 2), ValueError),
    ("cnn_lib.viz.derivations.multichannel_figure",
     lambda: _derivations().multichannel_figure(3.0, 6, 3, 2), ValueError),
    ("cnn_lib.viz.derivations.pooling_figure",
     lambda: _derivations().pooling_figure(*[np.zeros((1, 1, 4, 4))] * 6), ValueError),
    ("cnn_lib.exercises.nb04_backprop.check_paths_meet",
     lambda: __import__("cnn_lib.exercises.nb04_backprop", fromlist=["x"]).check_paths_meet("0.45", 0.8, (0.5,), (0.3,)),
     _feedback_not_right),
    ("cnn_lib.exercises.nb04_backprop.check_paths_meet_node",
     lambda: __import__("cnn_lib.exercises.nb04_backprop", fromlist=["x"]).check_paths_meet_node([0.45]),
     _feedback_not_right),
    ("cnn_lib.exercises.nb04_backprop.check_two_steps",
     lambda: __import__("cnn_lib.exercises.nb04_backprop", fromlist=["x"]).check_two_steps(float("nan"), 0.0, 3.0, 0.25),
     _feedback_not_right),
    ("cnn_lib.exercises.nb04_backprop.check_two_steps_quadratic",
     lambda: __import__("cnn_lib.exercises.nb04_backprop", fromlist=["x"]).check_two_steps_quadratic(True),
     _feedback_not_right),
    ("cnn_lib.exercises.nb01_layers.check_loss_from_scores",
     lambda: __import__("cnn_lib.exercises.nb01_layers", fromlist=["x"]).check_loss_from_scores("1.35", (2, 1, -1), 1),
     _feedback_not_right),
    ("cnn_lib.exercises.nb01_layers.check_loss_from_scores_2_1_m1",
     lambda: __import__("cnn_lib.exercises.nb01_layers", fromlist=["x"]).check_loss_from_scores_2_1_m1(float("inf")),
     _feedback_not_right),
    ("cnn_lib.exercises.nb01_layers.check_output_layer_params",
     lambda: __import__("cnn_lib.exercises.nb01_layers", fromlist=["x"]).check_output_layer_params((16, 6, 6), 32),
     _feedback_not_right),
    ("cnn_lib.exercises.nb01_layers.check_output_layer_params_32",
     lambda: __import__("cnn_lib.exercises.nb01_layers", fromlist=["x"]).check_output_layer_params_32(None),
     _feedback_not_right),
    ("cnn_lib.exercises.nb05_train.check_precision",
     lambda: __import__("cnn_lib.exercises.nb05_train", fromlist=["x"]).check_precision(
         "most", np.eye(3, dtype=int) * 5, 1), _feedback_not_right),
    ("cnn_lib.exercises.nb05_train.check_precision_example",
     lambda: __import__("cnn_lib.exercises.nb05_train", fromlist=["x"]).check_precision_example(-0.5),
     _feedback_not_right),
]
