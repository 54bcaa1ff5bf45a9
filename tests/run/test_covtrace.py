"""The parts of a coverage trace that need no compiler: flags, paths, records."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from gauntlet.linecov.merge import Trace
from gauntlet.run.covtrace import (
    Tracer,
    TraceRecord,
    coverage_flags,
    current_trace,
    project_path,
    trace_key,
)

if TYPE_CHECKING:
    from pathlib import Path


def test_coverage_flags_replace_optimisation_debug_and_cpu_choices() -> None:
    flags = ["-D", "ASSERT=all", "-O3", "--debug-level", "full", "-g", "--target-cpu=native",
             "-I", "lib", "--optimization-level=2"]  # fmt: skip
    assert coverage_flags(flags, "x86-64-v3") == [
        "-D", "ASSERT=all", "-I", "lib",
        "--no-optimization", "--debug-level", "line-tables", "--target-cpu", "x86-64-v3",
    ]  # fmt: skip


def test_trace_key_changes_with_the_test_the_flags_and_the_tracer() -> None:
    tracer = Tracer("/usr/bin/valgrind", "a")
    base = trace_key("k", ["-O0"], tracer)
    assert base != trace_key("k2", ["-O0"], tracer)
    assert base != trace_key("k", ["-O1"], tracer)
    assert base != trace_key("k", ["-O0"], Tracer("/usr/bin/valgrind", "b"))
    assert base == trace_key("k", ["-O0"], tracer)


def test_project_paths(tmp_path: Path) -> None:
    root, build = tmp_path / "proj", tmp_path / "proj/.gauntlet"
    (root / "src/pkg").mkdir(parents=True)
    (root / "src/pkg/a.mojo").write_text("", encoding="utf-8")
    assert project_path("src/pkg/a.mojo", root, build) == "src/pkg/a.mojo"
    assert project_path(f"{root}/src/pkg/./a.mojo", root, build) == "src/pkg/a.mojo"
    # relative names of files that are not in the project: the standard library's
    assert project_path("Mojo/stdlib/std/testing/testing.mojo", root, build) is None
    assert project_path(f"{root}/.gauntlet/build/driver/x.mojo", root, build) is None
    assert project_path("/elsewhere/a.mojo", root, build) is None
    assert project_path("../other/a.mojo", root, build) is None


def test_records_round_trip_and_stale_or_garbled_ones_are_not_current(tmp_path: Path) -> None:
    trace = Trace("tests/test_a.mojo", {"src/a.mojo": frozenset({3, 4})},
                  {"src/a.mojo": frozenset({3, 4, 5})})  # fmt: skip
    record = TraceRecord("key1", trace, "", 1.5, 0.25)
    path = tmp_path / "t.json"
    path.write_text(json.dumps(record.to_json()), encoding="utf-8")
    assert current_trace(path, "key1") == record
    assert current_trace(path, "key2") is None
    failed = TraceRecord("key1", None, "not traced: compile error")
    path.write_text(json.dumps(failed.to_json()), encoding="utf-8")
    assert current_trace(path, "key1") == failed
    path.write_text('{"schema": 1, "key": "key1"', encoding="utf-8")
    assert current_trace(path, "key1") is None
    path.write_text(json.dumps({**record.to_json(), "schema": 99}), encoding="utf-8")
    assert current_trace(path, "key1") is None
