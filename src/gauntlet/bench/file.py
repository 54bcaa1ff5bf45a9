"""Raw benchmark results: parsing ``std.benchmark`` reports and storing them.

``Bench.dump_report()`` prints a Markdown table (``| name | met (ms) | iters
| ... |``), possibly among progress lines; ``--format csv`` prints CSV.  Both
are read into rows of named cells; numbers become floats.  Every raw line is
kept in the stored JSON so later analysis never depends on this parser alone.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_text_atomic

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_VERSION = 1
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
_RULE = re.compile(r"^\|?\s*:?-{3,}")

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


def _cell(text: str) -> str | float:
    text = text.strip()
    return float(text) if _NUMBER.match(text) else text


def _markdown_rows(lines: list[str]) -> list[Row]:
    rows: list[Row] = []
    header: list[str] | None = None
    for line in lines:
        stripped = line.strip()
        if not stripped.startswith("|"):
            header = None if rows else header
            continue
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        if _RULE.match(stripped):
            continue
        if header is None:
            header = cells
            continue
        if len(cells) == len(header):
            rows.append({name: _cell(value) for name, value in zip(header, cells, strict=False)})
    return rows


def _csv_rows(text: str) -> list[Row]:
    lines = [ln for ln in text.splitlines() if "," in ln]
    if not lines:
        return []
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    return [{k.strip(): _cell(v or "") for k, v in row.items() if k} for row in reader]


def parse_bench_output(output: str, source: str) -> tuple[tuple[Row, ...], list[str]]:
    """Rows of the benchmark report in ``output``, and problems found, by line."""
    lines = output.splitlines()
    rows = _markdown_rows(lines)
    problems = []
    if not rows and any(ln.strip().lower().startswith("name,") for ln in lines):
        rows = _csv_rows(output)
    for number, row in enumerate(rows, start=1):
        if not isinstance(row.get("name", ""), str) or not row.get("name"):
            problems.append(f"{source}: report row {number} has no benchmark name")
    return tuple(rows), problems


def write_bench(path: Path, run: BenchRun) -> None:
    """Store one benchmark run (atomically)."""
    write_text_atomic(path, json.dumps(run.to_json(), indent=1) + "\n")


def read_bench_key(path: Path) -> tuple[str, bool] | None:
    """The key and success flag of a stored run, or None when unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["key"]), bool(data["ok"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
