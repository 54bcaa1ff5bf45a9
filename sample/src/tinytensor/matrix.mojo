"""A dense, row-major, 2-D matrix of Float64 values."""

from .shape import Shape


struct Matrix(Copyable, Movable, Writable):
    """A dense row-major matrix of Float64.

    Element (i, j) lives at `data[i * cols + j]`. Copies are explicit:
    use `m.copy()`.
    """

    var rows: Int
    var cols: Int
    var data: List[Float64]

    def __init__(out self, rows: Int, cols: Int, fill: Float64 = 0.0):
        self.rows = rows
        self.cols = cols
        self.data = List[Float64](length=rows * cols, fill=fill)

    def __init__(out self, shape: Shape, fill: Float64 = 0.0):
        self = Matrix(shape.rows, shape.cols, fill)

    @staticmethod
    def zeros(rows: Int, cols: Int) -> Matrix:
        return Matrix(rows, cols, 0.0)

    @staticmethod
    def ones(rows: Int, cols: Int) -> Matrix:
        return Matrix(rows, cols, 1.0)

    @staticmethod
    def identity(n: Int) -> Matrix:
        var m = Matrix(n, n)
        for i in range(n):
            m[i, i] = 1.0
        return m^

    @staticmethod
    def from_list(rows: Int, cols: Int, values: List[Float64]) raises -> Matrix:
        """Build a matrix from `rows * cols` values given in row-major order."""
        if len(values) != rows * cols:
            raise Error(
                String(
                    "Matrix.from_list: expected ",
                    rows * cols,
                    " values, got ",
                    len(values),
                )
            )
        var m = Matrix(rows, cols)
        for k in range(len(values)):
            m.data[k] = values[k]
        return m^

    @staticmethod
    def row_vector(values: List[Float64]) -> Matrix:
        var m = Matrix(1, len(values))
        for k in range(len(values)):
            m.data[k] = values[k]
        return m^

    @staticmethod
    def column_vector(values: List[Float64]) -> Matrix:
        var m = Matrix(len(values), 1)
        for k in range(len(values)):
            m.data[k] = values[k]
        return m^

    def shape(self) -> Shape:
        return Shape(self.rows, self.cols)

    def size(self) -> Int:
        return self.rows * self.cols

    def __getitem__(self, i: Int, j: Int) -> Float64:
        return self.data[i * self.cols + j]

    def __setitem__(mut self, i: Int, j: Int, value: Float64):
        self.data[i * self.cols + j] = value

    def row(self, i: Int) -> Matrix:
        """Row `i` as a 1 x cols matrix."""
        var r = Matrix(1, self.cols)
        for j in range(self.cols):
            r.data[j] = self[i, j]
        return r^

    def column(self, j: Int) -> Matrix:
        """Column `j` as a rows x 1 matrix."""
        var c = Matrix(self.rows, 1)
        for i in range(self.rows):
            c.data[i] = self[i, j]
        return c^

    def select_rows(self, indices: List[Int]) -> Matrix:
        """A new matrix made of the given rows, in the given order."""
        var out = Matrix(len(indices), self.cols)
        for k in range(len(indices)):
            for j in range(self.cols):
                out[k, j] = self[indices[k], j]
        return out^

    def reshape(self, rows: Int, cols: Int) raises -> Matrix:
        if rows * cols != self.size():
            raise Error(
                String(
                    "reshape: cannot view ",
                    self.shape(),
                    " as ",
                    Shape(rows, cols),
                )
            )
        return Matrix.from_list(rows, cols, self.data)

    def fill(mut self, value: Float64):
        for k in range(len(self.data)):
            self.data[k] = value

    def write_to[W: Writer](self, mut writer: W):
        writer.write("Matrix", self.shape(), "[")
        for i in range(self.rows):
            if i > 0:
                writer.write(", ")
            writer.write("[")
            for j in range(self.cols):
                if j > 0:
                    writer.write(", ")
                writer.write(self[i, j])
            writer.write("]")
        writer.write("]")
