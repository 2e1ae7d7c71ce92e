"""The project's promises to a newcomer, CI and Binder: one command to test, the same pins everywhere."""
import re
import subprocess
import sys
import tomllib
from pathlib import Path

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
    badge = re.search(r"https://mybinder\.org/v2/gh/[^)\s]+", README).group(0)
    assert badge.endswith("?urlpath=lab/tree/notebooks/00-start-here.ipynb"), badge


def test_readme_gives_two_commands_and_ci_runs_the_test_one():
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    commands = [line.split("#")[0].strip() for block in blocks for line in block.splitlines() if line.strip()]
    assert commands[:2] == ["python3 course.py lab", "python3 course.py test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 course.py test" in ci and "set -euo pipefail" in ci


def test_lab_command_is_local_and_keeps_the_token():
    source = (ROOT / "course.py").read_text()
    assert "--ServerApp.ip=127.0.0.1" in source
    assert "token=''" not in source and 'token=""' not in source and "IdentityProvider.token" not in source
    assert "notebooks/00-start-here.ipynb" in source


def test_course_py_explains_usage():
    result = subprocess.run([sys.executable, str(ROOT / "course.py")], capture_output=True, text=True)
    assert result.returncode != 0 and "python3 course.py lab" in result.stderr


def test_package_ships_its_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "datasets/*.npz" in config["tool"]["setuptools"]["package-data"]["cnn_lib"]
    assert config["project"]["requires-python"] == ">=3.11"
