"""End-to-end: the benchmark tasks measure real Mojo programs and keep a history."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING

import pytest
from conftest import enter_project
from doitrun import run_doit

from gauntlet.bench.records import MetricKind, read_results
from gauntlet.cli.main import main

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import WriteTree

    from gauntlet.run import toolchain

pytestmark = pytest.mark.slow

BENCH = """
from std.benchmark import Bench, BenchConfig, Bencher, BenchId, keep


def bench_sum(mut b: Bencher) raises:
    def call() {imm}:
        var total = 0
        for i in range(1000):
            total += i
        keep(total)

    b.iter(call)


def main() raises:
    var bench = Bench(BenchConfig(max_iters=50, max_runtime_secs=0.2))
    bench.bench_function(bench_sum, BenchId("sum", "1k"))
    bench.dump_report()
"""

PROJECT = {
    "pyproject.toml": """
        [tool.gauntlet]
        timeout = 120

        [tool.gauntlet.bench]
        samples = 4
        warmup = 1
        instructions = ["benchmarks/bench_counted.mojo"]
    """,
    "benchmarks/bench_timed.mojo": BENCH,
    "benchmarks/bench_counted.mojo": BENCH,
}


@pytest.fixture
def project(
    write_tree: WriteTree, mojo: toolchain.Toolchain, monkeypatch: pytest.MonkeyPatch
) -> Path:
    root = enter_project(write_tree, PROJECT, monkeypatch)
    monkeypatch.setenv("GAUNTLET_MACHINE", "pipeline-test")
    return root


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_wall_time_samples_instruction_counts_and_history(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, record = run_doit(project, "benchmark")
    assert code == 0, record
    results = project / ".gauntlet/results/bench"
    timed = read_results(results / "benchmarks__bench_timed.mojo.samples.json")
    (only,) = timed.measurements
    assert only.name == "sum/input_id:1k"
    assert len(only.samples) == 4
    assert only.kind is MetricKind.WALL_TIME
    counted = read_results(results / "benchmarks__bench_counted.mojo.samples.json")
    names = {m.name: m for m in counted.measurements}
    # This tiny bench_sum is inlined into main, so only the program total is certain.
    assert "<program>" in names
    assert all(n == "<program>" or n.startswith("bench_") for n in names)
    assert names["<program>"].kind is MetricKind.INSTRUCTIONS
    assert names["<program>"].samples[0] > 100_000
    legacy = json.loads((results / "benchmarks__bench_timed.mojo.json").read_text())
    assert legacy["ok"]
    assert legacy["rows"][0]["name"] == "sum/input_id:1k"

    code, _ = run_doit(project, "benchmark")  # up to date: no new history entry
    assert code == 0
    capsys.readouterr()
    assert main(["bench", "history", "sum/input_id:1k", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["points"]) == 1
