"""``gauntlet health`` and ``gauntlet history ...``: read and fill the run history.

* ``gauntlet health [--runs N | --days D] [--json] [--openmetrics FILE]`` prints
  durations, failure rates, the slowest tests and tasks, the critical path of
  the last run, coverage and benchmark trends, flaky and broken tests;
* ``gauntlet history import DIR`` records the result files a pipeline wrote
  elsewhere (another CI job) as one run; a folder in which nothing could be
  read is recorded as "no data" and exits 1;
* ``gauntlet history info`` shows where the history is and what it holds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gauntlet.cli.dash import add_window_arguments, writing
from gauntlet.cli.parser import Command, add_json
from gauntlet.config.load import load_config
from gauntlet.errors import ExitCode
from gauntlet.health.record import open_project_store, project_health, run_info
from gauntlet.health.rows import RunInfo

if TYPE_CHECKING:
    import argparse

    from gauntlet.health.model import Health


def add_health_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``gauntlet health``."""
    add_window_arguments(parser)
    add_json(parser)
    parser.add_argument(
        "--openmetrics", type=Path, default=None, metavar="FILE", help="also write OpenMetrics"
    )


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``gauntlet history import``."""
    parser.add_argument("folder", type=Path, help="the results folder (e.g. .gauntlet/results)")
    parser.add_argument("--commit", default=None, help="commit the results are of (default: git)")
    parser.add_argument("--branch", default=None, help="branch (default: git or GITHUB_REF_NAME)")
    parser.add_argument("--trigger", default=None, help="trigger (default: GITHUB_EVENT_NAME)")


def _plain(value: Any) -> Any:
    """Plain JSON values from the health model's frozen dataclasses (faster than ``asdict``)."""
    if isinstance(value, (str, int, float)) or value is None:
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {k: _plain(v) for k, v in vars(value).items()}
    return value


def health_json(health: Health) -> str:
    """The JSON form of a :class:`~gauntlet.health.model.Health`."""
    data = _plain(health)
    data["failure_rate"] = health.failure_rate
    return json.dumps(data, separators=(",", ":"))  # indenting is 4x slower on big windows


def cmd_health(
    *,
    project: Path | None,
    runs: int | None,
    days: float | None,
    as_json: bool,
    openmetrics: Path | None,
) -> int:
    """Print the health of the pipeline over a window of recent runs."""
    from gauntlet.views.console import make_console
    from gauntlet.views.healthview import print_health
    from gauntlet.views.openmetrics import write_openmetrics

    config = load_config(project)
    store = open_project_store(config)
    try:
        with make_console(stderr=True).status("reading the run history", spinner="dots"):
            health = project_health(store, config, runs, days)
    finally:
        store.close()
    if openmetrics is not None:
        with writing(openmetrics):
            write_openmetrics(openmetrics, health)
    if as_json:
        sys.stdout.write(health_json(health) + "\n")
    else:
        print_health(health, make_console(), store.name)
        if openmetrics is not None:
            print(f"OpenMetrics written to {openmetrics}")
    return int(ExitCode.OK)


def cmd_history_info(*, project: Path | None) -> int:
    """Where the run history is and how many rows each table holds."""
    store = open_project_store(load_config(project))
    try:
        print(f"history: {store.name} (schema version {store.schema_version()})")
        for table, count in store.counts().items():
            print(f"  {table:13} {count}")
    finally:
        store.close()
    return int(ExitCode.OK)


def cmd_history_import(
    *,
    project: Path | None,
    folder: Path,
    commit: str | None,
    branch: str | None,
    trigger: str | None,
) -> int:
    """Record the result files in ``folder`` (written by another CI job) as one run."""
    from gauntlet.health.importing import import_folder
    from gauntlet.health.model import Outcome
    from gauntlet.views.console import make_console

    config = load_config(project)
    found = run_info("import", config.pyproject.parent)
    info = RunInfo(
        "import",
        commit if commit is not None else found.commit,
        branch if branch is not None else found.branch,
        trigger if trigger is not None else found.trigger,
    )
    store = open_project_store(config)
    try:
        with make_console(stderr=True).status(f"importing {folder}", spinner="dots"):
            imported = import_folder(store, folder, info)
    finally:
        store.close()
    for problem in imported.problems:
        print(f"warning: {problem}")
    if imported.outcome is Outcome.NO_DATA:
        print(f"recorded {folder} as run {imported.run_id} with no data into {store.name}")
        return int(ExitCode.FAILED)
    print(f"imported {folder} as run {imported.run_id} into {store.name}")
    return int(ExitCode.OK)


HISTORY_COMMANDS = {
    "import": Command(
        cmd_history_import,
        "record a results folder written by another CI job",
        add_import_arguments,
    ),
    "info": Command(cmd_history_info, "where the history is and what it holds"),
}
