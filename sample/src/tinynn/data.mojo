"""Small synthetic datasets for training demos and tests."""

from tinytensor import Matrix, XorShift64


struct Dataset(Copyable, Movable, Sized):
    """Inputs `x` (n x features) with targets `y` (n x outputs)."""

    var x: Matrix
    var y: Matrix

    def __init__(out self, var x: Matrix, var y: Matrix) raises:
        if x.rows != y.rows:
            raise Error(
                String("Dataset: ", x.rows, " inputs but ", y.rows, " targets")
            )
        self.x = x^
        self.y = y^

    def __len__(self) -> Int:
        return self.x.rows

    def batch(self, indices: List[Int]) raises -> Dataset:
        return Dataset(self.x.select_rows(indices), self.y.select_rows(indices))


def xor_dataset() raises -> Dataset:
    """The four XOR points with 0/1 targets."""
    var x = Matrix.from_list(4, 2, [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0])
    var y = Matrix.from_list(4, 1, [0.0, 1.0, 1.0, 0.0])
    return Dataset(x^, y^)


def linear_dataset(
    n: Int,
    weights: List[Float64],
    intercept: Float64,
    noise: Float64,
    mut rng: XorShift64,
) raises -> Dataset:
    """Points x ~ U(-1, 1)^d with y = x . weights + intercept + N(0, noise)."""
    var d = len(weights)
    var x = Matrix(n, d)
    var y = Matrix(n, 1)
    for i in range(n):
        var t = intercept
        for j in range(d):
            var v = rng.uniform(-1.0, 1.0)
            x[i, j] = v
            t += v * weights[j]
        if noise > 0.0:
            t += rng.normal(0.0, noise)
        y[i, 0] = t
    return Dataset(x^, y^)


def two_blobs(
    n_per_class: Int, spread: Float64, mut rng: XorShift64
) raises -> Dataset:
    """Two Gaussian blobs centred at (-1, -1) (label 0) and (1, 1) (label 1)."""
    var n = 2 * n_per_class
    var x = Matrix(n, 2)
    var y = Matrix(n, 1)
    for i in range(n):
        var label = 0.0 if i < n_per_class else 1.0
        var centre = 2.0 * label - 1.0
        x[i, 0] = centre + rng.normal(0.0, spread)
        x[i, 1] = centre + rng.normal(0.0, spread)
        y[i, 0] = label
    return Dataset(x^, y^)
