"""Change points in a benchmark's history: E-divisive means with a permutation test.

The method is the one of Matteson and James (2014, "A nonparametric approach
for multiple change point analysis"), which Otava (formerly Hunter) also
builds on.  For a series ``x`` and a split ``t`` the energy statistic is

    Q(t) = t (n - t) / n * (2 A - B - C)

with ``A`` the mean distance |x_i - x_j| between the two sides and ``B``, ``C``
the mean distances within each side.  The split with the largest Q is a
change point when Q is larger than at least ``1 - alpha`` of the maxima found
in seeded random permutations of the series (a permutation destroys any
ordering, so it shows what Q looks like without a change).  Found points split
the series and the search repeats inside each segment (binary segmentation).
Segments shorter than ``min_size`` are not split.

Bounded time (a long history in under 0.2 s, where summing distances from
2-D prefix sums took O(n^2) per scan and 4.5 s for 400 points):

* one scan of all splits is O(n log n).  In one dimension the distance sums
  follow from ``d(j)``, the summed distance from ``x_j`` to the points before
  it, and ``D(j)``, to all points: with ``W(t) = d(0) + ... + d(t-1)`` (pairs
  within the left side) and ``S(t) = D(0) + ... + D(t-1)``, the cross sum is
  ``S(t) - 2 W(t)`` and the right side's sum is the rest.  ``D`` comes from
  the sorted values and their prefix sums, once for every permutation (they
  share the values); ``d`` from a Fenwick tree of counts and sums over ranks;
* the permutation test stops as soon as its p-value can no longer reach
  ``alpha`` (two permutations at least as extreme, with the defaults), which
  is exactly the decision of running them all.  Only a significant split
  costs all permutations, once per change point;
* only the last ``window`` points (default 300) are searched: a benchmark's
  history is checked on every run, and what matters is its recent regimes;
  each change point found costs ~200 scans of its segment, so the window is
  what bounds the time whatever the history's length.  Indices stay those
  of the whole series.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from itertools import accumulate
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

DEFAULT_PERMUTATIONS = 199
DEFAULT_ALPHA = 0.01  # a history is checked on every run: false alarms add up
DEFAULT_MIN_SIZE = 3


DEFAULT_WINDOW = 300  # runs searched: two recent steps in 1 000 points take < 0.2 s


class _Scanner:
    """Scans of every split of one set of values, in any order (see the module text)."""

    def __init__(self, values: Sequence[float]) -> None:
        ordered = sorted(values)
        n = len(ordered)
        total = sum(ordered)
        prefix = [0.0, *accumulate(ordered)]
        self.ordered = ordered
        # Summed distance from the value of each rank to every value.
        self.to_all = [
            v * r - prefix[r] + (total - prefix[r]) - v * (n - r)
            for r, v in ((bisect_left(ordered, v), v) for v in ordered)
        ]
        self.total = sum(self.to_all) / 2  # every pair once, whatever the order
        self.scans = 0

    def scan(self, ranks: Sequence[int], min_size: int) -> tuple[int, float]:
        """The best split of the values in the order ``ranks`` (0-based ranks), and its Q."""
        self.scans += 1
        n = len(ranks)
        ordered, to_all, total = self.ordered, self.to_all, self.total
        counts, sums = [0] * (n + 1), [0.0] * (n + 1)
        before = within = spread = 0.0
        best, best_q = -1, 0.0
        last = n - min_size
        for j, rank in enumerate(ranks):
            x = ordered[rank]
            below, below_sum, i = 0, 0.0, rank  # ranks below ``rank`` seen so far
            while i:
                below += counts[i]
                below_sum += sums[i]
                i &= i - 1
            within += x * (2 * below - j) - 2 * below_sum + before
            spread += to_all[rank]
            before += x
            i = rank + 1
            while i <= n:
                counts[i] += 1
                sums[i] += x
                i += i & -i
            t = j + 1
            if min_size <= t <= last:
                m = n - t
                cross = spread - 2 * within
                left = 2 * within / (t * (t - 1)) if t > 1 else 0.0
                right = 2 * (total - within - cross) / (m * (m - 1)) if m > 1 else 0.0
                q = t * m / n * (2 * cross / (t * m) - left - right)
                if q > best_q:
                    best, best_q = t, q
        return best, best_q


def _ranks(values: Sequence[float]) -> list[int]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0] * len(values)
    for rank, index in enumerate(order):
        ranks[index] = rank
    return ranks


def best_split(values: Sequence[float], min_size: int = DEFAULT_MIN_SIZE) -> tuple[int, float]:
    """The split index with the largest energy statistic, and that statistic."""
    return _Scanner(values).scan(_ranks(values), min_size)


def _significant(
    scanner: _Scanner,
    ranks: list[int],
    q: float,
    min_size: int,
    permutations: int,
    alpha: float,
    seed: int,
) -> bool:
    rng = random.Random(seed)  # noqa: S311 - permutations, not secrecy
    shuffled = list(ranks)
    at_least = 0
    for _ in range(permutations):
        rng.shuffle(shuffled)
        if scanner.scan(shuffled, min_size)[1] >= q:
            at_least += 1
            if (at_least + 1) / (permutations + 1) > alpha:
                return False  # the remaining permutations cannot make it significant
    return (at_least + 1) / (permutations + 1) <= alpha


def change_points(
    values: Sequence[float],
    *,
    min_size: int = DEFAULT_MIN_SIZE,
    permutations: int = DEFAULT_PERMUTATIONS,
    alpha: float = DEFAULT_ALPHA,
    seed: int = 0,
    window: int = DEFAULT_WINDOW,
) -> tuple[int, ...]:
    """Indices where a new regime starts (sorted); empty for a steady series.

    Only the last ``window`` values are searched (see the module text).
    """
    found: list[int] = []
    pending = [(max(0, len(values) - window), len(values))]
    while pending:
        start, end = pending.pop()
        segment = values[start:end]
        if len(segment) < 2 * min_size:
            continue
        scanner = _Scanner(segment)
        ranks = _ranks(segment)
        split, q = scanner.scan(ranks, min_size)
        if split < 0 or not _significant(
            scanner, ranks, q, min_size, permutations, alpha, seed + start
        ):
            continue
        found.append(start + split)
        pending += [(start, start + split), (start + split, end)]
    return tuple(sorted(found))
