"""The charts of the health dashboard, each an inline SVG (see :mod:`gauntlet.views.svgchart`).

The page that holds them is :mod:`gauntlet.views.dashboard`.
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from gauntlet.health.model import Outcome
from gauntlet.views import svgchart
from gauntlet.views.svgchart import Mark, Series

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gauntlet.health.model import DurationStats, Health

TASK_LINES = 6  # tasks drawn in the durations chart (slowest p50 first)
SMOOTH_ABOVE = 120  # more runs than this: task lines show a rolling median
BENCH_CHARTS = 12
FAILURE_WINDOW = 20  # runs in the rolling failure rate


def _rolling(values: Sequence[float], width: int, func: str = "median") -> list[float]:
    out = []
    for i in range(len(values)):
        chunk = values[max(0, i - width + 1) : i + 1]
        out.append(statistics.median(chunk) if func == "median" else sum(chunk) / len(chunk))
    return out


class Runs:
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


def pipeline_chart(health: Health, runs: Runs) -> str:
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


def task_chart(tasks: Sequence[DurationStats], runs: Runs) -> str:
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


def failure_charts(health: Health, runs: Runs) -> str:
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


def coverage_chart(health: Health, runs: Runs) -> str:
    line = [(x, p.line_percent) for p in health.coverage if (x := runs.x(p.run_id))]
    branch = [
        (x, p.branch_percent)
        for p in health.coverage
        if (x := runs.x(p.run_id)) and p.branch_percent is not None
    ]
    mojo = [(x, p.line_percent) for p in health.mojo_coverage if (x := runs.x(p.run_id))]
    values = [v for _, v in line + branch + mojo] or [0.0, 100.0]
    series = [Series("line coverage", line)] + (
        [Series("branch coverage", branch)] if branch else []
    )
    if mojo:
        series.append(Series("Mojo line coverage", mojo))
    return svgchart.line_chart(
        "Coverage per run",
        series,
        chart_id="chart-coverage",
        unit="%",
        x_labels=runs.labels(),
        y_range=(max(min(values) - 1, 0.0), min(max(values) + 1, 100.0)),
    )


def bench_charts(health: Health, runs: Runs) -> str:
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
