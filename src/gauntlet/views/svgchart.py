"""Small charts as inline SVG, written by hand (no plotting library, no script).

Every chart is one ``<svg class="chart">`` element with a ``<title>`` (read by
screen readers and shown as the chart's name), scaled by its ``viewBox`` so the
page's CSS decides its width.  Points carry ``<title>`` tooltips.  All text is
escaped here, so callers pass plain strings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 58, 16, 34, 34
ROW, LABEL_W = 22, 230  # one row per bar or step, its name right-aligned in LABEL_W
PALETTE = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#0891b2", "#ca8a04", "#db2777", "#4b5563")
BAD = "#dc2626"


@dataclass(frozen=True)
class Mark:
    """A highlighted point (a failed run, a regression) with its tooltip."""

    x: float
    y: float
    note: str
    color: str = BAD
    rule: bool = False  # also draw a dashed vertical line through the point


@dataclass(frozen=True)
class Series:
    """One line of a line chart: ``(x, y)`` points in x order."""

    label: str
    points: Sequence[tuple[float, float]]
    marks: Sequence[Mark] = ()


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering ``low..high`` (1, 2, 2.5 or 5 times a power of ten)."""
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def fmt(value: float) -> str:
    """A short human number: 1.2k, 12.5, 0.042."""
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    if abs(value) >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:.3g}"


def _open(title: str, chart_id: str, height: int) -> list[str]:
    return [
        (
            f'<svg class="chart" id="{escape(chart_id)}" role="img" '
            f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'preserveAspectRatio="xMinYMin meet">'
        ),
        f"<title>{escape(title)}</title>",
        f'<text class="chart-title" x="{LEFT}" y="20">{escape(title)}</text>',
    ]


def _row_label(index: int, name: str) -> str:
    """The name of row ``index`` of a bar chart or timeline, shortened from the left."""
    short = name if len(name) <= 34 else "…" + name[-33:]
    return (
        f'<text class="axis" x="{LABEL_W - 8}" y="{TOP + ROW * index + 14}" '
        f'text-anchor="end">{escape(short)}</text>'
    )


def _empty(text: str) -> str:
    return f'<text class="empty" x="{LEFT}" y="{TOP + 14}">{escape(text)}</text>'


