"""``gauntlet report html``: the pipeline's health as one self-contained HTML page.

The page has inline CSS and inline SVG charts (see :mod:`gauntlet.views.svgchart`);
it loads nothing from the network and runs no script, so it works offline, as
a CI artifact, or attached to a mail.  Every piece of text from the history
(test names, messages, branches) is escaped.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from gauntlet.atomic import write_text_atomic
from gauntlet.views import dashcharts, dashtables, svgchart

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.health.model import Health

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
svg.chart .run.other, svg.chart .run.no-data { fill: #9ca3af; }
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
    runs = dashcharts.Runs(health)
    path = [(s.task, s.start_s, s.duration_s) for s in health.critical_path]
    body = "".join(
        (
            _header(health, title),
            dashtables.tiles(health),
            '<div class="grid2">',
            _section(
                "Durations",
                dashcharts.pipeline_chart(health, runs) + dashcharts.task_chart(health.tasks, runs),
                "durations",
            ),
            _section("Failures", dashcharts.failure_charts(health, runs), "failures"),
            _section("Coverage", dashcharts.coverage_chart(health, runs), "coverage"),
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
                f'<div class="grid2">{dashcharts.bench_charts(health, runs)}</div>',
                "benchmarks",
            ),
            '<div class="grid2">',
            _section("Flaky tests", dashtables.flaky_section(health), "flaky"),
            _section("Broken tests", dashtables.broken_section(health), "broken"),
            _section("Gates", dashtables.gates_section(health), "gates"),
            _section("Slowest tests", dashtables.slow_tests(health), "slow-tests"),
            "</div>",
            _section("Delivery (DORA)", dashtables.delivery_section(health), "delivery"),
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
