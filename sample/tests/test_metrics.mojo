"""Classification and regression metrics."""

from std.testing import TestSuite, assert_equal, assert_raises

from helpers import assert_close
from tinytensor import Matrix
from tinynn import accuracy, binary_accuracy, r2_score
from tinynn.metrics import threshold_labels


def test_accuracy() raises:
    assert_equal(accuracy([0, 1, 2, 1], [0, 1, 1, 1]), 0.75)
    assert_equal(accuracy([3], [3]), 1.0)
    with assert_raises(contains="length mismatch"):
        _ = accuracy([0, 1], [0])
    with assert_raises(contains="empty"):
        _ = accuracy(List[Int](), List[Int]())


def test_threshold_labels() raises:
    var probs = Matrix.row_vector([0.1, 0.5, 0.49, 0.99])
    var labels = threshold_labels(probs)
    assert_equal(labels[0], 0)
    assert_equal(labels[1], 1)
    assert_equal(labels[2], 0)
    assert_equal(labels[3], 1)
    assert_equal(threshold_labels(probs, 0.95)[1], 0)


def test_binary_accuracy() raises:
    var probs = Matrix.column_vector([0.9, 0.2, 0.6, 0.4])
    var targets = Matrix.column_vector([1.0, 0.0, 0.0, 0.0])
    assert_equal(binary_accuracy(probs, targets), 0.75)


def test_r2_score() raises:
    var target = Matrix.column_vector([1.0, 2.0, 3.0, 4.0])
    assert_close(r2_score(target, target), 1.0)
    var mean_pred = Matrix.column_vector([2.5, 2.5, 2.5, 2.5])
    assert_close(r2_score(mean_pred, target), 0.0)
    var off = Matrix.column_vector([1.0, 2.0, 3.0, 5.0])
    assert_close(r2_score(off, target), 1.0 - 1.0 / 5.0)
    with assert_raises(contains="zero variance"):
        _ = r2_score(target, Matrix.column_vector([1.0, 1.0, 1.0, 1.0]))


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
