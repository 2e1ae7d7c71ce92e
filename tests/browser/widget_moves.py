"""The widget moves the browser tests make: one entry per control, a few lines each.

Each entry opens ``notebook`` (restarted and run top to bottom once, shared with the notebook's
own test), finds the control whose description label is ``control`` (for a button: its text),
moves it with real input (focus the slider handle and press ``key`` ``presses`` times, click
a button with ``key="click"``, or pick the dropdown option ``presses`` below the current one
with ``key="select"``), then waits until the explorer shows the new state: the control's
readout, a substring of its status text (its HTML / Label widgets), and a changed picture.
Failure messages name the notebook and ``widget``.

The notebooks' stored cells run first, so the starting value is whatever the last cell left
(notebook 00 sets ``hello.slider.value = 6`` after showing the explorer at 4).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Move:
    notebook: str                 # file in notebooks/, e.g. "00-start-here.ipynb"
    widget: str                   # the explorer's class, named in failure messages
    control: str                  # the control's description label (a button's text for key="click")
    key: str = "ArrowRight"       # key pressed on the focused slider; "click" (mouse) for buttons and
    #                               checkboxes; "select"
    #                               picks the dropdown option `presses` further down (keys do not move a
    #                               <select> in headless Chromium)
    presses: int = 1
    readout: str | None = None    # the slider's readout (a dropdown's selected option) expected after the move
    text: str | None = None       # a substring of the explorer's status text expected after the move;
    #                               "{value}" in it stands for the control's readout after the move
    image_changes: bool = True    # the explorer's picture (img.widget-image bytes) must change
    nth: int = 0                  # which control with this label, counted in notebook order from 0

    @property
    def id(self):
        return f"{self.notebook[:2]}-{self.widget}-{self.control}".replace(" ", "_")


MOVES = [
    # Entries of one notebook run in this order on the same page: each starts where the last left off.
    # Exact readouts pin a notebook's final state; "{value}" expectations hold from any starting value.
    # 00: squares 6 (cell 4 moved it from 4) -> two steps right -> 8, checkerboard redrawn.
    Move("00-start-here.ipynb", "HelloExplorer", "squares", presses=2, readout="8",
         text="The picture has 8 x 8 squares"),
    # 01: LayerExplorer with a trained and an untrained network.
    Move("01-layers.ipynb", "LayerExplorer", "test digit", text="Input: test digit #{value}, labelled"),
    Move("01-layers.ipynb", "LayerExplorer", "layer", "select", text="Showing layer {value}"),
    Move("01-layers.ipynb", "LayerExplorer", "untrained", "click", text="through the untrained network"),
    Move("01-layers.ipynb", "LayerExplorer", "use the photo", "click", readout="pressed", text="Input: the photo"),
    Move("01-layers.ipynb", "LayerExplorer", "trained", "click", text="through the trained network"),
    # 02: KernelExplorer on the 150 x 128 photo; NodeInspector on a 10 x 10 crop.
    Move("02-kernels.ipynb", "KernelExplorer", "stride", text="stride {value}: input 150 x 128 -> feature map"),
    Move("02-kernels.ipynb", "KernelExplorer", "kernel", "select", text="{value} kernel"),
    Move("02-kernels.ipynb", "NodeInspector", "node row", text="node ({value}, "),
    Move("02-kernels.ipynb", "NodeInspector", "node column", text=", {value}) sees input rows"),
    # 03: the first StrideExplorer left at n=16, k=5, s=4 by cell 16; the second is n=10, k=3, s=2, p=1, d=2.
    Move("03-stride.ipynb", "StrideExplorer", "stride s", readout="5", text="Output: 3 x 3."),
    Move("03-stride.ipynb", "StrideExplorer", "kernel size k", "ArrowLeft", readout="4",
         text="Remainder 12 mod 5 = 2."),
    Move("03-stride.ipynb", "StrideExplorer (2nd)", "stride s", readout="3", text="Output: 3 x 3.", nth=1),
    # 04: TrainingStepper(lr=1.0), one step taken by cell 64.
    Move("04-backprop.ipynb", "TrainingStepper", "Step", "click", text="Iteration 2"),
    Move("04-backprop.ipynb", "TrainingStepper", "learning rate", readout="3", text="learning rate 3",
         image_changes=False),                      # the rate applies from the next step: same picture
    Move("04-backprop.ipynb", "TrainingStepper", "10 steps", "click", text="Iteration 12"),
    Move("04-backprop.ipynb", "TrainingStepper", "Reset", "click", text="No step yet (learning rate 3)"),
    # 05: DigitExplorer on the trained net, "only mistakes" ticked by the notebook (mistake 1 of N).
    Move("05-train-a-cnn.ipynb", "DigitExplorer", "test digit", readout="1", text="mistake 2 of"),
    Move("05-train-a-cnn.ipynb", "DigitExplorer", "only mistakes", "click", readout="unchecked",
         text="test digit 1: true"),
    Move("05-train-a-cnn.ipynb", "DigitExplorer", "test digit", text="test digit {value}: true"),
]

# TODO, for the lead / notebook authors (add a Move above, then `python3 course.py browser-test -k NN`):
# | notebook            | widget         | control (key)                        | expect after the move           |
# |---------------------|----------------|--------------------------------------|---------------------------------|
# | 05-train-a-cnn      | TrainingMonitor| none (a progress bar, no input)      | the notebook test covers it     |
# | 02-kernels          | KernelExplorer | "kernel size" (disabled unless the   | "kernel 5 x 5"                  |
# |                     |                | kernel is identity / box / gaussian) |                                 |
# | 02-kernels          | KernelExplorer | custom 3x3 weights (FloatText, no    | needs a "type" action           |
# |                     |                | label)                               | (fill + Enter)                  |
# | 03-stride           | StrideExplorer | "input size n", "padding p",         | "Output: N x N." per formula    |
# |                     |                | "dilation d", "position"             |                                 |
