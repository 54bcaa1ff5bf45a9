"""Linear layer forward pass, backprop (gradient check) and SGD updates."""

from std.testing import TestSuite, assert_equal, assert_raises, assert_true

from helpers import assert_close, assert_matrix_close
from tinytensor import Matrix, XorShift64, total
from tinynn import SGD, Linear


def _layer() raises -> Linear:
    var w = Matrix.from_list(3, 2, [1.0, -1.0, 0.5, 2.0, 0.0, 1.0])
    return Linear(w^, Matrix.row_vector([0.1, -0.2]))


def test_forward_hand_computed() raises:
    var layer = _layer()
    var x = Matrix.from_list(2, 3, [1.0, 2.0, 3.0, -1.0, 0.0, 1.0])
    # row 0: [1 + 1 + 0, -1 + 4 + 3] + b = [2.1, 5.8]
    # row 1: [-1 + 0 + 0, 1 + 0 + 1] + b = [-0.9, 1.8]
    var y = layer.forward(x)
    assert_matrix_close(y, Matrix.from_list(2, 2, [2.1, 5.8, -0.9, 1.8]), 1e-12)
    assert_equal(layer.parameter_count(), 8)


def test_bad_bias_rejected() raises:
    with assert_raises(contains="bias must be 1 x out_features"):
        _ = Linear(Matrix(3, 2), Matrix(1, 3))


def _loss(layer: Linear, x: Matrix) raises -> Float64:
    # L = sum(y)^2 / 2 makes dL/dy = sum(y) everywhere: non-trivial gradients.
    var s = total(layer.predict(x))
    return 0.5 * s * s


def test_gradients_match_finite_differences() raises:
    var rng = XorShift64(21)
    var layer = Linear(3, 2, rng)
    var x = Matrix.from_list(2, 3, [0.5, -1.0, 2.0, 1.5, 0.25, -0.75])
    var y = layer.forward(x)
    var grad_y = Matrix(y.rows, y.cols, total(y))
    layer.zero_grad()
    var grad_x = layer.backward(grad_y)
    assert_equal(grad_x.rows, 2)
    assert_equal(grad_x.cols, 3)
    var h = 1e-6
    for k in range(len(layer.weight.data)):
        var saved = layer.weight.data[k]
        layer.weight.data[k] = saved + h
        var up = _loss(layer, x)
        layer.weight.data[k] = saved - h
        var down = _loss(layer, x)
        layer.weight.data[k] = saved
        assert_close(layer.grad_weight.data[k], (up - down) / (2.0 * h), 1e-5)
    for k in range(len(layer.bias.data)):
        var saved = layer.bias.data[k]
        layer.bias.data[k] = saved + h
        var up = _loss(layer, x)
        layer.bias.data[k] = saved - h
        var down = _loss(layer, x)
        layer.bias.data[k] = saved
        assert_close(layer.grad_bias.data[k], (up - down) / (2.0 * h), 1e-5)


def test_sgd_step_moves_against_gradient() raises:
    var layer = _layer()
    layer.grad_weight.fill(1.0)
    layer.grad_bias.fill(-2.0)
    var opt = SGD(0.5)
    opt.step(layer)
    assert_close(layer.weight[0, 0], 0.5)
    assert_close(layer.weight[1, 1], 1.5)
    assert_close(layer.bias[0, 0], 1.1)
    layer.zero_grad()
    assert_equal(total(layer.grad_weight), 0.0)


def test_momentum_accumulates() raises:
    var layer = _layer()
    var opt = SGD(0.1, momentum=0.9)
    layer.grad_bias.fill(1.0)
    opt.step(layer)  # v = 1,   b -= 0.1
    opt.step(layer)  # v = 1.9, b -= 0.19
    assert_close(layer.bias[0, 0], 0.1 - 0.29, 1e-12)
    assert_true(layer.bias[0, 1] < -0.2)


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
