"""The doit graph of a gauntlet project; a project's ``dodo.py`` is one line::

    from gauntlet.dodo import *  # noqa: F403, RUF100

The tasks are made by :mod:`gauntlet.adapters.doit_tasks`.  Importing this
module does no work: ``DOIT_CONFIG`` is read from there when doit (through
the ``import *``) first asks for it, and so the project is loaded then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gauntlet.adapters import doit_tasks
from gauntlet.adapters.doit_tasks import (
    task_benchmark,
    task_build,
    task_report,
    task_test,
    task_toolchain,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [  # noqa: F822  (DOIT_CONFIG is computed on access: see __getattr__)
    "DOIT_CONFIG",
    "task_benchmark",
    "task_build",
    "task_coverage",
    "task_release",
    "task_report",
    "task_test",
    "task_toolchain",
]


def task_release() -> Iterator[dict[str, Any]]:
    """Build, verify and publish a release (not a default task: run `doit release`)."""
    from gauntlet.adapters.doit_release import release_tasks  # only when tasks are listed

    yield from release_tasks(doit_tasks.current().config)


def __getattr__(name: str) -> Any:
    """``DOIT_CONFIG`` of the current project, computed on first access (PEP 562)."""
    if name == "DOIT_CONFIG":
        return doit_tasks.DOIT_CONFIG
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names, ``DOIT_CONFIG`` included (``inspect.getmembers`` lists these)."""
    return sorted({*globals(), "DOIT_CONFIG"})


def task_coverage() -> Iterator[dict[str, Any]]:
    """Mojo line coverage: trace each test program under valgrind, merge, report."""
    from gauntlet.adapters.doit_coverage import coverage_tasks  # only when tasks are listed

    yield from coverage_tasks(doit_tasks.current(), task_coverage.__doc__)
