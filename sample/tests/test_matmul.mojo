"""Matrix products against hand-computed values."""

from std.testing import TestSuite, assert_equal, assert_raises

from helpers import assert_close, assert_matrix_close
from tinytensor import (
    Matrix,
    XorShift64,
    dot,
    matmul,
    matmul_naive,
    matvec,
    rand_uniform,
    transpose,
)


def test_matmul_hand_computed() raises:
    # [1 2 3]   [ 7  8]   [ 58  64]
    # [4 5 6] @ [ 9 10] = [139 154]
    #           [11 12]
    var a = Matrix.from_list(2, 3, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    var b = Matrix.from_list(3, 2, [7.0, 8.0, 9.0, 10.0, 11.0, 12.0])
    var c = matmul(a, b)
    assert_matrix_close(c, Matrix.from_list(2, 2, [58.0, 64.0, 139.0, 154.0]))


def test_identity_is_neutral() raises:
    var rng = XorShift64(5)
    var a = rand_uniform(4, 4, rng, -1.0, 1.0)
    assert_matrix_close(matmul(a, Matrix.identity(4)), a)
    assert_matrix_close(matmul(Matrix.identity(4), a), a)


def test_naive_matches_blocked_order() raises:
    var rng = XorShift64(99)
    var a = rand_uniform(5, 7, rng, -2.0, 2.0)
    var b = rand_uniform(7, 3, rng, -2.0, 2.0)
    assert_matrix_close(matmul(a, b), matmul_naive(a, b), 1e-12)


def test_transpose_identity() raises:
    # (A B)^T == B^T A^T
    var rng = XorShift64(3)
    var a = rand_uniform(3, 4, rng, -1.0, 1.0)
    var b = rand_uniform(4, 2, rng, -1.0, 1.0)
    assert_matrix_close(
        transpose(matmul(a, b)), matmul(transpose(b), transpose(a)), 1e-12
    )
    assert_equal(transpose(a).rows, 4)


def test_shape_mismatch() raises:
    with assert_raises(
        contains="matmul: inner dimensions differ (2, 3) @ (2, 3)"
    ):
        _ = matmul(Matrix(2, 3), Matrix(2, 3))


def test_dot_and_matvec() raises:
    assert_close(dot([1.0, 2.0, 3.0], [4.0, -5.0, 6.0]), 12.0)
    assert_close(dot(List[Float64](), List[Float64]()), 0.0)
    with assert_raises(contains="dot: length mismatch 2 vs 1"):
        _ = dot([1.0, 2.0], [1.0])
    var m = Matrix.from_list(2, 2, [1.0, 2.0, 3.0, 4.0])
    var v = matvec(m, [1.0, -1.0])
    assert_close(v[0], -1.0)
    assert_close(v[1], -1.0)


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
