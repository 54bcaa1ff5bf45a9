"""The tables and tiles of the health dashboard, and the formatting they share with its charts.

Every function returns HTML in which all text from the history is escaped.
"""

from __future__ import annotations

import hashlib
from html import escape
from typing import TYPE_CHECKING

from gauntlet.delivery.dora import figures, release_rows

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from gauntlet.health.model import Health


def anchor(kind: str, name: str) -> str:
    """A stable, unique HTML id for a test's failure message."""
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"{kind}-{digest}"


def css_class(status: str) -> str:
    return "s-" + status.replace(" ", "-")


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 120:
        return f"{value / 60:.1f} min"
    return f"{value:.1f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def percent(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value * 100:+.1f}%" if signed else f"{value * 100:.1f}%"


def table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    """A table from already escaped cell HTML; ``numeric`` columns are right-aligned."""
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        cells = (
            f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        out += ["<tr>", *cells, "</tr>"]
    out.append("</tbody></table>")
    return "".join(out)


def tiles(health: Health) -> str:
    last = health.last_run
    cov = health.coverage[-1].line_percent if health.coverage else None
    stats = health.pipeline
    tiles = [
        (str(health.window_runs), "runs in the window"),
        (percent(health.failure_rate), "runs that did not pass"),
        (seconds(stats.p50_s if stats else None), "pipeline p50"),
        (seconds(stats.p95_s if stats else None), "pipeline p95"),
        (f"{cov:.1f}%" if cov is not None else "-", "line coverage, last run"),
        (str(len(health.flaky)), "flaky tests"),
        (str(len(health.broken)), "broken tests"),
        (last.outcome.value if last else "-", "last run"),
    ]
    body = "".join(
        f'<div class="tile"><b>{escape(v)}</b><span>{escape(t)}</span></div>' for v, t in tiles
    )
    return f'<div class="tiles">{body}</div>'


def tasks_table(health: Health) -> str:
    rows = [
        (
            f'<span class="name">{escape(t.name)}</span>',
            escape(seconds(t.p50_s)),
            escape(seconds(t.p95_s)),
            escape(seconds(t.last_s)),
            escape(percent(t.trend, signed=True)),
            escape(f"{t.failures}/{t.runs}"),
        )
        for t in health.tasks
    ]
    return table(("task", "p50", "p95", "last", "trend", "failed"), rows, {1, 2, 3, 4, 5})


def flaky_section(health: Health) -> str:
    if not health.flaky:
        return '<p class="muted">No flaky tests in this window.</p>'
    rows = [
        (
            f'<span class="name">{escape(f.name)}</span>',
            escape(percent(f.flip_rate)),
            escape(f"{f.failures} of {f.runs}"),
            escape(f"{f.first_seen:%Y-%m-%d}"),
            f'<a href="#{anchor("flaky", f.name)}">{escape(f.last_failure_run)}</a>',
        )
        for f in health.flaky
    ]
    return table(("test", "flip rate", "failed", "flaky since", "last failure"), rows, {1, 2})


def broken_section(health: Health) -> str:
    if not health.broken:
        return '<p class="muted">No test failed in every run.</p>'
    rows = [
        (
            f'<span class="name">{escape(b.name)}</span>',
            escape(str(b.runs)),
            escape(b.since_run),
            f'<a href="#{anchor("broken", b.name)}">message</a>',
        )
        for b in health.broken
    ]
    return table(("test", "runs failed", "failing since", "failure"), rows, {1})


def messages(health: Health) -> str:
    parts = [
        f'<h3 id="{anchor("flaky", f.name)}">{escape(f.name)} '
        f'<span class="muted">(flaky, {escape(f.last_failure_run)})</span></h3>'
        f"<pre>{escape(f.last_failure_message)}</pre>"
        for f in health.flaky
    ]
    parts += [
        f'<h3 id="{anchor("broken", b.name)}">{escape(b.name)} '
        f'<span class="muted">(broken since {escape(b.since_run)})</span></h3>'
        f"<pre>{escape(b.message)}</pre>"
        for b in health.broken
    ]
    return "".join(parts) or '<p class="muted">No failure messages.</p>'


def gates_section(health: Health) -> str:
    rows = [
        (
            escape(g.gate),
            f'<span class="status {css_class(g.status)}">{escape(g.status)}</span>',
            escape(g.measured),
            escape(g.threshold),
        )
        for g in health.gates
    ]
    verdict = table(("gate", "status", "measured", "threshold"), rows, set()) if rows else ""
    waivers = "".join(f"<li>{escape(w)}</li>" for w in health.waivers)
    waived = (
        f"<h3>Active waivers</h3><ul>{waivers}</ul>" if waivers else "<p>No active waivers.</p>"
    )
    return (verdict or '<p class="muted">No gate verdict recorded.</p>') + waived


def delivery_section(health: Health) -> str:
    """DORA's four keys and the last production releases."""
    found = health.delivery
    keys = table(("key", "figure"), ((escape(k), escape(t)) for k, t in figures(found)), set())
    rows = [
        (*(escape(c) for c in row[:4]), f'<span class="status">{escape(row[4])}</span>')
        for row in release_rows(found)
    ]
    head = ("version", "environment", "published", "lead time", "status")
    last = f"<h3>Last production releases</h3>{table(head, rows, {3})}" if rows else ""
    where = ", ".join(found.production) if found else "production"
    return f'<p class="muted">Releases to {escape(where)}.</p>{keys}{last}'


def slow_tests(health: Health) -> str:
    rows = [
        (
            f'<span class="name">{escape(t.name)}</span>',
            escape(seconds(t.p50_s)),
            escape(seconds(t.last_s)),
            escape(str(t.runs)),
        )
        for t in health.slowest_tests
    ]
    return table(("test", "p50", "last", "runs"), rows, {1, 2, 3})
