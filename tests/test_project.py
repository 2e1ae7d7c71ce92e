"""The project's promises to a newcomer, CI and Binder: one command to test, the same pins everywhere."""
import importlib.util
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
NEEDED = ["jupyterlab", "ipykernel", "ipywidgets", "jupyterlab-widgets", "numpy", "matplotlib", "nbval", "pytest"]


def pins():
    """``{name: version}`` of every ``name==version`` line in requirements.txt (markers stripped)."""
    found = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        requirement = line.split("#")[0].split(";")[0].strip()
        if requirement:
            assert "==" in requirement, f"requirements.txt must pin exactly (==), got {line!r}"
            name, version = requirement.split("==")
            found.setdefault(name.strip().lower(), version.strip())
    return found


def test_requirements_pin_everything_the_course_needs():
    locked = pins()
    missing = [name for name in NEEDED if name not in locked]
    assert not missing, f"requirements.txt lacks {missing}: regenerate it from requirements.in"
    assert len(locked) > 50, "requirements.txt should be a full lock, dependencies included"


def test_lock_matches_its_input():
    """Every direct requirement in requirements.in appears in the lock with the same version."""
    locked = pins()
    for line in (ROOT / "requirements.in").read_text().splitlines():
        if "==" in line:
            name, version = line.split("#")[0].strip().split("==")
            assert locked.get(name.lower()) == version, f"{name}: requirements.in says {version}, lock says {locked.get(name.lower())}"


def test_installed_versions_are_the_pinned_ones():
    """What the tests run with is what learners get (nbval's stored outputs depend on it)."""
    from importlib import metadata
    locked = pins()
    for name in NEEDED:
        assert metadata.version(name) == locked[name], f"{name} {metadata.version(name)} installed, {locked[name]} pinned"


def test_binder_builds_from_the_same_pins():
    """No binder/ folder (it would make repo2docker ignore the root files); Python 3.12; postBuild installs cnn_lib."""
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.12"
    post_build = (ROOT / "postBuild").read_text()
    assert post_build.startswith("#!/bin/bash") and "set -euo pipefail" in post_build
    assert "pip install --no-deps ." in post_build
    assert (ROOT / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    start = (ROOT / "start").read_text()
    assert start.startswith("#!/bin/bash") and 'exec "$@"' in start and "OPENBLAS_NUM_THREADS" in start
    assert (ROOT / "start").stat().st_mode & 0o111, "start must be executable"
    badge = re.search(r"https://mybinder\.org/v2/gh/[^)\s]+", README).group(0)
    assert badge.endswith("?urlpath=lab/tree/notebooks/00-start-here.ipynb"), badge


def test_readme_gives_two_commands_and_ci_runs_the_test_one():
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    commands = [line.split("#")[0].strip() for block in blocks for line in block.splitlines() if line.strip()]
    assert commands[:2] == ["python3 course.py lab", "python3 course.py test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 course.py test" in ci and "set -euo pipefail" in ci


def load_course_py():
    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lab_command_is_local_and_keeps_the_token():
    command = [str(a) for a in load_course_py().lab_command("jupyter")]
    assert "--ServerApp.ip=127.0.0.1" in command
    assert not any("token" in a.lower() or "password" in a.lower() for a in command)
    assert command[-1] == "--LabApp.default_url=/lab/tree/notebooks/00-start-here.ipynb"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_lab_command_starts_jupyterlab_and_serves_notebook_00(tmp_path):
    """Start JupyterLab exactly as `python3 course.py lab` does (plus a test port and token); fetch notebook 00."""
    jupyter = Path(sys.executable).with_name("jupyter")
    port, token = free_port(), secrets.token_hex(16)
    extra = ["--no-browser", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={token}", f"--LabApp.workspaces_dir={tmp_path}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        extra.append("--ServerApp.allow_root=True")
    command = [str(a) for a in load_course_py().lab_command(jupyter)] + extra
    log = tmp_path / "lab.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                assert server.poll() is None, f"jupyter lab exited: {log.read_text()[-2000:]}"
                assert time.monotonic() < deadline, "jupyter lab did not answer within 60 s"
                time.sleep(0.5)
        with pytest.raises(urllib.error.HTTPError) as refused:          # the token is required
            urllib.request.urlopen(f"{base}/api/contents/notebooks/00-start-here.ipynb", timeout=5)
        assert refused.value.code == 403
        refused.value.close()
        with urllib.request.urlopen(f"{base}/api/contents/notebooks/00-start-here.ipynb?token={token}", timeout=5) as reply:
            notebook = json.loads(reply.read())
        assert notebook["type"] == "notebook" and notebook["content"]["cells"][0]["source"].startswith("# Start here")
        with urllib.request.urlopen(f"{base}/?token={token}", timeout=5) as page:     # where the printed link lands
            assert page.url.split("?")[0].endswith("/lab/tree/notebooks/00-start-here.ipynb")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_course_commands_run_with_one_blas_thread_unless_told_otherwise(monkeypatch):
    course = load_course_py()
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    assert course.course_environment()["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    assert course.course_environment()["OPENBLAS_NUM_THREADS"] == "2"


def test_course_py_explains_usage():
    result = subprocess.run([sys.executable, str(ROOT / "course.py")], capture_output=True, text=True)
    assert result.returncode != 0 and "python3 course.py lab" in result.stderr


def test_package_ships_its_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "datasets/*.npz" in config["tool"]["setuptools"]["package-data"]["cnn_lib"]
    assert config["project"]["requires-python"] == ">=3.11"
