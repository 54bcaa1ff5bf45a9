"""Alerts: which health changes deserve a message, evaluated by ``[tool.gauntlet.alerts]``.

The rules are pure functions of one :class:`~gauntlet.health.model.Health`;
delivery lives in :mod:`gauntlet.health.notifiers`; ``alerts.json`` records what was
raised and delivered (:func:`write_record`).  A *new* flaky test is one whose
first flip happened in the last run (its ``first_seen`` is later than the
start of the run before), so no state has to be kept between runs and a
fresh CI machine with a shared history announces each flaky test once.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gauntlet.atomic import write_text_atomic
from gauntlet.config.alerts import RULES  # the rule names, declared with the configuration
from gauntlet.health.model import Outcome

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from gauntlet.config.alerts import AlertSettings
    from gauntlet.config.model import Config
    from gauntlet.health.model import Health, RunSummary
    from gauntlet.health.notifiers import Delivery

PIPELINE_KINDS = ("ci", "import")  # runs of the whole pipeline; doit runs are developers' own


@dataclass(frozen=True)
class Alert:
    """One thing a person should hear about."""

    rule: str
    level: str  # "error" | "warning"
    title: str
    message: str
    subject: str = ""  # the task, test or benchmark concerned

    def to_json(self) -> dict[str, str]:
        """The JSON form used in webhook payloads and the delivery record."""
        return {
            "rule": self.rule,
            "level": self.level,
            "title": self.title,
            "message": self.message,
            "subject": self.subject,
        }


def alert_settings(config: Config) -> AlertSettings:
    """The ``[tool.gauntlet.alerts]`` settings (checked when the configuration loaded)."""
    return config.alerts


# -- rules ------------------------------------------------------------------------------


def _pipeline_failed(health: Health, settings: AlertSettings) -> list[Alert]:
    last = health.last_run
    if last is None or last.branch != settings.branch:
        return []
    if last.outcome not in (Outcome.FAILED, Outcome.ERROR):
        return []
    tasks = f" in {', '.join(last.failed_tasks)}" if last.failed_tasks else ""
    return [
        Alert(
            "pipeline-failed",
            "error",
            f"Pipeline {last.outcome.value} on {last.branch}",
            f"Run {last.run_id} at {last.commit[:10]} {last.outcome.value}{tasks}.",
            last.run_id,
        )
    ]


def _watched(health: Health, settings: AlertSettings) -> list[RunSummary]:
    """The pipeline runs on the watched branch (not pull requests, not local doit runs)."""
    return [r for r in health.runs if r.kind in PIPELINE_KINDS and r.branch == settings.branch]


def _failure_rate(health: Health, settings: AlertSettings) -> list[Alert]:
    done = [r for r in _watched(health, settings) if r.outcome is not Outcome.RUNNING]
    recent = done[-settings.failure_window :]
    if len(recent) < 2:
        return []
    bad = sum(r.outcome is not Outcome.PASSED for r in recent)
    rate = 100 * bad / len(recent)
    if rate <= settings.failure_rate:
        return []
    return [
        Alert(
            "failure-rate",
            "error",
            f"Failure rate {rate:.0f}% over the last {len(recent)} runs",
            f"{bad} of the last {len(recent)} runs on {settings.branch} did not pass "
            f"(threshold {settings.failure_rate:g}%).",
        )
    ]


def _duration_regression(health: Health, settings: AlertSettings) -> list[Alert]:
    """Tasks (and the pipeline) that ran in the last run and took much longer than usual."""
    last = health.last_run
    if last is None:
        return []
    alerts = []
    candidates = [health.pipeline] if health.pipeline else []
    for stats in (*candidates, *health.tasks):
        if not stats.series or stats.series[-1][0] != last.run_id:
            continue  # did not run in the last run (up to date): nothing new to say
        if stats.last_s is None or stats.p50_s < settings.duration_min or stats.p50_s <= 0:
            continue
        slower = 100 * (stats.last_s - stats.p50_s) / stats.p50_s
        if slower > settings.duration_regression:
            alerts.append(
                Alert(
                    "duration-regression",
                    "warning",
                    f"{stats.name} took {slower:.0f}% longer than usual",
                    f"{stats.name}: {stats.last_s:.1f} s in the last run against a median of "
                    f"{stats.p50_s:.1f} s over {stats.runs} runs "
                    f"(threshold {settings.duration_regression:g}%).",
                    stats.name,
                )
            )
    return alerts


def _new_flaky(health: Health, settings: AlertSettings) -> list[Alert]:
    del settings  # no threshold: every new flaky test is worth a message
    if len(health.runs) < 2:
        return []
    since = health.runs[-2].started
    return [
        Alert(
            "new-flaky",
            "warning",
            f"New flaky test: {f.name}",
            f"{f.name} both passed and failed on the same inputs ({f.failures} failures in "
            f"{f.runs} runs, flip rate {f.flip_rate:.0%}). Last failure in "
            f"{f.last_failure_run}: {f.last_failure_message[:300]}",
            f.name,
        )
        for f in health.flaky
        if f.first_seen > since
    ]


def _coverage_drop(health: Health, settings: AlertSettings) -> list[Alert]:
    watched = {r.run_id for r in _watched(health, settings)}
    points = [p for p in health.coverage if p.run_id in watched]
    if len(points) < 2:
        return []
    prev, last = points[-2], points[-1]
    drop = prev.line_percent - last.line_percent
    if drop <= settings.coverage_drop:
        return []
    return [
        Alert(
            "coverage-drop",
            "warning",
            f"Line coverage dropped {drop:.2f} points",
            f"Line coverage fell from {prev.line_percent:.2f}% ({prev.commit[:10]}) to "
            f"{last.line_percent:.2f}% ({last.commit[:10]}); threshold "
            f"{settings.coverage_drop:g} points.",
        )
    ]


def _benchmark_regression(health: Health, settings: AlertSettings) -> list[Alert]:
    del settings  # the regression flag was set by the benchmark comparison
    last = health.last_run
    if last is None:
        return []
    return [
        Alert(
            "benchmark-regression",
            "warning",
            f"Benchmark regression: {series.name}",
            f"{series.name} measured {point.value:g} {point.unit} in run {point.run_id} "
            f"({point.commit[:10]}), flagged as a regression.",
            series.name,
        )
        for series in health.benchmarks
        for point in series.points
        if point.regression and point.run_id == last.run_id
    ]


_RULES: dict[str, Callable[[Health, AlertSettings], list[Alert]]] = {
    "pipeline-failed": _pipeline_failed,
    "failure-rate": _failure_rate,
    "duration-regression": _duration_regression,
    "new-flaky": _new_flaky,
    "coverage-drop": _coverage_drop,
    "benchmark-regression": _benchmark_regression,
}
assert tuple(_RULES) == RULES  # noqa: S101


def evaluate(health: Health, settings: AlertSettings) -> list[Alert]:
    """Every alert the enabled rules raise on ``health``, errors first."""
    alerts = [
        a for name, rule in _RULES.items() if settings.enabled(name) for a in rule(health, settings)
    ]
    return sorted(alerts, key=lambda a: a.level != "error")


# -- the record of what was raised and delivered -------------------------------------

ALERTS_FILE = "alerts.json"


def write_record(
    path: Path, health: Health, alerts: list[Alert], deliveries: list[Delivery]
) -> None:
    """The alerts and, per notifier, whether it was delivered (no secrets)."""
    last = health.last_run
    data = {
        "schema_version": 1,
        "written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "run_id": last.run_id if last else None,
        "alerts": [a.to_json() for a in alerts],
        "notifiers": [d.to_json() for d in deliveries],
    }
    write_text_atomic(path, json.dumps(data, indent=1) + "\n")
