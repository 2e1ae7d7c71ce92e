"""The pattern every explorer follows: controls and wiring here, every pixel in a ``cnn_lib.viz`` Drawing.

A subclass builds its Drawing (a class in ``cnn_lib/viz``, made once) and its controls, calls
``self.finish(*controls)``, and implements ``update()``: read the controls, update the drawing in
place, return the status text; a setting that cannot work returns ``self.explain(problem)``. It may
put machine-readable facts in ``self.facts`` (tests and the browser suite read them from a hidden
marker, :meth:`Explorer.state`, not from the prose). This class does the rest: one re-entrancy guard,
the layout freeze, errors shown in the status line (none escapes a callback), and ``move`` for tests
and benchmarks. See ARCHITECTURE.md ("The explorer pattern").
"""
import base64
import html
import json
import time

import ipywidgets as widgets
import numpy as np

from ..viz.canvas import Drawing, figure_png


def check_range(owner, name, value, low, high, step=1, hint=""):
    """``value`` as an int if it is a whole number in ``low..high`` (on the ``step`` grid from ``low``),
    else a ValueError (TypeError for a non-number) naming ``owner``, the parameter, the range and the value."""
    message = (f"{owner}: {name} must be a whole number from {low} to {high}{f' in steps of {step}' * (step > 1)}, "
               f"got {value!r}. Hint: {hint or f'the {name} slider ranges over {low}..{high}; pick a value in it'}.")
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
        raise TypeError(message)
    if not low <= value <= high or (value - low) % step:
        raise ValueError(message)
    return int(value)


def check_choice(owner, name, value, choices):
    """The one of ``choices`` equal to ``value`` (``1`` matches ``1.0``), else a ValueError naming ``owner``,
    the parameter and the choices."""
    for choice in choices:
        number = isinstance(value, (str, int, float, np.number)) and not isinstance(value, (bool, np.bool_))
        if number and value == choice:
            return choice
    raise ValueError(f"{owner}: {name} must be one of {', '.join(map(repr, choices))}, got {value!r}. "
                     f"Hint: pick one of those (the {name} control offers exactly them).")


class Explorer:
    """Base class: a Drawing made once and re-rendered to PNG on every change, controls, and a status line.

    ``drawing``: the subclass's Drawing (``cnn_lib.viz``); without it, a plain one of ``figsize`` and
    ``dpi`` (``self.fig``) that the subclass may draw on.
    """

    title = "explorer"            # what the text fallback calls it
    image_width = 640             # pixels on screen

    def __init__(self, figsize=(8, 3), dpi=80, drawing=None):
        self.drawing = Drawing(figsize, dpi) if drawing is None else drawing
        self.fig = self.drawing.fig
        self.image = widgets.Image(format="png", width=self.image_width)
        self.status = widgets.HTML()
        self.marker = widgets.HTML(layout=widgets.Layout(display="none"))   # the state for machines (see state)
        self.controls, self.facts = (), {}
        self.last_update_seconds = None
        self._busy, self._explained = False, None

    def int_slider(self, parameter, value, low, high, step=1, hint="", **options):
        """An IntSlider over ``low..high`` starting at ``value``, which is refused (never clamped) outside
        that range: the constructor's parameter and its control cannot drift apart."""
        value = check_range(type(self).__name__, parameter, value, low, high, step, hint)
        return widgets.IntSlider(value=value, min=low, max=high, step=step, **options)

    def finish(self, *controls):
        """Lay out ``controls`` above the figure and status line; wire them to ``update``; draw once."""
        self.controls = controls
        for control in controls:
            control.observe(lambda change: self.refresh(), names="value")
        self.widget = widgets.VBox([widgets.HBox(list(controls), layout=widgets.Layout(flex_flow="row wrap")),
                                    self.status, self.marker, self.image])
        self.refresh()
        # Keep the layout of the first drawing: with a layout engine set, every PNG render lays
        # the figure out again (a second, hidden drawing pass), which costs ~10 ms per move.
        self.fig.set_layout_engine(None)

    def refresh(self):
        """Run ``update()``, show its text, render the drawing; records how long it took.

        A control changed by ``update()`` itself (e.g. a slider's range) does not start another
        refresh. An exception never leaves: its message goes to the status line and the last
        drawing stays.
        """
        if self._busy:
            return
        self._busy, self._explained, self.facts = True, None, {}
        start = time.perf_counter()
        try:
            with np.errstate(all="ignore"):          # colours of huge values: no numpy warnings on stderr
                text = self.update()
                if self._explained is None or not self.image.value:     # an explanation keeps the last drawing
                    self.render()
        except Exception as error:               # noqa: BLE001 - a callback must never raise into the kernel
            text = self.explain(html.escape(f"{type(error).__name__}: {error}", quote=False), reason="error")
        finally:
            self._busy = False
        self.status.value = text
        state = {"ok": self._explained is None, "reason": self._explained, **self.facts}
        text = json.dumps(state, default=lambda v: v.item() if isinstance(v, np.generic) else str(v))
        self.marker.value = f"<span class=\"explorer-state\" data-state='{html.escape(text)}'></span>"
        self.last_update_seconds = time.perf_counter() - start

    def update(self):
        raise NotImplementedError(f"{type(self).__name__}.update: a subclass must redraw and return the status text, "
                                  f"got the base Explorer's. Hint: define update() in your explorer class.")

    def explain(self, problem, reason="impossible"):
        """Status text for a setting that cannot work: said in words, the last drawing kept.

        ``reason``: a short stable word for the marker (tests read it, not the words).
        """
        self._explained = reason
        return f"<b>Cannot draw this:</b> {problem}"

    def state(self):
        """What the explorer shows, for machines: ``ok`` (False after :meth:`explain`), ``reason`` and the
        subclass's ``facts``, parsed back from the hidden marker widget (a ``<span class="explorer-state"
        data-state='{json}'>``, which the browser tests read too)."""
        start = self.marker.value.index("data-state='") + len("data-state='")
        return json.loads(html.unescape(self.marker.value[start:self.marker.value.index("'", start)]))

    def move(self, control, value=None):
        """Move ``control`` as a learner would (set a value; a button is clicked); returns the new state."""
        if isinstance(control, widgets.Button):
            control.click()
        else:
            control.value = value
        return self.state()

    def png(self):
        """The drawing as PNG bytes."""
        return self.drawing.png() if hasattr(self.drawing, "png") else figure_png(self.fig)

    def render(self):
        self.image.value = self.png()

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus a PNG of its current state and a line of text for static viewers."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"[{self.title}: run the notebook in JupyterLab to use the controls]"
        bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")
        return bundle
