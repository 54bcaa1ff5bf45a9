"""Determinism and rough distribution checks for the xorshift PRNG."""

from std.testing import TestSuite, assert_equal, assert_not_equal, assert_true

from tinytensor import XorShift64, permutation, rand_normal, rand_uniform
from tinytensor.reductions import max_value, mean, min_value


def test_same_seed_same_stream() raises:
    var a = XorShift64(1234)
    var b = XorShift64(1234)
    for _ in range(100):
        assert_equal(a.next_u64(), b.next_u64())


def test_different_seeds_differ() raises:
    var a = XorShift64(1)
    var b = XorShift64(2)
    assert_not_equal(a.next_u64(), b.next_u64())
    var z = XorShift64(0)  # zero seed must not get stuck at zero
    assert_not_equal(z.next_u64(), 0)


def test_uniform_range_and_mean() raises:
    var rng = XorShift64(7)
    var m = rand_uniform(50, 40, rng, -1.0, 3.0)
    assert_true(min_value(m) >= -1.0)
    assert_true(max_value(m) < 3.0)
    assert_true(abs(mean(m) - 1.0) < 0.1, String("mean was ", mean(m)))


def test_normal_moments() raises:
    var rng = XorShift64(11)
    var m = rand_normal(100, 50, rng, 2.0)
    var mu = mean(m)
    var var_sum: Float64 = 0.0
    for x in m.data:
        var_sum += (x - mu) * (x - mu)
    var variance = var_sum / Float64(m.size())
    assert_true(abs(mu) < 0.1, String("mean was ", mu))
    assert_true(abs(variance - 4.0) < 0.3, String("variance was ", variance))


def test_permutation_is_a_permutation() raises:
    var rng = XorShift64(5)
    var p = permutation(20, rng)
    assert_equal(len(p), 20)
    var seen = List[Bool](length=20, fill=False)
    for i in p:
        assert_true(not seen[i], "duplicate index")
        seen[i] = True
    var q = permutation(20, rng)
    var same = True
    for i in range(20):
        same = same and p[i] == q[i]
    assert_true(not same, "two shuffles should differ")


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
