"""Realistic :class:`Health` values for tests and benchmarks (seeded, so reproducible).

``make_health(1000)`` is what a project with a thousand recorded pipeline runs
would see: a dozen tasks whose durations drift and sometimes fail, a slow
step change in one task, coverage that wanders around 90%, benchmark series
with regressions flagged, flaky and broken tests (names with ``<`` and ``&``
to prove escaping), gate statuses and a waiver.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics

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

START = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.timezone.utc)
TASKS = {  # name: typical seconds
    "nox:tests-3.11": 95.0,
    "mojo:test:tests/test_train_loop.mojo": 41.0,
    "mojo:build:ext/tinyml_ext.mojo": 22.0,
    "nox:typecheck": 18.0,
    "mojo:test:tests/test_tensor.mojo": 12.5,
    "mojo:test:tests/test_shape.mojo": 8.2,
    "nox:lint": 7.5,
    "nox:security": 6.0,
    "mojo:bench:benchmarks/bench_matmul.mojo": 5.5,
    "mojo:package:tinyml": 4.1,
    "gates": 1.2,
    "scan": 0.4,
}
FLAKY_NAMES = (
    "tests/test_train_loop.mojo::test_converges<float32>",
    "python/tests/test_io.py::test_reads_&_writes",
    "tests/test_tensor.mojo::test_random_init",
)
BENCHES = {  # name: (typical value, unit)
    "matmul_128": (1.84, "ms"),
    "matmul_512": (96.0, "ms"),
    "softmax_4096": (0.31, "ms"),
    "conv2d_3x3": (12.7, "ms"),
}


def _stats(
    name: str, series: list[tuple[str, float]], failures: int, runs: int | None = None
) -> DurationStats:
    values = [s for _, s in series]
    count = runs if runs is not None else len(values)
    half = len(values) // 2
    trend = None
    if len(values) >= 4:
        old, new = statistics.median(values[:half]), statistics.median(values[half:])
        trend = (new - old) / old if old else None
    ordered = sorted(values)
    return DurationStats(
        name=name,
        runs=count,
        p50_s=statistics.median(values) if values else 0.0,
        p95_s=ordered[min(int(0.95 * len(ordered)), len(ordered) - 1)] if values else 0.0,
        last_s=values[-1] if values else None,
        trend=trend,
        failures=failures,
        failure_rate=failures / count if count else 0.0,
        series=tuple(series),
    )


def make_health(runs: int = 1000, *, seed: int = 7, branch: str = "main") -> Health:
    """A Health over ``runs`` recorded pipeline runs, oldest first."""
    rng = random.Random(seed)  # noqa: S311 - seeded test data
    summaries: list[RunSummary] = []
    task_series: dict[str, list[tuple[str, float]]] = {name: [] for name in TASKS}
    task_failures = dict.fromkeys(TASKS, 0)
    pipeline: list[tuple[str, float]] = []
    coverage: list[CoveragePoint] = []
    bench_points: dict[str, list[BenchPoint]] = {name: [] for name in BENCHES}
    line_cov = 90.5
    commit = ""
    for index in range(runs):
        run_id = f"r{index + 1:05d}"
        if index % 3 == 0 or not commit:
            commit = f"{rng.getrandbits(40):010x}"
        started = START + dt.timedelta(hours=2 * index, minutes=rng.randint(0, 50))
        roll = rng.random()
        outcome = (
            Outcome.PASSED
            if roll < 0.9
            else Outcome.FAILED
            if roll < 0.98
            else Outcome.INTERRUPTED
            if roll < 0.99
            else Outcome.ERROR
        )
        failed: list[str] = []
        total = 0.0
        for name, typical in TASKS.items():
            slow = 1.35 if name == "mojo:test:tests/test_tensor.mojo" and index > runs * 0.7 else 1
            seconds = typical * slow * rng.lognormvariate(0, 0.08)
            task_series[name].append((run_id, round(seconds, 3)))
            total += seconds
        if outcome is Outcome.FAILED:
            name = rng.choice(list(TASKS))
            failed.append(name)
            task_failures[name] += 1
        wall = total * 0.62
        pipeline.append((run_id, round(wall, 3)))
        finished = None if outcome is Outcome.INTERRUPTED else started + dt.timedelta(seconds=wall)
        summaries.append(
            RunSummary(
                run_id=run_id,
                kind="ci",
                commit=commit,
                branch=branch if rng.random() < 0.8 else f"feature/f{index % 17}",
                trigger="push" if rng.random() < 0.7 else "pull_request",
                started=started,
                finished=finished,
                outcome=outcome,
                failed_tasks=tuple(failed),
            )
        )
        line_cov = min(max(line_cov + rng.gauss(0, 0.15), 86.0), 95.0)
        coverage.append(
            CoveragePoint(run_id, commit, started, round(line_cov, 2), round(line_cov - 7.5, 2))
        )
        for name, (typical, unit) in BENCHES.items():
            step = 1.12 if name == "matmul_512" and index >= runs * 0.55 else 1.0
            regression = name == "matmul_512" and index == int(runs * 0.55)
            regression = regression or (name == "softmax_4096" and index == runs - 1)
            value = typical * step * rng.lognormvariate(0, 0.02)
            bench_points[name].append(
                BenchPoint(run_id, commit, started, round(value, 4), unit, regression)
            )
    last = summaries[-1] if summaries else None
    tasks = sorted(
        (_stats(name, series, task_failures[name]) for name, series in task_series.items()),
        key=lambda s: -s.p50_s,
    )
    failures = sum(r.outcome is not Outcome.PASSED for r in summaries)
    offset = 0.0
    path = []
    for name in ("scan", "mojo:build:ext/tinyml_ext.mojo", "nox:tests-3.11", "gates"):
        duration = task_series[name][-1][1] if runs else TASKS[name]
        path.append(PathStep(name, round(offset, 2), duration))
        offset += duration
    return Health(
        generated=START + dt.timedelta(hours=2 * runs + 1),
        window_runs=runs,
        window_days=None,
        runs=tuple(summaries),
        pipeline=_stats("pipeline", pipeline, failures) if runs else None,
        tasks=tuple(tasks) if runs else (),
        slowest_tests=tuple(
            SlowTest(f"tests/test_train_loop.mojo::test_epoch_{n}", runs, 9.0 / (n + 1), 9.1)
            for n in range(12)
        ),
        critical_path=tuple(path),
        coverage=tuple(coverage),
        benchmarks=tuple(BenchSeries(name, tuple(points)) for name, points in bench_points.items()),
        flaky=tuple(
            FlakyTest(
                name=name,
                runs=runs,
                passes=runs - 30 // (n + 1),
                failures=30 // (n + 1),
                flip_rate=round(0.3 / (n + 1), 3),
                first_seen=START + dt.timedelta(days=3 * n),
                last_failure_run=summaries[-1 - n].run_id if len(summaries) > n else "r00000",
                last_failure_message=f"AssertionError: loss {0.5 + n} > 0.4 <at step {n}>",
            )
            for n, name in enumerate(FLAKY_NAMES)
        ),
        broken=(
            BrokenTest(
                "tests/test_shape.mojo::test_reshape_<3d>",
                runs=min(runs, 14),
                since_run=summaries[max(runs - 14, 0)].run_id if runs else "r00000",
                message="At tests/test_shape.mojo:41:17: AssertionError: 6 != 8",
            ),
        ),
        gates=(
            GateStatus(
                "coverage", "pass", f"{coverage[-1].line_percent:.1f}%" if runs else "-", ">= 90%"
            ),
            GateStatus(
                "tests",
                "fail" if last and last.outcome is Outcome.FAILED else "pass",
                "0 failed",
                "0",
            ),
            GateStatus("lint", "pass", "0 findings", "0"),
            GateStatus("security", "waived", "1 finding", "severity < medium"),
            GateStatus("benchmarks", "warn", "+4.1%", "<= 5%"),
            GateStatus("audit", "no data", "not audited", "audited"),
        ),
        waivers=("security B602 in tools/gen.py: generated code, reviewed (expires 2026-12-31)",),
        notes=(
            f"{sum(r.outcome is Outcome.INTERRUPTED for r in summaries)} runs were interrupted",
        ),
    )
