"""Notebook 06's drawing explorer in a real browser: draw digits with the mouse, with the keyboard,
clear, load a sample; read `prediction: D` and check that every panel of the picture redrew.

Uses the `lab`, `browser` and `screenshots` fixtures of conftest.py. The notebook is opened and
run once (restart + run all) in its own browser context; the tests then share that page.
"""
import os
import re
import time

import numpy as np
import pytest

SLOWDOWN = float(os.environ.get("COURSE_BROWSER_SLOWDOWN", "1"))
NOTEBOOK = "06-inside-a-cnn.ipynb"
OPEN_SECONDS, RUN_SECONDS, ANSWER_SECONDS = 90 * SLOWDOWN, 240 * SLOWDOWN, 20 * SLOWDOWN
SIDE = 280                                         # the canvas's size on screen (canvas.js)

STATE_JS = """() => {
  const app = window.jupyterapp, panel = app && app.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext.session) return {ready: false};
  const kernel = panel.sessionContext.session.kernel;
  const counts = [], errors = [];
  panel.content.widgets.forEach(cell => {
    if (cell.model.type !== 'code') return;
    counts.push(cell.model.executionCount);
    for (let i = 0; i < cell.model.outputs.length; i++) {
      const o = cell.model.outputs.get(i).toJSON();
      if (o.output_type === 'error') errors.push(o.ename + ': ' + o.evalue);
    }
  });
  return {ready: true, status: kernel ? kernel.status : 'none', connection: kernel ? kernel.connectionStatus : 'none',
          counts, errors, canvases: document.querySelectorAll('canvas.cnn-draw-canvas').length};
}"""

# The explorer's status line and a SHA-256 of each panel's pixels, from the PNG the kernel sent.
READ_JS = """async (boxes) => {
  const canvas = document.querySelector('canvas.cnn-draw-canvas');
  const explorer = canvas.closest('.jp-OutputArea-output');
  const status = [...explorer.querySelectorAll('.widget-html')].map(e => e.innerText.trim()).join(' | ');
  const img = explorer.querySelector('img.widget-image');
  const bitmap = await createImageBitmap(await (await fetch(img.src)).blob());
  const off = new OffscreenCanvas(bitmap.width, bitmap.height), ctx = off.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  const hashes = {};
  for (const [name, [l, t, r, b]] of Object.entries(boxes)) {
    const data = ctx.getImageData(l, t, r - l, b - t).data;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    hashes[name] = [...digest].map(x => x.toString(16).padStart(2, '0')).join('');
  }
  return {status, hashes, size: [bitmap.width, bitmap.height]};
}"""


def ellipse(cx, cy, rx, ry, n=40):
    a = np.linspace(0, 2 * np.pi, n)
    return [list(zip(cx + rx * np.sin(a), cy - ry * np.cos(a)))]


# Strokes in the canvas's own pixels (0..280), checked beforehand with the same pen in numpy.
DIGITS = {
    "1": [[(140, 40), (140, 240)]],                                   # one vertical stroke
    "0": ellipse(140, 140, 55, 95),                                   # a loop
    "7": [[(75, 50), (205, 50)], [(205, 50), (125, 240)]],            # two strokes: the bar, then down
    "4": [[(160, 40), (80, 160), (210, 160)], [(170, 100), (170, 245)]],
}


@pytest.fixture(scope="module")
def boxes():
    """The panels' pixel boxes in the explorer's PNG (the same figure, laid out in this process)."""
    import matplotlib
    matplotlib.use("Agg")
    from cnn_lib.pretrained import load_trained_lenet
    from cnn_lib.widgets.draw import DrawExplorer
    return DrawExplorer(load_trained_lenet()).drawing.panel_boxes()


