"""Matmul benchmarks: cache-friendly i-k-j order vs the naive i-j-k loop."""

from std.benchmark import Bench, BenchConfig, Bencher, BenchId, keep

from tinytensor import Matrix, XorShift64, matmul, matmul_naive, rand_uniform


def bench_matmul[n: Int](mut b: Bencher) raises:
    var rng = XorShift64(1)
    var x = rand_uniform(n, n, rng, -1.0, 1.0)
    var y = rand_uniform(n, n, rng, -1.0, 1.0)

    def call() raises {imm}:
        var z = matmul(x, y)
        keep(z.data[0])

    b.iter(call)


def bench_matmul_naive[n: Int](mut b: Bencher) raises:
    var rng = XorShift64(1)
    var x = rand_uniform(n, n, rng, -1.0, 1.0)
    var y = rand_uniform(n, n, rng, -1.0, 1.0)

    def call() raises {imm}:
        var z = matmul_naive(x, y)
        keep(z.data[0])

    b.iter(call)


def main() raises:
    var bench = Bench(BenchConfig(max_iters=50, max_runtime_secs=0.5))
    bench.bench_function(bench_matmul[16], BenchId("matmul", "16x16"))
    bench.bench_function(bench_matmul[64], BenchId("matmul", "64x64"))
    bench.bench_function(
        bench_matmul_naive[64], BenchId("matmul_naive", "64x64")
    )
    bench.dump_report()
