"""Fixtures for the browser tests: a throw-away JupyterLab server and a headless Chromium.

Opt-in: these tests run only with ``--browser`` (``python3 course.py browser-test`` passes it)
or ``COURSE_BROWSER_TESTS=1``, so the plain ``python3 course.py test`` never collects them and
never needs Playwright or Chromium. Playwright is imported inside the fixtures for that reason.

Everything the server and its kernels write goes into pytest's tmp folder (notebook copies,
workspaces, settings, Jupyter config/data/runtime dirs, IPython dir), and the teardown stops
JupyterLab, its kernels and the browser however the session ends (failure, timeout, Ctrl-C,
SIGTERM). Every wait has a limit; ``COURSE_BROWSER_SLOWDOWN=2`` doubles them on slow machines.
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SLOWDOWN = float(os.environ.get("COURSE_BROWSER_SLOWDOWN", "1"))
SERVER_START_SECONDS = 90 * SLOWDOWN
# Self-test of the suite: COURSE_BROWSER_BREAK=cnn_lib.widgets.hello_explorer:HelloExplorer.update makes that
# method raise inside the notebooks' kernels (from call number COURSE_BROWSER_BREAK_AFTER + 1 on),
# through an IPython startup file in the tmp IPython dir; cnn_lib itself is never touched.
BREAK = os.environ.get("COURSE_BROWSER_BREAK", "")
BREAK_AFTER = int(os.environ.get("COURSE_BROWSER_BREAK_AFTER", "0"))


def pytest_addoption(parser):
    group = parser.getgroup("browser", "course browser tests (JupyterLab in headless Chromium)")
    group.addoption("--browser", action="store_true", default=False,
                    help="run tests/browser (normally via `python3 course.py browser-test`)")
    group.addoption("--screenshots", default=str(HERE / "screenshots"),
                    help="folder for the browser tests' screenshots (default: tests/browser/screenshots)")


def enabled(config):
    return bool(config.getoption("--browser", default=False)) or os.environ.get("COURSE_BROWSER_TESTS") == "1"


def pytest_ignore_collect(collection_path, config):
    """Skip collecting this folder unless the browser tests were asked for."""
    if not enabled(config) and HERE in (collection_path, *collection_path.parents):
        return True
    return None


def pytest_collection_modifyitems(config, items):
    """Keep each notebook's tests together (run it, then move its widgets), so it is opened and run once."""
    def key(item):
        notebook = getattr(item, "callspec", None) and item.callspec.params.get("notebook")
        move = getattr(item, "callspec", None) and item.callspec.params.get("move")
        if move is not None:
            notebook = move.notebook
        return (0, notebook, 1 if move is not None else 0) if notebook else (1, "", 0)
    browser_items = [item for item in items if HERE in Path(item.path).parents]
    if browser_items:
        first = items.index(browser_items[0])
        rest = [item for item in items if item not in browser_items]
        items[:] = rest[:first] + sorted(browser_items, key=key) + rest[first:]


def pytest_terminal_summary(terminalreporter, config):
    if enabled(config) and getattr(config, "_browser_screenshots", None):
        terminalreporter.write_line(f"browser test screenshots: {config._browser_screenshots}")


@pytest.fixture(scope="session")
def screenshots(pytestconfig):
    """The screenshot folder, emptied of the previous run's screenshots (only files named like ours)."""
    folder = Path(pytestconfig.getoption("--screenshots", default=None) or HERE / "screenshots").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("[0-9][0-9]-*.png"):
        old.unlink()
    pytestconfig._browser_screenshots = folder
    print(f"\nbrowser test screenshots go to {folder}", flush=True)
    return folder


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab server: base URL, token and a tiny authenticated REST client."""

    def __init__(self, base, token, root, log):
        self.base, self.token, self.root, self.log = base, token, root, log

    def url(self, path):
        return f"{self.base}{path}{'&' if '?' in path else '?'}token={self.token}"

    def api(self, method, path, timeout=10):
        request = urllib.request.Request(f"{self.base}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            body = reply.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self):
        """Delete every session (and so its kernel): the next notebook starts on a quiet machine."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30 * SLOWDOWN)

    def log_tail(self, chars=3000):
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else "(no log)"


