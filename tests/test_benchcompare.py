from __future__ import annotations

import json
import random

from gauntlet.benchcompare import CompareReport, compare_all, to_json_text, to_markdown
from gauntlet.benchresults import Measurement
from gauntlet.benchstats import Verdict


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
