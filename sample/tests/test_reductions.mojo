"""Whole-matrix, row and column reductions."""

from std.testing import TestSuite, assert_equal, assert_raises

from tinytensor import Matrix
from tinytensor.reductions import (
    argmax_rows,
    max_value,
    mean,
    mean_cols,
    min_value,
    sum_cols,
    sum_rows,
    total,
)


def _sample() raises -> Matrix:
    return Matrix.from_list(2, 3, [1.0, -2.0, 3.0, 4.0, 5.0, -6.0])


def test_total_and_mean() raises:
    var m = _sample()
    assert_equal(total(m), 5.0)
    assert_equal(mean(m), 5.0 / 6.0)
    assert_equal(total(Matrix(0, 3)), 0.0)
    with assert_raises(contains="mean: empty matrix"):
        _ = mean(Matrix(0, 0))


def test_min_max() raises:
    var m = _sample()
    assert_equal(max_value(m), 5.0)
    assert_equal(min_value(m), -6.0)
    with assert_raises(contains="empty"):
        _ = max_value(Matrix(3, 0))


def test_row_and_column_sums() raises:
    var m = _sample()
    assert_equal(sum_rows(m).data, [2.0, 3.0])
    assert_equal(sum_cols(m).data, [5.0, 3.0, -3.0])
    assert_equal(mean_cols(m).data, [2.5, 1.5, -1.5])


def test_argmax_rows() raises:
    var m = Matrix.from_list(
        3, 3, [0.1, 0.7, 0.2, 9.0, 1.0, 1.0, 2.0, 2.0, 1.0]
    )
    var idx = argmax_rows(m)
    assert_equal(len(idx), 3)
    assert_equal(idx[0], 1)
    assert_equal(idx[1], 0)
    assert_equal(idx[2], 0)  # ties resolve to the first column


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
