"""nox sessions of a gauntlet project; a project's ``noxfile.py`` imports them::

    from gauntlet.noxsessions import *  # noqa: F403, RUF100

The sessions are defined in :mod:`gauntlet.adapters.noxsessions` and
:mod:`gauntlet.adapters.noxcheckers` (lint, typecheck, security).
"""

from __future__ import annotations

import os

from gauntlet.adapters.noxcheckers import lint, security, typecheck
from gauntlet.adapters.noxsessions import bench, ci, gates, health, mojo, tests
from gauntlet.results.pipeline import report_cpu_at_exit

report_cpu_at_exit(os.environ)  # a stage of `nox -s ci` says how much CPU it used

__all__ = ["bench", "ci", "gates", "health", "lint", "mojo", "security", "tests", "typecheck"]
