"""A two-layer perceptron: Linear -> tanh -> Linear (-> sigmoid)."""

from tinytensor import Matrix, XorShift64, mul
from tinynn import activations

from .linear import Linear
from .optimizer import SGD


struct MLP(Copyable, Movable):
    """`forward` returns logits; `predict_proba` applies the sigmoid."""

    var hidden: Linear
    var output: Linear
    var _hidden_act: Matrix

    def __init__(
        out self, n_in: Int, n_hidden: Int, n_out: Int, seed: UInt64 = 1
    ):
        var rng = XorShift64(seed)
        self.hidden = Linear(n_in, n_hidden, rng)
        self.output = Linear(n_hidden, n_out, rng)
        self._hidden_act = Matrix(0, n_hidden)

    def parameter_count(self) -> Int:
        return self.hidden.parameter_count() + self.output.parameter_count()

    def forward(mut self, x: Matrix) raises -> Matrix:
        var h = activations.tanh(self.hidden.forward(x))
        var logits = self.output.forward(h)
        self._hidden_act = h^
        return logits^

    def predict_proba(self, x: Matrix) raises -> Matrix:
        var h = activations.tanh(self.hidden.predict(x))
        return activations.sigmoid(self.output.predict(h))

    def backward(mut self, grad_logits: Matrix) raises:
        var grad_h = self.output.backward(grad_logits)
        var grad_pre = mul(
            grad_h, activations.tanh_grad_from_output(self._hidden_act)
        )
        _ = self.hidden.backward(grad_pre)

    def zero_grad(mut self):
        self.hidden.zero_grad()
        self.output.zero_grad()

    def step(mut self, mut optimizer: SGD) raises:
        optimizer.step(self.hidden, 0)
        optimizer.step(self.output, 1)
