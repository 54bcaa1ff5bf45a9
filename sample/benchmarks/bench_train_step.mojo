"""One SGD step (forward, backward, update) of an MLP on a 64-sample batch.
"""

from std.benchmark import Bench, BenchConfig, Bencher, BenchId, keep

from tinytensor import XorShift64
from tinynn import MLP, SGD, two_blobs
from tinynn.train import classifier_step


def bench_step[hidden: Int](mut b: Bencher) raises:
    var rng = XorShift64(3)
    var data = two_blobs(32, 0.5, rng)
    var model = MLP(2, hidden, 1, seed=5)
    var opt = SGD(0.1, momentum=0.9)

    def call() raises {mut}:
        keep(classifier_step(model, data.x, data.y, opt))

    b.iter(call)


def bench_predict(mut b: Bencher) raises:
    var rng = XorShift64(3)
    var data = two_blobs(32, 0.5, rng)
    var model = MLP(2, 16, 1, seed=5)

    def call() raises {imm}:
        keep(model.predict_proba(data.x).data[0])

    b.iter(call)


def main() raises:
    var bench = Bench(BenchConfig(max_iters=100, max_runtime_secs=0.5))
    bench.bench_function(bench_step[8], BenchId("train_step", "hidden8"))
    bench.bench_function(bench_step[32], BenchId("train_step", "hidden32"))
    bench.bench_function(bench_predict, BenchId("predict_proba", "hidden16"))
    bench.dump_report()
