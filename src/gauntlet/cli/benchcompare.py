"""``gauntlet bench compare``: benchmark results against a baseline.

``NEW [BASE]`` compares a results file with BASE, or with the newest earlier
run of the same file in this machine's history (the stored baseline);
``--stored`` compares every result of the last ``doit benchmark`` with its
stored baseline (what the ``bench`` nox session hands to the benchmarks
gate); ``--rev REV`` builds and measures REV and the working tree now.
Exit 1 when a gated benchmark regressed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path, PurePosixPath

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
from gauntlet.bench.records import BenchResults, read_results
from gauntlet.bench.stats import Comparison
from gauntlet.cli.parser import add_json
from gauntlet.config.bench import BenchSettings, bench_settings
from gauntlet.config.load import load_config
from gauntlet.errors import ConfigError, ExitCode, ResultError, UsageError
from gauntlet.layout import Layout


def baseline(store: HistoryStore, new: BenchResults) -> BenchResults | None:
    """The newest earlier successful run of ``new``'s file on the same machine."""
    runs = [
        r
        for r in store.load(new.environment.fingerprint)
        if r.source == new.source and r.ok and r.timestamp < new.timestamp
    ]
    return runs[-1] if runs else None


def _settings(project: Path | None, rev: str) -> BenchSettings:
    try:
        return bench_settings(load_config(project))
    except ConfigError:
        if project is None and not rev:
            return BenchSettings()  # results files can be compared outside a project
        raise


def _ungated(comparisons: list[Comparison], not_gated: list[str]) -> frozenset[str]:
    names = set(not_gated)
    return frozenset(
        c.name for c in comparisons if c.name in names or c.name.split(": ")[-1] in names
    ) | aggregate_totals(comparisons)


def _side_by_side(
    project: Path | None, rev: str, files: list[str], threshold: float, not_gated: list[str]
) -> CompareReport:
    from gauntlet.run.benchside import side_by_side

    config = load_config(project)
    pairs = side_by_side(config, rev, tuple(files))
    plan = replace(bench_settings(config).plan(), threshold=threshold)
    comparisons = []
    for pair in pairs:
        prefix = f"{PurePosixPath(pair.source).name}: " if len(pairs) > 1 else ""
        for c in compare_all(pair.base, pair.new, paired=plan):
            comparisons.append(replace(c, name=prefix + c.name))
    return CompareReport(
        tuple(comparisons),
        base_label=rev,
        new_label="working tree",
        threshold=threshold,
        ungated=_ungated(comparisons, not_gated),
        method=PAIRED_METHOD,
    )


def _stored(
    project: Path | None, threshold: float, location: float, not_gated: list[str]
) -> CompareReport:
    """Every results file of the last ``doit benchmark`` against its stored baseline."""
    config = load_config(project)
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
        base = baseline(store, new)
        labels.add(base.commit[:12] if base else "new baseline")
        prefix = f"{PurePosixPath(new.source).name}: " if len(found) > 1 else ""
        old = base.measurements if base else ()
        for c in compare_all(old, new.measurements, threshold=threshold, location=location):
            comparisons.append(replace(c, name=prefix + c.name))
    return CompareReport(
        tuple(comparisons),
        base_label=", ".join(sorted(labels)) or "history",
        new_label="last `doit benchmark`",
        threshold=threshold,
        ungated=_ungated(comparisons, not_gated),
    )


def _files(
    project: Path | None, new: str, base: str, any_machine: bool
) -> tuple[BenchResults, BenchResults]:
    """The NEW results file and its baseline: BASE, else the stored one, else none."""
    fresh = read_results(Path(new))
    if base:
        old: BenchResults | None = read_results(Path(base))
    else:
        old = baseline(HistoryStore(Layout.of(load_config(project)).build.bench_history), fresh)
    if old is None:  # the first run on this machine: everything is a new baseline
        old = BenchResults(fresh.source, fresh.environment, (), commit="no baseline")
    if old.environment.fingerprint != fresh.environment.fingerprint and not any_machine:
        raise ResultError(
            f"{new} ran on {fresh.environment.machine} ({fresh.environment.fingerprint}), "
            f"the baseline on {old.environment.machine} ({old.environment.fingerprint}); "
            "figures from different machines are not comparable (--any-machine to force)"
        )
    return fresh, old


def cmd_compare(
    *,
    project: Path | None,
    new: str,
    base: str,
    threshold: float | None,
    markdown: str,
    as_json: bool,
    json_file: str,
    not_gated: list[str],
    any_machine: bool,
    rev: str,
    file: list[str],
    stored: bool,
) -> int:
    """Compare results with a baseline; exit 1 when a gated benchmark regressed."""
    settings = _settings(project, rev)
    limit = threshold or settings.threshold
    skip = [*settings.not_gated, *not_gated]
    if rev:
        report = _side_by_side(project, rev, file, limit, skip)
    elif stored:
        report = _stored(project, limit, settings.quantile, skip)
    elif not new:
        raise UsageError(
            "give a NEW results file, --stored to compare the last `doit benchmark` with the "
            "history, or --rev REV to measure both sides now"
        )
    else:
        fresh, old = _files(project, new, base, any_machine)
        comparisons = compare_all(
            old.measurements, fresh.measurements, threshold=limit, location=settings.quantile
        )
        report = CompareReport(
            comparisons,
            base_label=old.commit[:12] or str(base or "baseline"),
            new_label=fresh.commit[:12] or str(new),
            threshold=limit,
            ungated=frozenset(skip) | aggregate_totals(comparisons),
        )
    if as_json:
        sys.stdout.write(to_json_text(report).rstrip("\n") + "\n")
    else:
        print_report(report)
    if markdown:
        Path(markdown).write_text(to_markdown(report), encoding="utf-8")
    if json_file:
        Path(json_file).write_text(to_json_text(report), encoding="utf-8")
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


def _threshold(text: str) -> float:
    value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError("expected a fraction such as 0.05 or 5%")
    return value


def add_compare_arguments(command: argparse.ArgumentParser) -> None:
    """Options of ``gauntlet bench compare``."""
    command.add_argument("new", nargs="?", default="", help="results JSON of the new run")
    command.add_argument("base", nargs="?", default="", help="baseline results JSON")
    command.add_argument(
        "--threshold", type=_threshold, default=None, help="default: from config, 5%%"
    )
    command.add_argument("--markdown", default="", metavar="FILE", help="write a Markdown report")
    add_json(command)
    command.add_argument("--json-file", default="", metavar="FILE", help="write a JSON report")
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
