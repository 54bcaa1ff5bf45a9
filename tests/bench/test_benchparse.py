from __future__ import annotations

import json

import pytest

from gauntlet.bench.parse import detect_format, parse_output
from gauntlet.bench.records import Measurement, MetricKind
from gauntlet.errors import ResultError

MARKDOWN = """Running matmul
Running relu
| name                      | met (ms)  | iters |
| ------------------------- | --------- | ----- |
| matmul/input_id:64        | 0.1234    | 1000  |
| relu                      | 1.5e-03   | 20000 |
"""


def test_markdown_table_with_progress_lines() -> None:
    found = parse_output(MARKDOWN, "bench_x.mojo")
    assert found == (
        Measurement("matmul/input_id:64", (0.1234,), "ms", MetricKind.WALL_TIME, 1000),
        Measurement("relu", (0.0015,), "ms", MetricKind.WALL_TIME, 20000),
    )


def test_repeated_tables_give_one_sample_each() -> None:
    table = "| name | met (ms) | iters |\n| --- | --- | --- |\n| a | {} | 10 |\n"
    text = "Running a\n" + table.format(1.0) + "Running a\n" + table.format(1.5)
    (only,) = parse_output(text, "b.mojo")
    assert only.samples == (1.0, 1.5)


def test_truncated_markdown_row_names_the_line() -> None:
    text = "| name | met (ms) | iters |\n| --- | --- | --- |\n| a | 1.0"
    with pytest.raises(ResultError, match=r"b\.mojo:3: truncated table row"):
        parse_output(text, "b.mojo")


def test_non_numeric_time_names_the_line() -> None:
    text = "| name | met (ms) | iters |\n|---|---|---|\n| a | fast | 1 |\n"
    with pytest.raises(ResultError, match=r"b\.mojo:3: met \(ms\) 'fast' is not a number"):
        parse_output(text, "b.mojo")


# Printed by a Mojo 1.2 program with two ThroughputMeasure values.
THROUGHPUT_MD = """Running sum/input_id:1000
| name              | met (ms)   | iters | throughput (GElems/s) | Arithmetic (GFLOPS/s) |
| ----------------- | ---------- | ----- | --------------------- | --------------------- |
| sum/input_id:1000 | 0.00078947 | 100   | 1.2666725778053631    | 1.2666725778053631    |
"""
THROUGHPUT_CSV = """Running sum/input_id:1000
name,met (ms),iters,throughput (GElems/s),Arithmetic (GFLOPS/s)
"sum/input_id:1000",0.00078928,100,1.2669774984796272,2.5
"""


@pytest.mark.parametrize("text", [THROUGHPUT_MD, THROUGHPUT_CSV])
def test_throughput_columns_are_throughput_measurements(text: str) -> None:
    time, elems, flops = parse_output(text, "bench_tp.mojo")
    assert time.kind is MetricKind.WALL_TIME
    assert (elems.name, elems.unit, elems.kind, elems.iters) == (
        "sum/input_id:1000 GElems/s",
        "GElems/s",
        MetricKind.THROUGHPUT,
        100,
    )
    assert flops.name == "sum/input_id:1000 GFLOPS/s"
    assert flops.kind is MetricKind.THROUGHPUT
    assert flops.samples[0] > 1.2


def test_non_numeric_throughput_names_the_column() -> None:
    text = THROUGHPUT_MD.replace("1.2666725778053631    |\n", "n/a |\n")
    with pytest.raises(ResultError, match=r"bench_tp\.mojo:4: Arithmetic \(GFLOPS/s\) 'n/a'"):
        parse_output(text, "bench_tp.mojo")


def test_csv_with_quoted_names() -> None:
    text = 'name,met (ms),iters\n"mm/input_id:8,x",0.5,10\nrelu,0.25,20\n'
    found = parse_output(text, "out.csv")
    assert [(m.name, m.samples, m.iters) for m in found] == [
        ("mm/input_id:8,x", (0.5,), 10),
        ("relu", (0.25,), 20),
    ]


def test_truncated_csv_row() -> None:
    with pytest.raises(ResultError, match=r"out\.csv:3: truncated CSV row"):
        parse_output("name,met (ms),iters\na,1,2\nb,1\n", "out.csv")


LEGACY = """bench_dot
---------------------
Benchmark Report (s)
---------------------
Mean: 0.0125
Total: 1.25
Iters: 100
Warmup Total: 0.002
Fastest Mean: 0.012
Slowest Mean: 0.013
"""


def test_legacy_report_block() -> None:
    assert detect_format(LEGACY) == "legacy"
    (only,) = parse_output(LEGACY, "old.mojo")
    assert only == Measurement("bench_dot", (0.0125,), "s", MetricKind.WALL_TIME, 100)


def test_truncated_legacy_block() -> None:
    with pytest.raises(ResultError, match=r"old\.mojo:3: truncated 'Benchmark Report'"):
        parse_output(LEGACY.split("Mean", maxsplit=1)[0], "old.mojo")


def test_pytest_benchmark_json() -> None:
    data = {
        "machine_info": {},
        "benchmarks": [
            {"name": "test_a", "fullname": "t.py::test_a", "stats": {"median": 0.5, "rounds": 5}},
            {"name": "test_b", "stats": {"median": 1.0, "rounds": 3, "data": [1.0, 1.1, 0.9]}},
        ],
    }
    found = parse_output(json.dumps(data, indent=1), "pb.json")
    assert [(m.name, m.samples, m.unit) for m in found] == [
        ("t.py::test_a", (0.5,), "s"),
        ("test_b", (1.0, 1.1, 0.9), "s"),
    ]


def test_truncated_json_names_the_line() -> None:
    text = '{\n "benchmarks": [\n  {"name": "a", "stats": {"median": 1}'
    with pytest.raises(ResultError, match=r"pb\.json:3: not valid JSON"):
        parse_output(text, "pb.json", "pytest-benchmark")


def test_json_lines() -> None:
    text = (
        "# gauntlet json lines\n"
        '{"name": "a", "unit": "us", "samples": [1, 2]}\n'
        "\n"
        '{"name": "b", "kind": "instructions", "value": 1234}\n'
    )
    assert parse_output(text, "r.jsonl") == (
        Measurement("a", (1.0, 2.0), "us"),
        Measurement("b", (1234.0,), "instructions", MetricKind.INSTRUCTIONS),
    )


def test_json_lines_bad_line() -> None:
    with pytest.raises(ResultError, match=r"r\.jsonl:2: expected"):
        parse_output('{"name": "a", "value": 1, "unit": "ms"}\n{"name": "b"}\n', "r.jsonl")


def test_nothing_found_is_an_error() -> None:
    with pytest.raises(ResultError, match="dump_report"):
        parse_output("Running a\n", "b.mojo", "markdown")


def test_unknown_unit() -> None:
    with pytest.raises(ResultError, match="unknown time unit 'min'"):
        parse_output("| name | met (min) |\n|---|---|\n| a | 1 |\n", "b.mojo")
