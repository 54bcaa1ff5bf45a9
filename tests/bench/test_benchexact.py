"""Exact Mann-Whitney p-values, checked against scipy (a test-only reference)."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from scipy import stats as scipy_stats

from gauntlet.bench.ranktest import EXACT_BELOW, mann_whitney_u, u_distribution
from gauntlet.bench.records import Measurement
from gauntlet.bench.stats import Verdict, compare


def _close(ours: float, reference: float) -> bool:
    return math.isclose(ours, reference, rel_tol=1e-12, abs_tol=0.0)


def test_five_a_side_two_fold_slowdown_is_a_regression() -> None:
    # The normal approximation cannot go below p = 0.0122 with 5 + 5 samples,
    # so at alpha = 0.01 this slowdown used to come out "inconclusive".
    base = Measurement("b", (1.00, 1.01, 0.99, 1.02, 0.98))
    new = Measurement("b", (2.00, 2.02, 1.98, 2.04, 1.96))
    result = compare(base, new)
    assert result.p_value == pytest.approx(2 / math.comb(10, 5))  # 0.0079
    assert result.verdict is Verdict.REGRESSION


def test_distribution_counts_every_rank_order() -> None:
    for n1 in range(1, 8):
        for n2 in range(1, 8):
            counts = u_distribution(n1, n2)
            assert sum(counts) == math.comb(n1 + n2, n1)
            assert counts == counts[::-1]  # U and n1 n2 - U are equally likely
    assert u_distribution(2, 2) == (1, 1, 2, 1, 1)


@pytest.mark.parametrize("seed", range(6))
def test_exact_p_equals_scipy_without_ties(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - seeded test data
    for _ in range(60):
        n1, n2 = rng.randint(3, EXACT_BELOW - 1), rng.randint(3, EXACT_BELOW - 1)
        shift = rng.choice([0.0, 0.3, 1.0, 3.0])
        a = [rng.gauss(0, 1) for _ in range(n1)]
        b = [rng.gauss(shift, 1) for _ in range(n2)]
        u, p = mann_whitney_u(a, b)
        reference = scipy_stats.mannwhitneyu(a, b, alternative="two-sided", method="exact")
        assert u == reference.statistic
        assert _close(p, float(reference.pvalue)), (n1, n2, p, reference.pvalue)


@pytest.mark.parametrize("seed", range(6))
def test_the_asymptotic_p_with_ties_equals_scipys(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - seeded test data
    for _ in range(60):
        n1, n2 = rng.randint(3, EXACT_BELOW - 1), rng.randint(3, EXACT_BELOW - 1)
        shift = rng.choice([0, 1, 3])
        a = [float(rng.randint(0, 6)) for _ in range(n1)]
        b = [float(rng.randint(0, 6) + shift) for _ in range(n2)]
        a[0] = b[0]  # at least one tie
        u, p = mann_whitney_u(a, b, method="asymptotic")
        reference = scipy_stats.mannwhitneyu(
            a, b, alternative="two-sided", method="asymptotic", use_continuity=True
        )
        assert u == reference.statistic
        assert _close(p, float(reference.pvalue)), (n1, n2, p, reference.pvalue)


def test_large_samples_use_the_asymptotic_p() -> None:
    rng = random.Random(3)  # noqa: S311 - seeded test data
    a = [rng.gauss(0, 1) for _ in range(EXACT_BELOW)]
    b = [rng.gauss(0.5, 1) for _ in range(EXACT_BELOW + 5)]
    _, p = mann_whitney_u(a, b)
    reference = scipy_stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic")
    assert _close(p, float(reference.pvalue))
    assert _close(
        mann_whitney_u(a, b, method="exact")[1],
        float(scipy_stats.mannwhitneyu(a, b, alternative="two-sided", method="exact").pvalue),
    )


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown Mann-Whitney method"):
        mann_whitney_u([1.0], [2.0], method="guess")


def _permutation_reference(a: list[float], b: list[float]) -> float:
    """The two-sided permutation p of the midrank sum, by listing every split."""
    pooled = sorted(a + b)
    rank = {v: sum(i + 1 for i, x in enumerate(pooled) if x == v) / pooled.count(v) for v in pooled}
    ranks = [rank[x] for x in a + b]
    mean = len(a) * (len(pooled) + 1) / 2
    observed = abs(sum(rank[x] for x in a) - mean)
    splits = list(itertools.combinations(ranks, len(a)))
    far = sum(1 for split in splits if abs(sum(split) - mean) >= observed - 1e-9)
    return far / len(splits)


@pytest.mark.parametrize("seed", range(4))
def test_with_ties_small_samples_get_the_exact_permutation_p(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - seeded test data
    for _ in range(60):
        n1, n2 = rng.randint(1, 7), rng.randint(1, 7)
        a = [float(rng.randint(0, 4)) for _ in range(n1)]
        b = [float(rng.randint(0, 4) + rng.choice([0, 1])) for _ in range(n2)]
        a[0] = b[0]  # at least one tie
        _, p = mann_whitney_u(a, b)
        assert _close(p, _permutation_reference(a, b)), (a, b, p)


def test_five_a_side_with_a_tie_can_still_be_a_regression() -> None:
    # Instruction counts tie often; the normal approximation could never reach
    # p < 0.01 with 5 + 5 samples, tied or not.
    base = Measurement("b", (1.00, 1.00, 0.99, 1.02, 0.98))
    new = Measurement("b", (2.00, 2.02, 1.98, 2.04, 1.96))
    result = compare(base, new)
    assert result.p_value == pytest.approx(2 / math.comb(10, 5))
    assert result.verdict is Verdict.REGRESSION
