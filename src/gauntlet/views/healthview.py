"""``gauntlet health`` on the console: rich tables of a :class:`~gauntlet.health.model.Health`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from gauntlet.delivery.dora import figures, release_rows

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console

    from gauntlet.health.model import DurationStats, Health

TOP = 15
_TEXT = "name test task benchmark gate status measured threshold message last"
_TEXT_COLUMNS = frozenset(_TEXT.split())


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f}"


def _line(text: str, width: int = 100) -> str:
    """The first line of a message, shortened and escaped: tables stay one row per test."""
    first = text.strip().split("\n", 1)[0]
    return escape(first if len(first) <= width else first[: width - 1] + "…")


def _trend(value: float | None) -> str:
    if value is None:
        return "-"
    style = "red" if value > 0.1 else "green" if value < -0.1 else ""
    text = f"{value:+.0%}"
    return f"[{style}]{text}[/]" if style else text


def _table(title: str, columns: Sequence[str]) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False)
    for column in columns:
        if column in _TEXT_COLUMNS:
            table.add_column(column, overflow="fold")
        else:
            table.add_column(column, justify="right")
    return table


def _durations(title: str, stats: Sequence[DurationStats]) -> Table:
    table = _table(title, ("name", "runs", "p50 s", "p95 s", "last s", "trend", "failure rate"))
    for s in stats:
        rate = f"[red]{s.failure_rate:.0%}[/]" if s.failures else "0%"
        table.add_row(
            escape(s.name),
            str(s.runs),
            _s(s.p50_s),
            _s(s.p95_s),
            _s(s.last_s),
            _trend(s.trend),
            rate,
        )
    return table


def _overview(health: Health, console: Console, where: str) -> None:
    window = f"last {health.window_runs} run(s)"
    if health.window_days is not None:
        window += f" of the last {health.window_days:g} day(s)"
    console.print(f"Pipeline health: {window} in {escape(where)}")
    last = health.last_run
    if last is not None:
        console.print(
            escape(
                f"Newest run: {last.kind} {last.outcome.value} on {last.branch or '-'} "
                f"{last.commit[:10] or '-'} ({last.trigger}), "
                f"started {last.started:%Y-%m-%d %H:%M} UTC"
            )
        )
    console.print(f"Runs that did not pass: {health.failure_rate:.0%}")
    if health.pipeline is not None:
        console.print(_durations("Pipeline", [health.pipeline]))
    if health.tasks:
        console.print(_durations(f"Slowest tasks (of {len(health.tasks)})", health.tasks[:TOP]))


def _tests(health: Health, console: Console) -> None:
    if health.slowest_tests:
        table = _table("Slowest tests", ("test", "runs", "p50 s", "last s"))
        for t in health.slowest_tests:
            table.add_row(escape(t.name), str(t.runs), f"{t.p50_s:.3f}", _s(t.last_s))
        console.print(table)
    if health.flaky:
        table = _table("Flaky tests", ("test", "runs", "passed", "failed", "flip rate", "last"))
        for f in health.flaky:
            last = f"{escape(f.last_failure_run[:8])}: {_line(f.last_failure_message)}"
            table.add_row(
                f"[yellow]{escape(f.name)}[/]",
                str(f.runs),
                str(f.passes),
                str(f.failures),
                f"{f.flip_rate:.0%}",
                last,
            )
        console.print(table)
    else:
        console.print("Flaky tests: none")
    if health.broken:
        table = _table("Broken tests (failed in every run)", ("test", "runs", "message"))
        for b in health.broken:
            table.add_row(f"[red]{escape(b.name)}[/]", str(b.runs), _line(b.message))
        console.print(table)


def _rest(health: Health, console: Console) -> None:
    if health.critical_path:
        table = _table("Critical path of the newest finished run", ("task", "start s", "took s"))
        for step in health.critical_path:
            table.add_row(escape(step.task), f"{step.start_s:.2f}", f"{step.duration_s:.2f}")
        console.print(table)
    if health.coverage:
        values = [p.line_percent for p in health.coverage]
        recent = " ".join(f"{v:.1f}" for v in values[-10:])
        console.print(f"Line coverage, oldest to newest (last 10): {recent}")
    if health.benchmarks:
        table = _table(
            "Benchmarks", ("benchmark", "runs", "first", "last", "change", "regressions")
        )
        for b in health.benchmarks:
            first, last = b.points[0], b.points[-1]
            change = (last.value - first.value) / first.value if first.value else None
            flagged = sum(p.regression for p in b.points)
            table.add_row(
                escape(b.name),
                str(len(b.points)),
                escape(f"{first.value:.4g} {first.unit}"),
                escape(f"{last.value:.4g} {last.unit}"),
                _trend(change),
                str(flagged),
            )
        console.print(table)
    if health.gates:
        table = _table("Gates of the newest verdict", ("gate", "status", "measured", "threshold"))
        for g in health.gates:
            table.add_row(*(escape(text) for text in (g.gate, g.status, g.measured, g.threshold)))
        console.print(table)
        for waiver in health.waivers:
            console.print(f"  waiver: {escape(waiver)}")
    for note in health.notes:
        console.print(f"note: {escape(note)}")


def _delivery(health: Health, console: Console) -> None:
    found = health.delivery
    production = ", ".join(found.production) if found else "production"
    table = _table(f"Delivery (DORA), releases to {production}", ("key", "figure"))
    for key, text in figures(found):
        table.add_row(key, escape(text))
    console.print(table)
    rows = release_rows(found)
    if rows:
        table = _table(
            "Last production releases",
            ("version", "environment", "published", "lead time", "status"),
        )
        for row in rows:
            table.add_row(*(escape(text) for text in row))
        console.print(table)


def print_health(health: Health, console: Console, where: str) -> None:
    """Every table of the health report."""
    if not health.runs:
        console.print(f"No runs recorded yet in {escape(where)}; run `doit` or `nox -s ci` first.")
        if health.delivery is not None:
            _delivery(health, console)
        return
    _overview(health, console, where)
    _tests(health, console)
    _rest(health, console)
    _delivery(health, console)
