"""The record of one benchmark task's run: its key, outcome, rows and raw output.

Each row is one measurement's median; every raw line of output is kept in the
stored JSON so later analysis never depends on the parser alone.  The task's
up-to-date check reads the key and outcome back (:func:`read_bench_key`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_text_atomic

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_VERSION = 1

Row = dict[str, "str | float"]


@dataclass(frozen=True)
class BenchRun:
    """One run of one benchmark file."""

    file: str
    key: str
    toolchain: str
    started_at: float
    ok: bool
    message: str = ""
    rows: tuple[Row, ...] = ()
    raw_output: str = ""
    seconds: float = 0.0
    environment: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "file": self.file,
            "key": self.key,
            "toolchain": self.toolchain,
            "started_at": self.started_at,
            "ok": self.ok,
            "message": self.message,
            "seconds": round(self.seconds, 3),
            "rows": list(self.rows),
            "raw_output": self.raw_output,
            "environment": self.environment,
        }


def write_bench(path: Path, run: BenchRun) -> None:
    """Store one benchmark run (atomically)."""
    write_text_atomic(path, json.dumps(run.to_json(), indent=1) + "\n")


def read_bench_key(path: Path) -> tuple[str, bool] | None:
    """The key and success flag of a stored run, or None when unreadable or malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        return None
    key, ok, rows = data.get("key"), data.get("ok"), data.get("rows")
    if not isinstance(key, str) or not isinstance(ok, bool) or not isinstance(rows, list):
        return None
    return key, ok
