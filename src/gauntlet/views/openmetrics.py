"""The health figures as an OpenMetrics text file, for Prometheus' textfile collector.

Every family is a gauge named ``gauntlet_...`` with ``# TYPE`` and ``# HELP``;
label values are escaped; the text ends with ``# EOF``.  The file is written
atomically, so the collector never reads half of it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from gauntlet.atomic import write_text_atomic
from gauntlet.health.model import Outcome

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.health.model import DurationStats, Health

Sample = tuple[dict[str, str], float]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def number(value: float) -> str:
    """A sample value as OpenMetrics spells it: ``NaN``, ``+Inf``, ``-Inf`` or a float."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


def _family(name: str, help_text: str, samples: list[Sample]) -> list[str]:
    lines = [f"# TYPE {name} gauge", f"# HELP {name} {help_text}"]
    for labels, value in samples:
        text = ",".join(f'{key}="{_escape(val)}"' for key, val in labels.items())
        shown = number(value)
        lines.append(f"{name}{{{text}}} {shown}" if text else f"{name} {shown}")
    return lines


def _durations(stats: list[tuple[dict[str, str], DurationStats]]) -> list[Sample]:
    samples: list[Sample] = []
    for labels, s in stats:
        samples.append(({**labels, "quantile": "0.5"}, float(s.p50_s)))
        samples.append(({**labels, "quantile": "0.95"}, float(s.p95_s)))
    return samples


def _delivery(health: Health) -> list[tuple[str, str, list[Sample]]]:
    """DORA's four keys; a key without data has no sample (never a made-up 0)."""
    found = health.delivery
    if found is None:
        return []
    keys = [
        ("gauntlet_dora_releases", "Production releases in the window.", float(found.releases)),
        ("gauntlet_dora_deployments_per_week", "Production releases per week.", found.per_week),
        (
            "gauntlet_dora_lead_time_seconds",
            "Median commit-to-production-release time of the window's changes.",
            found.lead_time_s,
        ),
        (
            "gauntlet_dora_change_failure_ratio",
            "Share of the window's releases later yanked, rolled back or hotfixed.",
            found.failure_rate,
        ),
        (
            "gauntlet_dora_time_to_restore_seconds",
            "Median time from a failed release to the next good one.",
            found.restore_s,
        ),
    ]
    return [(name, text, [({}, value)] if value is not None else []) for name, text, value in keys]


def render(health: Health) -> str:
    """The OpenMetrics text of ``health``."""
    last = health.last_run
    families: list[tuple[str, str, list[Sample]]] = [
        ("gauntlet_window_runs", "Runs the figures cover.", [({}, float(health.window_runs))]),
        (
            "gauntlet_run_failure_ratio",
            "Share of finished runs in the window that did not pass.",
            [({}, health.failure_rate)],
        ),
    ]
    if last is not None:
        families.append(
            (
                "gauntlet_last_run_passed",
                "1 when the newest run passed, else 0.",
                [
                    (
                        {"kind": last.kind, "branch": last.branch},
                        float(last.outcome is Outcome.PASSED),
                    )
                ],
            )
        )
        families.append(
            (
                "gauntlet_last_run_start_timestamp_seconds",
                "When the newest run started (Unix time).",
                [({}, last.started.timestamp())],
            )
        )
    if health.pipeline is not None:
        families.append(
            (
                "gauntlet_pipeline_duration_seconds",
                "Pipeline wall time over the window, by quantile.",
                _durations([({}, health.pipeline)]),
            )
        )
    families += [
        (
            "gauntlet_task_duration_seconds",
            "Task duration over the window, by quantile.",
            _durations([({"task": t.name}, t) for t in health.tasks]),
        ),
        (
            "gauntlet_task_failure_ratio",
            "Share of a task's runs in the window that failed.",
            [({"task": t.name}, t.failure_rate) for t in health.tasks],
        ),
        (
            "gauntlet_flaky_tests",
            "Tests that passed and failed on the same inputs.",
            [({}, float(len(health.flaky)))],
        ),
        (
            "gauntlet_flaky_test_flip_ratio",
            "Status changes per consecutive pair of runs on the same inputs.",
            [({"test": f.name}, f.flip_rate) for f in health.flaky],
        ),
        (
            "gauntlet_broken_tests",
            "Tests that failed in every run of the window.",
            [({}, float(len(health.broken)))],
        ),
    ]
    cover: list[Sample] = []
    if health.coverage:
        point = health.coverage[-1]
        cover.append(({"kind": "line"}, point.line_percent))
        if point.branch_percent is not None:
            cover.append(({"kind": "branch"}, point.branch_percent))
    if health.mojo_coverage:
        cover.append(({"kind": "mojo-line"}, health.mojo_coverage[-1].line_percent))
    if cover:
        families.append(("gauntlet_coverage_percent", "Coverage of the newest run.", cover))
    bench = [
        ({"benchmark": b.name, "unit": b.points[-1].unit}, b.points[-1].value)
        for b in health.benchmarks
        if b.points
    ]
    if bench:
        families.append(("gauntlet_benchmark_value", "Newest median of each benchmark.", bench))
    if health.gates:
        families.append(
            (
                "gauntlet_gate_ok",
                "1 when the gate passed, warned or was waived in the newest verdict.",
                [
                    ({"gate": g.gate}, float(g.status in ("pass", "warn", "waived")))
                    for g in health.gates
                ],
            )
        )
    families += _delivery(health)
    lines: list[str] = []
    for name, help_text, samples in families:
        lines += _family(name, help_text, samples)
    return "\n".join([*lines, "# EOF"]) + "\n"


def write_openmetrics(path: Path, health: Health) -> None:
    """Write the OpenMetrics text of ``health`` to ``path`` atomically."""
    write_text_atomic(path, render(health))
