from __future__ import annotations

import random

import pytest

from gauntlet.bench.ranktest import mann_whitney_u
from gauntlet.bench.records import Measurement, MetricKind
from gauntlet.bench.stats import (
    Verdict,
    bootstrap_ratio_ci,
    compare,
    naive_verdict,
    quantile,
)
from gauntlet.errors import ResultError


def noisy(
    name: str, centre: float, n: int = 15, seed: int = 1, spread: float = 0.02
) -> Measurement:
    rng = random.Random(seed)  # noqa: S311 - seeded test data
    return Measurement(name, tuple(centre * (1 + rng.gauss(0, spread)) for _ in range(n)))


def test_mann_whitney_matches_the_textbook_value() -> None:
    # Fully separated samples of 5 and 5: U = 0; the normal approximation with
    # continuity correction gives p = 0.0122 (as scipy's asymptotic method does).
    u, p = mann_whitney_u([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], method="asymptotic")
    assert u == 0
    assert p == pytest.approx(0.01219, abs=1e-4)


def test_mann_whitney_ties_and_identical_samples() -> None:
    assert mann_whitney_u([3, 3, 3], [3, 3, 3]) == (4.5, 1.0)
    u, p = mann_whitney_u([1, 2, 2, 3], [2, 3, 3, 4])
    assert u == 3.0  # pairs where a wins, ties counting one half
    assert 0.1 < p < 1.0


def test_bootstrap_is_seeded_and_brackets_the_ratio() -> None:
    base, new = noisy("a", 1.0).samples, noisy("a", 1.2, seed=2).samples
    first = bootstrap_ratio_ci(base, new, seed=7)
    assert first == bootstrap_ratio_ci(base, new, seed=7)
    assert first[0] < 1.2 < first[1]


def test_clear_regression_and_improvement() -> None:
    base = noisy("a", 1.0)
    slower = compare(base, noisy("a", 1.10, seed=2))
    assert slower.verdict is Verdict.REGRESSION
    assert slower.ratio == pytest.approx(1.10, abs=0.03)
    assert slower.p_value < 0.05
    assert slower.ci_low > 1.0
    assert compare(base, noisy("a", 0.9, seed=3)).verdict is Verdict.IMPROVEMENT


def test_small_significant_change_below_threshold_is_no_change() -> None:
    base = noisy("a", 1.0, n=40, spread=0.002)
    result = compare(base, noisy("a", 1.02, n=40, seed=2, spread=0.002))
    assert result.p_value < 0.05
    assert result.verdict is Verdict.NO_CHANGE


def test_one_outlier_fools_the_mean_but_not_the_rule() -> None:
    base = noisy("a", 1.0)
    samples = list(noisy("a", 1.0, seed=5).samples)
    samples[3] = 5.0  # one descheduled sample
    new = Measurement("a", tuple(samples))
    assert naive_verdict(base, new) is Verdict.REGRESSION
    assert compare(base, new).verdict is Verdict.NO_CHANGE


def test_too_few_samples_or_changed_metric_is_not_comparable() -> None:
    few = compare(Measurement("a", (1.0, 1.1)), noisy("a", 2.0))
    assert few.verdict is Verdict.NOT_COMPARABLE
    assert "at least 5 samples" in few.reason
    counted = Measurement("a", (100.0,), "instructions", MetricKind.INSTRUCTIONS)
    changed = compare(noisy("a", 1.0), counted)
    assert changed.verdict is Verdict.NOT_COMPARABLE
    assert "wall_time to instructions" in changed.reason


def test_units_are_converted() -> None:
    base = noisy("a", 1.0)
    new = noisy("a", 1000.0, seed=2).in_unit("ms")
    micro = Measurement("a", new.samples, "us")
    assert compare(base, micro).ratio == pytest.approx(1.0, abs=0.03)


def test_instruction_counts_decide_from_one_sample() -> None:
    def count(n: float) -> Measurement:
        return Measurement("a", (n,), "instructions", MetricKind.INSTRUCTIONS)

    assert compare(count(1e6), count(1.06e6)).verdict is Verdict.REGRESSION
    assert compare(count(1e6), count(1.011e6)).verdict is Verdict.REGRESSION
    assert compare(count(1e6), count(1.0001e6)).verdict is Verdict.NO_CHANGE


def test_throughput_higher_is_better() -> None:
    def rate(centre: float, seed: int) -> Measurement:
        m = noisy("a", centre, seed=seed)
        return Measurement("a", m.samples, "GFLOPS/s", MetricKind.THROUGHPUT)

    dropped = compare(rate(10.0, 1), rate(8.0, 2))
    assert dropped.verdict is Verdict.REGRESSION
    assert dropped.ratio == pytest.approx(1.25, abs=0.05)
    assert compare(rate(10.0, 1), rate(12.0, 2)).verdict is Verdict.IMPROVEMENT


def test_true_threshold_sized_slowdown_is_flagged_even_when_estimated_below() -> None:
    base = noisy("a", 1.0, n=10, spread=0.02)
    new = noisy("a", 1.045, n=10, seed=9, spread=0.02)
    result = compare(base, new)
    assert result.ratio < 1.05 < result.ci_high
    assert result.verdict is Verdict.REGRESSION


def test_new_and_removed() -> None:
    m = noisy("a", 1.0)
    assert compare(None, m).verdict is Verdict.NEW
    assert compare(m, None).verdict is Verdict.REMOVED
    with pytest.raises(ResultError):
        compare(None, None)


def test_quantile_interpolates() -> None:
    assert quantile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert quantile([1.0, 2.0, 3.0, 4.0, 5.0], 0.1) == pytest.approx(1.4)
    assert quantile([1.0, 2.0], 0.0) == 1.0


def test_low_quantile_sees_a_shift_under_one_sided_interference() -> None:
    rng = random.Random(4)  # noqa: S311 - seeded test data

    def interfered(centre: float) -> Measurement:
        # Most runs are near the true cost; a third are slowed by up to 60 %.
        return Measurement(
            "a",
            tuple(
                centre * (1 + rng.gauss(0, 0.005)) * (1 + (rng.random() * 0.6 if i % 3 == 0 else 0))
                for i in range(30)
            ),
        )

    base, new = interfered(1.0), interfered(1.08)
    low = compare(base, new, location=0.1)
    assert low.verdict is Verdict.REGRESSION
    assert low.ratio == pytest.approx(1.08, abs=0.02)
