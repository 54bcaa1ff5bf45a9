"""Everything gauntlet shows a person goes through here (rich; NO_COLOR honoured)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.table import Table

from gauntlet.results.records import Status

if TYPE_CHECKING:
    from gauntlet.gates.verdict import Verdict
    from gauntlet.views.report import Summary

_STYLE = {
    Status.PASSED: "green",
    Status.SKIPPED: "yellow",
    Status.FAILED: "red",
    Status.ERROR: "bold red",
}


def make_console(stream: TextIO | None = None, *, stderr: bool = False) -> Console:
    """A console on ``stream`` that honours ``NO_COLOR`` and never wraps into noise."""
    target = stream if stream is not None else (sys.stderr if stderr else sys.stdout)
    return Console(
        file=target,
        no_color=bool(os.environ.get("NO_COLOR")),
        highlight=False,
        soft_wrap=True,
        width=None if target.isatty() else 120,
    )


def print_summary(summary: Summary, console: Console, *, slowest: int = 5) -> None:
    """Totals, every failure with its message, and the slowest tests."""
    totals = summary.totals()
    table = Table(title="Mojo tests", title_justify="left", show_edge=False)
    for column in ("files", "tests", "passed", "failed", "errors", "skipped"):
        table.add_column(column, justify="right")
    table.add_row(
        str(len(summary.results)),
        str(totals["total"]),
        f"[green]{totals['passed']}[/]",
        f"[red]{totals['failed']}[/]",
        f"[red]{totals['error']}[/]",
        f"[yellow]{totals['skipped']}[/]",
    )
    console.print(table)
    for group in summary.missing():
        console.print(f"[bold red]missing[/] {group.line()}")
    whole = summary.whole_files()
    if whole:
        named = ", ".join(whole[:3]) + (f" and {len(whole) - 3} more" if len(whole) > 3 else "")
        console.print(
            f"[yellow]one result per file[/] for {len(whole)} file(s) with no test function "
            f"gauntlet could call one by one: {named}"
        )
    failures = summary.present_failures()
    if failures:
        table = Table(title="Failures", title_justify="left", show_edge=False)
        table.add_column("status")
        table.add_column("test")
        table.add_column("where")
        table.add_column("message", overflow="fold")
        for case in failures:
            where = f"{case.file}:{case.line}" if case.line else case.file
            style = _STYLE[case.status]
            table.add_row(f"[{style}]{case.status.value}[/]", case.name, where, case.message)
        console.print(table)
    cases = summary.slowest(slowest)
    if cases:
        table = Table(title="Slowest tests", title_justify="left", show_edge=False)
        table.add_column("ms", justify="right")
        table.add_column("test")
        table.add_column("file")
        for case in cases:
            table.add_row(f"{case.duration_s * 1000:.1f}", case.name, case.file)
        console.print(table)
    files = summary.slowest_files(slowest)
    if files:
        table = Table(title="Slowest files", title_justify="left", show_edge=False)
        for column in ("compile s", "run s"):
            table.add_column(column, justify="right")
        table.add_column("file")
        for result in files:
            ran = f"{result.run_s:.2f}" if result.exit_code is not None else "did not run"
            table.add_row(f"{result.compile_s:.2f}", ran, result.file)
        console.print(table)
    if summary.deselected:
        console.print(
            f"{len(summary.deselected)} test file(s) deselected by tags: "
            + ", ".join(summary.deselected)
        )
    style = _STYLE[summary.status]
    console.print(f"[{style}]Mojo tests {summary.status.value}[/]")


_GATE_STYLE = {
    "passed": "green",
    "warned": "yellow",
    "waived": "yellow",
    "failed": "red",
    "no data": "bold red",
}


def print_verdict(verdict: Verdict, console: Console) -> None:
    """One row per gate: status, measured value, threshold, where to look; then waivers."""
    table = Table(title="Quality gates", title_justify="left", show_edge=False)
    for column in ("gate", "status", "measured", "threshold"):
        table.add_column(column)
    table.add_column("where to look", overflow="fold")
    for r in verdict.results:
        style = _GATE_STYLE[r.status.value]
        details = "; ".join(x for x in (r.message, r.look) if x)
        table.add_row(r.gate, f"[{style}]{r.status.value}[/]", r.measured, r.threshold, details)
    console.print(table)
    if verdict.waivers:
        console.print("Active waivers:")
        for w in verdict.waivers:
            what = f" {w.finding}" if w.finding else ""
            console.print(f"  {w.gate}{what}: {w.reason} (expires {w.expires}, {w.where})")
    else:
        console.print("Active waivers: none")
    if verdict.passed:
        console.print("[green]All gates passed[/]")
    else:
        failed = ", ".join(r.gate for r in verdict.failures)
        console.print(f"[bold red]Gates failed: {failed}[/]")
