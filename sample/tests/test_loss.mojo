"""Loss values and gradients (checked against finite differences)."""

from std.math import log
from std.testing import TestSuite, assert_raises

from helpers import assert_close
from tinytensor import Matrix
from tinynn import binary_cross_entropy, cross_entropy, mse, softmax
from tinynn.loss import mse_grad, softmax_cross_entropy_grad


def test_mse_value() raises:
    var pred = Matrix.row_vector([1.0, 2.0, 3.0, 4.0])
    var target = Matrix.row_vector([1.0, 0.0, 3.0, 8.0])
    assert_close(mse(pred, target), (4.0 + 16.0) / 4.0)
    assert_close(mse(pred, pred), 0.0)
    with assert_raises(contains="mse: shape mismatch"):
        _ = mse(pred, Matrix(4, 1))


def test_mse_grad_matches_finite_difference() raises:
    var pred = Matrix.row_vector([0.3, -1.2, 2.0])
    var target = Matrix.row_vector([0.0, 1.0, 1.5])
    var g = mse_grad(pred, target)
    var h = 1e-6
    for k in range(3):
        var up = pred.copy()
        up.data[k] += h
        var down = pred.copy()
        down.data[k] -= h
        var numeric = (mse(up, target) - mse(down, target)) / (2.0 * h)
        assert_close(g.data[k], numeric, 1e-6)


def test_binary_cross_entropy() raises:
    var probs = Matrix.row_vector([0.9, 0.2])
    var target = Matrix.row_vector([1.0, 0.0])
    assert_close(
        binary_cross_entropy(probs, target), -(log(0.9) + log(0.8)) / 2.0, 1e-12
    )
    # Clamping keeps confident mistakes finite.
    var bad = binary_cross_entropy(
        Matrix.row_vector([0.0]), Matrix.row_vector([1.0])
    )
    assert_close(bad, -log(1e-12), 1e-9)


def test_cross_entropy() raises:
    var probs = Matrix.from_list(2, 3, [0.7, 0.2, 0.1, 0.1, 0.1, 0.8])
    assert_close(
        cross_entropy(probs, [0, 2]), -(log(0.7) + log(0.8)) / 2.0, 1e-12
    )
    with assert_raises(contains="label out of range: 3"):
        _ = cross_entropy(probs, [0, 3])
    with assert_raises(contains="2 rows but 1 labels"):
        _ = cross_entropy(probs, [0])


def test_softmax_cross_entropy_grad() raises:
    var logits = Matrix.from_list(2, 3, [1.0, 2.0, 0.5, -1.0, 0.0, 3.0])
    var labels: List[Int] = [1, 2]
    var g = softmax_cross_entropy_grad(softmax(logits), labels)
    var h = 1e-6
    for k in range(6):
        var up = logits.copy()
        up.data[k] += h
        var down = logits.copy()
        down.data[k] -= h
        var numeric = (
            cross_entropy(softmax(up), labels)
            - cross_entropy(softmax(down), labels)
        ) / (2.0 * h)
        assert_close(g.data[k], numeric, 1e-6)


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
