"""The Mojo coverage report in the console: one row per file, then the total."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from gauntlet.linecov.report import line_ranges

if TYPE_CHECKING:
    from rich.console import Console

    from gauntlet.linecov.merge import MojoCoverage

MISSING_WIDTH = 60  # characters of the "missing" column before it is cut


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def print_coverage(report: MojoCoverage, console: Console, threshold: float | None = None) -> None:
    """Statements, missed and coverage per file and in total; the tests not traced."""
    table = Table(title="Mojo line coverage", title_justify="left", show_edge=False)
    for column, justify in (("file", "left"), ("stmts", "right"), ("miss", "right"),
                            ("cover", "right"), ("missing", "left")):  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for entry in report.files:
        missing = line_ranges(entry.missing)
        if len(missing) > MISSING_WIDTH:
            missing = missing[: MISSING_WIDTH - 1] + "…"
        table.add_row(entry.path, str(len(entry.executable)), str(len(entry.missing)),
                      _percent(entry.percent), missing)  # fmt: skip
    total = report.percent
    style = "" if threshold is None or total is None else ("green" if total >= threshold else "red")
    shown = f"[{style}]{_percent(total)}[/]" if style else _percent(total)
    missed = str(report.statements - report.covered)
    table.add_row("TOTAL", str(report.statements), missed, shown, "")
    console.print(table)
    console.print(f"{len(report.traced)} test programs traced")
    for test, why in report.untraced:
        console.print(f"[bold red]not traced[/] {test}: {why}")
