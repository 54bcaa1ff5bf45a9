"""``gauntlet report html``: the pipeline's health as one self-contained HTML page.

The page has inline CSS and inline SVG charts (see :mod:`gauntlet.views.svgchart`);
it loads nothing from the network and runs no script, so it works offline, as
a CI artifact, or attached to a mail.  Every piece of text from the history
(test names, messages, branches) is escaped.
"""

from __future__ import annotations

import statistics
from html import escape
from typing import TYPE_CHECKING

from gauntlet.atomic import write_text_atomic
from gauntlet.health.model import Outcome
from gauntlet.views import dashtables, svgchart
from gauntlet.views.svgchart import Mark, Series

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from gauntlet.health.model import DurationStats, Health

TASK_LINES = 6  # tasks drawn in the durations chart (slowest p50 first)
SMOOTH_ABOVE = 120  # more runs than this: task lines show a rolling median
BENCH_CHARTS = 12
FAILURE_WINDOW = 20  # runs in the rolling failure rate

CSS = """
:root { color-scheme: light; --ink: #111827; --muted: #6b7280; --line: #e5e7eb;
  --ok: #16a34a; --bad: #dc2626; --warn: #d97706; --bg: #f9fafb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--bg); margin: 0; padding: 20px 28px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 12px 0 4px; word-break: break-all; }
.sub { color: var(--muted); margin-bottom: 16px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
  gap: 10px; margin-bottom: 18px; }
.tile { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tile b { display: block; font-size: 20px; } .tile span { color: var(--muted); font-size: 12px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 14px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 14px 16px; margin-bottom: 14px; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart text { font: 11px system-ui, sans-serif; fill: #374151; }
svg.chart .chart-title { font-size: 13px; font-weight: 600; fill: var(--ink); }
svg.chart .grid { stroke: #eef0f3; } svg.chart .empty { fill: var(--muted); }
svg.chart .series { fill: none; stroke-width: 1.6; stroke-linejoin: round; }
svg.chart .bar { fill: #2563eb; }
svg.chart .run.passed { fill: var(--ok); } svg.chart .run.failed { fill: var(--bad); }
svg.chart .run.error { fill: #7f1d1d; } svg.chart .run.interrupted { fill: var(--warn); }
svg.chart .run.other { fill: #9ca3af; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; } td.num { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
td.name { word-break: break-all; font-family: ui-monospace, monospace; font-size: 12px; }
pre { background: #f3f4f6; padding: 8px; border-radius: 6px; white-space: pre-wrap;
  word-break: break-word; margin: 0 0 8px; }
.status { font-weight: 600; } .s-pass, .s-passed { color: var(--ok); }
.s-fail, .s-failed, .s-error, .s-no-data { color: var(--bad); }
.s-warn, .s-waived, .s-interrupted { color: var(--warn); }
a { color: #1d4ed8; } .muted { color: var(--muted); }
"""


def _rolling(values: Sequence[float], width: int, func: str = "median") -> list[float]:
    out = []
    for i in range(len(values)):
        chunk = values[max(0, i - width + 1) : i + 1]
        out.append(statistics.median(chunk) if func == "median" else sum(chunk) / len(chunk))
    return out


