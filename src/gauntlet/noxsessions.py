"""nox sessions of a gauntlet project; a project's ``noxfile.py`` imports them::

    from gauntlet.noxsessions import *  # noqa: F403

The sessions are defined in :mod:`gauntlet.adapters.noxsessions`.
"""

from __future__ import annotations

from gauntlet.adapters.noxsessions import (
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
