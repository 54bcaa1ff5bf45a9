"""Pure health arithmetic: percentiles, trends, the critical path, flaky and broken tests.

Definitions (also in docs/health.md):

* **p50 / p95** — linear-interpolation percentiles of the durations in the window.
* **trend** — the median of the newer half of the window against the median of the
  older half, as a relative change (+0.10: 10% slower lately); None under 4 values.
* **flaky** — a test that both passed and failed (or errored) on the same inputs:
  the same content key of its file (Mojo tests), or the same commit when the
  runner records no key (Python tests).  Its **flip rate** is the
  number of status changes between consecutive runs on the same inputs divided by
  the number of such consecutive pairs (two results of one run are never a pair).
  Each Python version of a test matrix is a test of its own.
* **broken** — a test that failed in every run of the window in which it ran, or
  in every run (at least two) since it last passed, on inputs it never passed
  on (a test that broke and stays broken); it is broken since the first run of
  that streak.
* **critical path** — walking back from the task that finished last: the
  predecessor of a task is, among the tasks that ended before it started, its
  recorded dependency that ended last, or when none of its dependencies ran, the
  task that ended last (it waited for it, or for its worker slot) A
  pipeline stage that encloses recorded tasks (the doit run inside ``nox:mojo``)
  is replaced by them, so the path goes through the doit tasks.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gauntlet.health.model import BrokenTest, DurationStats, FlakyTest, PathStep

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

FAILING = frozenset({"failed", "error"})
BROKEN_STREAK = 2  # failing runs in a row, since the last pass, that make a test broken
START_TOLERANCE_S = 0.05  # a task "ended before" another that started this soon after
STAGE_PREFIX = "nox:"  # a pipeline stage recorded as a task of its ci run


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` (0..1) percentile of ``values`` by linear interpolation (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def trend(values: Sequence[float]) -> float | None:
    """Newer half's median against the older half's, as a relative change."""
    if len(values) < 4:
        return None
    half = len(values) // 2
    older = statistics.median(values[:half])
    newer = statistics.median(values[len(values) - half :])
    if older <= 0:
        return None
    return (newer - older) / older


def duration_stats(name: str, points: Sequence[tuple[str, float, bool]]) -> DurationStats:
    """Figures of one task from ``(run_id, seconds, failed)`` points, oldest first."""
    seconds = [s for _, s, _ in points]
    failures = sum(1 for _, _, failed in points if failed)
    return DurationStats(
        name=name,
        runs=len(points),
        p50_s=percentile(seconds, 0.5),
        p95_s=percentile(seconds, 0.95),
        last_s=seconds[-1] if seconds else None,
        trend=trend(seconds),
        failures=failures,
        failure_rate=failures / len(points) if points else 0.0,
        series=tuple((run_id, s) for run_id, s, _ in points),
    )


@dataclass(frozen=True)
class TimedTask:
    """A task of one run, placed in time."""

    name: str
    start_s: float
    duration_s: float

    @property
    def end_s(self) -> float:
        """When it ended, as an offset from the run's start."""
        return self.start_s + self.duration_s


def _encloses(outer: TimedTask, inner: TimedTask) -> bool:
    return (
        outer.start_s - START_TOLERANCE_S <= inner.start_s
        and inner.end_s <= outer.end_s + START_TOLERANCE_S
    )


def without_enclosing_stages(tasks: Sequence[TimedTask]) -> list[TimedTask]:
    """The tasks without the pipeline stages (``nox:*``) that enclose other recorded tasks.

    The doit run inside a stage recorded its own tasks, which say more about
    what bounded the wall time than the stage around them.
    """
    inner = [t for t in tasks if not t.name.startswith(STAGE_PREFIX)]
    return [
        t
        for t in tasks
        if not (t.name.startswith(STAGE_PREFIX) and any(_encloses(t, i) for i in inner))
    ]


