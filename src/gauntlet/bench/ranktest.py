"""The two-sided Mann-Whitney U test, exact for small samples.

Below ``EXACT_BELOW`` samples a side p is exact: from the null distribution of
U (:func:`u_distribution`) when no value is tied, else from the permutation
distribution of the midrank sum (:func:`tied_rank_sums`; tied instruction
counts are common).  Above it, the normal approximation with tie and
continuity corrections, as scipy's ``method="asymptotic"``.  Pure Python.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

EXACT_BELOW = 20  # samples a side below which p is exact


def _normal_sf(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _midranks(a: Sequence[float], b: Sequence[float]) -> tuple[float, float]:
    """The rank sum of ``a`` in the pooled sample (midranks) and the tie term sum(t^3 - t)."""
    pooled = sorted([(x, 0) for x in a] + [(x, 1) for x in b])
    rank_a, ties, i = 0.0, 0.0, 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        rank = (i + j) / 2.0 + 1.0
        rank_a += rank * sum(1 for k in range(i, j + 1) if pooled[k][1] == 0)
        size = j - i + 1
        ties += size**3 - size
        i = j + 1
    return rank_a, ties


@lru_cache(maxsize=256)
def u_distribution(n1: int, n2: int) -> tuple[int, ...]:
    """How many of the C(n1 + n2, n1) rank orders give U = 0, 1, ..., n1 * n2 (no ties).

    The counts are the coefficients of the Gaussian binomial coefficient
    ``prod_{i=1..n1} (1 - q^(n2+i)) / (1 - q^i)``: multiply by each numerator
    factor, then divide by each denominator factor (a running sum with stride
    ``i``), in exact integers.
    """
    top = n1 * n2
    counts = [0] * (top + 1)
    counts[0] = 1
    for i in range(1, n1 + 1):
        shift = n2 + i
        for u in range(top, shift - 1, -1):
            counts[u] -= counts[u - shift]
        for u in range(i, top + 1):
            counts[u] += counts[u - i]
    return tuple(counts)


def _exact_p(u: float, n1: int, n2: int) -> float:
    """Two-sided exact p: twice the chance of a U at least as far from the centre."""
    counts = u_distribution(n1, n2)
    far = max(u, n1 * n2 - u)
    at_least = sum(counts[math.ceil(far) :])
    return min(1.0, 2.0 * at_least / math.comb(n1 + n2, n1))


def _tie_groups(a: Sequence[float], b: Sequence[float]) -> tuple[tuple[int, int], ...]:
    """The pooled sample as (doubled midrank, size) per group of equal values."""
    pooled = sorted([*a, *b])
    groups, i = [], 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1] == pooled[i]:
            j += 1
        groups.append((i + j + 2, j - i + 1))  # 2 * midrank (1-based), size
        i = j + 1
    return tuple(groups)


@lru_cache(maxsize=256)
def tied_rank_sums(groups: tuple[tuple[int, int], ...], n1: int) -> tuple[int, ...]:
    """How many ways to pick ``n1`` of the pooled values give each doubled midrank sum.

    ``groups`` are (doubled midrank, size) of the tie groups.  Counted group by
    group: taking ``j`` of a group of ``t`` equal values adds ``j`` times its
    midrank, in ``comb(t, j)`` ways.  Index ``s`` holds the count for sum ``s``.
    """
    top = sum(rank * size for rank, size in groups)
    ways = [[0] * (top + 1) for _ in range(n1 + 1)]  # ways[k][s]: k picked, sum s
    ways[0][0] = 1
    for rank, size in groups:
        for k in range(n1, 0, -1):  # descending: each group is used once
            row = ways[k]
            for j in range(1, min(size, k) + 1):
                factor, shift = math.comb(size, j), j * rank
                for s, count in enumerate(ways[k - j][: top + 1 - shift]):
                    if count:
                        row[s + shift] += factor * count
    return tuple(ways[n1])


def _permutation_p(a: Sequence[float], b: Sequence[float], rank_a: float) -> float:
    """Two-sided exact p of the midrank sum of ``a`` over every split of the pooled values.

    p is the chance of a sum at least as far from the mean as the observed one.
    With ties the distribution need not be symmetric, so both tails are counted.
    """
    n1, n = len(a), len(a) + len(b)
    counts = tied_rank_sums(_tie_groups(a, b), n1)
    observed, mean = round(2 * rank_a), n1 * (n + 1)  # doubled, so whole numbers
    distance = abs(observed - mean)
    far = sum(c for s, c in enumerate(counts) if c and abs(s - mean) >= distance)
    return min(1.0, far / math.comb(n, n1))


def mann_whitney_u(
    a: Sequence[float], b: Sequence[float], method: str = "auto"
) -> tuple[float, float]:
    """U of ``a`` and the two-sided p-value.

    ``method`` is ``"exact"`` (the no-tie null distribution of U, as scipy's
    ``method="exact"``), ``"permutation"`` (the exact permutation
    distribution of the midrank sum, which stays exact with ties),
    ``"asymptotic"`` (normal approximation with tie and continuity
    corrections) or ``"auto"``: below ``EXACT_BELOW`` samples a side
    ``"exact"`` without ties and ``"permutation"`` with them, else asymptotic.
    """
    n1, n2 = len(a), len(b)
    if n1 == 0 or n2 == 0:
        raise ValueError("Mann-Whitney U needs samples on both sides")
    if method not in ("auto", "exact", "permutation", "asymptotic"):
        raise ValueError(f"unknown Mann-Whitney method {method!r}")
    rank_a, ties = _midranks(a, b)
    u = rank_a - n1 * (n1 + 1) / 2.0
    if method == "auto":
        small = n1 < EXACT_BELOW and n2 < EXACT_BELOW
        method = ("exact" if ties == 0 else "permutation") if small else "asymptotic"
    if method == "exact":
        return u, _exact_p(u, n1, n2)
    if method == "permutation":
        return u, _permutation_p(a, b, rank_a)
    n = n1 + n2
    mean = n1 * n2 / 2.0
    variance = n1 * n2 / 12.0 * ((n + 1) - ties / (n * (n - 1)))
    if variance <= 0:
        return u, 1.0
    z = (abs(u - mean) - 0.5) / math.sqrt(variance)
    return u, min(1.0, 2.0 * _normal_sf(max(z, 0.0)))
