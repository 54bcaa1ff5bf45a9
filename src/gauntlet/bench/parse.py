"""Readers of benchmark output into :class:`~gauntlet.bench.records.Measurement` values.

Formats:

* ``std.benchmark`` Markdown (``| name | met (ms) | iters |``), among progress
  lines; repeated tables (``-r N``) give one sample per table;
* ``std.benchmark`` CSV (``name,met (ms),iters``, names may be quoted);
* in both, every throughput column a ``ThroughputMeasure`` adds (``throughput
  (GElems/s)``, ``Arithmetic (GFLOPS/s)``, ``DataMovement (GB/s)``) is a
  measurement of its own, kind throughput, named ``NAME UNIT`` (e.g.
  ``sum/input_id:1000 GFLOPS/s``);
* the older ``Benchmark Report (s)`` block of ``benchmark.run(...).print()``
  (``Mean:``, ``Total:``, ``Iters:`` lines), named by the line above it;
* pytest-benchmark JSON (``--benchmark-json``; every sample when saved with
  ``--benchmark-save-data``, else the median);
* gauntlet JSON lines: one object per line, ``{"name": "matmul", "unit": "ms",
  "samples": [1.2, 1.3]}`` (or ``"value": 1.2``), optional ``"kind":
  "wall_time" | "instructions"`` and ``"iters"``; the unit defaults to ``ms``
  (``instructions`` for instruction counts); blank and ``#`` lines skipped.

Malformed or truncated output is a :class:`~gauntlet.errors.ResultError`
naming ``source:line`` and what was wrong there.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from typing import Any

from gauntlet.bench.records import INSTRUCTIONS, TIME_UNITS, Measurement, MetricKind
from gauntlet.errors import ResultError

_MET = re.compile(r"^met\s*\((\w+)\)$")
_RATE = re.compile(r"^.*\((\S+/s)\)$")
_RULE = re.compile(r"^\|?\s*:?-{3,}")
_LEGACY = re.compile(r"^Benchmark Report \((\w+)\)$")
_FIELD = re.compile(r"^([A-Za-z ]+):\s*(\S+)\s*$")


def _number(text: str, where: str, what: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise ResultError(f"{where}: {what} {text.strip()!r} is not a number") from None


def _unit(text: str, where: str) -> str:
    unit = text.replace("µ", "u")
    if unit not in TIME_UNITS:
        known = ", ".join(TIME_UNITS)
        raise ResultError(f"{where}: unknown time unit {text!r}; expected one of {known}")
    return unit


class _Collector:
    """Samples gathered per name, in first-seen order."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {}
        self.meta: dict[str, tuple[str, MetricKind, int]] = {}

    def add(self, name: str, value: float, unit: str, kind: MetricKind, iters: int) -> None:
        self.samples.setdefault(name, []).append(value)
        self.meta.setdefault(name, (unit, kind, iters))

    def result(self) -> tuple[Measurement, ...]:
        return tuple(
            Measurement(name, tuple(values), *self.meta[name])
            for name, values in self.samples.items()
        )


def parse_markdown(text: str, source: str) -> tuple[Measurement, ...]:
    """Rows of every ``std.benchmark`` Markdown table in ``text``."""
    found = _Collector()
    header: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        where = f"{source}:{number}"
        if not stripped.startswith("|"):
            header = None
            continue
        if _RULE.match(stripped):
            continue
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        if header is None:
            header = cells
            if "name" not in header or not any(_MET.match(c) for c in header):
                raise ResultError(f"{where}: table header {cells} has no 'name' and 'met (unit)'")
            continue
        if not stripped.endswith("|") or len(cells) != len(header):
            raise ResultError(f"{where}: truncated table row ({len(cells)} of {len(header)} cells)")
        met, unit = _met_column(header)
        _add_row(found, dict(zip(header, cells, strict=True)), met, _unit(unit, where), where)
    return found.result()


def _add_row(found: _Collector, row: dict[str, str], met: str, unit: str, where: str) -> None:
    """One table row: its time per iteration and every throughput column."""
    name = _name(row["name"], where)
    iters = int(_number(row.get("iters", "0") or "0", where, "iters"))
    found.add(name, _number(row[met], where, met), unit, MetricKind.WALL_TIME, iters)
    for column, text in row.items():
        rate = _RATE.match(column)
        if rate:
            value = _number(text, where, column)
            found.add(f"{name} {rate.group(1)}", value, rate.group(1), MetricKind.THROUGHPUT, iters)


def _met_column(header: list[str]) -> tuple[str, str]:
    for cell in header:
        match = _MET.match(cell)
        if match:
            return cell, match.group(1)
    return "", ""


def _name(text: str, where: str) -> str:
    if not text.strip():
        raise ResultError(f"{where}: row has no benchmark name")
    return text.strip()


