"""End-to-end: `gauntlet bench compare --rev` builds a base revision and the working tree."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import TYPE_CHECKING, Any

import pytest

from gauntlet.cli.main import main

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import WriteTree

    from gauntlet.run import toolchain

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed"),
]

BENCH = """
from std.benchmark import Bench, BenchConfig, Bencher, BenchId, keep
from work import total


def bench_total(mut b: Bencher) raises:
    var data = List[Int]()
    for i in range(4000):
        data.append(i * 7 % 13)

    def call() {imm}:
        keep(total(data))

    b.iter(call)


def main() raises:
    # 20 iterations whatever the load: a time bound (max_runtime_secs) would make the
    # count of iterations, and so of instructions, depend on how busy the machine is
    var bench = Bench(BenchConfig(max_iters=20, max_runtime_secs=1000.0))
    bench.bench_function(bench_total, BenchId("total"))
    bench.dump_report()
"""

WORK = """
def total(data: List[Int]) -> Int:
    var sum = 0
    for i in range(len(data)):
        sum += data[i]
    return sum
"""

SLOWER = """
def total(data: List[Int]) -> Int:
    var sum = 0
    for _ in range(2):
        for i in range(len(data)):
            sum += data[i] * 3 % 7
    return sum
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(write_tree: WriteTree, mojo: toolchain.Toolchain) -> Path:
    root = write_tree(
        {
            "pyproject.toml": """
            [tool.gauntlet]
            timeout = 120

            [tool.gauntlet.bench]
            instructions = ["benchmarks/*.mojo"]
        """,
            ".gitignore": ".gauntlet/\n",
            "src/work.mojo": WORK,
            "benchmarks/bench_total.mojo": BENCH,
        }
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def compare(root: Path) -> tuple[int, dict[str, object]]:
    report = root / "report.json"
    argv = ["--project", str(root), "bench", "compare", "--rev", "HEAD", "--json-file", str(report)]
    code = main(argv)
    return code, json.loads(report.read_text()) if report.exists() else {}


def test_unchanged_tree_then_a_slower_kernel(repo: Path) -> None:
    code, data = compare(repo)
    assert code == 0, data
    assert data["regressions"] == []
    (repo / "src/work.mojo").write_text(SLOWER)
    code, data = compare(repo)
    assert code == 1
    assert data["regressions"]
    assert not list((repo / ".gauntlet/side-by-side").glob("base-*"))  # worktree removed


def test_base_that_does_not_build_names_the_side_and_step(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "src/work.mojo").write_text("def total(data: List[Int]) -> Int:\n    return oops\n")
    git(repo, "commit", "-qam", "broken")
    (repo / "src/work.mojo").write_text(WORK)
    assert main(["--project", str(repo), "bench", "compare", "--rev", "HEAD"]) == 2
    err = capsys.readouterr().err
    assert "base revision HEAD: step build of benchmarks/bench_total.mojo failed" in err


def test_wall_time_pairs_with_the_sample_count_chosen(repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool.gauntlet]\ntimeout = 120\n")
    git(repo, "commit", "-qam", "wall time")
    code, data = compare(repo)
    assert code == 0, data
    assert data["regressions"] == []
    (repo / "src/work.mojo").write_text(SLOWER)
    code, data = compare(repo)
    assert code == 1, data
    benchmarks: list[dict[str, Any]] = data["benchmarks"]  # type: ignore[assignment]
    (total,) = benchmarks
    assert total["verdict"] == "regression"
    pairs = total["samples"][0]
    assert pairs >= 10  # the pilot at least
    assert total["reason"] == f"{pairs} pairs"
    assert total["ci"][0] > 1.0
