from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from gauntlet.bench.records import (
    BenchResults,
    Environment,
    Measurement,
    MetricKind,
    read_results,
    write_results,
)
from gauntlet.errors import ResultError

if TYPE_CHECKING:
    from pathlib import Path

ENV = Environment("ci-1", "Some CPU", 2, "Linux 6.1", "mojo 1.2.0")


def test_round_trip(tmp_path: Path) -> None:
    results = BenchResults(
        "benchmarks/bench_a.mojo",
        ENV,
        (
            Measurement("a", (1.0, 1.1), "ms", MetricKind.WALL_TIME, 10),
            Measurement("b", (5e6,), "instructions", MetricKind.INSTRUCTIONS),
        ),
        commit="abc123",
        timestamp=1700000000.0,
        key="k",
    )
    path = tmp_path / "r.json"
    write_results(path, results)
    assert read_results(path) == results
    assert json.loads(path.read_text())["environment"]["fingerprint"] == ENV.fingerprint


def test_fingerprint_changes_with_machine_and_toolchain() -> None:
    other_tool = Environment("ci-1", "Some CPU", 2, "Linux 6.1", "mojo 1.3.0")
    other_host = Environment("ci-2", "Some CPU", 2, "Linux 6.1", "mojo 1.2.0")
    assert len({ENV.fingerprint, other_tool.fingerprint, other_host.fingerprint}) == 3


def test_old_schema_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"schema_version": 1, "rows": []}))
    with pytest.raises(ResultError, match=r"old\.json: .*schema_version 1, expected 2"):
        read_results(path)


def test_unit_conversion() -> None:
    m = Measurement("a", (1.5,), "ms").in_unit("us")
    assert m.unit == "us"
    assert m.samples == pytest.approx((1500.0,))
    with pytest.raises(ResultError, match="cannot convert"):
        Measurement("b", (1.0,), "instructions", MetricKind.INSTRUCTIONS).in_unit("ms")


def test_current_environment_honours_machine_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAUNTLET_MACHINE", "runner-7")
    env = Environment.current("mojo 1.2.0")
    assert env.machine == "runner-7"
    assert env.cores >= 1