@pytest.fixture(scope="module")
def page(lab, browser, screenshots):
    """Notebook 06 open in JupyterLab, restarted and run to the end, its canvas on screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, has_touch=True)
    context.set_default_timeout(30_000 * SLOWDOWN)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(lab.url(f"/lab/workspaces/browser-draw/tree/notebooks/{NOTEBOOK}"), wait_until="domcontentloaded")
        wait(page, lambda s: s.get("ready") and s["connection"] == "connected" and s["status"] == "idle"
             and s["counts"], OPEN_SECONDS, "the notebook open with an idle kernel")
        time.sleep(1)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        wait(page, lambda s: set(s["counts"]) == {None}, 10 * SLOWDOWN, "the stored outputs cleared")
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-run-all'); }")
        try:
            page.locator(".jp-Dialog .jp-mod-accept").click(timeout=15_000 * SLOWDOWN)
        except Exception:       # noqa: BLE001 - no confirmation asked
            pass
        time.sleep(2)
        state = wait(page, lambda s: s["errors"] or (s["status"] == "idle" and None not in s["counts"]),
                     RUN_SECONDS, "every cell run")
        assert not state["errors"], f"{NOTEBOOK}: errors while running: {state['errors']}"
        wait(page, lambda s: s["canvases"] == 1, 30 * SLOWDOWN, "the drawing canvas on screen")
        assert not errors, f"JavaScript errors: {errors}"
        canvas = page.locator("canvas.cnn-draw-canvas")
        canvas.scroll_into_view_if_needed()
        yield page
        page.screenshot(path=str(screenshots / "06-draw--last.png"))
    finally:
        context.close()
        lab.shut_down_kernels()


def wait(page, ready, seconds, what):
    deadline = time.monotonic() + seconds
    while True:
        state = page.evaluate(STATE_JS)
        if state.get("ready") and ready(state):
            return state
        if time.monotonic() > deadline:
            pytest.fail(f"{NOTEBOOK}: waited {seconds:.0f} s for {what}; last state {state}", pytrace=False)
        time.sleep(0.5)


def button(page, name):
    """A button of the drawing explorer (not of JupyterLab), by its exact label or a pattern."""
    explorer = page.locator(".jp-OutputArea-output:has(canvas.cnn-draw-canvas)")
    text = re.compile(rf"^\s*{re.escape(name)}\s*$") if isinstance(name, str) else name
    return explorer.locator("button", has_text=text)


def read(page, boxes):
    return page.evaluate(READ_JS, boxes)


def answer_after(page, boxes, before, act, expected_text, what, screenshots):
    """Do ``act()``, then wait for a status containing ``expected_text`` and return the new reading."""
    act()
    deadline = time.monotonic() + ANSWER_SECONDS
    while True:
        after = read(page, boxes)
        if expected_text in after["status"] and after["hashes"] != before["hashes"]:
            break
        if time.monotonic() > deadline:
            page.locator("canvas.cnn-draw-canvas").screenshot(path=str(screenshots / f"06-draw--FAILED-{what}.png"))
            pytest.fail(f"{what}: within {ANSWER_SECONDS:.0f} s the status did not say {expected_text!r} with a new "
                        f"picture; status: {after['status']!r}", pytrace=False)
        time.sleep(0.2)
    stem = re.sub(r"\W+", "_", what)
    page.locator("canvas.cnn-draw-canvas").locator("xpath=ancestor::div[contains(@class,'jp-OutputArea-output')]") \
        .screenshot(path=str(screenshots / f"06-draw--{stem}.png"))
    return after


def clear(page, boxes, screenshots):
    before = read(page, boxes)
    if "canvas is empty" in before["status"]:
        return before
    return answer_after(page, boxes, before, lambda: button(page, "clear").click(),
                        "canvas is empty", "clear button", screenshots)


def draw(page, strokes):
    """Real mouse strokes on the canvas: press, move in small steps, release."""
    box = page.locator("canvas.cnn-draw-canvas").bounding_box()
    scale = box["width"] / SIDE
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(box["x"] + x * scale, box["y"] + y * scale)
        page.mouse.down()
        for (x0, y0), (x1, y1) in zip(stroke[:-1], stroke[1:]):
            for t in np.linspace(0, 1, 8)[1:]:
                page.mouse.move(box["x"] + (x0 + t * (x1 - x0)) * scale, box["y"] + (y0 + t * (y1 - y0)) * scale)
        page.mouse.up()
        time.sleep(0.1)


@pytest.mark.parametrize("digit", list(DIGITS))
def test_drawn_digit_is_read_and_every_panel_redraws(page, boxes, digit, screenshots):
    empty = clear(page, boxes, screenshots)
    after = answer_after(page, boxes, empty, lambda: draw(page, DIGITS[digit]), f"prediction: {digit} ",
                         f"mouse {digit}", screenshots)
    assert after["size"] == [864, 360]
    unchanged = [name for name in boxes if after["hashes"][name] == empty["hashes"][name]]
    assert not unchanged, f"drawing a {digit}: these panels did not redraw: {unchanged}"


def test_each_stroke_updates_the_answer(page, boxes, screenshots):
    """A 7 in two strokes: the bar alone already gets an answer, and the second stroke redraws every panel."""
    empty = clear(page, boxes, screenshots)
    bar = answer_after(page, boxes, empty, lambda: draw(page, DIGITS["7"][:1]), "prediction: ", "bar", screenshots)
    seven = answer_after(page, boxes, bar, lambda: draw(page, DIGITS["7"][1:]), "prediction: 7 ", "bar then stem",
                         screenshots)
    unchanged = [name for name in boxes if seven["hashes"][name] == bar["hashes"][name]]
    assert not unchanged, f"the second stroke left these panels as they were: {unchanged}"


def touch_stroke(page, stroke):
    """A real touch stroke (Chromium's touch input, which the page sees as pointer events of type touch)."""
    box = page.locator("canvas.cnn-draw-canvas").bounding_box()
    scale = box["width"] / SIDE
    cdp = page.context.new_cdp_session(page)
    points = [(box["x"] + x * scale, box["y"] + y * scale) for x, y in stroke]
    path = [points[0]] + [(x0 + t * (x1 - x0), y0 + t * (y1 - y0))
                          for (x0, y0), (x1, y1) in zip(points[:-1], points[1:]) for t in np.linspace(0, 1, 8)[1:]]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": path[0][0], "y": path[0][1]}]})
    for x, y in path[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_touch_draws_a_one(page, boxes, screenshots):
    empty = clear(page, boxes, screenshots)
    answer_after(page, boxes, empty, lambda: touch_stroke(page, DIGITS["1"][0]), "prediction: 1 ", "touch 1",
                 screenshots)


def test_keyboard_draws_a_one(page, boxes, screenshots):
    """Tab-reachable canvas: Space lowers the pen, arrows paint, Space lifts it; Escape clears."""
    empty = clear(page, boxes, screenshots)
    canvas = page.locator("canvas.cnn-draw-canvas")

    def keys():
        canvas.focus()
        for _ in range(4):
            page.keyboard.press("ArrowUp")           # from the middle of the 14 x 14 grid to row 3
        page.keyboard.press("Space")                 # pen down: paints the cell
        for _ in range(8):
            page.keyboard.press("ArrowDown")         # paints down to row 11
            time.sleep(0.05)
        page.keyboard.press("Space")                 # pen up
    one = answer_after(page, boxes, empty, keys, "prediction: 1 ", "keyboard 1", screenshots)
    unchanged = [name for name in boxes if one["hashes"][name] == empty["hashes"][name]]
    assert not unchanged, f"drawing with the keyboard: these panels did not redraw: {unchanged}"
    answer_after(page, boxes, one, lambda: (canvas.focus(), page.keyboard.press("Escape")), "canvas is empty",
                 "keyboard escape", screenshots)
    assert page.evaluate("() => document.activeElement.classList.contains('cnn-draw-canvas')"), \
        "the canvas lost the keyboard focus (a notebook shortcut took the keys?)"


def test_sample_buttons_and_clear(page, boxes, screenshots):
    empty = clear(page, boxes, screenshots)
    two = answer_after(page, boxes, empty, button(page, re.compile(r"^\s*sample 2 ")).click, "prediction: 2 ",
                       "sample 2", screenshots)
    seven = answer_after(page, boxes, two, button(page, re.compile(r"^\s*sample 7 ")).click,
                         "prediction: 7 ", "sample 7", screenshots)
    # the sample is on the canvas itself (its "drawing" panel changed too)
    assert seven["hashes"]["drawing"] != two["hashes"]["drawing"]
    cleared = clear(page, boxes, screenshots)
    assert "canvas is empty" in cleared["status"]


def test_fgsm_explorer_follows_the_epsilon_slider(page):
    """The FGSM explorer's epsilon slider, moved with real key presses: the status and picture change."""
    explorer = page.locator(".jp-OutputArea-output:has(.widget-slider .widget-label:text-is('epsilon'))")
    handle = explorer.locator(".widget-slider:has(.widget-label:text-is('epsilon')) .noUi-handle")
    handle.scroll_into_view_if_needed()
    status = explorer.locator(".widget-html").first         # the status line (the state marker follows it)
    picture = explorer.locator("img.widget-image")
    deadline = time.monotonic() + ANSWER_SECONDS
    while "at epsilon" not in (status.text_content() or "") and time.monotonic() < deadline:
        time.sleep(0.2)                                     # drawn once scrolled into view
    before, src = status.text_content(), picture.get_attribute("src")
    assert "at epsilon 0.05" in before, before
    handle.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")                    # 0.05 -> 0.10, one step of 0.01 each
        time.sleep(0.05)
    deadline = time.monotonic() + ANSWER_SECONDS
    while "at epsilon 0.10" not in status.text_content() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "at epsilon 0.10" in status.text_content(), status.text_content()
    assert picture.get_attribute("src") != src
