"""Norms, distances and trace from tinytensor.linalg."""

from std.testing import TestSuite, assert_equal, assert_raises

from tinytensor import Matrix
from tinytensor.linalg import frobenius_norm, l2_distance, max_abs_diff, trace


def test_frobenius_norm() raises:
    var m = Matrix.from_list(2, 2, [3.0, 0.0, 0.0, 4.0])
    assert_equal(frobenius_norm(m), 5.0)
    assert_equal(frobenius_norm(Matrix(0, 0)), 0.0)


def test_l2_distance() raises:
    var a = Matrix.row_vector([1.0, 1.0])
    var b = Matrix.row_vector([4.0, 5.0])
    assert_equal(l2_distance(a, b), 5.0)
    assert_equal(l2_distance(a, a), 0.0)
    with assert_raises(contains="l2_distance: shape mismatch"):
        _ = l2_distance(a, Matrix(2, 1))


def test_max_abs_diff() raises:
    var a = Matrix.row_vector([1.0, -2.0, 3.0])
    var b = Matrix.row_vector([1.5, 2.0, 3.0])
    assert_equal(max_abs_diff(a, b), 4.0)


def test_trace() raises:
    var m = Matrix.from_list(
        3, 3, [1.0, 9.0, 9.0, 9.0, 2.0, 9.0, 9.0, 9.0, 3.0]
    )
    assert_equal(trace(m), 6.0)
    with assert_raises(contains="not square"):
        _ = trace(Matrix(2, 3))


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
