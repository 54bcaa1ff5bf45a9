"""Reading the history into a :class:`~gauntlet.health.model.Health`, aggregating in SQL.

The window is the newest N runs or the runs of the last D days (or both).
Per-test work happens in SQL: only tests that failed at least once in the
window, and the slowest few by mean duration, are read row by row, so the
cost stays small with thousands of runs of hundreds of tests.  Pipeline
figures come from ``ci`` runs when the window holds any, else from all runs;
an interrupted run counts as a failure even when it has no end time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from gauntlet.health.calc import (
    FAILING,
    CaseResult,
    TimedTask,
    classify,
    critical_path,
    duration_stats,
    percentile,
)
from gauntlet.health.model import (
    BenchPoint,
    BenchSeries,
    BrokenTest,
    CoveragePoint,
    DurationStats,
    FlakyTest,
    GateStatus,
    Health,
    Outcome,
    PathStep,
    RunSummary,
    SlowTest,
)

if TYPE_CHECKING:
    from gauntlet.health.dbapi import Database, Row

SLOWEST = 10
# Verdict files say "passed"; the health model says "pass" (see GateStatus).
_GATE_STATUS = {"passed": "pass", "failed": "fail", "warned": "warn"}


def _when(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


def _window(db: Database, last_runs: int | None, days: float | None, now: float) -> list[Row]:
    sql = "SELECT run_id, kind, commit_sha, branch, trigger_name, started, finished, outcome "
    sql += "FROM runs"
    params: list[object] = []
    if days is not None:
        sql += " WHERE started >= ?"
        params.append(now - days * 86400.0)
    sql += " ORDER BY started DESC"
    if last_runs is not None:
        sql += " LIMIT ?"
        params.append(last_runs)
    return list(reversed(db.query(sql, params)))


def _tasks(db: Database, since: float) -> list[Row]:
    return db.query(
        "SELECT x.run_id, x.name, x.status, x.start_s, x.duration_s FROM tasks x "
        "JOIN runs r ON r.run_id = x.run_id WHERE r.started >= ? ORDER BY r.started",
        (since,),
    )


def _summaries(runs: list[Row], tasks: list[Row]) -> tuple[RunSummary, ...]:
    failed: dict[str, list[str]] = defaultdict(list)
    for run_id, name, status, *_ in tasks:
        if status in FAILING:
            failed[run_id].append(name)
    return tuple(
        RunSummary(
            run_id=r[0],
            kind=r[1],
            commit=r[2],
            branch=r[3],
            trigger=r[4],
            started=_when(r[5]),
            finished=_when(r[6]) if r[6] is not None else None,
            outcome=Outcome(r[7]),
            failed_tasks=tuple(failed.get(r[0], ())),
        )
        for r in runs
    )


def _pipeline(runs: tuple[RunSummary, ...]) -> DurationStats | None:
    """Pipeline figures: failures over every ended run (interrupted ones too), durations
    over those with an end time."""
    chosen = [r for r in runs if r.kind == "ci"] or list(runs)
    ended = [r for r in chosen if r.outcome is not Outcome.RUNNING]
    if not ended:
        return None
    stats = duration_stats(
        "pipeline",
        [
            (r.run_id, r.duration_s, r.outcome is not Outcome.PASSED)
            for r in ended
            if r.duration_s is not None
        ],
    )
    failures = sum(r.outcome is not Outcome.PASSED for r in ended)
    return dataclasses.replace(
        stats, runs=len(ended), failures=failures, failure_rate=failures / len(ended)
    )


def _task_stats(tasks: list[Row]) -> list[DurationStats]:
    """Per task, over the runs in which it ran (up-to-date tasks did not run); slowest first."""
    by_name: dict[str, list[tuple[str, float, bool]]] = defaultdict(list)
    skipped = Outcome.SKIPPED.value
    for run_id, name, status, _, seconds in tasks:
        if status != skipped:
            by_name[name].append((run_id, float(seconds), status in FAILING))
    stats = [duration_stats(name, points) for name, points in by_name.items()]
    return sorted(stats, key=lambda s: (-s.p50_s, s.name))


def _test_totals(db: Database, since: float) -> list[Row]:
    """One pass over the window's test cases: (suite, name, mean seconds, failures) per test."""
    return db.query(
        "SELECT suite, name, avg(duration_s), "
        "sum(CASE WHEN status IN ('failed', 'error') THEN 1 ELSE 0 END) "
        "FROM test_cases WHERE started >= ? AND status <> 'skipped' GROUP BY suite, name",
        (since,),
    )


def _history(db: Database, since: float, suite: str, name: str) -> list[CaseResult]:
    """One test's results in the window, oldest first."""
    rows = db.query(
        "SELECT run_id, started, status, commit_sha, content_key, message, duration_s "
        "FROM test_cases WHERE suite = ? AND name = ? AND started >= ? ORDER BY started",
        (suite, name, since),
    )
    return [CaseResult(*row) for row in rows]


