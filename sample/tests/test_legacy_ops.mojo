"""Older main()-driven test style: main calls each test and prints a tally.

Prints `✓ name` / `✗ name` per test and `Results: N / M passed, F failed`,
exiting with status 1 if any test failed.
"""

from std.sys import exit
from std.testing import assert_equal, assert_true

from tinytensor import Matrix, XorShift64, matmul, transpose
from tinytensor.linalg import frobenius_norm
from tinynn import Dataset, MLP, softmax, two_blobs


def test_transpose_twice_is_identity() raises:
    var rng = XorShift64(1)
    var m = Matrix(3, 2)
    for k in range(m.size()):
        m.data[k] = rng.uniform(-1.0, 1.0)
    assert_equal(transpose(transpose(m)).data, m.data)


def test_gram_matrix_is_symmetric() raises:
    var a = Matrix.from_list(2, 3, [1.0, 2.0, 3.0, -1.0, 0.5, 4.0])
    var g = matmul(a, transpose(a))
    assert_equal(g[0, 1], g[1, 0])
    assert_equal(g[0, 0], 14.0)


def test_frobenius_of_identity() raises:
    assert_equal(frobenius_norm(Matrix.identity(4)), 2.0)


def test_softmax_of_uniform_row() raises:
    var p = softmax(Matrix(1, 5, 3.0))
    for x in p.data:
        assert_true(abs(x - 0.2) < 1e-12)


def test_two_blobs_labels() raises:
    var rng = XorShift64(2)
    var data = two_blobs(10, 0.3, rng)
    assert_equal(len(data), 20)
    assert_equal(data.y[0, 0], 0.0)
    assert_equal(data.y[19, 0], 1.0)


def test_dataset_batch() raises:
    var rng = XorShift64(2)
    var data = two_blobs(3, 0.3, rng)
    var batch = data.batch([5, 0])
    assert_equal(len(batch), 2)
    assert_equal(batch.x[0, 0], data.x[5, 0])
    assert_equal(batch.y[1, 0], 0.0)


def run[
    test: def() raises thin -> None
](name: String, mut passed: Int, mut failed: Int):
    try:
        test()
        print("✓", name)
        passed += 1
    except e:
        print("✗", name, "-", e)
        failed += 1


def main():
    var passed = 0
    var failed = 0
    run[test_transpose_twice_is_identity](
        "test_transpose_twice_is_identity", passed, failed
    )
    run[test_gram_matrix_is_symmetric](
        "test_gram_matrix_is_symmetric", passed, failed
    )
    run[test_frobenius_of_identity](
        "test_frobenius_of_identity", passed, failed
    )
    run[test_softmax_of_uniform_row](
        "test_softmax_of_uniform_row", passed, failed
    )
    run[test_two_blobs_labels]("test_two_blobs_labels", passed, failed)
    run[test_dataset_batch]("test_dataset_batch", passed, failed)
    var total = passed + failed
    print("Results:", passed, "/", total, "passed,", failed, "failed")
    if failed > 0:
        exit(1)
