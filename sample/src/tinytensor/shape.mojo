"""Shapes of 2-D tensors and the checks that operations run on them."""


@fieldwise_init
struct Shape(Copyable, Equatable, Movable, Writable):
    """The (rows, cols) extent of a row-major 2-D matrix."""

    var rows: Int
    var cols: Int

    def size(self) -> Int:
        """Number of elements a matrix of this shape holds."""
        return self.rows * self.cols

    def is_square(self) -> Bool:
        return self.rows == self.cols

    def is_empty(self) -> Bool:
        return self.size() == 0

    def transposed(self) -> Shape:
        return Shape(self.cols, self.rows)

    def offset(self, row: Int, col: Int) -> Int:
        """Flat index of (row, col) in row-major storage."""
        return row * self.cols + col

    def __eq__(self, other: Self) -> Bool:
        return self.rows == other.rows and self.cols == other.cols

    def write_to[W: Writer](self, mut writer: W):
        writer.write("(", self.rows, ", ", self.cols, ")")


def check_same_shape(a: Shape, b: Shape, op: String) raises:
    """Raise if `a` and `b` differ; `op` names the operation for the message."""
    if a != b:
        raise Error(String(op, ": shape mismatch ", a, " vs ", b))


def check_matmul_shapes(a: Shape, b: Shape) raises -> Shape:
    """Return the shape of `a @ b`, raising if the inner sizes differ."""
    if a.cols != b.rows:
        raise Error(String("matmul: inner dimensions differ ", a, " @ ", b))
    return Shape(a.rows, b.cols)
