"""What a learner does, in a real browser: open each notebook in JupyterLab, restart the kernel and
run all cells, see no error and every widget drawn, then move the widgets with the keyboard/mouse.

See README.md beside this file. The fixtures (server, browser) are in conftest.py; the widget
moves are data in widget_moves.py.
"""
import os
import re
import time
from pathlib import Path

import pytest
from widget_moves import MOVES

ROOT = Path(__file__).resolve().parents[2]
SLOWDOWN = float(os.environ.get("COURSE_BROWSER_SLOWDOWN", "1"))      # as in conftest.py

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
NOTEBOOK_OPEN_SECONDS = 90 * SLOWDOWN    # page loaded, kernel started, connected and idle
RUN_ALL_SECONDS = 180 * SLOWDOWN         # restart + run all cells, until every cell has a number
NOTHING_RAN_SECONDS = 30 * SLOWDOWN      # idle with no cell run this long after "restart + run all": fire again
WIDGETS_DRAWN_SECONDS = 30 * SLOWDOWN    # after the run, until every widget view is drawn
MOVE_SECONDS = 20 * SLOWDOWN             # after a move, until the explorer shows the new state
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# The notebook panel now on screen, with each cell's state read from JupyterLab's own model
# (execution count, outputs, tags) and from what it drew (prompts, widget views, pictures).
STATE_JS = """(path) => {
  const app = window.jupyterapp, panel = app && app.shell.currentWidget;
  if (!panel || !panel.context || panel.context.path !== path || !panel.content) return {ready: false};
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const dialogs = [...document.querySelectorAll('.jp-Dialog')].map(d => d.innerText.trim());
  const cells = [];
  panel.content.widgets.forEach((cell, index) => {
    cell.node.setAttribute('data-bt-cell', String(index));
    if (cell.model.type !== 'code') return;
    const outputs = [];
    for (let i = 0; i < cell.model.outputs.length; i++) outputs.push(cell.model.outputs.get(i).toJSON());
    const node = cell.node;
    const views = outputs.filter(o => o.data && o.data['application/vnd.jupyter.widget-view+json']).length;
    const drawn = [...node.querySelectorAll('.jp-OutputArea-output')]
      .filter(o => o.querySelector('.jupyter-widgets')).length;
    const text = node.innerText || '';
    cells.push({
      index, count: cell.model.executionCount, tags: cell.model.getMetadata('tags') || [],
      source: cell.model.sharedModel.getSource(),
      errors: outputs.filter(o => o.output_type === 'error')
        .map(o => (o.traceback || []).join('\\n') || (o.ename + ': ' + o.evalue)),
      stderr: outputs.filter(o => o.output_type === 'stream' && o.name === 'stderr')
        .map(o => [].concat(o.text).join('')),
      stderrShown: [...node.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
        .map(e => e.innerText),
      views, drawn,
      widgetErrors: (text.match(/Error displaying widget[^\\n]*/g) || []),
      loading: text.includes('Loading widget'),
      images: [...node.querySelectorAll('img.widget-image')].map(img => img.complete && img.naturalWidth > 0),
      widgetNodes: node.querySelectorAll('.jupyter-widgets').length,
    });
  });
  const prompts = [...panel.content.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .map(p => p.textContent.trim());
  return {ready: true, status: kernel ? kernel.status : 'no kernel',
          connection: kernel ? kernel.connectionStatus : 'none',
          contextReady: panel.context.isReady, dialogs, cells, prompts};
}"""

