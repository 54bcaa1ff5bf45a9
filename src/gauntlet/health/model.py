"""Pipeline health figures: what ``gauntlet health`` computes from the run history.

The history store (SQLite or PostgreSQL) turns recorded runs into one
:class:`Health`; the console report, the dashboard (``gauntlet report
html``/``md``), the alert rules and the OpenMetrics export read only this
model, never the store.  Times are seconds; instants are timezone-aware UTC.
Every sequence is ordered oldest first unless its field says otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

from gauntlet.delivery.dora import Delivery, ReleaseLine
from gauntlet.delivery.events import EventKind, ReleaseEvent

__all__ = [  # the release values are defined below the history, which reads them
    "BenchPoint", "BenchSeries", "BrokenTest", "CoveragePoint", "Delivery", "DurationStats",
    "EventKind", "FlakyTest", "GateStatus", "Health", "Outcome", "PathStep", "ReleaseEvent",
    "ReleaseLine", "RunSummary", "SlowTest",
]  # fmt: skip


class Outcome(str, Enum):
    """How a pipeline run, a task or a test ended."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # could not run (a tool or the toolchain was missing, a crash)
    SKIPPED = "skipped"
    INTERRUPTED = "interrupted"  # killed, or never finished (found on the next start)
    NO_DATA = "no-data"  # nothing it left could be read: never taken as passed
    RUNNING = "running"  # started and not yet finished


@dataclass(frozen=True)
class RunSummary:
    """One pipeline run (``nox -s ci``) or doit run."""

    run_id: str
    kind: str  # "ci" | "doit" | "import"
    commit: str
    branch: str
    trigger: str  # "push", "pull_request", "local", ...
    started: dt.datetime
    finished: dt.datetime | None
    outcome: Outcome
    failed_tasks: tuple[str, ...] = ()

    @property
    def duration_s(self) -> float | None:
        """Wall time of the run, when it finished."""
        if self.finished is None:
            return None
        return (self.finished - self.started).total_seconds()


@dataclass(frozen=True)
class DurationStats:
    """Duration figures of one task (or of the whole pipeline) over the window."""

    name: str
    runs: int
    p50_s: float
    p95_s: float
    last_s: float | None
    # Relative change of the recent half's median against the older half's
    # (+0.10: 10% slower lately); None with fewer than 4 runs.
    trend: float | None
    failures: int
    failure_rate: float  # failures / runs, 0..1
    series: tuple[tuple[str, float], ...] = ()  # (run_id, seconds), oldest first


@dataclass(frozen=True)
class SlowTest:
    """A test case and its median duration over the window."""

    name: str  # "suite::case", e.g. "tests/test_shape.mojo::test_reshape"
    runs: int
    p50_s: float
    last_s: float | None


@dataclass(frozen=True)
class PathStep:
    """One task on the critical path of a run."""

    task: str
    start_s: float  # offset from the run's start
    duration_s: float


@dataclass(frozen=True)
class CoveragePoint:
    """Coverage recorded by one run."""

    run_id: str
    commit: str
    when: dt.datetime
    line_percent: float
    branch_percent: float | None


@dataclass(frozen=True)
class BenchPoint:
    """One benchmark's value in one run (the median of its samples)."""

    run_id: str
    commit: str
    when: dt.datetime
    value: float
    unit: str
    regression: bool = False  # flagged by a comparison or a change point at this run


@dataclass(frozen=True)
class BenchSeries:
    """A benchmark's values over the window."""

    name: str
    points: tuple[BenchPoint, ...]


@dataclass(frozen=True)
class FlakyTest:
    """A test that both passed and failed on the same inputs (commit or content key)."""

    name: str
    runs: int
    passes: int
    failures: int
    flip_rate: float  # status changes / (runs - 1) on the same inputs, 0..1
    first_seen: dt.datetime  # first run in which it was seen to flip
    last_failure_run: str
    last_failure_message: str


@dataclass(frozen=True)
class BrokenTest:
    """A test that failed in every run of the window, or in every run since it broke."""

    name: str
    runs: int
    since_run: str
    message: str


@dataclass(frozen=True)
class GateStatus:
    """One gate's status in the last run that evaluated the gates."""

    gate: str
    status: str  # "pass" | "fail" | "warn" | "waived" | "no data"
    measured: str
    threshold: str


@dataclass(frozen=True)
class Health:
    """Everything ``gauntlet health`` reports, over a window of recent runs."""

    generated: dt.datetime
    window_runs: int  # how many runs the figures cover
    window_days: float | None  # the window in days, when it was given in days
    runs: tuple[RunSummary, ...]  # oldest first
    pipeline: DurationStats | None  # whole-run durations and failure rate
    tasks: tuple[DurationStats, ...]  # slowest p50 first
    slowest_tests: tuple[SlowTest, ...]  # slowest p50 first
    critical_path: tuple[PathStep, ...]  # of the last finished run, in order
    coverage: tuple[CoveragePoint, ...]
    benchmarks: tuple[BenchSeries, ...]
    flaky: tuple[FlakyTest, ...]  # highest flip rate first
    broken: tuple[BrokenTest, ...]
    gates: tuple[GateStatus, ...] = ()
    waivers: tuple[str, ...] = ()  # active waivers of the last gate verdict, as text
    notes: tuple[str, ...] = field(default=())  # e.g. "3 runs were interrupted"
    # DORA's four keys from the release events (None: the history has none)
    delivery: Delivery | None = None
    mojo_coverage: tuple[CoveragePoint, ...] = ()  # Mojo line coverage (branch_percent None)

    @property
    def last_run(self) -> RunSummary | None:
        """The newest run in the window."""
        return self.runs[-1] if self.runs else None

    @property
    def failure_rate(self) -> float:
        """Share of finished runs in the window that did not pass."""
        done = [r for r in self.runs if r.outcome is not Outcome.RUNNING]
        if not done:
            return 0.0
        return sum(r.outcome is not Outcome.PASSED for r in done) / len(done)
