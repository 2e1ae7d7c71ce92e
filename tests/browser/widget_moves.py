"""The widget moves the browser tests make: one entry per move; together they move every control of
every explorer (tests/test_widgets.py checks the same in plain Python).

Each entry opens ``notebook`` (restarted and run top to bottom once, shared with the notebook's
own test), finds the control whose description label is ``control`` (for a button: its text; or a
CSS selector written ``"css:.custom-weight"``), moves it with real input (focus the slider handle
and press ``key`` ``presses`` times, click a button with ``key="click"``, pick the dropdown option
``presses`` below the current one with ``key="select"``, or type ``typed`` into a text box and press
Enter with ``key="type"``), then waits until the explorer shows the new state.

What is checked is stable, never prose: the control's readout, the explorer's hidden state marker
(``<span class="explorer-state" data-state='{json}'>``, written by ``Explorer.state``), and whether
its picture changed. A move that cannot work must say so visibly: ``state={"ok": False, ...}``
(the status line explains, the picture stays), or ``blocked``: the control is disabled and the
element matching that selector shows why.

The notebooks' stored cells run first, so the starting value is whatever the last cell left
(notebook 00 sets ``hello.slider.value = 6`` after showing the explorer at 4).
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Move:
    notebook: str                 # file in notebooks/, e.g. "00-start-here.ipynb"
    widget: str                   # the explorer's class, named in failure messages
    control: str                  # the control's description label (a button's text), or "css:<selector>"
    key: str = "ArrowRight"       # key pressed on the focused slider; "click" (mouse) for buttons and
    #                               checkboxes; "select" picks the dropdown option `presses` further down
    #                               (negative: up); "type" fills `typed` into a text box and presses Enter
    presses: int = 1
    readout: str | None = None    # the slider's readout (a dropdown's selected option) expected after the move
    state: dict = field(default_factory=dict)   # expected entries of the explorer's state marker;
    #                               "{value}" in a value stands for the control's readout after the move
    image_changes: bool = True    # the explorer's picture (img.widget-image bytes) must change
    blocked: str | None = None    # the control must stay put (disabled) and this selector show the reason
    typed: str = ""               # what key="type" types
    nth: int = 0                  # which control with this label, counted in notebook order from 0

    @property
    def id(self):
        return f"{self.notebook[:2]}-{self.widget}-{self.control}-{self.key}".replace(" ", "_")


NB = ("00-start-here.ipynb", "01-layers.ipynb", "02-kernels.ipynb", "03-stride.ipynb", "04-backprop.ipynb",
      "05-train-a-cnn.ipynb")

MOVES = [
    # Entries of one notebook run in this order on the same page: each starts where the last left off.
    # 00: squares 6 (cell 4 moved it from 4) -> two steps right -> 8, checkerboard redrawn.
    Move(NB[0], "HelloExplorer", "squares", presses=2, readout="8", state={"squares": 8}),
    # 01: LayerExplorer({"trained", "untrained"}, layer=1): every control.
    Move(NB[1], "LayerExplorer", "test digit", state={"index": "{value}", "photo": False}),
    Move(NB[1], "LayerExplorer", "layer", "select", state={"layer": 2}),
    Move(NB[1], "LayerExplorer", "untrained", "click", state={"network": "untrained"}),
    Move(NB[1], "LayerExplorer", "use the photo", "click", readout="pressed", state={"photo": True}),
    Move(NB[1], "LayerExplorer", "trained", "click", state={"network": "trained"}),
    # 02: KernelExplorer left at sobel_y, stride 2 by cell 44 (box_blur was shown at size 9 in cell 42).
    Move(NB[2], "KernelExplorer", "kernel size", blocked=".kernel-size-fixed", image_changes=False,
         state={"kernel": "sobel_y", "size_fixed": True, "size": 3}),      # a fixed 3x3 kernel: says why
    Move(NB[2], "KernelExplorer", "kernel", "select", state={"kernel": "custom"}),          # sobel_y -> custom
    Move(NB[2], "KernelExplorer", "css:.custom-weight", "type", typed="4", state={"kernel": "custom", "ok": True}),
    Move(NB[2], "KernelExplorer", "css:.custom-weight", "type", typed="1e308", nth=4,
         state={"ok": True, "kernel": "custom"}),                          # huge but finite: drawn, printed short
    Move(NB[2], "KernelExplorer", "kernel", "select", presses=-7, state={"kernel": "box_blur", "size": 9}),
    Move(NB[2], "KernelExplorer", "kernel size", "ArrowLeft", readout="7", state={"size": 7, "size_fixed": False}),
    Move(NB[2], "KernelExplorer", "stride", "ArrowLeft", readout="1", state={"stride": 1, "out": [144, 122]}),
    # 02: NodeInspector on a 10 x 10 crop (8 x 8 map), left at node (4, 5) by cell 68.
    Move(NB[2], "NodeInspector", "node row", readout="5", state={"node": [5, 5]}),
    Move(NB[2], "NodeInspector", "node column", presses=3, readout="8", image_changes=False,
         state={"ok": False, "reason": "no-node"}),                        # column 8 of 0..7: explained
    # 03: the first StrideExplorer left at n=16, k=5, s=4 by cell 19; the second is n=10, k=3, s=2, p=1, d=2.
    Move(NB[3], "StrideExplorer", "stride s", readout="5", state={"out": 3, "s": 5}),
    Move(NB[3], "StrideExplorer", "kernel size k", "ArrowLeft", readout="4", state={"k": 4, "remainder": 2}),
    Move(NB[3], "StrideExplorer", "input size n", readout="17", state={"n": 17, "out": 3, "remainder": 3}),
    Move(NB[3], "StrideExplorer", "padding p", readout="1", state={"p": 1, "out": 4}),
    Move(NB[3], "StrideExplorer", "dilation d", readout="2", state={"d": 2, "out": 3}),
    Move(NB[3], "StrideExplorer", "position", readout="1", state={"position": 1, "node": [0, 1]}),
    Move(NB[3], "StrideExplorer (2nd)", "stride s", readout="3", state={"out": 3}, nth=1),
    Move(NB[3], "StrideExplorer (2nd)", "kernel size k", presses=6, readout="9", nth=1, image_changes=False,
         state={"ok": False, "reason": "too-big"}),                        # span 17 > 12: explained
    # 04: TrainingStepper(lr=1.0), one step taken by cell 76.
    Move(NB[4], "TrainingStepper", "Step", "click", state={"iteration": 2}),
    Move(NB[4], "TrainingStepper", "learning rate", readout="3", state={"lr": 3.0},
         image_changes=False),                      # the rate applies from the next step: same picture
    Move(NB[4], "TrainingStepper", "10 steps", "click", state={"iteration": 12, "lr": 3.0}),
    Move(NB[4], "TrainingStepper", "Reset", "click", state={"iteration": 0}),
    # 05: DigitExplorer on the trained net, "only mistakes" ticked by the notebook (mistake 1 of N).
    Move(NB[5], "DigitExplorer", "test digit", readout="1", state={"mistake": 1, "only_mistakes": True}),
    Move(NB[5], "DigitExplorer", "only mistakes", "click", readout="unchecked", state={"only_mistakes": False}),
    Move(NB[5], "DigitExplorer", "test digit", state={"digit": "{value}"}),
]
