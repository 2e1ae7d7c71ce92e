"""The pattern every explorer follows (see the package docstring and ARCHITECTURE.md, "The explorer pattern")."""
import base64
import time

import ipywidgets as widgets

from ..viz import figure_png, new_figure


class Explorer:
    """Base class: a Figure drawn once, re-rendered to PNG on every change, plus a message line.

    Subclasses build their controls and artists in ``__init__``, call :meth:`finish` with the
    controls, and implement ``update()`` which redraws from the controls' current values and
    returns the text it shows. ``update`` should catch impossible settings and explain them
    in words (:meth:`explain`), keeping the last valid drawing.
    """

    title = "explorer"            # what the text fallback calls it
    image_width = 640             # pixels on screen

    def __init__(self, figsize=(8, 3), dpi=80):
        self.fig = new_figure(figsize, dpi)
        self.image = widgets.Image(format="png", width=self.image_width)
        self.status = widgets.HTML()
        self.last_update_seconds = None

    def finish(self, *controls):
        """Lay out ``controls`` above the figure and status line; wire them to ``update``; draw once."""
        for control in controls:
            control.observe(lambda change: self.refresh(), names="value")
        self.widget = widgets.VBox([widgets.HBox(list(controls), layout=widgets.Layout(flex_flow="row wrap")),
                                    self.status, self.image])
        self.refresh()
        # Keep the layout of the first drawing: with a layout engine set, every PNG render lays
        # the figure out again (a second, hidden drawing pass), which costs ~10 ms per move.
        self.fig.set_layout_engine(None)

    def refresh(self):
        """Run ``update()``, show its text, render the figure; records how long it took."""
        start = time.perf_counter()
        self.status.value = self.update()
        self.render()
        self.last_update_seconds = time.perf_counter() - start

    def update(self):
        raise NotImplementedError

    def explain(self, problem):
        """Status text for a setting that cannot work: said in words, the last drawing kept."""
        return f"<b>Cannot draw this:</b> {problem}"

    def png(self):
        """The figure as PNG bytes."""
        return figure_png(self.fig)

    def render(self):
        self.image.value = self.png()

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus a PNG of its current state and a line of text for static viewers."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"[{self.title}: run the notebook in JupyterLab to use the controls]"
        bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")
        return bundle
