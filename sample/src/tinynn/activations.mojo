"""Activation functions and their derivatives, element-wise on matrices."""

from std.math import exp
from std.math import tanh as math_tanh

from tinytensor import Matrix, apply


def relu_scalar(x: Float64) -> Float64:
    return x if x > 0.0 else 0.0


def relu_grad_scalar(x: Float64) -> Float64:
    """Derivative of relu at pre-activation `x` (0 at x == 0)."""
    return 1.0 if x > 0.0 else 0.0


def sigmoid_scalar(x: Float64) -> Float64:
    """Logistic function, computed without overflow for large |x|."""
    if x >= 0.0:
        return 1.0 / (1.0 + exp(-x))
    var e = exp(x)
    return e / (1.0 + e)


def tanh_scalar(x: Float64) -> Float64:
    return math_tanh(x)


def relu(m: Matrix) -> Matrix:
    return apply[relu_scalar](m)


def relu_grad(pre_activation: Matrix) -> Matrix:
    return apply[relu_grad_scalar](pre_activation)


def sigmoid(m: Matrix) -> Matrix:
    return apply[sigmoid_scalar](m)


def sigmoid_grad_from_output(s: Matrix) -> Matrix:
    """d sigmoid / dx expressed through the output s: s * (1 - s)."""
    var out = Matrix(s.rows, s.cols)
    for k in range(len(s.data)):
        out.data[k] = s.data[k] * (1.0 - s.data[k])
    return out^


def tanh(m: Matrix) -> Matrix:
    return apply[tanh_scalar](m)


def tanh_grad_from_output(t: Matrix) -> Matrix:
    """d tanh / dx expressed through the output t: 1 - t^2."""
    var out = Matrix(t.rows, t.cols)
    for k in range(len(t.data)):
        out.data[k] = 1.0 - t.data[k] * t.data[k]
    return out^


def softmax(m: Matrix) -> Matrix:
    """Row-wise softmax, shifted by each row's max for stability."""
    var out = Matrix(m.rows, m.cols)
    for i in range(m.rows):
        if m.cols == 0:
            continue
        var hi = m[i, 0]
        for j in range(1, m.cols):
            hi = max(hi, m[i, j])
        var denom: Float64 = 0.0
        for j in range(m.cols):
            var e = exp(m[i, j] - hi)
            out[i, j] = e
            denom += e
        for j in range(m.cols):
            out[i, j] = out[i, j] / denom
    return out^