# Marks the nth control labelled `label` (its focus target and its explorer's output) with data-bt.
FIND_CONTROL_JS = """([label, nth]) => {
  const root = window.jupyterapp.shell.currentWidget.content.node;
  document.querySelectorAll('[data-bt], [data-bt-target]').forEach(e => {
    e.removeAttribute('data-bt'); e.removeAttribute('data-bt-target');
  });
  const norm = s => (s || '').replace(/[\\s\\u200b]+/g, ' ').trim();   // ipywidgets pads with zero-width spaces
  // a control's description is a .widget-label inside it (a Label widget is itself .jupyter-widgets)
  const labels = [...root.querySelectorAll('.jp-OutputArea-output .widget-label:not(.jupyter-widgets)')];
  const buttons = [...root.querySelectorAll('.jupyter-widgets button, button.jupyter-widgets')];
  const labelled = labels.filter(l => norm(l.textContent) === label).map(l => l.parentElement);
  const checkboxes = [...root.querySelectorAll('.widget-checkbox')];   // its description sits beside the box
  const css = label.startsWith('css:') ? [...root.querySelectorAll('.jp-OutputArea-output ' + label.slice(4))] : [];
  const found = css.length ? css : labelled.length ? labelled :
    buttons.concat(checkboxes).filter(b => norm(b.innerText || b.textContent) === label);   // innerText is empty off screen
  if (found.length <= nth) {
    const kind = e => e.className.replace(/lm-Widget|jupyter-widgets/g, '').trim();
    const known = labels.filter(l => norm(l.textContent))
      .map(l => norm(l.textContent) + ' (' + kind(l.parentElement) + ')')
      .concat(buttons.map(b => norm(b.textContent) + ' (button)'))
      .concat(checkboxes.map(c => norm(c.innerText) + ' (checkbox)'));
    return {found: found.length, known};
  }
  const control = found[nth];
  const target = control.querySelector('.noUi-handle') || control.querySelector('select') ||
                 control.querySelector('input') || control;
  control.setAttribute('data-bt', 'control');
  (control.closest('.jp-OutputArea-output') || control).setAttribute('data-bt', 'explorer');
  target.setAttribute('data-bt-target', '');
  return {found: found.length};
}"""

# Collects what the kernel reports outside any cell (an exception in a widget callback goes to
# JupyterLab's log console, not to the notebook): iopub errors and stderr, with their text.
LISTEN_JS = """() => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  window.__btKernelErrors = [];
  kernel.iopubMessage.connect((_, msg) => {
    const type = msg.header.msg_type, c = msg.content;
    if (type === 'error') window.__btKernelErrors.push((c.traceback || []).join('\\n') || c.ename + ': ' + c.evalue);
    if (type === 'stream' && c.name === 'stderr') window.__btKernelErrors.push(c.text);
  });
}"""

# What the marked explorer shows now: the control's readout, its text, its state marker (written by
# cnn_lib.widgets.base.Explorer), whether the control is disabled, the visible text of `blocked`
# (a selector), and a hash of each picture's bytes.
EXPLORER_JS = """async (blocked) => {
  const control = document.querySelector('[data-bt=control]'), explorer = document.querySelector('[data-bt=explorer]');
  if (!control || !explorer) return null;
  const select = control.querySelector('select'), readout = control.querySelector('.widget-readout');
  const box = control.querySelector('input[type=checkbox]');
  let value = readout ? readout.textContent.replace(/\\s+/g, ' ').trim() :
                select ? (select.selectedOptions[0] || {text: ''}).text.replace(/\\s+/g, ' ').trim() :
                box ? (box.checked ? 'checked' : 'unchecked') :
                control.classList.contains('mod-active') ? 'pressed' : '';
  const hashes = [];
  for (const img of explorer.querySelectorAll('img.widget-image')) {
    try {
      const bytes = await (await fetch(img.src)).arrayBuffer();
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      hashes.push([...digest].map(b => b.toString(16).padStart(2, '0')).join(''));
    } catch (e) { hashes.push('unreadable ' + img.src.slice(0, 40)); }
  }
  // the explorer's status lines: its HTML and Label widgets (not the controls' descriptions)
  const status = [...explorer.querySelectorAll('.widget-html, .jupyter-widgets.widget-label')]
    .map(e => e.innerText.replace(/\\s+/g, ' ').trim()).filter(Boolean).join(' | ');
  const marker = explorer.querySelector('.explorer-state');
  const state = marker ? JSON.parse(marker.getAttribute('data-state')) : null;
  const disabled = !!control.querySelector('[disabled]') || control.classList.contains('mod-disabled');
  const reason = blocked ? [...explorer.querySelectorAll(blocked)].filter(e => e.offsetParent !== null)
    .map(e => e.innerText.trim()).join(' ') : '';
  if (control.matches('.widget-text') && !readout) value = control.querySelector('input').value;
  return {value, status, state, disabled, reason, hashes};
}"""


def widget_names(source):
    """The classes a cell constructs (``HelloExplorer(...)``), to name the widget in messages."""
    return sorted(set(re.findall(r"\b([A-Z][A-Za-z0-9]+)\(", source)))


