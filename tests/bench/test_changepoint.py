from __future__ import annotations

import random

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
