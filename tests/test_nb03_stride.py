"""Notebook 03 (stride arithmetic): the helpers, the figures, the stride explorer and the exercises."""
import hashlib
import itertools

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import cnn_lib  # noqa: E402
from cnn_lib.exercises import REGISTRY  # noqa: E402
from cnn_lib.exercises.nb03_stride import (check_alexnet_224, check_article_stride_6, check_dilated,  # noqa: E402
                                           check_output_size, check_same_padding, check_stride_for,
                                           check_stride_for_target)
from cnn_lib.stride_tools import coverage, kernel_starts, never_read, strides_for  # noqa: E402
from cnn_lib.viz.stride import StrideDrawing, TextStamps, downsampling_figure, positions_figure  # noqa: E402
from cnn_lib.viz.style import CURRENT, GAP, NEVER, PAD, TAP, grid_image, lanes_image, pixel_list  # noqa: E402
from cnn_lib.widgets.stride_explorer import StrideExplorer  # noqa: E402

SMALL = list(itertools.product(range(1, 19), range(1, 6), range(1, 5), range(0, 3), range(1, 4)))


def fits(n, k, s, p, d):
    return d * (k - 1) + 1 <= n + 2 * p


# ---------------------------------------------------------------- stride_tools
def test_kernel_starts_are_the_windows_that_fit_counted_by_walking():
    for n, k, s, p, d in SMALL:
        if not fits(n, k, s, p, d):
            continue
        span, walked, t = d * (k - 1) + 1, [], 0
        while t + span <= n + 2 * p:          # walk the kernel along the padded axis
            walked.append(t)
            t += s
        assert kernel_starts(n, k, s, p, d) == walked
        assert len(walked) == cnn_lib.output_size(n, k, s, p, d)


def test_coverage_counts_reads_and_its_zeros_at_the_end_are_the_leftover():
    for n, k, s, p, d in SMALL:
        if not fits(n, k, s, p, d):
            continue
        cov = coverage(n, k, s, p, d)
        assert cov.shape == (n + 2 * p,) and cov.sum() == k * cnn_lib.output_size(n, k, s, p, d)
        rest = cnn_lib.leftover(n, k, s, p, d)
        assert np.all(cov[len(cov) - rest:] == 0)
        assert rest == 0 or d > 1 or cov[len(cov) - rest - 1] > 0     # dense kernels: no holes before it


def test_coverage_finds_the_holes_a_dilated_kernel_leaves():
    assert coverage(10, 3, stride=2, dilation=2).tolist() == [1, 0, 2, 0, 3, 0, 2, 0, 1, 0]
    assert never_read(10, 3, 2, 0, 2).tolist() == [1, 3, 5, 7, 9]


def test_never_read_finds_pixels_between_windows_not_only_the_leftover_at_the_end():
    assert never_read(10, 2, stride=3).tolist() == [2, 5, 8, 9]                 # s > k: 2, 5 between windows
    assert cnn_lib.leftover(10, 2, stride=3) == 2                               # only 8, 9 are at the end
    assert never_read(12, 4, stride=3).tolist() == [10, 11]                     # s <= k: only the end
    assert never_read(6, 3, stride=1, padding=1).tolist() == []                 # indices are unpadded
    assert never_read(7, 2, stride=3, padding=1).tolist() == [1, 4]             # padded axis of 9: starts 0, 3, 6
    for n, k, s, p, d in SMALL:
        if fits(n, k, s, p, d):
            cov = coverage(n, k, s, p, d)[p:p + n]
            assert never_read(n, k, s, p, d).tolist() == [i for i in range(n) if cov[i] == 0]
            if s <= k and d == 1:                                               # dense and overlapping: the end only
                assert len(never_read(n, k, s, p, d)) == max(0, cnn_lib.leftover(n, k, s, p, d) - p)


def test_the_articles_examples_leave_these_pixels_unread():
    assert never_read(128, 11, 2).tolist() == [127]
    assert never_read(128, 11, 6).tolist() == [125, 126, 127]
    assert never_read(128, 6, 4).tolist() == [126, 127]


