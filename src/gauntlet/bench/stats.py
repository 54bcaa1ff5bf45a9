"""Is a benchmark slower than its baseline?  A verdict from two sets of samples.

Wall time is noisy, so one figure against one figure proves nothing.  The rule,
per benchmark, with ``threshold`` (default 5 %) and ``alpha`` (default 0.01):

* both sides need at least ``MIN_SAMPLES`` samples, the same metric kind and a
  convertible unit, else the verdict is *not comparable* (with the reason);
* the ratio is median(new) / median(base) (inverted for throughput, so above 1
  is always worse); a seeded bootstrap (resampling each side) gives its
  confidence interval at level 1 - alpha;
* the two-sided Mann-Whitney U test gives p (:mod:`gauntlet.bench.ranktest`):
  exact below 20 samples a side, ties included, else the normal approximation.
  The approximation cannot go below p = 0.0122 with 5 samples a side, so at
  alpha = 0.01 it could never flag a regression there; the exact p of fully
  separated 5 + 5 samples is 0.0079;
* *regression* when the slowdown is significant (p < alpha and the whole
  interval above 1) and the interval reaches 1 + threshold, i.e. a slowdown
  of the threshold's size cannot be ruled out; *improvement* symmetrically;
  *inconclusive* when the interval still reaches ``1 + threshold`` (a slowdown
  of the threshold's size is not ruled out, so it must not pass silently);
  otherwise *no significant change*.  So a true 5 % slowdown is flagged even
  when its estimate happens to come out at 4.5 %, while a significant but
  provably small change (interval entirely below 1 + threshold) is not.

Instruction counts (callgrind) vary by ~0.01 % between runs, so for them the
ratio of medians against ``instruction_threshold`` (default 0.5 %) decides
alone, from one sample each.  Pure Python: no numpy or scipy at run time.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from enum import Enum
from statistics import median
from typing import TYPE_CHECKING

from gauntlet.bench.ranktest import mann_whitney_u
from gauntlet.bench.records import TIME_UNITS, MetricKind
from gauntlet.errors import ResultError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gauntlet.bench.records import Measurement

MIN_SAMPLES = 5
DEFAULT_THRESHOLD = 0.05
DEFAULT_ALPHA = 0.01
DEFAULT_INSTRUCTION_THRESHOLD = 0.005  # 5x the largest spread measured (0.08 %)
BOOTSTRAP_ROUNDS = 2000


class Verdict(Enum):
    """The outcome of comparing one benchmark with its baseline."""

    REGRESSION = "regression"
    IMPROVEMENT = "improvement"
    NO_CHANGE = "no significant change"
    INCONCLUSIVE = "inconclusive"
    NOT_COMPARABLE = "not comparable"
    NEW = "new baseline"
    REMOVED = "removed"


@dataclass(frozen=True)
class Comparison:
    """One benchmark's verdict and the figures behind it."""

    name: str
    verdict: Verdict
    base_median: float = math.nan
    new_median: float = math.nan
    unit: str = ""
    ratio: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    p_value: float = math.nan
    samples: tuple[int, int] = (0, 0)
    reason: str = ""

    @property
    def change(self) -> float:
        """Relative change of the median (0.07 is 7 % slower)."""
        return self.ratio - 1.0


