"""A fully connected layer y = x W + b with manual backpropagation."""

from std.math import sqrt

from tinytensor import Matrix, XorShift64, rand_uniform
from tinytensor import add_row_vector, sum_cols, transpose
from tinytensor.matmul import matmul as mm


struct Linear(Copyable, Movable):
    """Weights are in_features x out_features; bias is 1 x out_features.

    `forward` caches its input so `backward` can compute the gradients.
    """

    var weight: Matrix
    var bias: Matrix
    var grad_weight: Matrix
    var grad_bias: Matrix
    var _input: Matrix

    def __init__(
        out self, in_features: Int, out_features: Int, mut rng: XorShift64
    ):
        """Xavier/Glorot uniform initialisation, zero bias."""
        var limit = sqrt(6.0 / Float64(in_features + out_features))
        self.weight = rand_uniform(
            in_features, out_features, rng, -limit, limit
        )
        self.bias = Matrix(1, out_features)
        self.grad_weight = Matrix(in_features, out_features)
        self.grad_bias = Matrix(1, out_features)
        self._input = Matrix(0, in_features)

    def __init__(out self, var weight: Matrix, var bias: Matrix) raises:
        """A layer with given parameters (used by tests and the extension)."""
        if bias.rows != 1 or bias.cols != weight.cols:
            raise Error("Linear: bias must be 1 x out_features")
        self.grad_weight = Matrix(weight.rows, weight.cols)
        self.grad_bias = Matrix(1, weight.cols)
        self._input = Matrix(0, weight.rows)
        self.weight = weight^
        self.bias = bias^

    def in_features(self) -> Int:
        return self.weight.rows

    def out_features(self) -> Int:
        return self.weight.cols

    def parameter_count(self) -> Int:
        return self.weight.size() + self.bias.size()

    def forward(mut self, x: Matrix) raises -> Matrix:
        self._input = x.copy()
        return add_row_vector(mm(x, self.weight), self.bias)

    def predict(self, x: Matrix) raises -> Matrix:
        """Forward pass without caching (no gradient bookkeeping)."""
        return add_row_vector(mm(x, self.weight), self.bias)

    def backward(mut self, grad_out: Matrix) raises -> Matrix:
        """Accumulate dL/dW, dL/db and return dL/dx."""
        var gw = mm(transpose(self._input), grad_out)
        var gb = sum_cols(grad_out)
        for k in range(len(gw.data)):
            self.grad_weight.data[k] += gw.data[k]
        for k in range(len(gb.data)):
            self.grad_bias.data[k] += gb.data[k]
        return mm(grad_out, transpose(self.weight))

    def zero_grad(mut self):
        self.grad_weight.fill(0.0)
        self.grad_bias.fill(0.0)