def test_strides_for_lists_every_stride_that_gives_the_target():
    assert strides_for(128, 11, 20) == [6]
    assert strides_for(128, 6, 32) == [] and strides_for(128, 6, 32, padding=1) == [4]
    assert strides_for(96, 7, 30) == [3]
    assert strides_for(20, 3, 4) == [5]                           # 17 // 5 + 1 = 4
    for n, k, target in itertools.product(range(5, 40), range(1, 6), range(1, 12)):
        found = strides_for(n, k, target)
        assert all(cnn_lib.output_size(n, k, s) == target for s in found)
        assert found == [s for s in range(1, n + 2) if cnn_lib.output_size(n, k, s) == target][:len(found)]


def test_helpers_reject_impossible_settings_with_words():
    with pytest.raises(ValueError, match="does not fit"):
        kernel_starts(4, 7)
    with pytest.raises(ValueError, match="does not fit"):
        coverage(5, 3, dilation=3)
    with pytest.raises(ValueError, match="target must be a whole number >= 1"):
        strides_for(28, 5, 0)


# ---------------------------------------------------------------- viz
def test_lanes_image_marks_padding_taps_gaps_and_unread_pixels():
    image = lanes_image(6, 3, stride=2, padding=1, dilation=1, current=1)
    assert image.shape == (2 + 3, 8)                               # axis row, spacer, 3 lanes
    assert image[0].tolist() == [PAD, 0, 0, 0, 0, 0, 0, PAD]        # everything real is read
    assert image[2].tolist()[:3] == [TAP] * 3 and image[3].tolist()[2:5] == [CURRENT] * 3
    dilated = lanes_image(10, 3, stride=2, dilation=2)
    assert dilated[0].tolist() == [0, NEVER] * 5
    assert dilated[2].tolist()[:5] == [TAP, GAP, TAP, GAP, TAP]
    assert lanes_image(12, 4, 3, axis_rows=3).shape == (3 + 1 + 3, 12)


def test_grid_image_shades_rows_and_columns_never_read():
    image = grid_image(12, 4, 3, current=(3, 6))
    assert image.shape == (12, 12)
    assert np.all(image[10:, :] == NEVER) and np.all(image[:, 10:] == NEVER)
    assert np.all(image[3:7, 6:10] == CURRENT)


def test_pixel_list_reads_runs():
    assert pixel_list([125, 126, 127]) == "125-127"
    assert pixel_list([1, 3, 5]) == "1, 3, 5"
    assert pixel_list([]) == "none"
    assert pixel_list(list(range(0, 40, 2))).endswith("(20 pixels)")


def test_static_figures_build_and_title_what_they_show():
    fig = positions_figure([(12, 4, 3), (128, 11, 2), (10, 3, 2, 0, 2)])
    titles = [ax.get_title() for ax in fig.axes]
    assert "3 positions; never read: 10-11" in titles[0]
    assert "59 positions; never read: 127" in titles[1]
    assert "never read: 1, 3, 5, 7, 9" in titles[2]
    plt.close(fig)
    x = np.arange(64, dtype=float).reshape(8, 8)
    fig = downsampling_figure(x, x, x[::2, ::2], 2)
    assert [ax.get_title() for ax in fig.axes][2] == "stride 2: 4 x 4"
    plt.close(fig)


def test_text_stamps_render_each_text_once_and_paste_it_where_asked():
    drawing = StrideDrawing()
    stamps = TextStamps(drawing.fig, count=2, fontsize=8)
    pixels = stamps.pixels("12")
    assert pixels.ndim == 3 and pixels.shape[2] == 4 and pixels[..., 3].max() == 255     # ink, cropped
    assert 5 < pixels.shape[1] < 30 and stamps.pixels("12") is pixels                    # cached
    stamps.place([("12", 100, 50, "right", "top")])
    first, second = stamps.pool
    assert first.get_visible() and not second.get_visible()
    assert (first.ox + pixels.shape[1], first.oy + pixels.shape[0]) == (100, 50)
    with pytest.raises(ValueError, match="at most 2 labels fit the pool, got 3"):
        stamps.place([("a", 0, 0, "left", "bottom")] * 3)