def write_break_hook(ipython_dir):
    """The COURSE_BROWSER_BREAK self-test: an IPython startup file that makes one method raise."""
    module, _, qualname = BREAK.partition(":")
    owner, _, method = qualname.rpartition(".")
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-break-on-purpose.py").write_text(
        "import importlib, itertools\n"
        f"_owner = importlib.import_module({module!r})\n"
        f"for _name in {owner!r}.split('.'):\n"
        "    _owner = getattr(_owner, _name)\n"
        "_calls = itertools.count(1)\n"
        "def _broken(self, *args, **kwargs):\n"
        f"    if next(_calls) > {BREAK_AFTER}:\n"
        f"        raise RuntimeError({'broken on purpose by COURSE_BROWSER_BREAK=' + BREAK!r})\n"
        f"    return _original(self, *args, **kwargs)\n"
        f"_original = getattr(_owner, {method!r})\n"
        f"setattr(_owner, {method!r}, _broken)\n")


def interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def stop_process_tree(process, descendants, lab=None):
    """Ask the server to shut down (it stops its kernels), then terminate / kill whatever is left."""
    import psutil

    if lab is not None and process.poll() is None:
        try:
            lab.api("POST", "/api/shutdown", timeout=15 * SLOWDOWN)
        except (OSError, ValueError):
            pass
    try:
        process.wait(timeout=20 * SLOWDOWN)
    except subprocess.TimeoutExpired:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
    alive = [p for p in descendants if p.is_running()]      # kernels run in their own sessions
    for p in alive:
        p.terminate()
    _, alive = psutil.wait_procs(alive, timeout=10)
    for p in alive:
        p.kill()
    psutil.wait_procs(alive, timeout=10)


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1, a free port and a random token, serving a tmp copy of notebooks/."""
    import psutil

    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "course"
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(ROOT / "requirements.txt", root / "requirements.txt")   # what notebook 00's setup check reads
    if (ROOT / "images").is_dir():
        shutil.copytree(ROOT / "images", root / "images")               # pictures the markdown links to
    settings = tmp / "settings"
    settings.mkdir()
    shutil.copy(ROOT / "tools" / "jupyterlab-overrides.json", settings / "overrides.json")
    ipython_dir = tmp / "ipython"
    if BREAK:
        write_break_hook(ipython_dir)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "jupyter-config"), JUPYTER_DATA_DIR=str(tmp / "jupyter-data"),
               JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"), IPYTHONDIR=str(ipython_dir),
               PYTHONUNBUFFERED="1")
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
               f"--LabServerApp.app_settings_dir={settings}", "--LabApp.expose_app_in_browser=True"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")
    log = tmp / "jupyterlab.log"
    with log.open("wb") as sink:     # the child keeps its own copy of the file descriptor
        server = subprocess.Popen(command, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=sink,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    lab = Lab(f"http://127.0.0.1:{port}", token, root, log)
    # SIGTERM (e.g. from `timeout`) becomes KeyboardInterrupt, so pytest still runs this teardown.
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                lab.api("GET", "/api/status", timeout=5)
                break
            except (OSError, urllib.error.HTTPError):
                if server.poll() is not None:
                    pytest.fail(f"jupyter lab exited with code {server.returncode}:\n{lab.log_tail()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not answer within {SERVER_START_SECONDS:.0f} s:\n{lab.log_tail()}")
                time.sleep(0.5)
        print(f"\nJupyterLab for the browser tests: {lab.base} (pid {server.pid}), log {log}", flush=True)
        yield lab
    finally:
        try:
            descendants = psutil.Process(server.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            descendants = []
        stop_process_tree(server, descendants, lab)
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Playwright; fails (never skips) with the fix when either is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed in this environment. Run the browser tests with "
                    "`python3 course.py browser-test`, which installs requirements-browser.txt.", pytrace=False)
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium was not found at {CHROMIUM}. Install it: `sudo apt-get install chromium` on Debian "
                    "(`chromium-browser` on older Ubuntu, `dnf install chromium` on Fedora), or point "
                    "COURSE_CHROMIUM at a Chromium/Chrome executable. Playwright's own browser download is not used.",
                    pytrace=False)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                             timeout=60_000 * SLOWDOWN)
        try:
            yield browser
        finally:
            close_quietly(browser.close)
    finally:
        close_quietly(playwright.stop)


def close_quietly(close):
    """Teardown step that must not hide the test result: after Ctrl-C the driver may already be gone
    (it gets the terminal's SIGINT too), and Chromium exits with it."""
    try:
        close()
    except Exception as error:      # noqa: BLE001
        print(f"browser teardown: {error}")