def describe(cell):
    names = widget_names(cell["source"])
    first = next((line for line in cell["source"].splitlines() if line.strip() and not line.startswith("#")), "")
    return f"cell [{cell['count'] if cell['count'] is not None else ' '}] (#{cell['index'] + 1}" \
           f"{', ' + ', '.join(names) if names else ''}: `{first[:80]}`)"


def tail(text, lines=8):
    return "\n      ".join(ANSI.sub("", text).strip().splitlines()[-lines:])


def traceback_summary(text, depth=6):
    """A traceback's frame headers ("Cell In[3], line 3", "File .../hello_explorer.py:25, in HelloExplorer.update")
    and its last line (the exception), without the source excerpts."""
    lines = [line.strip() for line in ANSI.sub("", text).strip().splitlines() if line.strip()]
    frames = [line for line in lines if line.startswith(("Cell In", "File "))]
    return "\n      ".join(frames[-depth:] + lines[-1:])


def problems_in(state):
    """Every visible problem of a finished run, one message per cell, in notebook order."""
    found = []
    for cell in state["cells"]:
        where = describe(cell)
        if "raises-exception" not in cell["tags"]:
            found += [f"{where} shows an error:\n      {traceback_summary(text)}" for text in cell["errors"]]
            found += [f"{where} wrote to stderr:\n      {tail(text)}" for text in cell["stderr"]]
            if not cell["errors"] and not cell["stderr"]:
                found += [f"{where} shows stderr:\n      {tail(text)}" for text in cell["stderrShown"]]
        found += [f"{where}: {message}" for message in cell["widgetErrors"]]
        if cell["loading"]:
            found.append(f"{where}: still shows 'Loading widget...'")
        if cell["drawn"] < cell["views"]:
            found.append(f"{where}: {cell['views']} widget view(s) in its output, {cell['drawn']} drawn")
        if not all(cell["images"]):
            found.append(f"{where}: {cell['images'].count(False)} widget picture(s) not drawn")
    return found


class Opened:
    """One notebook open in its own browser context, after restart + run all, and what was found."""

    def __init__(self, name, context, page):
        self.name, self.context, self.page = name, context, page
        self.problems, self.seconds, self.widget_cells = [], None, []
        self.prompts = self.expected_widgets = self.widget_nodes = self.images = 0