def test_every_slider_setting_fits_the_label_pool():
    drawing = StrideDrawing()
    for n, p in itertools.product(range(1, 33), range(0, 6)):
        drawing.draw(n, 1, 1, p, 1, 0, 0)                      # the most positions and tick labels
    assert sum(image.get_visible() for image in drawing.stamps.pool) == 5 + 5 + 4   # n=32, p=5: 0, 8, .., 32


# ---------------------------------------------------------------- the explorer
def digest(explorer):
    return hashlib.sha256(explorer.image.value).hexdigest()


def test_explorer_writes_the_formula_with_numbers_and_the_leftover():
    explorer = StrideExplorer(n=12, kernel_size=4, stride=3)
    status = explorer.status.value
    assert "Output: 3 x 3" in status
    assert "floor((12 + 2·0 − 4) / 3) + 1 = floor(8 / 3) + 1 = 2 + 1 = 3" in status
    assert "Remainder 8 mod 3 = 2" in status and "(input 10-11) are never read" in status
    assert "starts along each axis (input index): 0, 3, 6" in status
    assert "floor(8 / 3) + 1 = 2 + 1 = 3" in explorer.drawing.formula.get_text()


def test_explorer_articles_first_example():
    explorer = StrideExplorer(n=12, kernel_size=3, stride=1)
    explorer.n.value = 32
    explorer.kernel.value = 11
    explorer.stride.value = 2
    assert "Output: 11 x 11" in explorer.status.value and "(input 31) is never read" in explorer.status.value


def test_moving_a_slider_redraws_the_same_figure_and_artists():
    explorer = StrideExplorer()
    fig, grid, lanes, before = explorer.fig, explorer.drawing.images["grid"], explorer.drawing.images["lanes"], \
        digest(explorer)
    explorer.stride.value = 3
    assert explorer.fig is fig and explorer.drawing.images["grid"] is grid and explorer.drawing.images["lanes"] is lanes
    assert digest(explorer) != before
    assert explorer.drawing.images["out"].get_array().shape == (3, 3)        # floor((10 - 3) / 3) + 1
    assert len(fig.axes) == 3


def test_position_walks_the_windows_and_is_clamped_when_the_output_shrinks():
    explorer = StrideExplorer(n=10, kernel_size=3, stride=2)          # 4 x 4 outputs
    assert explorer.position.max == 15
    explorer.position.value = 6                                       # row 1, column 2
    assert "output row 1, column 2" in explorer.status.value
    assert "top-left corner is input row 2, column 4" in explorer.status.value
    assert explorer.drawing.images["out"].get_array()[1, 2] == CURRENT
    explorer.stride.value = 5                                         # 2 x 2 outputs: position clamped to 3
    assert explorer.position.max == 3 and explorer.position.value == 3
    assert "output row 1, column 1" in explorer.status.value


def test_padding_and_dilation_are_described():
    explorer = StrideExplorer(n=10, kernel_size=3, stride=2, padding=1, dilation=2)
    status = explorer.status.value
    assert "floor((10 + 2·1 − 5) / 2) + 1" in status
    assert "padding: never read, nothing lost" in status
    assert "never land on input 0, 2, 4, 6, 8 either" in status
    assert "\nThe last 1 pixel" in explorer.text() and "<" not in explorer.text()
    explorer.dilation.value, explorer.padding.value, explorer.kernel.value, explorer.stride.value = 1, 0, 2, 3
    assert "never land on input 2, 5 either" in explorer.status.value       # stride 3 > kernel 2; 8, 9 left over
    assert "starts along each axis (input index): -1, 1, 3, 5" in status


