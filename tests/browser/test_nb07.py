"""Notebook 07's explorer moved with real input in JupyterLab (headless Chromium).

Reuses the shared fixtures and the move test of test_browser.py (the server, the browser, the
notebook opened and run once); only the moves are notebook 07's. The notebook's last cell leaves
the TransposedConvExplorer at n = 3, k = 3, stride 2, padding 0, output_padding 0.
"""
import pytest
import test_browser
from test_browser import notebooks  # noqa: F401  (the shared fixture: one notebook open at a time)
from widget_moves import Move

NB = "07-modern-blocks.ipynb"
MOVES = [
    # Each move starts where the last left off (n 3, k 3, s 2, p 0, output_padding 0); the state marker
    # gives the output size (n-1)s - 2p + k + output_padding and whether the overlaps make a checkerboard.
    Move(NB, "TransposedConvExplorer", "stride s", readout="3", state={"stride": 3, "out": 9, "checkerboard": False}),
    Move(NB, "TransposedConvExplorer", "kernel size k", readout="4", state={"kernel": 4, "out": 10, "checkerboard": True}),
    Move(NB, "TransposedConvExplorer", "input size n", readout="4", state={"n": 4, "out": 13}),
    Move(NB, "TransposedConvExplorer", "padding p", readout="1", state={"padding": 1, "out": 11}),
    Move(NB, "TransposedConvExplorer", "output_padding", readout="1", state={"output_padding": 1, "out": 12}),
    Move(NB, "TransposedConvExplorer", "input pixel", readout="1", state={"pixel": [0, 1]}),
]


@pytest.mark.parametrize("move", MOVES, ids=lambda move: move.id)
def test_nb07_explorer_follows_real_input(notebooks, move, lab, screenshots):  # noqa: F811
    test_browser.test_widget_follows_real_input(notebooks, move, lab, screenshots)
