"""Evaluation metrics for classifiers and regressors."""

import tinytensor.reductions as red
from tinytensor import Matrix, check_same_shape


def accuracy(predicted: List[Int], labels: List[Int]) raises -> Float64:
    """Fraction of positions where `predicted` equals `labels`."""
    if len(predicted) != len(labels):
        raise Error("accuracy: length mismatch")
    if len(labels) == 0:
        raise Error("accuracy: empty input")
    var hits = 0
    for i in range(len(labels)):
        if predicted[i] == labels[i]:
            hits += 1
    return Float64(hits) / Float64(len(labels))


def threshold_labels(probs: Matrix, threshold: Float64 = 0.5) -> List[Int]:
    """1 where a probability is >= `threshold`, else 0 (row-major order)."""
    var out = List[Int](capacity=probs.size())
    for p in probs.data:
        out.append(1 if p >= threshold else 0)
    return out^


def binary_accuracy(
    probs: Matrix, targets: Matrix, threshold: Float64 = 0.5
) raises -> Float64:
    check_same_shape(probs.shape(), targets.shape(), "binary_accuracy")
    var labels = List[Int](capacity=targets.size())
    for t in targets.data:
        labels.append(Int(t + 0.5))
    return accuracy(threshold_labels(probs, threshold), labels)


def r2_score(pred: Matrix, target: Matrix) raises -> Float64:
    """Coefficient of determination: 1 - SS_res / SS_tot."""
    check_same_shape(pred.shape(), target.shape(), "r2_score")
    var mu = red.mean(target)
    var ss_res: Float64 = 0.0
    var ss_tot: Float64 = 0.0
    for k in range(len(target.data)):
        var r = target.data[k] - pred.data[k]
        var d = target.data[k] - mu
        ss_res += r * r
        ss_tot += d * d
    if ss_tot == 0.0:
        raise Error("r2_score: target has zero variance")
    return 1.0 - ss_res / ss_tot