class Notebooks:
    """Opens one notebook at a time (restarted and run once), shared by its own test and its widget moves."""

    def __init__(self, lab, browser, screenshots):
        self.lab, self.browser, self.screenshots = lab, browser, screenshots
        self.current = None

    def get(self, name):
        if self.current is None or self.current.name != name:
            self.close()
            try:
                self.current = self.open_and_run(name)
            except BaseException:
                if self.current is None:
                    self.current = Opened(name, None, None)
                self.current.problems.append(
                    f"could not be opened and run: see test_notebook_runs_clean_in_jupyterlab[{name}]")
                raise
        return self.current

    def close(self):
        """Close the notebook's browser context and shut its kernel down (also after Ctrl-C killed the driver)."""
        try:
            if self.current is not None and self.current.context is not None:
                self.current.context.close()
        except Exception as error:        # noqa: BLE001 - the browser may already be gone
            print(f"closing the browser context: {error}")
        finally:
            self.current = None
            try:
                self.lab.shut_down_kernels()
            except OSError as error:      # the server may already be gone; its teardown still runs
                print(f"shutting kernels down: {error}")

    def state(self, page, path):
        return page.evaluate(STATE_JS, path)

    def open_and_run(self, name):
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        path = f"notebooks/{name}"
        context = self.browser.new_context(viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(30_000 * SLOWDOWN)
        page = context.new_page()
        opened = Opened(name, context, page)
        self.current = opened
        page_errors = []
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        start = time.monotonic()
        # One workspace per notebook, so JupyterLab does not reopen the previous notebook too.
        workspace = f"browser-test-{Path(name).stem}"
        page.goto(self.lab.url(f"/lab/workspaces/{workspace}/tree/{path}"), wait_until="domcontentloaded")
        state = {}
        deadline = time.monotonic() + NOTEBOOK_OPEN_SECONDS
        while not (state.get("ready") and state["contextReady"] and state["connection"] == "connected"
                   and state["status"] == "idle" and state["cells"] and not state["dialogs"]):
            if state.get("dialogs"):
                pytest.fail(f"{name}: JupyterLab shows a dialog instead of the notebook: {state['dialogs']}")
            if time.monotonic() > deadline:
                self.shoot(page, f"{Path(name).stem}--FAILED-open")
                last = {k: v for k, v in state.items() if k != "cells"}
                pytest.fail(f"{name}: not open with an idle, connected kernel after {NOTEBOOK_OPEN_SECONDS:.0f} s "
                            f"(last state: {last}; page errors: {page_errors})")
            time.sleep(0.5)
            state = self.state(page, path)
        time.sleep(1)    # let the status bar settle: "Run All" fired during start-up can be dropped
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        state = self.state(page, path)
        assert all(c["count"] is None for c in state["cells"]), f"{name}: clearing the outputs left execution counts"
        # Fired, not awaited: the command's promise resolves only when every cell has finished.
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-run-all'); }")
        try:
            page.locator(".jp-Dialog .jp-mod-accept").click(timeout=15_000 * SLOWDOWN)    # "Restart Kernel?"
        except PlaywrightTimeout:
            pass                    # no confirmation asked: the wait below sees whether cells run
        fired = time.monotonic()
        deadline, settled, refired = fired + RUN_ALL_SECONDS, 0, False
        while True:
            state = self.state(page, path)
            counts = [c["count"] for c in state["cells"]]
            idle = state["status"] == "idle"
            if idle and set(counts) == {None} and not refired and time.monotonic() - fired > NOTHING_RAN_SECONDS:
                # The known start-up race: the run was dropped. Say so, and ask once more.
                print(f"{name}: nothing ran {NOTHING_RAN_SECONDS:.0f} s after restart + run all; "
                      "running all cells again")
                page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
                refired = True
            stopped = idle and any(c["errors"] for c in state["cells"] if "raises-exception" not in c["tags"])
            settled = settled + 1 if idle and (None not in counts or stopped) else 0
            if settled >= 3:              # idle for 1.5 s with every cell numbered (or stopped by an error)
                break
            if time.monotonic() > deadline:
                waiting = [describe(c) for c in state["cells"] if c["count"] is None]
                opened.problems.append(f"restart + run all did not finish in {RUN_ALL_SECONDS:.0f} s (kernel "
                                       f"{state['status']}); cells without a number: {waiting[:5]}")
                break
            time.sleep(0.5)
        opened.seconds = time.monotonic() - start
        page.evaluate(LISTEN_JS)
        deadline = time.monotonic() + WIDGETS_DRAWN_SECONDS        # widget views draw after their cell ends
        while time.monotonic() < deadline and any(
                c["drawn"] < c["views"] or c["loading"] or not all(c["images"]) for c in state["cells"]):
            time.sleep(0.5)
            state = self.state(page, path)
        numbered = [p for p in state["prompts"] if re.fullmatch(r"\[\d+\]:", p)]
        if not numbered:
            opened.problems.append("no code cell shows an execution number: nothing ran")
        shown = problems_in(state)
        never_ran = [describe(c) for c in state["cells"] if c["count"] is None]
        if never_ran and not opened.problems:
            because = ", because the run stopped at the error above" if shown else ""
            opened.problems.append(f"cells not run{because}: {never_ran}")
        opened.problems[:0] = shown
        if page_errors:
            opened.problems.append(f"JavaScript errors in the page: {page_errors[:3]}")
        opened.widget_cells = [c for c in state["cells"] if c["views"] or c["widgetNodes"]]
        opened.expected_widgets = sum(c["views"] for c in state["cells"])
        opened.widget_nodes = sum(c["widgetNodes"] for c in state["cells"])
        opened.images = sum(len(c["images"]) for c in state["cells"])
        opened.prompts = len(numbered)
        # Screenshots: the top of the notebook, then each cell with a widget (scrolled to: a
        # full-page screenshot does not scroll the notebook's own scroll area).
        stem = Path(name).stem
        self.shoot(page, stem)
        for cell in opened.widget_cells:
            self.shoot(page.locator(f"[data-bt-cell='{cell['index']}']"), f"{stem}--cell-{cell['index'] + 1:02d}")
        bad = next((c for c in state["cells"] if any(describe(c) in p for p in opened.problems)), None)
        if bad is not None:
            self.shoot(page.locator(f"[data-bt-cell='{bad['index']}']"), f"{stem}--FAILED-cell-{bad['index'] + 1:02d}")
        return opened

    def shoot(self, target, stem):
        """Screenshot a page (its viewport) or an element (scrolled into view first); never fails the test."""
        path = self.screenshots / f"{stem}.png"
        try:
            if hasattr(target, "scroll_into_view_if_needed"):
                target.scroll_into_view_if_needed(timeout=10_000)
            target.screenshot(path=str(path), timeout=20_000)
        except Exception as error:      # noqa: BLE001 - a missing screenshot must not hide the real result
            print(f"screenshot {path.name} failed: {error}")
        return path


@pytest.fixture(scope="session")
def notebooks(browser, lab, screenshots):
    pages = Notebooks(lab, browser, screenshots)
    try:
        yield pages
    finally:
        pages.close()


def test_there_are_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0] == "00-start-here.ipynb", NOTEBOOKS


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_clean_in_jupyterlab(notebooks, notebook):
    """Restart + run all: every cell numbered, no error or stderr shown, every widget view drawn."""
    opened = notebooks.get(notebook)
    if opened.problems:
        pytest.fail(f"{notebook} in JupyterLab:\n  " + "\n  ".join(opened.problems), pytrace=False)
    assert opened.prompts > 0, f"{notebook}: no numbered prompt, so nothing was checked"
    source = (ROOT / "notebooks" / notebook).read_text(encoding="utf-8")
    if "application/vnd.jupyter.widget-view+json" in source or "cnn_lib.widgets" in source:
        assert opened.expected_widgets > 0 and opened.widget_nodes > 0, \
            f"{notebook} uses widgets but JupyterLab drew none " \
            f"({opened.expected_widgets} views, {opened.widget_nodes} nodes)"
    if "cnn_lib.widgets" in source:       # every course explorer draws its figure into an img.widget-image
        assert opened.images > 0, f"{notebook} shows explorers but no widget picture (img.widget-image)"
    print(f"{notebook}: ran in {opened.seconds:.1f} s, {opened.prompts} cells, {opened.expected_widgets} widget views, "
          f"{opened.images} pictures")


