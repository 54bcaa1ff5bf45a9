"""``gauntlet bench ...``: record, compare and look back at benchmark results.

* ``gauntlet bench record OUTPUT`` parses a benchmark's output (any format of
  :mod:`gauntlet.bench.parse`), writes schema-2 results and appends them to
  this machine's history;
* ``gauntlet bench compare NEW [BASE]`` compares results with BASE, or with the
  newest earlier run of the same file in the history (the stored baseline),
  prints a table and writes Markdown / JSON on request; exit 1 when a gated
  benchmark regressed; ``--stored`` compares every result of the last
  ``doit benchmark`` with its stored baseline (what the ``bench`` nox session
  hands to the benchmarks gate);
* ``gauntlet bench history NAME`` prints one benchmark's medians run by run,
  marks change points and writes an SVG plot on request.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path, PurePosixPath

from gauntlet.bench.changepoint import change_points
from gauntlet.bench.compare import (
    HEADERS,
    PAIRED_METHOD,
    CompareReport,
    aggregate_totals,
    compare_all,
    rows,
    to_json_text,
    to_markdown,
)
from gauntlet.bench.history import HistoryStore
from gauntlet.bench.parse import PARSERS, parse_output
from gauntlet.bench.records import BenchResults, Environment, read_results, write_results
from gauntlet.bench.stats import Comparison
from gauntlet.config.bench import BenchSettings, bench_settings
from gauntlet.config.load import load_config
from gauntlet.errors import ConfigError, ExitCode, ResultError
from gauntlet.layout import Layout
from gauntlet.run import toolchain
from gauntlet.run.benchtask import git_commit
from gauntlet.views.benchplot import history_svg


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _store(args: argparse.Namespace) -> HistoryStore:
    return HistoryStore(Layout.of(load_config(args.project)).build.bench_history)


def cmd_record(args: argparse.Namespace) -> int:
    """Parse benchmark output into results; append them to the history."""
    config = load_config(args.project)
    path = Path(args.output)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ResultError(f"{path}: cannot read benchmark output: {exc}") from None
    measurements = parse_output(text, str(path), args.format)
    results = BenchResults(
        source=args.source or str(path),
        environment=Environment.current(toolchain.identity(config.mojo_version)),
        measurements=measurements,
        commit=args.commit if args.commit is not None else git_commit(config.root),
        timestamp=time.time(),
    )
    if args.results:
        write_results(Path(args.results), results)
    history = HistoryStore(Layout.of(config).build.bench_history).append(results)
    _say(f"recorded {len(measurements)} benchmarks from {path} in {history}")
    return ExitCode.OK


def _baseline(store: HistoryStore, new: BenchResults) -> BenchResults | None:
    runs = [
        r
        for r in store.load(new.environment.fingerprint)
        if r.source == new.source and r.ok and r.timestamp < new.timestamp
    ]
    return runs[-1] if runs else None


def _settings(args: argparse.Namespace) -> BenchSettings:
    try:
        return bench_settings(load_config(args.project))
    except ConfigError:
        if args.project is None and not args.rev:
            return BenchSettings()  # results files can be compared outside a project
        raise


def _side_by_side(args: argparse.Namespace) -> CompareReport:
    from gauntlet.run.benchside import side_by_side

    config = load_config(args.project)
    settings = bench_settings(config)
    pairs = side_by_side(config, args.rev, tuple(args.file))
    plan = replace(settings.plan(), threshold=args.threshold)
    comparisons = []
    for pair in pairs:
        prefix = f"{PurePosixPath(pair.source).name}: " if len(pairs) > 1 else ""
        for c in compare_all(pair.base, pair.new, paired=plan):
            comparisons.append(replace(c, name=prefix + c.name))
    return CompareReport(
        tuple(comparisons),
        base_label=args.rev,
        new_label="working tree",
        threshold=args.threshold,
        ungated=_ungated(comparisons, args.not_gated),
        method=PAIRED_METHOD,
    )


def _stored(args: argparse.Namespace) -> CompareReport:
    """Every results file of the last ``doit benchmark`` against its stored baseline."""
    config = load_config(args.project)
    build = Layout.of(config).build
    store = HistoryStore(build.bench_history)
    found = sorted(build.bench_results.glob("*.samples.json"))
    if not found:
        raise ResultError(
            f"no benchmark results in {build.bench_results}; run `doit benchmark` first"
        )
    comparisons: list[Comparison] = []
    labels = set()
    for path in found:
        new = read_results(path)
        if not new.ok:
            continue  # a failed run is the gate's own finding, not a comparison
        base = _baseline(store, new)
        labels.add(base.commit[:12] if base else "new baseline")
        prefix = f"{PurePosixPath(new.source).name}: " if len(found) > 1 else ""
        old = base.measurements if base else ()
        for c in compare_all(
            old, new.measurements, threshold=args.threshold, location=args.location
        ):
            comparisons.append(replace(c, name=prefix + c.name))
    return CompareReport(
        tuple(comparisons),
        base_label=", ".join(sorted(labels)) or "history",
        new_label="last `doit benchmark`",
        threshold=args.threshold,
        ungated=_ungated(comparisons, args.not_gated),
    )


def _ungated(comparisons: list[Comparison], not_gated: list[str]) -> frozenset[str]:
    names = set(not_gated)
    return frozenset(
        c.name for c in comparisons if c.name in names or c.name.split(": ")[-1] in names
    ) | aggregate_totals(comparisons)


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare results with a baseline; exit 1 when a gated benchmark regressed."""
    settings = _settings(args)
    args.threshold = args.threshold or settings.threshold
    args.not_gated = [*settings.not_gated, *args.not_gated]
    args.location = settings.quantile
    if args.rev:
        return _finish(args, _side_by_side(args))
    if args.stored:
        return _finish(args, _stored(args))
    if not args.new:
        raise ConfigError(
            "give a NEW results file, --stored to compare the last `doit benchmark` with the "
            "history, or --rev REV to measure both sides now"
        )
    new = read_results(Path(args.new))
    base = read_results(Path(args.base)) if args.base else _baseline(_store(args), new)
    if base is None:  # the first run on this machine: everything is a new baseline
        base = BenchResults(new.source, new.environment, (), commit="no baseline")
    if base.environment.fingerprint != new.environment.fingerprint and not args.any_machine:
        raise ResultError(
            f"{args.new} ran on {new.environment.machine} ({new.environment.fingerprint}), "
            f"the baseline on {base.environment.machine} ({base.environment.fingerprint}); "
            "figures from different machines are not comparable (--any-machine to force)"
        )
    comparisons = compare_all(
        base.measurements, new.measurements, threshold=args.threshold, location=args.location
    )
    report = CompareReport(
        comparisons,
        base_label=base.commit[:12] or str(args.base or "baseline"),
        new_label=new.commit[:12] or str(args.new),
        threshold=args.threshold,
        ungated=frozenset(args.not_gated) | aggregate_totals(comparisons),
    )
    return _finish(args, report)


