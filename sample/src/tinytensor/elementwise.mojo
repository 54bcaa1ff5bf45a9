"""Element-wise arithmetic and row broadcasting on matrices."""

from .matrix import Matrix
from .shape import Shape, check_same_shape


def apply[f: def(Float64) thin -> Float64](m: Matrix) -> Matrix:
    """Return a new matrix with `f` applied to every element."""
    var out = Matrix(m.rows, m.cols)
    for k in range(len(m.data)):
        out.data[k] = f(m.data[k])
    return out^


def add(a: Matrix, b: Matrix) raises -> Matrix:
    check_same_shape(a.shape(), b.shape(), "add")
    var out = Matrix(a.rows, a.cols)
    for k in range(len(a.data)):
        out.data[k] = a.data[k] + b.data[k]
    return out^


def sub(a: Matrix, b: Matrix) raises -> Matrix:
    check_same_shape(a.shape(), b.shape(), "sub")
    var out = Matrix(a.rows, a.cols)
    for k in range(len(a.data)):
        out.data[k] = a.data[k] - b.data[k]
    return out^


def mul(a: Matrix, b: Matrix) raises -> Matrix:
    """Hadamard (element-wise) product."""
    check_same_shape(a.shape(), b.shape(), "mul")
    var out = Matrix(a.rows, a.cols)
    for k in range(len(a.data)):
        out.data[k] = a.data[k] * b.data[k]
    return out^


def scale(m: Matrix, factor: Float64) -> Matrix:
    var out = Matrix(m.rows, m.cols)
    for k in range(len(m.data)):
        out.data[k] = m.data[k] * factor
    return out^


def add_scalar(m: Matrix, value: Float64) -> Matrix:
    var out = Matrix(m.rows, m.cols)
    for k in range(len(m.data)):
        out.data[k] = m.data[k] + value
    return out^


def add_row_vector(m: Matrix, row: Matrix) raises -> Matrix:
    """Add a 1 x cols `row` to every row of `m` (bias broadcasting)."""
    check_same_shape(Shape(1, m.cols), row.shape(), "add_row_vector")
    var out = Matrix(m.rows, m.cols)
    for i in range(m.rows):
        for j in range(m.cols):
            out[i, j] = m[i, j] + row.data[j]
    return out^


def clip(m: Matrix, lo: Float64, hi: Float64) -> Matrix:
    var out = Matrix(m.rows, m.cols)
    for k in range(len(m.data)):
        out.data[k] = min(max(m.data[k], lo), hi)
    return out^


def axpy_inplace(mut y: Matrix, alpha: Float64, x: Matrix) raises:
    """In place `y += alpha * x`, the update step of gradient descent."""
    check_same_shape(y.shape(), x.shape(), "axpy_inplace")
    for k in range(len(y.data)):
        y.data[k] += alpha * x.data[k]
