from __future__ import annotations

import random

import pytest

from gauntlet.bench import changepoint
from gauntlet.bench.changepoint import best_split, change_points


def series(*levels: tuple[float, int], seed: int = 1) -> list[float]:
    rng = random.Random(seed)  # noqa: S311 - seeded test data
    return [level * (1 + rng.gauss(0, 0.01)) for level, count in levels for _ in range(count)]


def test_steady_series_has_no_change_point() -> None:
    assert change_points(series((1.0, 30))) == ()


def test_one_step_is_found_where_it_happens() -> None:
    assert change_points(series((1.0, 20), (1.1, 15))) == (20,)


def test_two_steps() -> None:
    assert change_points(series((1.0, 15), (1.2, 15), (1.0, 15))) == (15, 30)


def test_a_single_outlier_is_not_a_change() -> None:
    values = series((1.0, 30))
    values[12] = 3.0
    assert change_points(values) == ()


def test_best_split_on_exact_step() -> None:
    split, q = best_split([1.0] * 5 + [2.0] * 5)
    assert split == 5
    assert q > 0


def test_too_short_series() -> None:
    assert change_points([1.0, 2.0, 3.0]) == ()


def _brute_force_q(values: list[float], t: int) -> float:
    n, m = len(values), len(values) - t
    left, right = values[:t], values[t:]
    between = sum(abs(a - b) for a in left for b in right) / (t * m)
    within_left = sum(abs(a - b) for a in left for b in left) / (t * (t - 1))
    within_right = sum(abs(a - b) for a in right for b in right) / (m * (m - 1))
    return t * m / n * (2 * between - within_left - within_right)


def test_best_split_equals_the_definition() -> None:
    rng = random.Random(5)  # noqa: S311 - seeded test data
    for n in (6, 7, 11, 25, 40):
        values = [float(rng.randint(0, 9)) for _ in range(n)]  # with ties
        split, q = best_split(values)
        candidates = {t: _brute_force_q(values, t) for t in range(3, n - 2)}
        top = max(candidates.values())
        if top <= 0:  # no split separates anything
            assert (split, q) == (-1, 0.0)
            continue
        assert q == pytest.approx(top, rel=1e-9)
        assert candidates[split] == pytest.approx(top, rel=1e-9)


def test_a_long_history_is_searched_in_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    scanned: list[int] = []
    scan = changepoint._Scanner.scan

    def counting(self: changepoint._Scanner, ranks: list[int], min_size: int) -> tuple[int, float]:
        scanned.append(len(ranks))
        return scan(self, ranks, min_size)

    monkeypatch.setattr(changepoint._Scanner, "scan", counting)
    values = series((1.0, 1000), (1.2, 3900), (1.0, 100))
    # The old step (at 1000) lies outside the searched window; the recent one is found.
    assert change_points(values) == (4900,)
    assert max(scanned) <= changepoint.DEFAULT_WINDOW
    # One significant split costs all permutations; steady segments stop early.
    assert len(scanned) < 2 * (changepoint.DEFAULT_PERMUTATIONS + 1)
