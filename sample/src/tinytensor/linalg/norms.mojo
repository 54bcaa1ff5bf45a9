"""Norms and distances between matrices."""

from std.math import sqrt

from ..matrix import Matrix
from ..shape import check_same_shape


def frobenius_norm(m: Matrix) -> Float64:
    var s: Float64 = 0.0
    for x in m.data:
        s += x * x
    return sqrt(s)


def l2_distance(a: Matrix, b: Matrix) raises -> Float64:
    check_same_shape(a.shape(), b.shape(), "l2_distance")
    var s: Float64 = 0.0
    for k in range(len(a.data)):
        var d = a.data[k] - b.data[k]
        s += d * d
    return sqrt(s)


def max_abs_diff(a: Matrix, b: Matrix) raises -> Float64:
    check_same_shape(a.shape(), b.shape(), "max_abs_diff")
    var worst: Float64 = 0.0
    for k in range(len(a.data)):
        worst = max(worst, abs(a.data[k] - b.data[k]))
    return worst


def trace(m: Matrix) raises -> Float64:
    if m.rows != m.cols:
        raise Error("trace: matrix is not square")
    var s: Float64 = 0.0
    for i in range(m.rows):
        s += m[i, i]
    return s