def _finish(args: argparse.Namespace, report: CompareReport) -> int:
    print_report(report)
    if args.markdown:
        Path(args.markdown).write_text(to_markdown(report), encoding="utf-8")
    if args.json:
        Path(args.json).write_text(to_json_text(report), encoding="utf-8")
    return ExitCode.FAILED if report.failed else ExitCode.OK


def print_report(report: CompareReport) -> None:
    """The comparison as a console table."""
    from rich.table import Table

    from gauntlet.views.console import make_console

    table = Table(title="Benchmarks", title_justify="left", show_edge=False)
    for header in HEADERS:
        table.add_column(header)
    styles = {"regression": "bold red", "improvement": "green"}
    for row in rows(report):
        table.add_row(*row, style=styles.get(row[-1], ""))
    console = make_console()
    console.print(table)
    console.print(
        f"{len(report.regressions)} gated regression(s), "
        f"{len(report.inconclusive)} inconclusive (too noisy to tell)"
    )


def cmd_history(args: argparse.Namespace) -> int:
    """One benchmark's medians run by run, with change points."""
    store = _store(args)
    machine = args.machine or next(iter(store.fingerprints()), None)
    if machine is None:
        raise ResultError(f"no benchmark history in {store.folder}; run `doit benchmark` first")
    points = store.series(args.name, machine)
    if not points:
        known = ", ".join(store.names(machine)) or "none"
        raise ResultError(
            f"no benchmark {args.name!r} in {store.path_for(machine)}; known: {known}"
        )
    changes = change_points([p.median for p in points])
    if args.json:
        data = {
            "name": args.name,
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
    if args.svg:
        Path(args.svg).write_text(history_svg(args.name, points, changes), encoding="utf-8")
    return ExitCode.OK


SUBCOMMANDS = {
    "record": (cmd_record, "parse benchmark output and add it to the history"),
    "compare": (cmd_compare, "compare results with a baseline (exit 1 on a regression)"),
    "history": (cmd_history, "one benchmark over time, with change points and an SVG"),
}


def _threshold(text: str) -> float:
    value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError("expected a fraction such as 0.05 or 5%")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``bench`` subcommands and their options."""
    sub = parser.add_subparsers(dest="bench_command", required=True)
    for name, (_, help_text) in SUBCOMMANDS.items():
        command = sub.add_parser(name, help=help_text)
        if name == "record":
            command.add_argument("output", help="file with the benchmark's output")
            command.add_argument("--format", default="auto", choices=["auto", *PARSERS])
            command.add_argument("--source", default="", help="benchmark file it came from")
            command.add_argument("--commit", default=None, help="default: git HEAD")
            command.add_argument("--results", default="", help="also write results JSON here")
        if name == "compare":
            command.add_argument("new", nargs="?", default="", help="results JSON of the new run")
            command.add_argument("base", nargs="?", default="", help="baseline results JSON")
            command.add_argument(
                "--threshold", type=_threshold, default=None, help="default: from config, 5%%"
            )
            command.add_argument("--markdown", default="", help="write a Markdown report")
            command.add_argument("--json", default="", help="write a JSON report")
            command.add_argument(
                "--not-gated",
                action="append",
                default=[],
                metavar="NAME",
                help="report but never fail on this benchmark (repeatable)",
            )
            command.add_argument("--any-machine", action="store_true")
            command.add_argument(
                "--rev", default="", help="build and measure this revision and the working tree"
            )
            command.add_argument(
                "--file", action="append", default=[], help="with --rev: only this benchmark file"
            )
            command.add_argument(
                "--stored",
                action="store_true",
                help="every result of the last `doit benchmark` against this machine's history",
            )
        if name == "history":
            command.add_argument("name", help="benchmark name as its report prints it")
            command.add_argument("--machine", default="", help="fingerprint (default: newest)")
            command.add_argument("--svg", default="", help="write a plot here")
            command.add_argument("--json", action="store_true")


def cmd_bench(args: argparse.Namespace) -> int:
    """Dispatch ``gauntlet bench SUBCOMMAND``."""
    if args.bench_command not in SUBCOMMANDS:  # pragma: no cover - argparse enforces it
        raise ConfigError(f"unknown bench command {args.bench_command!r}")
    func, _ = SUBCOMMANDS[args.bench_command]
    return func(args)