def critical_path(
    tasks: Sequence[TimedTask], deps: Mapping[str, Iterable[str]]
) -> tuple[PathStep, ...]:
    """The chain of tasks that bounds a run's wall time (see the module docstring)."""
    tasks = without_enclosing_stages(tasks)
    if not tasks:
        return ()
    current = max(tasks, key=lambda t: t.end_s)
    path = [current]
    seen = {current.name}
    while True:
        before = [
            t
            for t in tasks
            if t.name not in seen and t.end_s <= current.start_s + START_TOLERANCE_S
        ]
        if not before:
            break
        wanted = set(deps.get(current.name, ()))
        preferred = [t for t in before if t.name in wanted] or before
        current = max(preferred, key=lambda t: t.end_s)
        path.append(current)
        seen.add(current.name)
    return tuple(PathStep(t.name, t.start_s, t.duration_s) for t in reversed(path))


@dataclass(frozen=True)
class CaseResult:
    """One recorded result of a test, for the flaky and broken analysis."""

    run_id: str
    when: float
    status: str
    commit: str
    content_key: str = ""
    message: str = ""
    duration_s: float = 0.0


def _one_per_run(results: Iterable[CaseResult]) -> list[CaseResult]:
    """One result per run, oldest first: a run that failed the test anywhere failed it.

    Two results of one run (the same test collected twice) are never a flip.
    """
    chosen: dict[str, CaseResult] = {}
    for r in sorted(results, key=lambda r: r.when):
        if r.run_id not in chosen or r.status in FAILING:
            chosen[r.run_id] = r
    return sorted(chosen.values(), key=lambda r: r.when)


def _flips(results: Sequence[CaseResult]) -> tuple[int, int, float | None]:
    """(status changes, consecutive pairs, first flip time) over same-input groups."""
    groups: dict[tuple[str, str], list[CaseResult]] = defaultdict(list)
    for r in results:
        if r.status == "skipped":
            continue
        inputs = _inputs(r)  # the content key names the exact inputs; else the commit
        if inputs is not None:
            groups[inputs].append(r)
    changes = pairs = 0
    first: float | None = None
    for group in groups.values():
        for a, b in itertools.pairwise(_one_per_run(group)):
            pairs += 1
            if (a.status in FAILING) != (b.status in FAILING):
                changes += 1
                first = b.when if first is None else min(first, b.when)
    return changes, pairs, first


def _inputs(result: CaseResult) -> tuple[str, str] | None:
    """What names a result's inputs: its content key, else its commit (None: unknown)."""
    if result.content_key:
        return ("key", result.content_key)
    return ("commit", result.commit) if result.commit else None


def _failing_streak(results: Sequence[CaseResult]) -> list[CaseResult]:
    """The runs that failed the test since it last passed, oldest first."""
    runs = _one_per_run(results)
    passed = [i for i, r in enumerate(runs) if r.status not in FAILING]
    return runs[passed[-1] + 1 :] if passed else runs


def _passed_on_inputs_of(results: Sequence[CaseResult], streak: Sequence[CaseResult]) -> bool:
    """Whether the test ever passed on the inputs it has been failing on (then it flips)."""
    failing = {_inputs(r) for r in streak} - {None}
    return any(r.status not in FAILING and _inputs(r) in failing for r in results)


def classify(name: str, results: Sequence[CaseResult]) -> FlakyTest | BrokenTest | None:
    """Whether one test is flaky, broken, or neither, from its results oldest first."""
    ran = [r for r in results if r.status != "skipped"]
    failed = [r for r in ran if r.status in FAILING]
    if not failed:
        return None
    if len(failed) == len(ran):
        return BrokenTest(name, len(ran), ran[0].run_id, failed[-1].message)
    streak = _failing_streak(ran)
    if len(streak) >= BROKEN_STREAK and not _passed_on_inputs_of(ran, streak):
        return BrokenTest(name, len(streak), streak[0].run_id, streak[-1].message)
    changes, pairs, first = _flips(ran)
    if not changes or first is None:
        return None  # it failed and passed, but on different inputs: a fix or a regression
    return FlakyTest(
        name=name,
        runs=len(ran),
        passes=len(ran) - len(failed),
        failures=len(failed),
        flip_rate=changes / pairs,
        first_seen=dt.datetime.fromtimestamp(first, dt.timezone.utc),
        last_failure_run=failed[-1].run_id,
        last_failure_message=failed[-1].message,
    )