class _Runs:
    """Run ids to x positions (1-based run number in the window) and axis labels."""

    def __init__(self, health: Health) -> None:
        self.health = health
        self.index = {r.run_id: i + 1 for i, r in enumerate(health.runs)}

    def x(self, run_id: str) -> float | None:
        return self.index.get(run_id)

    def labels(self) -> list[tuple[float, str]]:
        runs = self.health.runs
        if not runs:
            return []
        picks = sorted({0, len(runs) // 4, len(runs) // 2, 3 * len(runs) // 4, len(runs) - 1})
        return [(i + 1, runs[i].started.strftime("%d %b")) for i in picks]

    def points(self, series: Sequence[tuple[str, float]]) -> list[tuple[float, float]]:
        return [(x, v) for run_id, v in series if (x := self.x(run_id)) is not None]


def _pipeline_chart(health: Health, runs: _Runs) -> str:
    stats = health.pipeline
    points = runs.points(stats.series) if stats else []
    wall = dict(stats.series if stats else ())
    marks = []
    for run in health.runs:
        if run.outcome in (Outcome.PASSED, Outcome.RUNNING) or run.run_id not in wall:
            continue
        why = f" ({', '.join(run.failed_tasks)})" if run.failed_tasks else ""
        note = f"{run.run_id} {run.outcome.value}{why} on {run.branch}, {run.commit[:10]}"
        marks.append(Mark(runs.index[run.run_id], wall[run.run_id], note))
    return svgchart.line_chart(
        "Pipeline wall time per run (red: did not pass)",
        [Series("pipeline", points, marks)],
        chart_id="chart-pipeline",
        unit="s",
        x_labels=runs.labels(),
    )


def _task_chart(tasks: Sequence[DurationStats], runs: _Runs) -> str:
    lines = []
    smoothed = False
    for task in tasks[:TASK_LINES]:
        points = runs.points(task.series)
        if len(points) > SMOOTH_ABOVE:
            smoothed = True
            width = max(len(points) // 60, 3)
            values = _rolling([v for _, v in points], width)
            points = [(x, v) for (x, _), v in zip(points, values, strict=True)]
        lines.append(Series(task.name, points))
    title = "Slowest tasks: duration per run"
    return svgchart.line_chart(
        title + (" (rolling median)" if smoothed else ""),
        lines,
        chart_id="chart-tasks",
        unit="s",
        x_labels=runs.labels(),
    )


def _failure_charts(health: Health, runs: _Runs) -> str:
    finished = [r for r in health.runs if r.outcome is not Outcome.RUNNING]
    bad = [float(r.outcome is not Outcome.PASSED) for r in finished]
    rate = _rolling(bad, FAILURE_WINDOW, "mean")
    points = [(runs.index[r.run_id], 100 * v) for r, v in zip(finished, rate, strict=True)]
    known = {o.value for o in Outcome}
    cells = [
        (
            r.outcome.value if r.outcome.value in known else "other",
            f"{r.run_id} {r.outcome.value} · {r.branch} · {r.started:%Y-%m-%d %H:%M}",
        )
        for r in health.runs
    ]
    by_task = sorted(health.tasks, key=lambda t: -t.failure_rate)[:10]
    bars = [
        (t.name, 100 * t.failure_rate, f"{t.name}: {t.failures} of {t.runs} runs failed")
        for t in by_task
        if t.failures
    ]
    return "".join(
        (
            svgchart.line_chart(
                f"Failure rate, rolling over {FAILURE_WINDOW} runs",
                [Series("failure rate", points)],
                chart_id="chart-failure-rate",
                unit="%",
                x_labels=runs.labels(),
                y_range=(0.0, max([10.0, *(v for _, v in points)])),
            ),
            svgchart.outcome_strip(
                "Run outcomes, oldest first (green passed, red failed, amber interrupted)",
                cells,
                chart_id="chart-outcomes",
            ),
            svgchart.bar_chart(
                "Failure rate per task", bars, chart_id="chart-task-failures", unit="%"
            ),
        )
    )


def _coverage_chart(health: Health, runs: _Runs) -> str:
    line = [(x, p.line_percent) for p in health.coverage if (x := runs.x(p.run_id))]
    branch = [
        (x, p.branch_percent)
        for p in health.coverage
        if (x := runs.x(p.run_id)) and p.branch_percent is not None
    ]
    values = [v for _, v in line + branch] or [0.0, 100.0]
    series = [Series("line coverage", line)] + (
        [Series("branch coverage", branch)] if branch else []
    )
    return svgchart.line_chart(
        "Coverage per run",
        series,
        chart_id="chart-coverage",
        unit="%",
        x_labels=runs.labels(),
        y_range=(max(min(values) - 1, 0.0), min(max(values) + 1, 100.0)),
    )


def _bench_charts(health: Health, runs: _Runs) -> str:
    charts = []
    for number, bench in enumerate(health.benchmarks[:BENCH_CHARTS]):
        unit = bench.points[0].unit if bench.points else ""
        points = [(x, p.value) for p in bench.points if (x := runs.x(p.run_id))]
        marks = [
            Mark(
                x,
                p.value,
                f"regression at {p.run_id} ({p.commit[:10]}): {p.value:g} {unit}",
                rule=True,
            )
            for p in bench.points
            if p.regression and (x := runs.x(p.run_id))
        ]
        values = [v for _, v in points] or [0.0, 1.0]
        charts.append(
            svgchart.line_chart(
                f"{bench.name} ({unit}; red: regression)",
                [Series(bench.name, points, marks)],
                chart_id=f"chart-bench-{number}",
                unit=unit,
                x_labels=runs.labels(),
                y_range=(min(values) * 0.95, max(values) * 1.05),
            )
        )
    if len(health.benchmarks) > BENCH_CHARTS:
        rest = len(health.benchmarks) - BENCH_CHARTS
        charts.append(f'<p class="muted">{rest} more benchmarks not drawn.</p>')
    return "".join(charts) or '<p class="muted">No benchmark results in this window.</p>'


def _header(health: Health, title: str) -> str:
    last = health.last_run
    window = (
        f"last {health.window_days:g} days ({health.window_runs} runs)"
        if health.window_days is not None
        else f"last {health.window_runs} runs"
    )
    about = f"{window} · generated {health.generated:%Y-%m-%d %H:%M} UTC"
    if last is not None:
        about += (
            f" · last run {last.run_id} on {last.branch} at {last.commit[:10]}: "
            f"{last.outcome.value}"
        )
    notes = "".join(f"<li>{escape(n)}</li>" for n in health.notes)
    return f'<h1>{escape(title)}</h1><div class="sub">{escape(about)}</div>' + (
        f'<ul class="muted">{notes}</ul>' if notes else ""
    )


def _section(title: str, body: str, ident: str) -> str:
    return f'<section id="{ident}"><h2>{escape(title)}</h2>{body}</section>'


def render_html(health: Health, *, title: str = "Pipeline health") -> str:
    """The whole page as one string."""
    runs = _Runs(health)
    path = [(s.task, s.start_s, s.duration_s) for s in health.critical_path]
    body = "".join(
        (
            _header(health, title),
            dashtables.tiles(health),
            '<div class="grid2">',
            _section(
                "Durations",
                _pipeline_chart(health, runs) + _task_chart(health.tasks, runs),
                "durations",
            ),
            _section("Failures", _failure_charts(health, runs), "failures"),
            _section("Coverage", _coverage_chart(health, runs), "coverage"),
            _section(
                "Critical path of the last run",
                svgchart.timeline(
                    "What bounded the wall time", path, chart_id="chart-critical-path"
                ),
                "critical-path",
            ),
            "</div>",
            _section(
                "Benchmarks",
                f'<div class="grid2">{_bench_charts(health, runs)}</div>',
                "benchmarks",
            ),
            '<div class="grid2">',
            _section("Flaky tests", dashtables.flaky_section(health), "flaky"),
            _section("Broken tests", dashtables.broken_section(health), "broken"),
            _section("Gates", dashtables.gates_section(health), "gates"),
            _section("Slowest tests", dashtables.slow_tests(health), "slow-tests"),
            "</div>",
            _section("Tasks", dashtables.tasks_table(health), "tasks"),
            _section("Failure messages", dashtables.messages(health), "messages"),
        )
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def write_html(health: Health, path: Path, *, title: str = "Pipeline health") -> None:
    """Write the page atomically."""
    write_text_atomic(path, render_html(health, title=title))
