"""nox sessions of this repository: gauntlet's own sessions, driven from its source tree."""

from __future__ import annotations

import sys
from pathlib import Path

import nox

# This repository is gauntlet itself: import the sessions from the source tree.
sys.path.insert(0, str(Path(__file__).parent / "src"))

from gauntlet.noxsessions import (
    bench,
    ci,
    gates,
    health,
    lint,
    mojo,
    security,
    tests,
    typecheck,
)

__all__ = ["bench", "ci", "gates", "health", "lint", "mojo", "security", "tests", "typecheck"]

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True
