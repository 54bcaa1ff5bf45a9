"""Side-by-side verdicts from interleaved pairs, and how many pairs to measure.

A side-by-side run measures the base and the new build alternately, so round
``i`` gives a pair ``(a_i, b_i)`` taken seconds apart.  Load on a shared
machine moves both members of a pair alike; their log ratio
``r_i = ln(b_i / a_i)`` (``ln(a_i / b_i)`` for throughput, so above 0 is always
worse) cancels it.  With threshold ``t`` (default 5 %) and ``alpha`` (1 %):

* the estimate is the median of the ``r_i``; its ``1 - alpha`` interval is the
  distribution-free sign-test interval (order statistics of the ``r_i``, from
  the exact binomial distribution), and ``p`` the exact two-sided sign test;
* *regression* when the interval lies above 0 **and** the estimate is at least
  ``ln(1 + t/2)``; *improvement* is the mirror image;
* *no significant change* when the interval lies inside ``±ln(1 + t)``: a
  change of the threshold's size is ruled out;
* otherwise *inconclusive*: too noisy to tell, with the number of pairs that
  would resolve it.  Never a silent pass.

Why ``t/2``: it splits the distance between "unchanged" and "slower by the
threshold" evenly, so once the interval's half-width is below ``ln(1 + t/2)``
a true slowdown of ``t`` is flagged and an unchanged benchmark passes, each
with probability ``>= 1 - alpha/2``; a significant but small change (1-2 %)
is not a regression.

The sample count is chosen per run (:func:`measure_until_decided`): a pilot of
``pilot`` pairs estimates the spread ``s`` of the ``r_i`` (1.4826 x MAD), and
``n = (z * 1.2533 * s / ln(1 + t/2))^2`` pairs (1.2533: the median's standard
error relative to the mean's) make the interval narrow enough.  Measuring
continues in batches towards that count, at most doubling the pairs at a time
and re-planning from all pairs so far, until every benchmark has a verdict or
``cap`` pairs were measured.  (A spread from a mixture of layouts overstates
the pairs needed; doubling stops as soon as the median has settled.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache
from statistics import NormalDist, median
from typing import TYPE_CHECKING

from gauntlet.bench.records import MetricKind
from gauntlet.bench.stats import (
    DEFAULT_ALPHA,
    DEFAULT_THRESHOLD,
    Comparison,
    Verdict,
    compare,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from gauntlet.bench.records import Measurement

MEDIAN_EFFICIENCY = 1.2533  # sqrt(pi / 2): standard error of a median / of a mean
MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class SamplePlan:
    """How many interleaved pairs a side-by-side run measures."""

    pilot: int = 10
    cap: int = 200
    threshold: float = DEFAULT_THRESHOLD
    alpha: float = DEFAULT_ALPHA


def log_ratios(base: Measurement, new: Measurement) -> list[float]:
    """``ln(new / base)`` per pair, sign flipped for throughput (above 0 is worse)."""
    sign = -1.0 if new.kind is MetricKind.THROUGHPUT else 1.0
    return [sign * math.log(b / a) for a, b in zip(base.samples, new.samples, strict=False)]


def _binomial_cdf(k: int, n: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2.0**n


@lru_cache(maxsize=1024)
def _depth(n: int, alpha: float) -> int:
    """How many order statistics each end of the sign-test interval drops."""
    depth, below, total = 0, 0, 2**n
    while depth + 1 <= n // 2:
        below += math.comb(n, depth)  # P(X <= depth) * 2**n
        if below / total > alpha / 2:
            break
        depth += 1
    return depth


def sign_interval(values: Sequence[float], alpha: float = DEFAULT_ALPHA) -> tuple[float, float]:
    """The distribution-free ``1 - alpha`` interval of the median (inf when n is too small)."""
    ordered = sorted(values)
    depth = _depth(len(ordered), alpha)
    if depth == 0:
        return -math.inf, math.inf
    return ordered[depth - 1], ordered[len(ordered) - depth]


def sign_test(values: Sequence[float]) -> float:
    """Exact two-sided p of "the median is 0" (zeros dropped)."""
    above = sum(v > 0 for v in values)
    below = sum(v < 0 for v in values)
    n = above + below
    if n == 0:
        return 1.0
    return min(1.0, 2.0 * _binomial_cdf(min(above, below), n))


def spread(values: Sequence[float]) -> float:
    """A robust standard deviation: 1.4826 x the median absolute deviation."""
    centre = median(values)
    return MAD_TO_SD * median(abs(v - centre) for v in values)


def pairs_needed(values: Sequence[float], plan: SamplePlan) -> int:
    """Pairs that make the interval's half-width about ``ln(1 + t/2)``, by the spread so far."""
    z = NormalDist().inv_cdf(1 - plan.alpha / 2)
    half = math.log1p(plan.threshold / 2)
    return max(plan.pilot, math.ceil((z * MEDIAN_EFFICIENCY * spread(values) / half) ** 2))


