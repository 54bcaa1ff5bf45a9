from __future__ import annotations

import json
import stat
from typing import TYPE_CHECKING, Any

import pytest

from gauntlet.bench.history import HistoryStore
from gauntlet.bench.records import read_results
from gauntlet.config.bench import BenchSettings
from gauntlet.errors import ToolError
from gauntlet.results.stamp import write_stamp
from gauntlet.run.actions import Job
from gauntlet.run.benchtask import run_benchmark_file, samples_path

if TYPE_CHECKING:
    from pathlib import Path

KEY = "k" * 64
PROGRAM = """#!/bin/sh
echo "Running add"
echo "| name | met (ms) | iters |"
echo "| --- | --- | --- |"
echo "| add | 1.5 | 20 |"
"""


def job(tmp_path: Path, program: str = PROGRAM) -> dict[str, Any]:
    """Job fields for a benchmark whose compiled program is already in place."""
    out_dir = tmp_path / ".gauntlet"
    binary = out_dir / "build/bench/benchmarks__bench_add.mojo" / KEY[:20] / "bench_add"
    binary.parent.mkdir(parents=True)
    binary.write_text(program)
    binary.chmod(binary.stat().st_mode | stat.S_IEXEC)
    write_stamp(binary, KEY)  # as the build that made it records it
    return {
        "mojo": "/nonexistent/mojo",
        "root": str(tmp_path),
        "source": "benchmarks/bench_add.mojo",
        "output": str(out_dir / "results/bench/benchmarks__bench_add.mojo.json"),
        "key": KEY,
        "include": [],
        "flags": [],
        "timeout": 30.0,
        "out_dir": str(out_dir),
        "toolchain": "mojo 1.2.0",
    }


def test_samples_results_record_and_history(tmp_path: Path) -> None:
    fields = job(tmp_path)
    settings = BenchSettings(samples=4, warmup=2)
    summary = run_benchmark_file(Job(**fields), settings, commit="abc")
    output = tmp_path / ".gauntlet/results/bench/benchmarks__bench_add.mojo.json"
    assert summary == {
        "status": "passed",
        "message": "",
        "benchmarks": 1,
        "samples": 4,
        "output": str(output),
    }
    results = read_results(samples_path(output))
    assert results.commit == "abc"
    assert results.measurements[0].samples == (1.5, 1.5, 1.5, 1.5)
    record = json.loads(output.read_text())
    assert record["ok"]
    assert record["key"] == KEY
    assert record["rows"] == [{"name": "add", "met (ms)": 1.5, "iters": 20.0}]
    store = HistoryStore(tmp_path / ".gauntlet/bench-history")
    assert len(store.load(results.environment.fingerprint)) == 1


def test_truncated_output_is_recorded_as_a_failed_run(tmp_path: Path) -> None:
    fields = job(tmp_path, PROGRAM.replace('| add | 1.5 | 20 |"', '| add | 1.5"'))
    summary = run_benchmark_file(Job(**fields), BenchSettings(samples=1))
    assert summary["status"] == "error"
    assert "benchmarks/bench_add.mojo:4: truncated table row" in summary["message"]
    assert not (tmp_path / ".gauntlet/bench-history").exists()


def test_missing_valgrind_fails_or_falls_back_as_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields = job(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    counted = BenchSettings(samples=2, instructions=("benchmarks/*.mojo",))
    with pytest.raises(ToolError, match="apt-get install valgrind"):
        run_benchmark_file(Job(**fields), counted)
    fallback = BenchSettings(samples=2, instructions=("benchmarks/*.mojo",), fallback=True)
    summary = run_benchmark_file(Job(**fields), fallback)
    assert summary["status"] == "passed"
    assert "valgrind missing: measured wall time" in summary["message"]


def test_python_benchmarks_are_recorded_each_on_its_own(tmp_path: Path) -> None:
    scripts = tmp_path / "benchmarks"
    scripts.mkdir()
    (scripts / "bench_good.py").write_text('print(\'{"name": "parse", "samples": [2.0, 2.1]}\')\n')
    (scripts / "bench_bad.py").write_text(
        'print(\'{"name": "x", "samples": [1.0]}\')\nprint("{")\n'
    )
    summaries = {}
    for name in ("bench_bad.py", "bench_good.py"):
        fields = {
            **job(tmp_path / name),
            "root": str(tmp_path),
            "source": f"benchmarks/{name}",
            "kind": "python-benchmark",
            "output": str(tmp_path / f".gauntlet/results/bench/benchmarks__{name}.json"),
            "out_dir": str(tmp_path / ".gauntlet"),
        }
        summaries[name] = run_benchmark_file(Job(**fields), BenchSettings())
    assert summaries["bench_bad.py"]["status"] == "error"
    assert "benchmarks/bench_bad.py stdout:2:" in summaries["bench_bad.py"]["message"]
    assert summaries["bench_good.py"] == {
        "status": "passed",
        "message": "",
        "benchmarks": 1,
        "samples": 2,
        "output": str(tmp_path / ".gauntlet/results/bench/benchmarks__bench_good.py.json"),
    }
    good = read_results(tmp_path / ".gauntlet/results/bench/benchmarks__bench_good.py.samples.json")
    assert good.measurements[0].samples == (2.0, 2.1)
    history = HistoryStore(tmp_path / ".gauntlet/bench-history")
    assert [r.source for r in history.load(good.environment.fingerprint)] == [
        "benchmarks/bench_good.py"
    ]
