from __future__ import annotations

import json
import random

from gauntlet.bench.compare import (
    CompareReport,
    aggregate_totals,
    compare_all,
    to_json_text,
    to_markdown,
)
from gauntlet.bench.records import Measurement, MetricKind
from gauntlet.bench.stats import Verdict


def noisy(name: str, centre: float, seed: int) -> Measurement:
    rng = random.Random(seed)  # noqa: S311 - seeded test data
    return Measurement(name, tuple(centre * (1 + rng.gauss(0, 0.01)) for _ in range(10)))


BASE = (noisy("slow", 1.0, 1), noisy("same", 2.0, 2), noisy("gone", 1.0, 3))
NEW = (noisy("slow", 1.2, 4), noisy("same", 2.0, 5), noisy("fresh", 1.0, 6))


def test_every_name_gets_a_verdict() -> None:
    verdicts = {c.name: c.verdict for c in compare_all(BASE, NEW)}
    assert verdicts == {
        "slow": Verdict.REGRESSION,
        "same": Verdict.NO_CHANGE,
        "fresh": Verdict.NEW,
        "gone": Verdict.REMOVED,
    }


def test_report_fails_only_on_gated_regressions() -> None:
    comparisons = compare_all(BASE, NEW)
    assert CompareReport(comparisons, "main", "pr").failed
    assert not CompareReport(comparisons, "main", "pr", ungated=frozenset({"slow"})).failed


def test_json_and_markdown() -> None:
    report = CompareReport(compare_all(BASE, NEW), "abc", "def")
    data = json.loads(to_json_text(report))
    assert data["status"] == "failed"
    assert data["regressions"] == ["slow"]
    assert data["verdicts"]["new baseline"] == 1
    fresh = next(b for b in data["benchmarks"] if b["name"] == "fresh")
    assert fresh["ratio"] is None
    markdown = to_markdown(report)
    assert "| slow |" in markdown
    assert "regression" in markdown


def test_program_total_is_not_gated_when_functions_are_measured() -> None:
    def count(name: str, n: float) -> Measurement:
        return Measurement(name, (n,), "instructions", MetricKind.INSTRUCTIONS)

    base = (count("a.mojo: <program>", 100.0), count("a.mojo: bench_x", 50.0))
    new = (count("a.mojo: <program>", 120.0), count("a.mojo: bench_x", 70.0))
    only_total = (count("b.mojo: <program>", 100.0),)
    comparisons = compare_all(base + only_total, (*new, count("b.mojo: <program>", 150.0)))
    ungated = aggregate_totals(comparisons)
    assert ungated == {"a.mojo: <program>"}
    report = CompareReport(comparisons, "base", "new", ungated=ungated)
    assert [c.name for c in report.regressions] == ["a.mojo: bench_x", "b.mojo: <program>"]


def test_throughput_twins_are_reported_not_gated() -> None:
    rate = Measurement("mm GFLOPS/s", (5.0,) * 10, "GFLOPS/s", MetricKind.THROUGHPUT)
    slower = Measurement("mm GFLOPS/s", (4.0,) * 10, "GFLOPS/s", MetricKind.THROUGHPUT)
    comparisons = compare_all((noisy("mm", 1.0, 1), rate), (noisy("mm", 1.25, 2), slower))
    assert [c.verdict for c in comparisons] == [Verdict.REGRESSION, Verdict.REGRESSION]
    assert aggregate_totals(comparisons) == {"mm GFLOPS/s"}
    alone = compare_all((rate,), (slower,))
    assert aggregate_totals(alone) == frozenset()  # no time beside it: the rate is gated


def test_inconclusive_is_listed_and_shown() -> None:
    wild = Measurement("wild", (1.0, 3.0, 0.5, 2.0, 1.2, 0.7, 2.5, 1.1, 0.9, 1.8))
    comparisons = compare_all((noisy("wild", 1.3, 1),), (wild,))
    report = CompareReport(comparisons, "main", "pr")
    assert [c.name for c in report.inconclusive] == ["wild"]
    assert not report.failed
    data = json.loads(to_json_text(report))
    assert data["inconclusive"] == ["wild"]
    assert data["benchmarks"][0]["verdict"] == "inconclusive"
    assert data["benchmarks"][0]["gated"] is True
    markdown = to_markdown(report)
    assert "⚠️ 1 inconclusive (too noisy), no gated regression" in markdown
    assert "inconclusive (too noisy: a slowdown up to +" in markdown