def _slowest(db: Database, since: float, totals: list[Row]) -> tuple[SlowTest, ...]:
    """The slowest tests by median, among the slowest few by mean (read from the index only)."""
    top = sorted(totals, key=lambda t: (-float(t[2]), t[0], t[1]))[: SLOWEST + 5]
    found = []
    for suite, name, _, _ in top:
        seconds = [
            float(row[0])
            for row in db.query(
                "SELECT duration_s FROM test_cases WHERE suite = ? AND name = ? AND started >= ? "
                "AND status <> 'skipped' ORDER BY started",
                (suite, name, since),
            )
        ]
        found.append(
            SlowTest(f"{suite}::{name}", len(seconds), percentile(seconds, 0.5), seconds[-1])
        )
    found.sort(key=lambda t: (-t.p50_s, t.name))
    return tuple(found[:SLOWEST])


def _flaky_broken(
    db: Database, since: float, totals: list[Row]
) -> tuple[tuple[FlakyTest, ...], tuple[BrokenTest, ...]]:
    """Tests that failed at least once in the window, told apart as flaky or broken."""
    flaky: list[FlakyTest] = []
    broken: list[BrokenTest] = []
    for suite, name, _, failures in sorted(totals):
        if not failures:
            continue
        found = classify(f"{suite}::{name}", _history(db, since, suite, name))
        if isinstance(found, FlakyTest):
            flaky.append(found)
        elif isinstance(found, BrokenTest):
            broken.append(found)
    flaky.sort(key=lambda f: (-f.flip_rate, f.name))
    return tuple(flaky), tuple(broken)


def _coverage(db: Database, since: float, language: str = "python") -> tuple[CoveragePoint, ...]:
    rows = db.query(
        "SELECT x.run_id, r.commit_sha, r.started, x.line_percent, x.branch_percent "
        "FROM coverage x JOIN runs r ON r.run_id = x.run_id "
        "WHERE r.started >= ? AND x.language = ? ORDER BY r.started",
        (since, language),
    )
    return tuple(CoveragePoint(r[0], r[1], _when(r[2]), r[3], r[4]) for r in rows)


def _benchmarks(db: Database, since: float) -> tuple[BenchSeries, ...]:
    rows = db.query(
        "SELECT x.name, x.run_id, r.commit_sha, r.started, x.value, x.unit, x.regression "
        "FROM bench_results x JOIN runs r ON r.run_id = x.run_id WHERE r.started >= ? "
        "ORDER BY x.name, r.started",
        (since,),
    )
    series: dict[str, list[BenchPoint]] = defaultdict(list)
    for name, run_id, commit, started, value, unit, regression in rows:
        series[name].append(
            BenchPoint(run_id, commit, _when(started), value, unit, bool(regression))
        )
    return tuple(BenchSeries(name, tuple(points)) for name, points in series.items())


def _gates(db: Database, since: float) -> tuple[tuple[GateStatus, ...], tuple[str, ...]]:
    last = db.query(
        "SELECT x.run_id FROM gate_results x JOIN runs r ON r.run_id = x.run_id "
        "WHERE r.started >= ? ORDER BY r.started DESC LIMIT 1",
        (since,),
    )
    if not last:
        return (), ()
    run_id = last[0][0]
    gates = db.query(
        "SELECT gate, status, measured, threshold FROM gate_results WHERE run_id = ?", (run_id,)
    )
    waivers = db.query(
        "SELECT gate, finding, reason, expires FROM waivers WHERE run_id = ?", (run_id,)
    )
    return (
        tuple(GateStatus(g, _GATE_STATUS.get(st) or st, m, t) for g, st, m, t in gates),
        tuple(f"{g}{' ' + f if f else ''}: {why} (expires {exp})" for g, f, why, exp in waivers),
    )


def _critical(db: Database, runs: tuple[RunSummary, ...], tasks: list[Row]) -> tuple[PathStep, ...]:
    finished = [r for r in runs if r.finished is not None]
    if not finished:
        return ()
    run_id = finished[-1].run_id
    timed = [
        TimedTask(name, float(start), float(seconds))
        for rid, name, status, start, seconds in tasks
        if rid == run_id and start is not None and status != Outcome.SKIPPED.value
    ]
    deps: dict[str, list[str]] = defaultdict(list)
    for task, dep in db.query("SELECT task, dep FROM task_deps WHERE run_id = ?", (run_id,)):
        deps[task].append(dep)
    return critical_path(timed, deps)


def compute_health(db: Database, last_runs: int | None, days: float | None, now: float) -> Health:
    """Every figure of :class:`Health` over the window."""
    window = _window(db, last_runs, days, now)
    since = float(window[0][5]) if window else now
    tasks = _tasks(db, since) if window else []
    runs = _summaries(window, tasks)
    totals = _test_totals(db, since) if window else []
    flaky, broken = _flaky_broken(db, since, totals)
    gates, waivers = _gates(db, since) if window else ((), ())
    interrupted = sum(r.outcome is Outcome.INTERRUPTED for r in runs)
    notes = (f"{interrupted} run(s) were interrupted",) if interrupted else ()
    return Health(
        generated=_when(now),
        window_runs=len(runs),
        window_days=days,
        runs=runs,
        pipeline=_pipeline(runs),
        tasks=tuple(_task_stats(tasks)),
        slowest_tests=_slowest(db, since, totals),
        critical_path=_critical(db, runs, tasks),
        coverage=_coverage(db, since) if window else (),
        mojo_coverage=_coverage(db, since, "mojo") if window else (),
        benchmarks=_benchmarks(db, since) if window else (),
        flaky=flaky,
        broken=broken,
        gates=gates,
        waivers=waivers,
        notes=notes,
    )
