from __future__ import annotations

import json
from typing import TYPE_CHECKING

from gauntlet.bench.file import BenchRun, read_bench_key, write_bench

if TYPE_CHECKING:
    from pathlib import Path


def test_store_and_read_key(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    write_bench(path, BenchRun("b.mojo", "k", "mojo 1.2.0", 1.0, ok=True, rows=({"name": "x"},)))
    assert json.loads(path.read_text())["rows"] == [{"name": "x"}]
    assert read_bench_key(path) == ("k", True)
    path.write_text("garbage", encoding="utf-8")
    assert read_bench_key(path) is None


def test_a_garbled_record_has_no_key(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    write_bench(path, BenchRun("b.mojo", "k", "mojo 1.2.0", 1.0, ok=False))
    good = json.loads(path.read_text())
    assert read_bench_key(path) == ("k", False)
    for garbled in (
        {**good, "ok": "false"},  # a string is not a verdict
        {**good, "rows": None},
        {**good, "schema_version": 99},
        [good],
    ):
        path.write_text(json.dumps(garbled), encoding="utf-8")
        assert read_bench_key(path) is None, garbled
