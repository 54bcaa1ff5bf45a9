"""Reductions over whole matrices, rows and columns."""

from .matrix import Matrix


def total(m: Matrix) -> Float64:
    """Sum of all elements (0.0 for an empty matrix)."""
    var s: Float64 = 0.0
    for x in m.data:
        s += x
    return s


def mean(m: Matrix) raises -> Float64:
    if m.size() == 0:
        raise Error("mean: empty matrix")
    return total(m) / Float64(m.size())


def max_value(m: Matrix) raises -> Float64:
    if m.size() == 0:
        raise Error("max_value: empty matrix")
    var best = m.data[0]
    for x in m.data:
        best = max(best, x)
    return best


def min_value(m: Matrix) raises -> Float64:
    if m.size() == 0:
        raise Error("min_value: empty matrix")
    var best = m.data[0]
    for x in m.data:
        best = min(best, x)
    return best


def sum_rows(m: Matrix) -> Matrix:
    """Sum across each row: a rows x 1 column vector."""
    var out = Matrix(m.rows, 1)
    for i in range(m.rows):
        var s: Float64 = 0.0
        for j in range(m.cols):
            s += m[i, j]
        out.data[i] = s
    return out^


def sum_cols(m: Matrix) -> Matrix:
    """Sum down each column: a 1 x cols row vector."""
    var out = Matrix(1, m.cols)
    for i in range(m.rows):
        for j in range(m.cols):
            out.data[j] += m[i, j]
    return out^


def mean_cols(m: Matrix) raises -> Matrix:
    if m.rows == 0:
        raise Error("mean_cols: no rows")
    var out = sum_cols(m)
    for j in range(out.cols):
        out.data[j] /= Float64(m.rows)
    return out^


def argmax_rows(m: Matrix) -> List[Int]:
    """Column index of the largest element of each row (first on ties)."""
    var out = List[Int](capacity=m.rows)
    for i in range(m.rows):
        var best = 0
        for j in range(1, m.cols):
            if m[i, j] > m[i, best]:
                best = j
        out.append(best)
    return out^