def paired_compare(
    base: Measurement | None,
    new: Measurement | None,
    plan: SamplePlan | None = None,
) -> Comparison:
    """The verdict on interleaved ``new`` against ``base`` (see the module documentation)."""
    plan = plan or SamplePlan()
    if base is None or new is None or new.kind is MetricKind.INSTRUCTIONS:
        return compare(base, new, threshold=plan.threshold, alpha=plan.alpha)
    if len(base.samples) != len(new.samples) or base.kind is not new.kind:
        return compare(base, new, threshold=plan.threshold, alpha=plan.alpha)
    base = base.in_unit(new.unit) if base.unit != new.unit else base
    if min(base.samples, default=0) <= 0 or min(new.samples, default=0) <= 0:
        return compare(base, new, threshold=plan.threshold, alpha=plan.alpha)
    ratios = log_ratios(base, new)
    estimate = median(ratios)
    low, high = sign_interval(ratios, plan.alpha)
    verdict = _verdict(estimate, low, high, plan.threshold)
    n = len(ratios)
    reason = f"{n} pairs"
    if verdict is Verdict.INCONCLUSIVE:
        reason = (
            f"too noisy: about {pairs_needed(ratios, plan)} pairs would be needed, {n} measured"
        )
    return Comparison(
        new.name,
        verdict,
        median(base.samples),
        median(new.samples),
        new.unit,
        math.exp(estimate),
        math.exp(low),
        math.exp(high),
        sign_test(ratios),
        (n, n),
        reason,
    )


def _verdict(estimate: float, low: float, high: float, threshold: float) -> Verdict:
    half, full = math.log1p(threshold / 2), math.log1p(threshold)
    if low > 0 and estimate >= half:
        return Verdict.REGRESSION
    if high < 0 and estimate <= -half:
        return Verdict.IMPROVEMENT
    if -full < low and high < full:
        return Verdict.NO_CHANGE
    return Verdict.INCONCLUSIVE


Sides = tuple[tuple["Measurement", ...], tuple["Measurement", ...]]


def _merge(old: Sides, more: Sides) -> Sides:
    def joined(a: tuple[Measurement, ...], b: tuple[Measurement, ...]) -> tuple[Measurement, ...]:
        extra = {m.name: m.samples for m in b}
        return tuple(replace(m, samples=m.samples + extra.get(m.name, ())) for m in a)

    return joined(old[0], more[0]), joined(old[1], more[1])


def undecided(sides: Sides, plan: SamplePlan) -> list[int]:
    """Pairs still needed by each benchmark that has no verdict yet."""
    base = {m.name: m for m in sides[0]}
    waiting = []
    for new in sides[1]:
        old = base.get(new.name)
        if old is None or new.kind is MetricKind.INSTRUCTIONS:
            continue
        if paired_compare(old, new, plan).verdict is Verdict.INCONCLUSIVE:
            waiting.append(pairs_needed(log_ratios(old, new), plan))
    return waiting


def measure_until_decided(draw: Callable[[int], Sides], plan: SamplePlan) -> Sides:
    """Pairs from ``draw(k)`` (k more rounds) until every benchmark is decided or the cap."""
    sides = draw(plan.pilot)
    have = plan.pilot
    while have < plan.cap:
        waiting = undecided(sides, plan)
        if not waiting:
            break
        # at most double at a time, so a benchmark that resolves sooner stops sooner
        target = min(plan.cap, 2 * have, max(*waiting, have + max(5, have // 2)))
        sides = _merge(sides, draw(target - have))
        have = target
    return sides