def test_impossible_setting_is_explained_and_the_last_drawing_kept():
    explorer = StrideExplorer(n=6, kernel_size=3, stride=1)
    picture, data = digest(explorer), explorer.drawing.images["grid"].get_array().copy()
    explorer.kernel.value = 9
    assert "Cannot draw this" in explorer.status.value
    assert "covers 9 pixels, but the padded input has only n + 2p = 6 + 2*0 = 6" in explorer.status.value
    assert digest(explorer) == picture
    assert np.array_equal(explorer.drawing.images["grid"].get_array(), data)
    explorer.padding.value = 2                                        # 6 + 4 = 10 >= 9: fits again
    assert "Output: 2 x 2" in explorer.status.value and digest(explorer) != picture
    explorer.dilation.value = 3                                       # span 25 > 10
    assert "spans d(k-1)+1 = 3*(9-1)+1 = 25 pixels" in explorer.status.value


def test_static_bundle_has_the_png_with_the_formula():
    explorer = StrideExplorer()
    bundle = explorer._repr_mimebundle_()
    assert bundle["image/png"] and bundle["text/plain"].startswith("[stride explorer")
    assert explorer.png() != explorer.image.value                     # static one includes the formula


# ---------------------------------------------------------------- exercises
def test_registered_exercises_of_notebook_03():
    names = {name for name in REGISTRY if name.startswith("stride.")}
    assert {"stride.article_stride_2", "stride.article_stride_6", "stride.same_padding", "stride.dilated",
            "stride.alexnet_224", "stride.stride_for_target"} <= names
    for name in names:
        exercise = REGISTRY[name]
        assert exercise.check(exercise.solution)
        for wrong, words in exercise.wrong.items():
            feedback = exercise.check(wrong)
            assert not feedback and words.lower() in feedback.message.lower(), (name, wrong, feedback)


def test_each_exercise_names_its_typical_mistake():
    assert check_article_stride_6(20) and "rounded up" in check_article_stride_6(21).message
    assert "both sides" in check_same_padding(26).message
    assert "left out the padding" in check_same_padding(24).message
    assert "span" in check_dilated(31).message and "9 pixels" in check_dilated(31).message
    assert check_alexnet_224(54) and "54.25" in check_alexnet_224(55).message
    assert "replace the ..." in check_stride_for_target(...).message


def test_stride_for_checker_says_what_a_wrong_stride_gives():
    assert check_stride_for_target(3)
    assert "stride 4 gives 23, not 30" in check_stride_for_target(4).message
    assert "larger" in check_stride_for_target(2).message and "smaller" in check_stride_for_target(4).message
    assert "whole number" in check_stride_for_target(89 / 29).message
    assert check_stride_for_target(3.0)                               # a float that is whole is fine
    assert "at least 1" in check_stride_for_target(0).message
    assert "number" in check_stride_for_target("3").message
    assert "whole number" in check_stride_for_target(float("nan")).message
    assert check_stride_for(5, 20, 3, 4)
    same = check_stride_for(1, 32, 5, 32, padding=2)
    assert same and "only stride" in same.message


def test_check_output_size_unchanged_for_notebook_00():
    assert check_output_size(59, 128, 11, 2)
    assert "rounded up" in check_output_size(60, 128, 11, 2).message
    assert repr(check_output_size(59, 128, 11, 2)) == "✔ Correct: floor((128 + 2*0 - 11) / 2) + 1 = 59."


def test_check_output_size_says_a_count_is_whole_when_the_answer_is_not():
    unrounded = check_article_stride_6(20.5)                  # (128 - 11) / 6 + 1, not floored
    assert not unrounded and "forgot to floor" in unrounded.message and "20.5" in unrounded.message
    no_plus_one = check_article_stride_6(19.5)                # (128 - 11) / 6: neither floored nor + 1
    assert "whole number" in no_plus_one.message and "+ 1" in no_plus_one.message
    other = check_article_stride_6(18.3)
    assert not other and "whole number, got 18.3" in other.message
    assert "forgot to floor" in check_dilated(28.5).message   # (64 - 9) / 2 + 1
    assert "whole number" in check_same_padding(27.5).message and check_same_padding(28.0)
    assert "too large" in check_article_stride_6(22).message  # whole but wrong: the usual hint
    assert "number" in check_article_stride_6("20").message