# Every <details> block JupyterLab drew in a markdown cell: closed, and its code not laid out.
DETAILS_JS = """() => [...document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown details')].map(d => ({
  open: d.open, summary: (d.querySelector('summary') || {}).textContent || '',
  codeShown: [...d.querySelectorAll('pre, code')].some(e => e.checkVisibility()),
}))"""


@pytest.mark.parametrize("notebook", [n for n in NOTEBOOKS if "<details>" in (ROOT / "notebooks" / n).read_text()])
def test_worked_solutions_stay_folded_in_jupyterlab(notebooks, notebook):
    """After restart + run all, every worked solution (a <details> block) is closed, its code hidden."""
    opened = notebooks.get(notebook)
    found = opened.page.evaluate(DETAILS_JS)
    assert found, f"{notebook}: JupyterLab drew no <details> block (sanitized away?)"
    assert all("Worked solution" in d["summary"] for d in found), found
    shown = [d for d in found if d["open"] or d["codeShown"]]
    assert not shown, f"{notebook}: {len(shown)} worked solution(s) shown unfolded: {shown}"
    # and a click on the summary unfolds one (the learner can open it)
    summary = opened.page.locator(".jp-MarkdownCell .jp-RenderedMarkdown details summary").first
    summary.scroll_into_view_if_needed()
    summary.click()
    assert opened.page.evaluate(DETAILS_JS)[0]["codeShown"], f"{notebook}: a click did not unfold the solution"
    opened.page.screenshot(path=str(Path(notebooks.screenshots) / f"{Path(notebook).stem}-solution-unfolded.png"))
    summary.click()                                         # fold it again for the tests that follow


def move_id(move):
    return move.id


