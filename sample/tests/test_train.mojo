"""End-to-end training: XOR with an MLP, linear regression with SGD."""

from std.testing import TestSuite, assert_equal, assert_true

from tinytensor import Matrix, XorShift64
from tinynn import (
    MLP,
    Linear,
    TrainConfig,
    fit_linear,
    linear_dataset,
    train_xor,
    xor_dataset,
)


def test_xor_is_learned() raises:
    var report = train_xor(
        TrainConfig(epochs=300, lr=0.5, momentum=0.9, hidden=4, seed=3)
    )
    assert_equal(len(report.losses), 300)
    assert_true(report.initial_loss() > 0.5, "untrained loss should be ~ln 2")
    assert_true(
        report.final_loss() < 0.05,
        String("final loss too high: ", report.final_loss()),
    )
    assert_equal(report.score, 1.0)


def test_training_is_deterministic() raises:
    var config = TrainConfig(epochs=50, lr=0.5, momentum=0.9, hidden=3, seed=8)
    var a = train_xor(config)
    var b = train_xor(config)
    assert_equal(a.final_loss(), b.final_loss())


def test_untrained_mlp_outputs_probabilities() raises:
    var model = MLP(2, 5, 1, seed=4)
    assert_equal(model.parameter_count(), 2 * 5 + 5 + 5 + 1)
    var probs = model.predict_proba(xor_dataset().x)
    assert_equal(probs.rows, 4)
    for p in probs.data:
        assert_true(0.0 < p and p < 1.0)


def test_linear_regression_recovers_weights() raises:
    var rng = XorShift64(11)
    var data = linear_dataset(64, [2.0, -3.0], 0.5, 0.01, rng)
    var layer = Linear(2, 1, rng)
    var report = fit_linear(layer, data, 15, 0.1, 8, rng)
    assert_true(report.final_loss() < 0.01 * report.initial_loss())
    assert_true(report.score > 0.99, String("R^2 was ", report.score))
    assert_true(abs(layer.weight[0, 0] - 2.0) < 0.05)
    assert_true(abs(layer.weight[1, 0] + 3.0) < 0.05)
    assert_true(abs(layer.bias[0, 0] - 0.5) < 0.05)


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
