from __future__ import annotations

import math
import random

import pytest

from gauntlet.bench.paired import (
    SamplePlan,
    Sides,
    measure_until_decided,
    paired_compare,
    pairs_needed,
    sign_interval,
    sign_test,
    undecided,
)
from gauntlet.bench.records import INSTRUCTIONS, Measurement, MetricKind
from gauntlet.bench.stats import Verdict, compare


def pairs(ratios: list[float], name: str = "relu", base: float = 2.0) -> Sides:
    """Interleaved pairs whose base drifts (machine load) and whose new side is ``ratio`` x it."""
    drift = [base * (1 + 0.5 * math.sin(i)) for i in range(len(ratios))]
    return (
        (Measurement(name, tuple(drift)),),
        (Measurement(name, tuple(d * r for d, r in zip(drift, ratios, strict=True))),),
    )


def noisy(n: int, slowdown: float, spread: float, seed: int = 1) -> list[float]:
    rng = random.Random(seed)  # noqa: S311 - seeded test data
    return [(1 + slowdown) * math.exp(rng.gauss(0, spread)) for _ in range(n)]


def judge(ratios: list[float], plan: SamplePlan | None = None) -> Verdict:
    (base,), (new,) = pairs(ratios)
    return paired_compare(base, new, plan).verdict


def test_sign_interval_is_distribution_free_order_statistics() -> None:
    assert sign_interval([1.0, 2.0, 3.0, 4.0, 5.0]) == (-math.inf, math.inf)  # n=5 is too few
    values = [float(v) for v in range(10)]
    assert sign_interval(values) == (0.0, 9.0)  # n=10: P(X <= 0) = 1/1024 <= 0.005
    low, high = sign_interval([float(v) for v in range(200)])
    assert (low, high) == (81.0, 118.0)


def test_sign_test() -> None:
    assert sign_test([0.0, 0.0]) == 1.0
    assert sign_test([1.0] * 10) == pytest.approx(2 / 1024)
    assert sign_test([1.0, -1.0] * 5) == 1.0


def test_drift_cancels_in_pairs() -> None:
    # the base swings by +-50 % with the load, the new side is 8 % slower than its partner
    assert judge([1.08] * 12) is Verdict.REGRESSION
    assert judge([1 / 1.08] * 12) is Verdict.IMPROVEMENT
    assert judge([1.0] * 12) is Verdict.NO_CHANGE


def test_a_significant_small_change_is_not_a_regression() -> None:
    (base,), (new,) = pairs(noisy(200, 0.01, 0.002))
    result = paired_compare(base, new)
    assert result.ci_low > 1.0  # significantly slower ...
    assert result.verdict is Verdict.NO_CHANGE  # ... but by 1 %, not 2.5 % or more
    assert result.reason == "200 pairs"


def test_too_noisy_is_inconclusive_with_the_pairs_needed() -> None:
    (base,), (new,) = pairs(noisy(10, 0.0, 0.3))
    result = paired_compare(base, new)
    assert result.verdict is Verdict.INCONCLUSIVE
    needed = pairs_needed([math.log(r) for r in noisy(10, 0.0, 0.3)], SamplePlan())
    assert needed > 100
    assert result.reason == f"too noisy: about {needed} pairs would be needed, 10 measured"


def test_throughput_is_inverted() -> None:
    base = Measurement("mm GFLOPS/s", (10.0,) * 12, "GFLOPS/s", MetricKind.THROUGHPUT)
    slower = Measurement("mm GFLOPS/s", (9.0,) * 12, "GFLOPS/s", MetricKind.THROUGHPUT)
    assert paired_compare(base, slower).verdict is Verdict.REGRESSION


def test_units_are_converted() -> None:
    base = Measurement("a", (1.0,) * 12, "ms")
    new = Measurement("a", (1100.0,) * 12, "us")
    result = paired_compare(base, new)
    assert result.verdict is Verdict.REGRESSION
    assert result.ratio == pytest.approx(1.1)


def test_what_cannot_be_paired_falls_back_to_the_unpaired_rule() -> None:
    new = Measurement("a", (1.0,) * 12)
    assert paired_compare(None, new).verdict is Verdict.NEW
    assert paired_compare(new, None).verdict is Verdict.REMOVED
    shorter = Measurement("a", (1.0,) * 6)
    assert paired_compare(shorter, new) == compare(shorter, new)
    count = Measurement("<program>", (100.0,), INSTRUCTIONS, MetricKind.INSTRUCTIONS)
    assert paired_compare(count, count).verdict is Verdict.NO_CHANGE
    zero = Measurement("a", (0.0,) * 12)
    assert paired_compare(zero, new).verdict is Verdict.NOT_COMPARABLE


class Source:
    """A stand-in for running programs: pairs of a fixed noise, counting the rounds."""

    def __init__(self, slowdown: float, spreads: dict[str, float]) -> None:
        self.rng = random.Random(7)  # noqa: S311 - seeded test data
        self.slowdown = slowdown
        self.spreads = spreads
        self.rounds: list[int] = []

    def draw(self, k: int) -> Sides:
        self.rounds.append(k)
        base, new = [], []
        for name, spread in self.spreads.items():
            ratios = [(1 + self.slowdown) * math.exp(self.rng.gauss(0, spread)) for _ in range(k)]
            b = tuple(1.0 + self.rng.random() for _ in range(k))
            base.append(Measurement(name, b))
            new.append(Measurement(name, tuple(x * r for x, r in zip(b, ratios, strict=True))))
        return tuple(base), tuple(new)


def test_quiet_benchmarks_stop_after_the_pilot() -> None:
    source = Source(0.0, {"a": 0.001, "b": 0.002})
    base, new = measure_until_decided(source.draw, SamplePlan())
    assert source.rounds == [10]
    assert [len(m.samples) for m in new] == [10, 10]
    assert undecided((base, new), SamplePlan()) == []


def test_noisy_benchmarks_get_more_pairs_until_decided() -> None:
    source = Source(0.0, {"quiet": 0.001, "noisy": 0.05})
    plan = SamplePlan()
    base, new = measure_until_decided(source.draw, plan)
    assert source.rounds[0] == 10
    assert len(source.rounds) > 1
    total = sum(source.rounds)
    assert all(len(m.samples) == total for m in (*base, *new))
    verdicts = [paired_compare(b, n, plan).verdict for b, n in zip(base, new, strict=True)]
    assert verdicts == [Verdict.NO_CHANGE, Verdict.NO_CHANGE]


def test_the_cap_ends_measuring_and_leaves_it_inconclusive() -> None:
    source = Source(0.0, {"wild": 0.5})
    plan = SamplePlan(pilot=10, cap=40)
    base, new = measure_until_decided(source.draw, plan)
    assert sum(source.rounds) == 40
    result = paired_compare(base[0], new[0], plan)
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "40 measured" in result.reason
    assert undecided((base, new), plan)  # still waiting when the cap stopped it


def test_instruction_counts_never_wait() -> None:
    count = Measurement("<program>", (100.0,), INSTRUCTIONS, MetricKind.INSTRUCTIONS)
    other = Measurement("gone", (1.0,) * 10)
    assert undecided(((count,), (count, other)), SamplePlan()) == []
