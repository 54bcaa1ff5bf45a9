"""Activation functions: values, derivatives and softmax properties."""

from std.testing import TestSuite, assert_equal, assert_true

from helpers import assert_all_in_range, assert_close, assert_matrix_close
from tinytensor import Matrix
from tinytensor.reductions import sum_rows
from tinynn import relu, sigmoid, softmax, tanh
from tinynn.activations import (
    relu_grad,
    sigmoid_grad_from_output,
    tanh_grad_from_output,
)


def test_relu_and_grad() raises:
    var x = Matrix.row_vector([-2.0, -0.0, 0.0, 0.5, 3.0])
    assert_equal(relu(x).data, [0.0, 0.0, 0.0, 0.5, 3.0])
    assert_equal(relu_grad(x).data, [0.0, 0.0, 0.0, 1.0, 1.0])


def test_sigmoid_values() raises:
    var s = sigmoid(Matrix.row_vector([0.0, 2.0, -2.0, 800.0, -800.0]))
    assert_close(s[0, 0], 0.5)
    assert_close(s[0, 1], 0.8807970779778823, 1e-12)
    assert_close(s[0, 1] + s[0, 2], 1.0, 1e-12)  # sigmoid(-x) = 1 - sigmoid(x)
    assert_close(s[0, 3], 1.0)  # no overflow for large inputs
    assert_close(s[0, 4], 0.0)
    assert_close(sigmoid_grad_from_output(s)[0, 0], 0.25)


def test_tanh_values_and_grad() raises:
    var t = tanh(Matrix.row_vector([0.0, 1.0, -1.0]))
    assert_close(t[0, 0], 0.0)
    assert_close(t[0, 1], 0.7615941559557649, 1e-12)
    assert_close(t[0, 2], -t[0, 1])
    var g = tanh_grad_from_output(t)
    assert_close(g[0, 0], 1.0)
    assert_close(g[0, 1], 1.0 - 0.7615941559557649**2, 1e-12)


def test_softmax_rows_sum_to_one() raises:
    var x = Matrix.from_list(
        3, 4, [1.0, 2.0, 3.0, 4.0, -1.0, 0.0, 1.0, 0.0, 5.0, 5.0, 5.0, 5.0]
    )
    var p = softmax(x)
    assert_matrix_close(sum_rows(p), Matrix.column_vector([1.0, 1.0, 1.0]))
    assert_all_in_range(p, 0.0, 1.0)
    assert_close(p[2, 0], 0.25)
    # Known value: softmax([1, 2, 3, 4])[3]
    assert_close(p[0, 3], 0.6439142598879722, 1e-12)


def test_softmax_is_shift_invariant_and_stable() raises:
    var x = Matrix.row_vector([1000.0, 1001.0, 1002.0])
    var y = Matrix.row_vector([0.0, 1.0, 2.0])
    var px = softmax(x)
    assert_matrix_close(px, softmax(y), 1e-12)
    assert_true(px[0, 2] > px[0, 1] and px[0, 1] > px[0, 0])


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
