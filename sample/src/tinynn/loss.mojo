"""Loss functions and their gradients with respect to predictions."""

from std.math import log

from tinytensor import Matrix, check_same_shape

comptime PROB_EPS = 1e-12


def mse(pred: Matrix, target: Matrix) raises -> Float64:
    """Mean squared error over all elements."""
    check_same_shape(pred.shape(), target.shape(), "mse")
    if pred.size() == 0:
        raise Error("mse: empty input")
    var s: Float64 = 0.0
    for k in range(len(pred.data)):
        var d = pred.data[k] - target.data[k]
        s += d * d
    return s / Float64(pred.size())


def mse_grad(pred: Matrix, target: Matrix) raises -> Matrix:
    """Gradient of `mse` with respect to `pred`: 2 (pred - target) / n."""
    check_same_shape(pred.shape(), target.shape(), "mse_grad")
    var n = Float64(pred.size())
    var out = Matrix(pred.rows, pred.cols)
    for k in range(len(pred.data)):
        out.data[k] = 2.0 * (pred.data[k] - target.data[k]) / n
    return out^


def binary_cross_entropy(probs: Matrix, target: Matrix) raises -> Float64:
    """Mean BCE of probabilities in (0, 1) against 0/1 targets."""
    check_same_shape(probs.shape(), target.shape(), "binary_cross_entropy")
    if probs.size() == 0:
        raise Error("binary_cross_entropy: empty input")
    var s: Float64 = 0.0
    for k in range(len(probs.data)):
        var p = min(max(probs.data[k], PROB_EPS), 1.0 - PROB_EPS)
        var y = target.data[k]
        s -= y * log(p) + (1.0 - y) * log(1.0 - p)
    return s / Float64(probs.size())


def bce_with_sigmoid_grad(probs: Matrix, target: Matrix) raises -> Matrix:
    """Gradient of BCE(sigmoid(z)) with respect to the logits z: (p - y) / n."""
    check_same_shape(probs.shape(), target.shape(), "bce_with_sigmoid_grad")
    var n = Float64(probs.size())
    var out = Matrix(probs.rows, probs.cols)
    for k in range(len(probs.data)):
        out.data[k] = (probs.data[k] - target.data[k]) / n
    return out^


def cross_entropy(probs: Matrix, labels: List[Int]) raises -> Float64:
    """Mean negative log-likelihood of integer class `labels` under `probs`."""
    if probs.rows != len(labels):
        raise Error(
            String(
                "cross_entropy: ",
                probs.rows,
                " rows but ",
                len(labels),
                " labels",
            )
        )
    if probs.rows == 0:
        raise Error("cross_entropy: empty input")
    var s: Float64 = 0.0
    for i in range(probs.rows):
        var label = labels[i]
        if label < 0 or label >= probs.cols:
            raise Error(String("cross_entropy: label out of range: ", label))
        s -= log(max(probs[i, label], PROB_EPS))
    return s / Float64(probs.rows)


def softmax_cross_entropy_grad(
    probs: Matrix, labels: List[Int]
) raises -> Matrix:
    """Gradient of cross_entropy(softmax(z)) w.r.t. logits z: (p - onehot) / n.
    """
    if probs.rows != len(labels):
        raise Error("softmax_cross_entropy_grad: label count mismatch")
    var out = probs.copy()
    var n = Float64(probs.rows)
    for i in range(probs.rows):
        out[i, labels[i]] = out[i, labels[i]] - 1.0
    for k in range(len(out.data)):
        out.data[k] /= n
    return out^
