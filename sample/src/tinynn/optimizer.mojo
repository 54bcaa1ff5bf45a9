"""Stochastic gradient descent with optional momentum."""

from tinytensor import Matrix, axpy_inplace

from .linear import Linear


struct SGD(Copyable, Movable):
    """Plain SGD: p -= lr * g; with momentum: v = mu v + g; p -= lr * v.

    Velocity buffers are created lazily, one pair per layer slot.
    """

    var lr: Float64
    var momentum: Float64
    var _velocity: List[Matrix]

    def __init__(out self, lr: Float64, momentum: Float64 = 0.0):
        self.lr = lr
        self.momentum = momentum
        self._velocity = List[Matrix]()

    def step(mut self, mut layer: Linear, slot: Int = 0) raises:
        """Update `layer` in place from its accumulated gradients.

        `slot` tells layers apart when one optimizer drives several.
        """
        if self.momentum == 0.0:
            axpy_inplace(layer.weight, -self.lr, layer.grad_weight)
            axpy_inplace(layer.bias, -self.lr, layer.grad_bias)
            return
        while len(self._velocity) < 2 * (slot + 1):
            self._velocity.append(Matrix(0, 0))
        self._update(2 * slot, layer.weight, layer.grad_weight)
        self._update(2 * slot + 1, layer.bias, layer.grad_bias)

    def _update(mut self, index: Int, mut param: Matrix, grad: Matrix) raises:
        if self._velocity[index].size() != grad.size():
            self._velocity[index] = Matrix(grad.rows, grad.cols)
        for k in range(len(grad.data)):
            var v = self.momentum * self._velocity[index].data[k] + grad.data[k]
            self._velocity[index].data[k] = v
            param.data[k] -= self.lr * v
