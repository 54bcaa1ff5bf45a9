"""CPython extension module `tinyml_ext`, built on tinytensor and tinynn.

Build (from the repository root):
    mojo build sample/ext/tinyml_ext.mojo --emit shared-lib \
        -o sample/.gauntlet/build/python/tinyml_ext.so -I sample/src

Every function accepts Python sequences of numbers: lists, tuples or NumPy
arrays (1-D, or 2-D for matrices), and returns plain Python lists/floats.
"""

from std.os import abort
from std.python import Python, PythonObject
from std.python.bindings import PythonModuleBuilder

from tinytensor import Matrix
from tinytensor import dot as tt_dot
from tinytensor import matmul as tt_matmul
from tinynn import TrainConfig, relu as nn_relu, softmax as nn_softmax
from tinynn import train_xor


def _to_floats(obj: PythonObject) raises -> List[Float64]:
    var out = List[Float64]()
    for item in obj:
        out.append(Float64(py=item))
    return out^


def _to_matrix(obj: PythonObject) raises -> Matrix:
    """A 2-D sequence (list of rows or 2-D array) as a Matrix."""
    var rows = Int(py=len(obj))
    if rows == 0:
        return Matrix(0, 0)
    var cols = Int(py=len(obj[0]))
    var m = Matrix(rows, cols)
    for i in range(rows):
        var row = _to_floats(obj[i])
        if len(row) != cols:
            raise Error(
                String(
                    "ragged matrix: row ",
                    i,
                    " has ",
                    len(row),
                    " values, expected ",
                    cols,
                )
            )
        for j in range(cols):
            m[i, j] = row[j]
    return m^


def _floats_to_py(values: List[Float64]) raises -> PythonObject:
    var out = Python.list()
    for v in values:
        out.append(PythonObject(v))
    return out


def _matrix_to_py(m: Matrix) raises -> PythonObject:
    var out = Python.list()
    for i in range(m.rows):
        var row = Python.list()
        for j in range(m.cols):
            row.append(PythonObject(m[i, j]))
        out.append(row)
    return out


def relu(values: PythonObject) raises -> PythonObject:
    """Return max(x, 0) element-wise over a 1-D input, as a list."""
    var m = Matrix.row_vector(_to_floats(values))
    return _floats_to_py(nn_relu(m).data)


def softmax(values: PythonObject) raises -> PythonObject:
    """Return the softmax of a 1-D input as a list of probabilities."""
    var m = Matrix.row_vector(_to_floats(values))
    return _floats_to_py(nn_softmax(m).data)


def dot(a: PythonObject, b: PythonObject) raises -> PythonObject:
    """Return the inner product of two equal-length 1-D inputs."""
    return PythonObject(tt_dot(_to_floats(a), _to_floats(b)))


def matmul(a: PythonObject, b: PythonObject) raises -> PythonObject:
    """Return the matrix product a @ b as a list of row lists."""
    return _matrix_to_py(tt_matmul(_to_matrix(a), _to_matrix(b)))


def train_xor_loss(epochs: PythonObject) raises -> PythonObject:
    """Train an MLP on XOR; return (first_loss, last_loss, accuracy)."""
    var n = Int(py=epochs)
    if n < 1:
        raise Error("epochs must be >= 1")
    var report = train_xor(
        TrainConfig(epochs=n, lr=0.5, momentum=0.9, hidden=4, seed=3)
    )
    return Python.tuple(
        report.initial_loss(), report.final_loss(), report.score
    )


@export
def PyInit_tinyml_ext() abi("C") -> PythonObject:
    try:
        var m = PythonModuleBuilder("tinyml_ext")
        m.def_function[relu]("relu", docstring="Element-wise max(x, 0).")
        m.def_function[softmax]("softmax", docstring="Softmax of a vector.")
        m.def_function[dot]("dot", docstring="Inner product of two vectors.")
        m.def_function[matmul]("matmul", docstring="Matrix product a @ b.")
        m.def_function[train_xor_loss](
            "train_xor_loss", docstring="Train an MLP on XOR; return losses."
        )
        return m.finalize()
    except e:
        abort(String("failed to create Python module tinyml_ext: ", e))
