from __future__ import annotations

import json
from typing import TYPE_CHECKING

from gauntlet.bench.file import BenchRun, parse_bench_output, read_bench_key, write_bench

if TYPE_CHECKING:
    from pathlib import Path

MARKDOWN = """Running matmul_64
Running relu_1k
| name       | met (ms)  | iters | throughput (GFLOPS/s) |
| ---------- | --------- | ----- | --------------------- |
| matmul_64  | 0.1234    | 1000  | 4.25                  |
| relu_1k    | 1.5e-03   | 20000 | n/a                   |
done
"""


def test_markdown_table_with_progress_lines() -> None:
    rows, problems = parse_bench_output(MARKDOWN, "benchmarks/bench_x.mojo")
    assert problems == []
    assert rows == (
        {"name": "matmul_64", "met (ms)": 0.1234, "iters": 1000.0, "throughput (GFLOPS/s)": 4.25},
        {"name": "relu_1k", "met (ms)": 0.0015, "iters": 20000.0, "throughput (GFLOPS/s)": "n/a"},
    )


def test_csv_output() -> None:
    rows, _ = parse_bench_output("progress\nname,met (ms),iters\nfoo,0.5,10\n", "b.mojo")
    assert rows == ({"name": "foo", "met (ms)": 0.5, "iters": 10.0},)


def test_row_without_name_is_a_problem() -> None:
    rows, problems = parse_bench_output("| name | met (ms) |\n|---|---|\n|  | 1.0 |\n", "b.mojo")
    assert len(rows) == 1
    assert problems == ["b.mojo: report row 1 has no benchmark name"]


def test_store_and_read_key(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    write_bench(path, BenchRun("b.mojo", "k", "mojo 1.2.0", 1.0, ok=True, rows=({"name": "x"},)))
    assert json.loads(path.read_text())["rows"] == [{"name": "x"}]
    assert read_bench_key(path) == ("k", True)
    path.write_text("garbage", encoding="utf-8")
    assert read_bench_key(path) is None
