"""Everything gauntlet shows a person goes through here (rich; NO_COLOR honoured)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.table import Table

from gauntlet.results import Status

if TYPE_CHECKING:
    from gauntlet.report import Summary

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
    failures = summary.failures()
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
    if summary.deselected:
        console.print(
            f"{len(summary.deselected)} test file(s) deselected by tags: "
            + ", ".join(summary.deselected)
        )
    style = _STYLE[summary.status]
    console.print(f"[{style}]Mojo tests {summary.status.value}[/]")
