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
Segments shorter than ``min_size`` are not split.  Distances are summed from
2-D prefix sums, so one scan of all splits is O(n^2).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

DEFAULT_PERMUTATIONS = 199
DEFAULT_ALPHA = 0.01  # a history is checked on every run: false alarms add up
DEFAULT_MIN_SIZE = 3


def _prefix(values: Sequence[float]) -> list[list[float]]:
    n = len(values)
    table = [[0.0] * (n + 1) for _ in range(n + 1)]
    for i in range(n):
        row, above = table[i + 1], table[i]
        running = 0.0
        for j in range(n):
            running += abs(values[i] - values[j])
            row[j + 1] = above[j + 1] + running
    return table


def _block(table: list[list[float]], r0: int, r1: int, c0: int, c1: int) -> float:
    return table[r1][c1] - table[r0][c1] - table[r1][c0] + table[r0][c0]


def best_split(values: Sequence[float], min_size: int = DEFAULT_MIN_SIZE) -> tuple[int, float]:
    """The split index with the largest energy statistic, and that statistic."""
    n = len(values)
    table = _prefix(values)
    best, best_q = -1, 0.0
    for t in range(min_size, n - min_size + 1):
        m = n - t
        between = _block(table, 0, t, t, n) / (t * m)
        left = _block(table, 0, t, 0, t) / (t * (t - 1)) if t > 1 else 0.0
        right = _block(table, t, n, t, n) / (m * (m - 1)) if m > 1 else 0.0
        q = t * m / n * (2 * between - left - right)
        if q > best_q:
            best, best_q = t, q
    return best, best_q


def _significant(
    values: Sequence[float], q: float, min_size: int, permutations: int, alpha: float, seed: int
) -> bool:
    rng = random.Random(seed)  # noqa: S311 - permutations, not secrecy
    shuffled = list(values)
    at_least = 0
    for _ in range(permutations):
        rng.shuffle(shuffled)
        if best_split(shuffled, min_size)[1] >= q:
            at_least += 1
    return (at_least + 1) / (permutations + 1) <= alpha


def change_points(
    values: Sequence[float],
    *,
    min_size: int = DEFAULT_MIN_SIZE,
    permutations: int = DEFAULT_PERMUTATIONS,
    alpha: float = DEFAULT_ALPHA,
    seed: int = 0,
) -> tuple[int, ...]:
    """Indices where a new regime starts (sorted); empty for a steady series."""
    found: list[int] = []
    pending = [(0, len(values))]
    while pending:
        start, end = pending.pop()
        segment = values[start:end]
        if len(segment) < 2 * min_size:
            continue
        split, q = best_split(segment, min_size)
        if split < 0 or not _significant(segment, q, min_size, permutations, alpha, seed + start):
            continue
        found.append(start + split)
        pending += [(start, start + split), (start + split, end)]
    return tuple(sorted(found))
