#!/usr/bin/env python3
"""Set up and run the course with one command (standard library only).

    python3 course.py lab     # open the course in JupyterLab at notebooks/00-start-here.ipynb
    python3 course.py test    # run the whole test suite: library tests + every notebook (nbval)
    python3 course.py browser-test   # every notebook run and its widgets moved in JupyterLab + headless Chromium
    python3 course.py hub-load [--fault]  # a real JupyterHub on 127.0.0.1 with simulated learners (tools/hub_load.py)

The first run makes a virtual environment in .venv/ and installs the exact versions pinned
in requirements.txt plus this project (a few minutes, once); later runs reuse it and
reinstall only when requirements.txt or pyproject.toml change. ``browser-test`` also installs
requirements-browser.txt (Playwright, once) and needs Chromium (``apt-get install chromium``).
Extra arguments go to ``jupyter lab`` or ``pytest`` (e.g. ``python3 course.py test -x tests/test_arithmetic.py``).
JupyterLab listens on localhost only and keeps its token: open the link it prints.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / "course-installed.txt"
BROWSER_STAMP = VENV / "course-browser-installed.txt"
HUB_STAMP = VENV / "course-hub-installed.txt"
SUPPORTED = ((3, 11), (3, 13))


def fingerprint(names=("requirements.txt", "pyproject.toml")):
    """Hash of the files that decide what is installed."""
    digest = hashlib.sha256()
    for name in names:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def run(*args):
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)


def setup():
    """Create .venv and install the pinned packages and cnn_lib, unless already up to date."""
    if not SUPPORTED[0] <= sys.version_info[:2] <= SUPPORTED[1]:
        sys.exit(f"course.py: this is Python {sys.version.split()[0]}, but the course needs Python 3.11 to 3.13. "
                 "Hint: run it with one of those, e.g. `python3.12 course.py lab`.")
    if STAMP.is_file() and STAMP.read_text() == fingerprint():
        return
    if not PYTHON.exists():
        print(f"Creating the virtual environment {VENV.name}/ (once) ...", flush=True)
        venv.create(VENV, with_pip=True)
    run(PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-r", "requirements.txt")
    run(PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "--no-deps", "-e", ".")
    settings = VENV / "share" / "jupyter" / "lab" / "settings"   # JupyterLab: no "news" prompt
    settings.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "tools" / "jupyterlab-overrides.json", settings / "overrides.json")
    STAMP.write_text(fingerprint())


def extra_setup(requirements, stamp):
    """Add a maintainer's extra pins (on top of the main lock) to .venv, once: browser tests, the hub test."""
    names = ("requirements.txt", requirements)
    if stamp.is_file() and stamp.read_text() == fingerprint(names):
        return
    run(PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-r", requirements)
    stamp.write_text(fingerprint(names))


def lab_command(jupyter):
    """JupyterLab on 127.0.0.1 only (token kept), showing the whole course folder, opening notebook 00."""
    return [jupyter, "lab", "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={ROOT}",
            "--LabApp.default_url=/lab/tree/notebooks/00-start-here.ipynb"]


def course_environment():
    """This process's environment, plus one BLAS thread unless the user chose otherwise.

    The course multiplies small matrices: extra BLAS threads cost more than they save (on 2
    cores, training in notebook 05 took ~1.7x as long with two). Results do not change.
    """
    return {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}


def main(argv):
    commands = {"lab": lab_command(BIN / "jupyter"), "test": [PYTHON, "-m", "pytest"],
                "browser-test": [PYTHON, "-m", "pytest", "tests/browser", "--browser"],
                "hub-load": [PYTHON, "tools/hub_load.py"]}
    if not argv or argv[0] not in commands:
        sys.exit(__doc__)
    setup()
    if argv[0] == "browser-test":
        extra_setup("requirements-browser.txt", BROWSER_STAMP)
    if argv[0] == "hub-load":
        extra_setup("requirements-hub.txt", HUB_STAMP)
    command = [str(a) for a in commands[argv[0]] + argv[1:]]
    print("+", " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT, env=course_environment()).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
