"""Activation benchmarks on a 128 x 128 matrix."""

from std.benchmark import Bench, BenchConfig, Bencher, BenchId, keep

from tinytensor import Matrix, XorShift64, rand_normal
from tinynn import relu, sigmoid, softmax, tanh

comptime N = 128


def _input() -> Matrix:
    var rng = XorShift64(2)
    return rand_normal(N, N, rng, 2.0)


def bench_relu(mut b: Bencher) raises:
    var x = _input()

    def call() {imm}:
        keep(relu(x).data[0])

    b.iter(call)


def bench_sigmoid(mut b: Bencher) raises:
    var x = _input()

    def call() {imm}:
        keep(sigmoid(x).data[0])

    b.iter(call)


def bench_tanh(mut b: Bencher) raises:
    var x = _input()

    def call() {imm}:
        keep(tanh(x).data[0])

    b.iter(call)


def bench_softmax(mut b: Bencher) raises:
    var x = _input()

    def call() {imm}:
        keep(softmax(x).data[0])

    b.iter(call)


def main() raises:
    var bench = Bench(BenchConfig(max_iters=100, max_runtime_secs=0.5))
    bench.bench_function(bench_relu, BenchId("relu", "128x128"))
    bench.bench_function(bench_sigmoid, BenchId("sigmoid", "128x128"))
    bench.bench_function(bench_tanh, BenchId("tanh", "128x128"))
    bench.bench_function(bench_softmax, BenchId("softmax", "128x128"))
    bench.dump_report()
