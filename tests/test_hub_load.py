"""tools/hub_load.py (the classroom load and fault test): the parts that run without a hub.

The hub itself needs requirements-hub.txt and Node's configurable-http-proxy; CI runs it for real
(`python3 course.py hub-load --fault --learners 3` in .ci/run). Here: its arithmetic, its guards,
its hub configuration and its side-by-side pins, so a change that breaks them fails fast.
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_tool():
    spec = importlib.util.spec_from_file_location("hub_load", ROOT / "tools" / "hub_load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_tool_imports_without_jupyterhub():
    """Only the standard library at import time: learners' environments do not have jupyterhub."""
    code = ("import sys; sys.modules['jupyterhub'] = None; import importlib.util as u; "
            f"s = u.spec_from_file_location('h', {str(ROOT / 'tools' / 'hub_load.py')!r}); "
            "m = u.module_from_spec(s); s.loader.exec_module(m); print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr


@pytest.mark.parametrize("values, q, expected", [
    ([1.0], 95, 1.0),
    ([3.0, 1.0, 2.0], 50, 2.0),
    (list(range(1, 101)), 95, 95),
    (list(range(1, 101)), 100, 100),
    (list(range(1, 21)), 95, 19),       # nearest rank: ceil(0.95 * 20) = 19th value
])
def test_percentile_is_the_nearest_rank(values, q, expected):
    assert load_tool().percentile(values, q) == expected


def test_percentile_of_nothing_is_nan():
    value = load_tool().percentile([], 95)
    assert value != value


@pytest.mark.parametrize("args, words", [
    (["--learners", "0"], "between 1 and 200"),
    (["--learners", "500"], "between 1 and 200"),
    (["--memory-floor-gib", "0.5"], "at least 1"),
])
def test_bad_arguments_are_refused_before_anything_starts(args, words):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "hub_load.py"), *args],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and words in result.stderr


def test_the_hub_configuration_is_valid_python_and_local_only(tmp_path):
    tool = load_tool()
    text = tool.CONFIG.format(port=1, hub_port=2, proxy_api_port=3, work=tmp_path, homes=tmp_path / "home",
                              proxy_token="t", password="p" * 9, python=sys.executable, args=[],
                              marker=tool.MARKER, run_id="r", service_token="s")
    compile(text, "jupyterhub_config.py", "exec")
    assert 'c.JupyterHub.ip = "127.0.0.1"' in text and 'c.JupyterHub.hub_ip = "127.0.0.1"' in text
    assert "c.JupyterHub.cleanup_servers = False" in text      # a hub restart keeps learners' servers
    assert "c.ConfigurableHTTPProxy.should_start = False" in text


def test_memory_readings_come_from_proc():
    tool = load_tool()
    assert tool.mem_available() > 0
    assert tool.pss(os.getpid()) > 0
    assert tool.marked_processes("no-such-run") == {}


def test_hub_pins_sit_on_top_of_the_main_lock():
    """requirements-hub.txt pins jupyterhub and never contradicts requirements.txt."""
    def pins(name):
        found = {}
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            if "==" in line:
                package, version = line.split(";")[0].split("==")
                found[package.strip().lower()] = version.strip()
        return found
    main, hub = pins("requirements.txt"), pins("requirements-hub.txt")
    assert hub.get("jupyterhub") == "6.1.1"
    clashes = {p: (main[p], v) for p, v in hub.items() if p in main and main[p] != v}
    assert not clashes, f"requirements-hub.txt contradicts the main lock: {clashes}"
    assert "jupyterhub" not in main, "learners must not need jupyterhub"
