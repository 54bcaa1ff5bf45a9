"""The ``gauntlet`` command: a table of subcommands, each a function returning an exit code.

Every run goes through :func:`gauntlet.entry.guarded`, the one error layer:
expected failures print one line, a bug leaves a crash log under the build
directory, Ctrl-C and a closed pipe end quietly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gauntlet.cli import bench, dash, health, init, project, release, shard
from gauntlet.cli.parser import Command, build_parser, parse
from gauntlet.config.load import load_config
from gauntlet.entry import guarded

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

COMMANDS: dict[str, Command] = {
    "init": Command(
        init.cmd_init,
        "adopt a repository: write dodo.py, noxfile.py, [tool.gauntlet] and a CI workflow",
        init.add_init_arguments,
    ),
    "mojo": Command(
        project.cmd_mojo,
        "show (or --install) the configured Mojo compiler",
        project.add_mojo_arguments,
    ),
    "scan": Command(
        project.cmd_scan,
        "show Mojo files, tests and their dependency closures",
        project.add_scan_arguments,
    ),
    "report": Command(
        project.cmd_report,
        "the Mojo test report; `report html|md`: pipeline health",
        subcommands=dash.REPORT_COMMANDS,
    ),
    "bench": Command(
        None, "record, compare and chart benchmark results", subcommands=bench.COMMANDS
    ),
    "gates": Command(project.cmd_gates, "evaluate the quality gates over the results on disk"),
    "health": Command(
        health.cmd_health,
        "durations, failure rates and flaky tests from run history",
        health.add_health_arguments,
    ),
    "history": Command(
        None, "import results into the run history, or show it", subcommands=health.HISTORY_COMMANDS
    ),
    "shard": Command(
        shard.cmd_shard,
        "split the tests over a CI matrix (--count N --json), run one part (--index I), "
        "or merge the parts",
        shard.add_shard_arguments,
        subcommands=shard.COMMANDS,
    ),
    "release": Command(
        None, "publish, approve and roll back releases", subcommands=release.COMMANDS
    ),
    "alerts": Command(
        dash.cmd_alerts,
        "evaluate the alert rules on the run history and notify",
        dash.add_alerts_arguments,
    ),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gauntlet`` console script and of ``python -m gauntlet``."""
    folder: Path | None = None

    def work() -> int:
        nonlocal folder
        run, kwargs = parse(build_parser(COMMANDS), None if argv is None else list(argv))
        folder = kwargs["project"]
        return run(**kwargs)

    return guarded(work, build_dir=lambda: load_config(folder).out_dir)