def bootstrap_ratio_ci(
    base: Sequence[float],
    new: Sequence[float],
    *,
    level: float = 1 - DEFAULT_ALPHA,
    rounds: int = BOOTSTRAP_ROUNDS,
    seed: int = 0,
    location: float = 0.5,
) -> tuple[float, float]:
    """Percentile bootstrap interval of q(new) / q(base), q the ``location`` quantile; seeded."""
    rng = random.Random(seed)  # noqa: S311 - resampling, not secrecy
    ratios = []
    for _ in range(rounds):
        b = quantile(rng.choices(base, k=len(base)), location)
        n = quantile(rng.choices(new, k=len(new)), location)
        ratios.append(n / b if b else math.inf)
    ratios.sort()
    tail = (1.0 - level) / 2.0
    low = ratios[math.floor(tail * (rounds - 1))]
    high = ratios[math.ceil((1.0 - tail) * (rounds - 1))]
    return low, high


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile by linear interpolation (0.5 is the median)."""
    if q == 0.5:
        return median(values)
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _not_comparable(base: Measurement, new: Measurement) -> str:
    if base.kind is not new.kind:
        return f"metric changed from {base.kind.value} to {new.kind.value}"
    if base.unit != new.unit and not (base.unit in TIME_UNITS and new.unit in TIME_UNITS):
        return f"unit changed from {base.unit} to {new.unit}"
    needed = 1 if new.kind is MetricKind.INSTRUCTIONS else MIN_SAMPLES
    if len(base.samples) < needed or len(new.samples) < needed:
        return (
            f"needs at least {needed} samples per side, got "
            f"{len(base.samples)} (base) and {len(new.samples)} (new)"
        )
    if min(base.samples) <= 0 or min(new.samples) <= 0:
        return "samples must be positive"
    return ""


def compare(
    base: Measurement | None,
    new: Measurement | None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    alpha: float = DEFAULT_ALPHA,
    instruction_threshold: float = DEFAULT_INSTRUCTION_THRESHOLD,
    seed: int = 0,
    location: float = 0.5,
) -> Comparison:
    """The verdict on ``new`` against ``base`` (see the module documentation for the rule)."""
    if base is None and new is None:
        raise ResultError("compare() needs a baseline or a new measurement")
    if base is None:
        assert new is not None  # noqa: S101 - narrowed by the check above
        return Comparison(new.name, Verdict.NEW, new_median=median(new.samples), unit=new.unit)
    if new is None:
        return Comparison(base.name, Verdict.REMOVED, base_median=median(base.samples))
    counts = (len(base.samples), len(new.samples))
    reason = _not_comparable(base, new)
    if reason:
        return Comparison(new.name, Verdict.NOT_COMPARABLE, samples=counts, reason=reason)
    base = base.in_unit(new.unit) if base.unit != new.unit else base
    b_med, n_med = quantile(base.samples, location), quantile(new.samples, location)
    higher_is_better = new.kind is MetricKind.THROUGHPUT
    ratio = b_med / n_med if higher_is_better else n_med / b_med
    if new.kind is MetricKind.INSTRUCTIONS:
        low, high, p = ratio, ratio, math.nan
        verdict = _verdict(low, high, instruction_threshold, significant=True)
    else:
        _, p = mann_whitney_u(base.samples, new.samples)
        older, newer = (
            (new.samples, base.samples) if higher_is_better else (base.samples, new.samples)
        )
        low, high = bootstrap_ratio_ci(older, newer, level=1 - alpha, seed=seed, location=location)
        # Away from the median the interval alone decides: a low quantile moves
        # with a real slowdown while interference only widens the upper tail.
        significant = p < alpha if location == 0.5 else True
        verdict = _verdict(low, high, threshold, significant=significant)
    reason = ""
    if verdict is Verdict.NO_CHANGE and high >= 1.0 + threshold:
        verdict = Verdict.INCONCLUSIVE
        reason = f"too noisy: a slowdown up to {high - 1:+.1%} cannot be ruled out"
    return Comparison(
        new.name, verdict, b_med, n_med, new.unit, ratio, low, high, p, counts, reason
    )


def _verdict(low: float, high: float, threshold: float, *, significant: bool) -> Verdict:
    """Regression: significantly above 1 and reaching the threshold (see the module text)."""
    if significant and low > 1.0 and high > 1.0 + threshold:
        return Verdict.REGRESSION
    if significant and high < 1.0 and low < 1.0 - threshold:
        return Verdict.IMPROVEMENT
    return Verdict.NO_CHANGE


def naive_verdict(
    base: Measurement, new: Measurement, threshold: float = DEFAULT_THRESHOLD
) -> Verdict:
    """The common rule ``mean(new) > mean(base) * (1 + threshold)``, for comparison only."""
    ratio = (sum(new.samples) / len(new.samples)) / (sum(base.samples) / len(base.samples))
    if ratio > 1.0 + threshold:
        return Verdict.REGRESSION
    return Verdict.IMPROVEMENT if ratio < 1.0 - threshold else Verdict.NO_CHANGE
