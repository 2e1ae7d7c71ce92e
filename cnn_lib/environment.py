"""Environment check for notebook 00: is this the Python and are these the packages the course expects?

Standard library only, so it runs even when a package is missing, and says in plain words
what is wrong and how to fix it.
"""
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

PYTHON_RANGE = ((3, 11), (3, 13))          # oldest and newest Python tested
PACKAGES = ["numpy", "matplotlib", "ipywidgets", "jupyterlab_widgets", "ipykernel", "jupyterlab", "nbval", "pytest"]
FIX = "From the course folder run `python3 course.py lab` again: it installs the pinned versions."


@dataclass
class Check:
    """One line of the report: what was checked, whether it is fine, and what to do if not."""
    name: str
    found: str
    ok: bool
    advice: str = ""

    def __str__(self):
        line = f"{'✔' if self.ok else '✘'} {self.name:<19} {self.found}"
        return line + (f"\n    -> {self.advice}" if self.advice else "")


def pinned_versions(start=None):
    """``{package: version}`` from the nearest requirements.txt at or above ``start`` (default: cwd)."""
    folder = Path(start or Path.cwd()).resolve()
    for candidate in [folder, *folder.parents]:
        path = candidate / "requirements.txt"
        if path.is_file():
            pins = {}
            for line in path.read_text().splitlines():
                requirement = line.split("#")[0].split(";")[0].strip()
                if "==" in requirement:
                    name, version = requirement.split("==")
                    pins[name.strip().lower().replace("-", "_")] = version.strip()
            return pins
    return {}


def check_environment(start=None):
    """A list of :class:`Check` for Python and each package the course needs."""
    checks = []
    version = sys.version_info[:2]
    low, high = PYTHON_RANGE
    ok = low <= version <= high
    checks.append(Check("python", sys.version.split()[0], ok, "" if ok else
                        f"the course is tested on Python {low[0]}.{low[1]} to {high[0]}.{high[1]}; "
                        f"install one of those and run `python3 course.py lab` with it."))
    pins = pinned_versions(start)
    for name in PACKAGES:
        try:
            found = metadata.version(name)
        except metadata.PackageNotFoundError:
            checks.append(Check(name, "missing", False, f"{name} is not installed in this kernel's Python. {FIX}"))
            continue
        wanted = pins.get(name.lower())
        ok = wanted is None or found == wanted
        checks.append(Check(name, found, ok, "" if ok else
                            f"the course was run and tested with {name} {wanted}; other versions may print "
                            f"different numbers or break a widget. {FIX}"))
    return checks