def line_chart(
    title: str,
    series: Sequence[Series],
    *,
    chart_id: str,
    unit: str = "",
    x_labels: Sequence[tuple[float, str]] = (),
    y_range: tuple[float, float] | None = None,
) -> str:
    """Lines over a shared x axis, with a legend, y grid lines and marked points."""
    xs = [x for s in series for x, _ in s.points]
    ys = [y for s in series for _, y in s.points]
    x0, x1 = (min(xs), max(xs)) if xs else (0.0, 1.0)
    if y_range is not None:
        ticks = nice_ticks(*y_range)
    else:
        ticks = nice_ticks(min([0.0, *ys]), max(ys, default=1.0))
    y0, y1 = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    legend_rows = math.ceil(len(series) / 2) if len(series) > 1 else 0

    def px(x: float) -> float:
        return LEFT + plot_w * (x - x0) / ((x1 - x0) or 1.0)

    def py(y: float) -> float:
        return TOP + plot_h * (1 - (y - y0) / ((y1 - y0) or 1.0))

    parts = _open(title, chart_id, HEIGHT + 16 * legend_rows)
    suffix = f" {unit}" if unit else ""
    for tick in ticks:
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{LEFT + plot_w}" '
            f'y1="{py(tick):.1f}" y2="{py(tick):.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{py(tick) + 4:.1f}" text-anchor="end">'
            f"{escape(fmt(tick) + suffix)}</text>"
        )
    for x, label in x_labels:
        side = "start" if x <= x0 else "end" if x >= x1 else "middle"
        parts.append(
            f'<text class="axis" x="{px(x):.1f}" y="{HEIGHT - 12}" text-anchor="{side}">'
            f"{escape(label)}</text>"
        )
    if not xs:
        parts.append(
            f'<text class="empty" x="{LEFT + plot_w / 2}" y="{TOP + plot_h / 2}" '
            'text-anchor="middle">no data in this window</text>'
        )
    for index, line in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        coords = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in line.points)
        parts.append(
            f'<polyline class="series" points="{coords}" stroke="{color}">'
            f"<title>{escape(line.label)}</title></polyline>"
        )
        if len(line.points) == 1:
            x, y = line.points[0]
            parts.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{color}"/>')
        for mark in line.marks:
            if mark.rule:
                parts.append(
                    f'<line class="rule" x1="{px(mark.x):.1f}" x2="{px(mark.x):.1f}" y1="{TOP}" '
                    f'y2="{TOP + plot_h}" stroke="{mark.color}" stroke-dasharray="4 3"/>'
                )
            parts.append(
                f'<circle class="mark" cx="{px(mark.x):.1f}" cy="{py(mark.y):.1f}" r="3.5" '
                f'fill="{mark.color}"><title>{escape(mark.note)}</title></circle>'
            )
        if legend_rows:
            label = line.label if len(line.label) <= 44 else "…" + line.label[-43:]
            lx = LEFT + (index % 2) * plot_w / 2
            ly = HEIGHT + 16 * (index // 2) + 2
            parts.append(
                f'<rect x="{lx:.1f}" y="{ly - 9}" width="12" height="4" fill="{color}"/>'
                f'<text class="legend" x="{lx + 17:.1f}" y="{ly}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float, str]],
    *,
    chart_id: str,
    unit: str = "",
    maximum: float | None = None,
) -> str:
    """Horizontal bars ``(label, value, tooltip)``, one row each, largest scale first."""
    height = TOP + ROW * max(len(bars), 1) + 10
    top = max([v for _, v, _ in bars], default=0.0)
    scale = maximum if maximum is not None else (top or 1.0)
    plot_w = WIDTH - LABEL_W - RIGHT - 70
    parts = _open(title, chart_id, height)
    if not bars:
        parts.append(_empty("nothing to show"))
    for index, (label, value, note) in enumerate(bars):
        y = TOP + ROW * index
        width = max(plot_w * value / scale, 1.0)
        parts.append(
            _row_label(index, label)
            + f'<rect class="bar" x="{LABEL_W}" y="{y + 3}" width="{width:.1f}" '
            f'height="{ROW - 8}"><title>{escape(note)}</title></rect>'
            f'<text class="axis" x="{LABEL_W + width + 6:.1f}" y="{y + 14}">'
            f"{escape(fmt(value) + unit)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def timeline(title: str, steps: Sequence[tuple[str, float, float]], *, chart_id: str) -> str:
    """A Gantt row per ``(name, start, duration)`` step: what bounded a run's wall time."""
    height = TOP + ROW * max(len(steps), 1) + 30
    end = max([s + d for _, s, d in steps], default=1.0) or 1.0
    plot_w = WIDTH - LABEL_W - RIGHT - 50
    parts = _open(title, chart_id, height)
    if not steps:
        parts.append(_empty("no finished run"))
    for index, (name, start, duration) in enumerate(steps):
        y = TOP + ROW * index
        x = LABEL_W + plot_w * start / end
        width = max(plot_w * duration / end, 1.5)
        parts.append(
            _row_label(index, name)
            + f'<rect class="step" x="{x:.1f}" y="{y + 3}" width="{width:.1f}" '
            f'height="{ROW - 8}" fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(name)}: '
            f"starts at {start:.1f} s, takes {duration:.1f} s</title></rect>"
            f'<text class="axis" x="{x + width + 6:.1f}" y="{y + 14}">{duration:.1f} s</text>'
        )
    axis_y = TOP + ROW * max(len(steps), 1) + 16
    for tick in nice_ticks(0.0, end):
        if tick <= end:
            parts.append(
                f'<text class="axis" x="{LABEL_W + plot_w * tick / end:.1f}" y="{axis_y}" '
                f'text-anchor="middle">{escape(fmt(tick))} s</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def outcome_strip(
    title: str, cells: Sequence[tuple[str, str]], *, chart_id: str, per_row: int = 100
) -> str:
    """One small square per run, coloured by outcome ``(css class, tooltip)``, oldest first."""
    size = (WIDTH - LEFT - RIGHT) / per_row
    rows = max(math.ceil(len(cells) / per_row), 1)
    parts = _open(title, chart_id, int(TOP + rows * size + 8))
    for index, (css, note) in enumerate(cells):
        x = LEFT + (index % per_row) * size
        y = TOP + (index // per_row) * size
        parts.append(
            f'<rect class="run {escape(css)}" x="{x:.1f}" y="{y:.1f}" '
            f'width="{size - 1:.1f}" height="{size - 1:.1f}"><title>{escape(note)}</title></rect>'
        )
    parts.append("</svg>")
    return "".join(parts)
