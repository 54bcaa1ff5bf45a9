"""A pyproject.toml that is not valid TOML, caught before doit reads it.

doit reads ``[tool.doit]`` from ``pyproject.toml`` in ``DoitMain()``, before it
imports ``dodo.py``: nothing in :mod:`gauntlet.dodo` runs early enough, and a
broken file ends in doit's ``TOMLDecodeError`` traceback with exit 1.  So the
package installs ``gauntlet-doit.pth``, one line that Python's ``site`` runs at
start-up; it imports this module only when the program is doit (``doit ...``
or ``python -m doit ...``), and :func:`guard` then reads ``pyproject.toml``
first: a file that is not valid TOML is one line naming it, line and column,
and exit 3 as for every configuration error.  Every other program pays for a
look at ``sys.orig_argv`` and nothing more.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from gauntlet.errors import ExitCode


def is_doit(argv: list[str]) -> bool:
    """Whether ``argv`` (``sys.orig_argv``) starts doit: its script or ``-m doit``."""
    if len(argv) >= 3 and argv[1:3] == ["-m", "doit"]:
        return True
    return len(argv) >= 2 and Path(argv[1]).name in ("doit", "doit.exe")


def problem(pyproject: Path) -> str | None:
    """The error for ``pyproject`` when it is not valid TOML (the message gauntlet gives)."""
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None  # doit reports what it cannot read; nothing gauntlet can add
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return f"{pyproject.resolve()}: not valid TOML: {exc}; fix it and run doit again"
    return None


def guard(argv: list[str] | None = None) -> None:
    """At start-up of doit: end with exit 3 and one line when pyproject.toml is not TOML."""
    argv = list(getattr(sys, "orig_argv", [])) if argv is None else argv
    if not is_doit(argv):
        return
    found = problem(Path("pyproject.toml"))  # doit reads the one in the working directory
    if found is None:
        return
    sys.stderr.write(f"gauntlet: error: {found}\n")
    sys.stderr.flush()
    # Python is still starting (site runs this line): SystemExit would be a fatal error.
    os._exit(int(ExitCode.USAGE))
