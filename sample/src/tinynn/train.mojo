"""Training loops: an MLP on XOR and linear regression with minibatches."""

from tinytensor import Matrix, XorShift64, permutation

from .data import Dataset, xor_dataset
from .linear import Linear
from .loss import (
    binary_cross_entropy,
    bce_with_sigmoid_grad,
    mse,
    mse_grad,
)
from .model import MLP
from .optimizer import SGD


@fieldwise_init
struct TrainConfig(Copyable, Movable):
    var epochs: Int
    var lr: Float64
    var momentum: Float64
    var hidden: Int
    var seed: UInt64


struct TrainReport(Copyable, Movable):
    """Loss after every epoch plus a final score (accuracy or R^2)."""

    var losses: List[Float64]
    var score: Float64

    def __init__(out self):
        self.losses = List[Float64]()
        self.score = 0.0

    def initial_loss(self) -> Float64:
        return self.losses[0]

    def final_loss(self) -> Float64:
        return self.losses[len(self.losses) - 1]


def classifier_step(
    mut model: MLP, x: Matrix, y: Matrix, mut optimizer: SGD
) raises -> Float64:
    """One full forward/backward/update step; returns the loss before it."""
    from tinynn.activations import sigmoid

    model.zero_grad()
    var probs = sigmoid(model.forward(x))
    var loss = binary_cross_entropy(probs, y)
    model.backward(bce_with_sigmoid_grad(probs, y))
    model.step(optimizer)
    return loss


def train_xor(config: TrainConfig) raises -> TrainReport:
    """Full-batch training of an MLP on XOR; score is the final accuracy."""
    # Imported here rather than at module level: only training needs metrics.
    from tinynn.metrics import binary_accuracy

    var data = xor_dataset()
    var model = MLP(2, config.hidden, 1, config.seed)
    var optimizer = SGD(config.lr, config.momentum)
    var report = TrainReport()
    for _ in range(config.epochs):
        report.losses.append(classifier_step(model, data.x, data.y, optimizer))
    report.score = binary_accuracy(model.predict_proba(data.x), data.y)
    return report^


def fit_linear(
    mut layer: Linear,
    data: Dataset,
    epochs: Int,
    lr: Float64,
    batch_size: Int,
    mut rng: XorShift64,
) raises -> TrainReport:
    """Minibatch SGD on MSE; losses are full-data MSE after each epoch and
    the score is the final R^2."""
    from tinynn.metrics import r2_score

    var optimizer = SGD(lr)
    var report = TrainReport()
    var n = len(data)
    for _ in range(epochs):
        var order = permutation(n, rng)
        var start = 0
        while start < n:
            var stop = min(start + batch_size, n)
            var idx = List[Int](capacity=stop - start)
            for k in range(start, stop):
                idx.append(order[k])
            var batch = data.batch(idx)
            layer.zero_grad()
            var pred = layer.forward(batch.x)
            _ = layer.backward(mse_grad(pred, batch.y))
            optimizer.step(layer)
            start = stop
        report.losses.append(mse(layer.predict(data.x), data.y))
    report.score = r2_score(layer.predict(data.x), data.y)
    return report^
