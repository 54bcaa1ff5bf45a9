"""A deterministic, seedable PRNG (xorshift64*) and random matrices.

Independent of `std.random` so results are identical on every machine and
every run for the same seed.
"""

from std.math import cos, log, sqrt

from .matrix import Matrix

comptime TWO_PI = 6.283185307179586
comptime _MULT: UInt64 = 0x2545F4914F6CDD1D


struct XorShift64(Copyable, Movable):
    """Marsaglia's xorshift64* generator."""

    var state: UInt64

    def __init__(out self, seed: UInt64 = 42):
        # Zero is a fixed point of xorshift: replace it with a constant.
        self.state = seed if seed != 0 else 0x9E3779B97F4A7C15

    def next_u64(mut self) -> UInt64:
        var x = self.state
        x ^= x >> 12
        x ^= x << 25
        x ^= x >> 27
        self.state = x
        return x * _MULT

    def next_float(mut self) -> Float64:
        """Uniform in [0, 1), using the top 53 bits."""
        return Float64(self.next_u64() >> 11) * (1.0 / 9007199254740992.0)

    def uniform(mut self, lo: Float64, hi: Float64) -> Float64:
        return lo + (hi - lo) * self.next_float()

    def normal(mut self, mean: Float64 = 0.0, std: Float64 = 1.0) -> Float64:
        """Box-Muller transform of two uniforms."""
        var u1 = self.next_float()
        while u1 <= 0.0:
            u1 = self.next_float()
        var u2 = self.next_float()
        return mean + std * sqrt(-2.0 * log(u1)) * cos(TWO_PI * u2)

    def randint(mut self, n: Int) -> Int:
        """Uniform integer in [0, n)."""
        return Int(self.next_u64() % UInt64(n))


def rand_uniform(
    rows: Int, cols: Int, mut rng: XorShift64, lo: Float64, hi: Float64
) -> Matrix:
    var m = Matrix(rows, cols)
    for k in range(len(m.data)):
        m.data[k] = rng.uniform(lo, hi)
    return m^


def rand_normal(
    rows: Int, cols: Int, mut rng: XorShift64, std: Float64 = 1.0
) -> Matrix:
    var m = Matrix(rows, cols)
    for k in range(len(m.data)):
        m.data[k] = rng.normal(0.0, std)
    return m^


def permutation(n: Int, mut rng: XorShift64) -> List[Int]:
    """A Fisher-Yates shuffle of 0..n-1."""
    var idx = List[Int](capacity=n)
    for i in range(n):
        idx.append(i)
    var i = n - 1
    while i > 0:
        var j = rng.randint(i + 1)
        var tmp = idx[i]
        idx[i] = idx[j]
        idx[j] = tmp
        i -= 1
    return idx^