def parse_csv(text: str, source: str) -> tuple[Measurement, ...]:
    """Rows of ``std.benchmark`` CSV output (``--format csv`` or ``-o FILE``)."""
    found = _Collector()
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip().lower().startswith("name,")), None)
    if start is None:
        raise ResultError(f"{source}: no CSV header starting with 'name,'")
    header = [h.strip() for h in next(csv.reader([lines[start]]))]
    met, unit_text = _met_column(header)
    if not met:
        raise ResultError(f"{source}:{start + 1}: CSV header has no 'met (unit)' column")
    unit = _unit(unit_text, f"{source}:{start + 1}")
    for offset, cells in enumerate(csv.reader(lines[start + 1 :]), start=start + 2):
        where = f"{source}:{offset}"
        if not cells or not "".join(cells).strip():
            continue
        if len(cells) != len(header):
            raise ResultError(f"{where}: truncated CSV row ({len(cells)} of {len(header)} cells)")
        _add_row(found, dict(zip(header, cells, strict=True)), met, unit, where)
    return found.result()


def parse_legacy_report(text: str, source: str) -> tuple[Measurement, ...]:
    """``Benchmark Report (unit)`` blocks: the mean per iteration is the sample."""
    found = _Collector()
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        match = _LEGACY.match(line.strip())
        if not match:
            continue
        where = f"{source}:{number}"
        unit = _unit(match.group(1), where)
        above = [ln.strip() for ln in lines[: number - 1] if ln.strip().strip("-")]
        name = above[-1] if above and not _FIELD.match(above[-1]) else f"benchmark {number}"
        fields: dict[str, str] = {}
        for following in lines[number:]:
            text_line = following.strip()
            if not text_line.strip("-"):
                continue
            field_match = _FIELD.match(text_line)
            if not field_match:
                break
            fields[field_match.group(1).strip().lower()] = field_match.group(2)
        if "mean" not in fields:
            raise ResultError(f"{where}: truncated 'Benchmark Report' block: no 'Mean:' line")
        iters = int(_number(fields.get("iters", "0"), where, "Iters"))
        found.add(name, _number(fields["mean"], where, "Mean"), unit, MetricKind.WALL_TIME, iters)
    return found.result()


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        place = f"{where}:{line}" if line else where
        raise ResultError(f"{place}: not valid JSON ({exc}); is the file truncated?") from None


def parse_pytest_benchmark(text: str, source: str) -> tuple[Measurement, ...]:
    """The ``benchmarks`` of a pytest-benchmark JSON file; times are seconds."""
    data = _json(text, source)
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), list):
        raise ResultError(f"{source}: not pytest-benchmark JSON (no 'benchmarks' list)")
    found = _Collector()
    for index, bench in enumerate(data["benchmarks"]):
        try:
            stats = bench["stats"]
            name = str(bench.get("fullname") or bench["name"])
            values = stats.get("data") or [stats["median"]]
            rounds = int(stats.get("rounds", 0))
            for value in values:
                found.add(name, float(value), "s", MetricKind.WALL_TIME, rounds)
        except (KeyError, TypeError, ValueError) as exc:
            raise ResultError(f"{source}: benchmarks[{index}] is malformed: {exc!r}") from None
    return found.result()


def parse_json_lines(text: str, source: str) -> tuple[Measurement, ...]:
    """gauntlet JSON lines (see the module documentation)."""
    found = _Collector()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{source}:{number}"
        item = _json(line, where)
        try:
            kind = MetricKind(item.get("kind", "wall_time"))
            unit = str(item.get("unit", INSTRUCTIONS if kind is MetricKind.INSTRUCTIONS else "ms"))
            if kind is MetricKind.WALL_TIME:
                unit = _unit(unit, where)
            values = item["samples"] if "samples" in item else [item["value"]]
            for value in values:
                found.add(
                    _name(str(item["name"]), where),
                    float(value),
                    unit,
                    kind,
                    int(item.get("iters", 0)),
                )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ResultError(
                f'{where}: expected {{"name": ..., "samples": [...] or "value": ...}}, '
                f"got {line.strip()[:80]!r} ({exc!r})"
            ) from None
    return found.result()


Parser = Callable[[str, str], tuple[Measurement, ...]]
PARSERS: dict[str, Parser] = {
    "markdown": parse_markdown,
    "csv": parse_csv,
    "legacy": parse_legacy_report,
    "pytest-benchmark": parse_pytest_benchmark,
    "jsonl": parse_json_lines,
}


def detect_format(text: str) -> str:
    """The name of the parser that fits ``text``."""
    stripped = text.lstrip()
    if stripped.startswith("{") and '"benchmarks"' in text and '"stats"' in text:
        return "pytest-benchmark"
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if lines and next((ln for ln in lines if not ln.startswith("#")), "").startswith("{"):
        return "jsonl"
    if any(_LEGACY.match(ln.strip()) for ln in text.splitlines()):
        return "legacy"
    if any(ln.strip().startswith("|") for ln in text.splitlines()):
        return "markdown"
    return "csv"


def parse_output(text: str, source: str, fmt: str = "auto") -> tuple[Measurement, ...]:
    """Measurements in ``text`` in format ``fmt`` (or detected); none found is an error."""
    name = detect_format(text) if fmt == "auto" else fmt
    if name not in PARSERS:
        raise ResultError(f"unknown benchmark format {fmt!r}; known: {', '.join(PARSERS)}")
    found = PARSERS[name](text, source)
    if not found:
        hint = {
            "markdown": "a Mojo benchmark must call dump_report() at the end of main",
            "jsonl": 'print one JSON object per line, e.g. {"name": "x", "samples": [1.2]}',
        }.get(name, "is it the benchmark's complete output?")
        raise ResultError(f"{source}: no benchmark results in {name} output ({hint})")
    return found
