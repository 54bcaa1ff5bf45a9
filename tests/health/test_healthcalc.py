"""Health arithmetic: percentiles, trends, the critical path, flaky versus broken."""

from __future__ import annotations

import pytest

from gauntlet.health.calc import (
    CaseResult,
    TimedTask,
    classify,
    critical_path,
    duration_stats,
    percentile,
    trend,
)
from gauntlet.health.model import BrokenTest, FlakyTest


def test_percentiles_interpolate() -> None:
    assert percentile([], 0.5) == 0.0
    assert percentile([3.0], 0.95) == 3.0
    assert percentile([4.0, 1.0, 3.0, 2.0], 0.5) == pytest.approx(2.5)
    assert percentile([float(v) for v in range(1, 101)], 0.95) == pytest.approx(95.05)


def test_trend_compares_the_newer_half_with_the_older() -> None:
    assert trend([1.0, 1.0, 1.0]) is None
    assert trend([1.0, 1.0, 2.0, 2.0]) == pytest.approx(1.0)
    assert trend([2.0, 2.0, 9.0, 1.0, 1.0]) == pytest.approx(-0.5)  # the middle is left out
    assert trend([0.0, 0.0, 1.0, 1.0]) is None


def test_duration_stats_count_failures() -> None:
    stats = duration_stats("t", [("r1", 1.0, False), ("r2", 3.0, True)])
    assert (stats.runs, stats.failures, stats.failure_rate) == (2, 1, 0.5)
    assert stats.last_s == 3.0
    assert stats.series == (("r1", 1.0), ("r2", 3.0))
    assert duration_stats("t", []).failure_rate == 0.0


def test_critical_path_follows_dependencies_before_the_latest_task() -> None:
    tasks = [
        TimedTask("toolchain", 0.0, 1.0),
        TimedTask("build:a", 1.0, 5.0),
        TimedTask("build:b", 1.0, 6.0),  # ends later, but test:a does not need it
        TimedTask("test:a", 7.0, 2.0),
    ]
    path = critical_path(tasks, {"test:a": ["build:a"], "build:a": ["toolchain"]})
    assert [s.task for s in path] == ["toolchain", "build:a", "test:a"]
    assert path[1].start_s == 1.0
    assert path[1].duration_s == 5.0


def test_critical_path_without_dependencies_takes_what_ended_last() -> None:
    tasks = [TimedTask("a", 0.0, 1.0), TimedTask("b", 0.0, 3.0), TimedTask("c", 3.02, 1.0)]
    assert [s.task for s in critical_path(tasks, {})] == ["b", "c"]
    assert critical_path([], {}) == ()


def _results(*statuses: str, key: str = "k", commit: str = "c") -> list[CaseResult]:
    return [CaseResult(f"r{i}", float(i), s, commit, key, f"m{i}") for i, s in enumerate(statuses)]


def test_flaky_broken_and_fixed_are_told_apart() -> None:
    flaky = classify("t", _results("passed", "failed", "passed", "skipped", "error"))
    assert isinstance(flaky, FlakyTest)
    assert (flaky.runs, flaky.passes, flaky.failures) == (4, 2, 2)
    assert flaky.flip_rate == pytest.approx(1.0)
    assert flaky.last_failure_run == "r4"
    broken = classify("t", _results("failed", "skipped", "error"))
    assert isinstance(broken, BrokenTest)
    assert (broken.runs, broken.since_run, broken.message) == (2, "r0", "m2")
    assert classify("t", _results("passed", "skipped")) is None
    fixed = _results("failed", key="k1") + _results("passed", key="k2")[0:1]
    fixed[1] = CaseResult("r9", 9.0, "passed", "c", "k2", "")
    assert classify("t", fixed) is None


def test_without_a_content_key_the_commit_names_the_inputs() -> None:
    same = classify("t", _results("passed", "failed", key=""))
    assert isinstance(same, FlakyTest)
    other = [
        CaseResult("r0", 0, "passed", "c1", "", ""),
        CaseResult("r1", 1, "failed", "c2", "", "x"),
    ]
    assert classify("t", other) is None
    unknown = [
        CaseResult("r0", 0, "passed", "", "", ""),
        CaseResult("r1", 1, "failed", "", "", "x"),
    ]
    assert classify("t", unknown) is None


def test_two_results_of_one_run_are_never_a_flip() -> None:
    twice = [
        CaseResult("r0", 0.0, "passed", "c", "k", ""),
        CaseResult("r0", 0.0, "failed", "c", "k", "x"),
        CaseResult("r1", 1.0, "failed", "c", "k", "x"),
    ]
    assert classify("t", twice) is None


def test_a_test_that_broke_and_stays_broken_is_broken_since_it_broke() -> None:
    results = [
        CaseResult(f"r{i}", float(i), "passed" if i < 5 else "failed", f"c{i}", "", f"m{i}")
        for i in range(10)
    ]
    broken = classify("t", results)
    assert isinstance(broken, BrokenTest)
    assert (broken.runs, broken.since_run, broken.message) == (5, "r5", "m9")
    assert classify("t", results[:6]) is None  # one failure: not yet a streak
    flaky = classify("t", _results("passed", "failed", "failed"))  # it passed on these inputs
    assert isinstance(flaky, FlakyTest)
