"""The doit graph of a gauntlet project; a project's ``dodo.py`` is one line::

    from gauntlet.dodo import *  # noqa: F403

The tasks are made by :mod:`gauntlet.adapters.doit_tasks`.
"""

from __future__ import annotations

from gauntlet.adapters.doit_tasks import (
    DOIT_CONFIG,
    task_benchmark,
    task_build,
    task_report,
    task_test,
    task_toolchain,
)

__all__ = [
    "DOIT_CONFIG",
    "task_benchmark",
    "task_build",
    "task_report",
    "task_test",
    "task_toolchain",
]
