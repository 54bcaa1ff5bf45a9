"""``gauntlet bench ...``: record, compare and look back at benchmark results.

* ``gauntlet bench record OUTPUT`` parses a benchmark's output (any format of
  :mod:`gauntlet.bench.parse`), writes schema-2 results and appends them to
  this machine's history;
* ``gauntlet bench compare NEW [BASE]``: see :mod:`gauntlet.cli.benchcompare`;
* ``gauntlet bench history NAME`` prints one benchmark's medians run by run,
  marks change points and writes an SVG plot on request.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet.bench.changepoint import change_points
from gauntlet.bench.history import HistoryStore
from gauntlet.bench.parse import PARSERS, parse_output
from gauntlet.bench.records import BenchResults, Environment, write_results
from gauntlet.cli.benchcompare import add_compare_arguments, cmd_compare
from gauntlet.cli.parser import Command, add_json
from gauntlet.config.load import load_config
from gauntlet.errors import ExitCode, ResultError
from gauntlet.layout import Layout
from gauntlet.run import toolchain
from gauntlet.run.benchtask import git_commit
from gauntlet.views.benchplot import history_svg

if TYPE_CHECKING:
    import argparse


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def cmd_record(
    *,
    project: Path | None,
    output: str,
    format: str,  # noqa: A002 - the option is --format
    source: str,
    commit: str | None,
    results: str,
) -> int:
    """Parse benchmark output into results; append them to the history."""
    config = load_config(project)
    path = Path(output)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ResultError(f"{path}: cannot read benchmark output: {exc}") from None
    measurements = parse_output(text, str(path), format)
    found = BenchResults(
        source=source or str(path),
        environment=Environment.current(toolchain.identity(config.mojo_version)),
        measurements=measurements,
        commit=commit if commit is not None else git_commit(config.root),
        timestamp=time.time(),
    )
    if results:
        write_results(Path(results), found)
    history = HistoryStore(Layout.of(config).build.bench_history).append(found)
    _say(f"recorded {len(measurements)} benchmarks from {path} in {history}")
    return ExitCode.OK


def cmd_history(*, project: Path | None, name: str, machine: str, svg: str, as_json: bool) -> int:
    """One benchmark's medians run by run, with change points."""
    store = HistoryStore(Layout.of(load_config(project)).build.bench_history)
    machine = machine or next(iter(store.fingerprints()), "")
    if not machine:
        raise ResultError(f"no benchmark history in {store.folder}; run `doit benchmark` first")
    points = store.series(name, machine)
    if not points:
        known = ", ".join(store.names(machine)) or "none"
        raise ResultError(f"no benchmark {name!r} in {store.path_for(machine)}; known: {known}")
    changes = change_points([p.median for p in points])
    if as_json:
        data = {
            "name": name,
            "machine": machine,
            "points": [p._asdict() for p in points],
            "change_points": list(changes),
        }
        _say(json.dumps(data, indent=1))
    else:
        for index, point in enumerate(points):
            when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(point.timestamp))
            mark = "  <- change point" if index in changes else ""
            _say(
                f"{when}  {point.commit[:10] or '-':10}  {point.median:.4g} {point.unit}"
                f"  (n={point.samples}){mark}"
            )
    if svg:
        Path(svg).write_text(history_svg(name, points, changes), encoding="utf-8")
    return ExitCode.OK


def add_record_arguments(command: argparse.ArgumentParser) -> None:
    """Options of ``gauntlet bench record``."""
    command.add_argument("output", help="file with the benchmark's output")
    command.add_argument("--format", default="auto", choices=["auto", *PARSERS])
    command.add_argument("--source", default="", help="benchmark file it came from")
    command.add_argument("--commit", default=None, help="default: git HEAD")
    command.add_argument("--results", default="", help="also write results JSON here")


def add_history_arguments(command: argparse.ArgumentParser) -> None:
    """Options of ``gauntlet bench history``."""
    command.add_argument("name", help="benchmark name as its report prints it")
    command.add_argument("--machine", default="", help="fingerprint (default: newest)")
    command.add_argument("--svg", default="", help="write a plot here")
    add_json(command)


COMMANDS = {
    "record": Command(
        cmd_record, "parse benchmark output and add it to the history", add_record_arguments
    ),
    "compare": Command(
        cmd_compare,
        "compare results with a baseline (exit 1 on a regression)",
        add_compare_arguments,
    ),
    "history": Command(
        cmd_history,
        "one benchmark over time, with change points and an SVG",
        add_history_arguments,
    ),
}
