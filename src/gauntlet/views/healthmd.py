"""``gauntlet report md``: the dashboard's essentials as GitHub-flavoured Markdown.

Meant for a pull-request comment or ``$GITHUB_STEP_SUMMARY``: key figures,
the last run's critical path, the slowest tasks, coverage, benchmark
regressions of the last run, flaky and broken tests, gates and waivers.
Long lists are cut to their top rows and the text stays well under GitHub's
1 MiB step-summary limit.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from gauntlet.delivery.dora import figures, release_rows
from gauntlet.health.model import Outcome

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from gauntlet.health.model import Health

TOP = 10
LIMIT_BYTES = 1024 * 1024 - 1024  # GitHub rejects step summaries over 1 MiB
MESSAGE_CHARS = 300
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!~])")
_BACKTICKS = re.compile(r"`+")


def _one_line(text: str, limit: int) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def cell(text: str, limit: int = 200) -> str:
    """Text safe inside a Markdown table cell: one line, special characters escaped."""
    one_line = _one_line(text, limit)
    return _SPECIAL.sub(r"\\\1", one_line).replace("&", "&amp;")


def code(text: str, *, in_table: bool = True, limit: int = 200) -> str:
    """Text as a Markdown code span, shown exactly as it is, on one line.

    Backslash escapes do not work inside a code span, so nothing is escaped
    but ``|`` in a table cell (GitHub splits cells before it reads spans); a
    text holding backticks gets a longer backtick fence.
    """
    one_line = _one_line(text, limit)
    if not one_line:
        return "-"
    if in_table:
        one_line = one_line.replace("|", "\\|")
    fence = "`" * (max(map(len, _BACKTICKS.findall(one_line)), default=0) + 1)
    pad = " " if one_line[0] == "`" or one_line[-1] == "`" else ""
    return f"{fence}{pad}{one_line}{pad}{fence}"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def _table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _more(total: int, shown: int) -> list[str]:
    return [f"_…and {total - shown} more._", ""] if total > shown else []


def _headline(health: Health) -> list[str]:
    last = health.last_run
    lines = ["## Pipeline health", ""]
    if last is None:
        return [*lines, "No runs recorded yet.", ""]
    icon = "✅" if last.outcome is Outcome.PASSED else "❌"
    lines.append(
        f"{icon} Last run {code(last.run_id, in_table=False)} on "
        f"{code(last.branch, in_table=False)} at "
        f"{code(last.commit[:10], in_table=False)}: **{last.outcome.value}**"
        + (f" (failed: {cell(', '.join(last.failed_tasks))})" if last.failed_tasks else "")
    )
    lines.append("")
    stats = health.pipeline
    cov = health.coverage[-1] if health.coverage else None
    figures = [
        ("runs in the window", str(health.window_runs)),
        ("failure rate", f"{health.failure_rate * 100:.1f}%"),
        (
            "pipeline p50 / p95",
            f"{_seconds(stats.p50_s)} / {_seconds(stats.p95_s)}" if stats else "-",
        ),
        ("line coverage (last run)", f"{cov.line_percent:.1f}%" if cov else "-"),
        ("flaky / broken tests", f"{len(health.flaky)} / {len(health.broken)}"),
    ]
    return [*lines, *_table(("figure", "value"), figures), *(f"- {cell(n)}" for n in health.notes)]


def _tasks(health: Health) -> list[str]:
    if not health.tasks:
        return []
    rows = [
        (
            code(t.name),
            _seconds(t.p50_s),
            _seconds(t.p95_s),
            _seconds(t.last_s),
            "-" if t.trend is None else f"{t.trend * 100:+.1f}%",
            f"{t.failure_rate * 100:.1f}%",
        )
        for t in health.tasks[:TOP]
    ]
    head = ("task", "p50", "p95", "last", "trend", "failure rate")
    return ["### Slowest tasks", "", *_table(head, rows), *_more(len(health.tasks), TOP)]


def _critical_path(health: Health) -> list[str]:
    if not health.critical_path:
        return []
    steps = " → ".join(
        f"{code(s.task, in_table=False)} {s.duration_s:.1f} s" for s in health.critical_path
    )
    return ["### Critical path of the last run", "", steps, ""]


def _coverage_and_benchmarks(health: Health) -> list[str]:
    lines: list[str] = []
    if len(health.coverage) >= 2:
        prev, last = health.coverage[-2], health.coverage[-1]
        delta = last.line_percent - prev.line_percent
        lines += [
            f"**Coverage**: {last.line_percent:.1f}% ({delta:+.2f} points since the run before)",
            "",
        ]
    last_run = health.last_run.run_id if health.last_run else None
    regressions = [
        (code(b.name), f"{p.value:g} {cell(p.unit)}")
        for b in health.benchmarks
        for p in b.points
        if p.regression and p.run_id == last_run
    ]
    if regressions:
        lines += ["### Benchmark regressions in the last run", ""]
        lines += _table(("benchmark", "value"), regressions[:TOP]) + _more(len(regressions), TOP)
    return lines


def _tests(health: Health) -> list[str]:
    lines: list[str] = []
    if health.flaky:
        rows = [
            (
                code(f.name),
                f"{f.flip_rate * 100:.0f}%",
                f"{f.failures}/{f.runs}",
                cell(f.last_failure_message, MESSAGE_CHARS),
            )
            for f in health.flaky[:TOP]
        ]
        lines += [
            "### Flaky tests",
            "",
            *_table(("test", "flip rate", "failed", "last failure"), rows),
        ]
        lines += _more(len(health.flaky), TOP)
    if health.broken:
        rows = [
            (code(b.name), str(b.runs), cell(b.since_run), cell(b.message, MESSAGE_CHARS))
            for b in health.broken[:TOP]
        ]
        lines += ["### Broken tests", "", *_table(("test", "runs", "since", "failure"), rows)]
        lines += _more(len(health.broken), TOP)
    return lines


def _gates(health: Health) -> list[str]:
    lines: list[str] = []
    if health.gates:
        rows = [
            (cell(g.gate), f"**{cell(g.status)}**", cell(g.measured), cell(g.threshold))
            for g in health.gates
        ]
        lines += ["### Gates", "", *_table(("gate", "status", "measured", "threshold"), rows)]
    if health.waivers:
        lines += ["**Active waivers**", "", *(f"- {cell(w)}" for w in health.waivers), ""]
    return lines


def _delivery(health: Health) -> list[str]:
    """DORA's four keys, when the history holds release events (a summary stays short)."""
    found = health.delivery
    if found is None:
        return []
    lines = [f"### Delivery (DORA), releases to {cell(', '.join(found.production))}", ""]
    lines += _table(("key", "figure"), ((k, cell(t)) for k, t in figures(found)))
    rows = release_rows(found)
    if rows:
        head = ("version", "environment", "published", "lead time", "status")
        lines += _table(head, (tuple(cell(c) for c in row) for row in rows))
    return lines


def render_markdown(health: Health) -> str:
    """The Markdown summary; never over GitHub's step-summary limit."""
    lines = [
        *_headline(health),
        *_critical_path(health),
        *_tasks(health),
        *_coverage_and_benchmarks(health),
        *_tests(health),
        *_gates(health),
        *_delivery(health),
    ]
    text = "\n".join(lines).rstrip() + "\n"
    if len(text.encode("utf-8")) > LIMIT_BYTES:
        cut = text.encode("utf-8")[: LIMIT_BYTES - 200].decode("utf-8", errors="ignore")
        text = cut.rsplit("\n", 1)[0] + "\n\n_Summary cut at GitHub's 1 MiB limit._\n"
    return text
