"""Matrix products: matmul, transpose, dot and matrix-vector."""

from .matrix import Matrix
from .shape import check_matmul_shapes


def transpose(m: Matrix) -> Matrix:
    var out = Matrix(m.cols, m.rows)
    for i in range(m.rows):
        for j in range(m.cols):
            out[j, i] = m[i, j]
    return out^


def matmul(a: Matrix, b: Matrix) raises -> Matrix:
    """`a @ b` with the cache-friendly i-k-j loop order."""
    var shape = check_matmul_shapes(a.shape(), b.shape())
    var out = Matrix(shape)
    for i in range(a.rows):
        for k in range(a.cols):
            var aik = a.data[i * a.cols + k]
            if aik == 0.0:
                continue
            for j in range(b.cols):
                out.data[i * b.cols + j] += aik * b.data[k * b.cols + j]
    return out^


def matmul_naive(a: Matrix, b: Matrix) raises -> Matrix:
    """Textbook i-j-k triple loop, kept as a benchmark baseline."""
    var shape = check_matmul_shapes(a.shape(), b.shape())
    var out = Matrix(shape)
    for i in range(a.rows):
        for j in range(b.cols):
            var s: Float64 = 0.0
            for k in range(a.cols):
                s += a[i, k] * b[k, j]
            out[i, j] = s
    return out^


def dot(a: List[Float64], b: List[Float64]) raises -> Float64:
    if len(a) != len(b):
        raise Error(String("dot: length mismatch ", len(a), " vs ", len(b)))
    var s: Float64 = 0.0
    for i in range(len(a)):
        s += a[i] * b[i]
    return s


def matvec(m: Matrix, v: List[Float64]) raises -> List[Float64]:
    if m.cols != len(v):
        raise Error(
            String("matvec: matrix has ", m.cols, " columns, vector ", len(v))
        )
    var out = List[Float64](length=m.rows, fill=0.0)
    for i in range(m.rows):
        for j in range(m.cols):
            out[i] += m[i, j] * v[j]
    return out^