@pytest.mark.parametrize("move", [m for m in MOVES if m.notebook in NOTEBOOKS], ids=move_id)
def test_widget_follows_real_input(notebooks, move, lab, screenshots):
    """Move one control with the keyboard (or click a button) and see the explorer redraw."""
    where = f"{move.notebook}, {move.widget} '{move.control}'"
    opened = notebooks.get(move.notebook)
    if opened.problems:
        pytest.fail(f"{where}: not moved, because the notebook did not run cleanly:\n  " + "\n  ".join(opened.problems),
                    pytrace=False)
    page = opened.page
    found = page.evaluate(FIND_CONTROL_JS, [move.control, move.nth])
    assert "known" not in found, (f"{where}: no control labelled {move.control!r} (number {move.nth}); "
                                  f"{found['found']} found. Controls on the page: {found['known']}")
    before = page.evaluate(EXPLORER_JS, move.blocked)
    assert before["state"] is not None or not move.state, f"{where}: its explorer shows no state marker"
    if move.image_changes:
        assert before["hashes"], f"{where}: its explorer shows no picture (img.widget-image)"
    stem = re.sub(r"[^\w.-]+", "_", f"{move.notebook[:-6]}--move-{move.widget}-{move.control}").strip("_")
    explorer = page.locator("[data-bt=explorer]")
    notebooks.shoot(explorer, f"{stem}-before")
    log_start = lab.log.stat().st_size
    page.evaluate("() => { window.__btKernelErrors.length = 0; }")
    if move.key == "click":
        for _ in range(move.presses):
            page.locator("[data-bt-target]").click()                       # real mouse click
    elif move.key == "select":           # a dropdown: pick the option `presses` further down, as a mouse pick does
        options = [" ".join(o.split()) for o in page.locator("[data-bt-target] option").all_inner_texts()]
        index = options.index(before["value"]) + move.presses
        assert 0 <= index < len(options), f"{where}: no option {move.presses} after {before['value']!r} in {options}"
        page.locator("[data-bt-target]").select_option(index=index)
    elif move.key == "type":             # a text box: type, then Enter (what sends the value to the kernel)
        page.locator("[data-bt-target]").fill(move.typed)
        page.locator("[data-bt-target]").press("Enter")
    else:
        target = page.locator("[data-bt-target]")
        target.scroll_into_view_if_needed()
        target.focus()
        for _ in range(move.presses):
            page.keyboard.press(move.key)                                 # real key events
            time.sleep(0.05)
    deadline = time.monotonic() + MOVE_SECONDS
    while True:
        after = page.evaluate(EXPLORER_JS, move.blocked)
        wrong = []
        if move.readout is not None and after["value"] != move.readout:
            wrong.append(f"the control reads {after['value']!r}, expected {move.readout!r} (was {before['value']!r})")
        if move.blocked:
            if after["value"] != before["value"] or not after["disabled"]:
                wrong.append(f"the control should be disabled and stay put ({before['value']!r} -> {after['value']!r})")
            if not after["reason"]:
                wrong.append(f"nothing visible matching {move.blocked!r} says why the control is disabled")
        elif move.key not in ("click", "type") and after["value"] == before["value"]:
            wrong.append(f"the control did not move (still reads {after['value']!r})")
        for key, expected in move.state.items():
            got = (after["state"] or {}).get(key)
            if isinstance(expected, str) and "{value}" in expected:
                expected, got = expected.replace("{value}", after["value"]), str(got)
            if got != expected:
                wrong.append(f"its state has {key}={got!r}, expected {expected!r}")
        if move.image_changes and after["hashes"] == before["hashes"]:
            wrong.append("its picture did not change")
        if not wrong or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    time.sleep(0.5)                                         # late stderr/errors from the callbacks
    kernel_errors = page.evaluate("() => window.__btKernelErrors")
    if kernel_errors:
        wrong.append("the kernel reported an error while handling it (JupyterLab's log console shows it):\n      "
                     + "\n      ".join(traceback_summary(text, 3) for text in dict.fromkeys(kernel_errors[:5])))
    notebooks.shoot(explorer, f"{stem}-after")
    if wrong:
        with lab.log.open("rb") as log:
            log.seek(log_start)
            kernel_log = log.read().decode(errors="replace")
        logged = f"\n  JupyterLab/kernel log meanwhile:\n      {tail(kernel_log, 12)}" if kernel_log.strip() else ""
        pytest.fail(f"{where}: after {move.presses} x {move.key}, within {MOVE_SECONDS:.0f} s: " + "; ".join(wrong)
                    + f".\n  Status text: {after['status'][:400]!r}\n  State: {after['state']}" + logged,
                    pytrace=False)
    print(f"{where}: {before['value']!r} -> {after['value']!r}, picture changed: {after['hashes'] != before['hashes']}")
