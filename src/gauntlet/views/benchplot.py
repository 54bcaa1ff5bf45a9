"""A benchmark's history as a small self-contained SVG (written by hand, no plotting library)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gauntlet.bench.history import Point

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 30, 40


def history_svg(name: str, points: Sequence[Point], changes: Sequence[int] = ()) -> str:
    """Medians in run order, joined by a line; change points as dashed red lines."""
    unit = points[0].unit if points else ""
    values = [p.median for p in points]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high == low:
        low, high = low * 0.95, high * 1.05 or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max(len(values) - 1, 1)

    def x(i: float) -> float:
        return LEFT + plot_w * i / span

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / (high - low))

    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">'
        ),
        f"<title>{escape(name)}</title>",
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{LEFT}" y="18" font-size="13">{escape(name)} (median, {escape(unit)})</text>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#888"/>',
        (
            f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
            'stroke="#888"/>'
        ),
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{high:.4g}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end">{low:.4g}</text>',
        f'<text x="{LEFT}" y="{HEIGHT - 12}">run 1</text>',
        f'<text x="{LEFT + plot_w}" y="{HEIGHT - 12}" text-anchor="end">run {len(values)}</text>',
    ]
    for index in changes:
        cx = x(index - 0.5)
        parts.append(
            f'<line class="change" x1="{cx:.1f}" y1="{TOP}" x2="{cx:.1f}" y2="{TOP + plot_h}" '
            'stroke="#d62728" stroke-dasharray="4 3"/>'
        )
    if values:
        path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1f77b4"/>')
        for i, point in enumerate(points):
            label = escape(f"{point.commit[:10]} {point.median:.4g} {unit}")
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(point.median):.1f}" r="2.5" fill="#1f77b4">'
                f"<title>{label}</title></circle>"
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
