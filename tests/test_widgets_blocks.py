"""Notebook 07's transposed-convolution explorer: its numbers, its words and its refusals."""
import numpy as np
import pytest

from cnn_lib.arithmetic import output_size_transposed
from cnn_lib.widgets.transposed_explorer import TransposedConvExplorer, stamp_counts
from widget_fixtures import transposed_explorer


def stamps_by_loops(n, k, s, op):
    """Count the stamps covering each canvas pixel, one stamp at a time."""
    F = (n - 1) * s + k + op
    counts = np.zeros((F, F))
    for i in range(n):
        for j in range(n):
            counts[i * s:i * s + k, j * s:j * s + k] += 1
    return counts


@pytest.mark.parametrize("n, k, s, op", [(3, 3, 2, 0), (4, 4, 2, 1), (2, 1, 3, 2), (5, 5, 1, 0), (3, 2, 3, 1)])
def test_stamp_counts_match_loops(n, k, s, op):
    np.testing.assert_array_equal(stamp_counts(n, k, s, op), stamps_by_loops(n, k, s, op))


def test_status_gives_the_formula_and_names_the_checkerboard():
    explorer = TransposedConvExplorer(n=3, kernel_size=3, stride=2)
    assert "Output: 7 x 7" in explorer.status.value and "checkerboard even for a constant input" in explorer.status.value
    explorer.kernel.value = 4
    assert "no checkerboard" in explorer.status.value
    for p, op in ((1, 0), (1, 1), (0, 1)):
        explorer.padding.value, explorer.output_padding.value = p, op
        assert f"Output: {output_size_transposed(3, 4, 2, p, op)} x" in explorer.status.value


def test_impossible_settings_are_explained_and_keep_the_last_picture():
    explorer = TransposedConvExplorer(n=2, kernel_size=2, stride=2)
    before = explorer.png()
    explorer.output_padding.value = 2
    assert "must be smaller than the stride" in explorer.status.value
    explorer.output_padding.value = 0
    explorer.kernel.value, explorer.n.value = 1, 1
    explorer.padding.value = 3
    assert "nothing is" in explorer.status.value and "Lower the padding" in explorer.status.value
    assert isinstance(before, bytes) and before[:4] == b"\x89PNG"


def test_pixel_slider_follows_the_input_size():
    explorer = TransposedConvExplorer(n=4)
    explorer.pixel.value = 15
    assert "Input pixel (3, 3)" in explorer.status.value
    explorer.n.value = 2
    assert explorer.pixel.max == 3 and "Input pixel (1, 1)" in explorer.status.value


def test_fixture_moves_drive_real_controls():
    for label, explorer, control, values in transposed_explorer():
        for value in values[:3]:
            control.value = value
        assert explorer.last_update_seconds is not None and "Output" in explorer.status.value, label
