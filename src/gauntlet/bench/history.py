"""The benchmark history: append-only JSON lines, one file per machine fingerprint.

``<build-dir>/bench-history/<fingerprint>.jsonl`` (``Layout.build.bench_history``) holds one
:class:`~gauntlet.bench.records.BenchResults` per line, oldest first.  Figures
from different machines or toolchains land in different files, so a history
never mixes them.  A line is written with one ``write`` on a file opened for
appending and synced, so concurrent runs add whole lines; a last line without
its newline (a run killed while writing) is skipped, any other bad line is an
error naming ``file:line``.  The files are plain text: CI can cache, merge or
publish them as they are.
"""

from __future__ import annotations

import json
import os
from statistics import median
from typing import TYPE_CHECKING, NamedTuple

from gauntlet.bench.records import BenchResults
from gauntlet.errors import ResultError

if TYPE_CHECKING:
    from pathlib import Path


class Point(NamedTuple):
    """One run of one benchmark in its history."""

    timestamp: float
    commit: str
    median: float
    unit: str
    samples: int


class HistoryStore:
    """The history files under one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, fingerprint: str) -> Path:
        """The history file of one machine fingerprint."""
        return self.folder / f"{fingerprint}.jsonl"

    def append(self, results: BenchResults) -> Path:
        """Add one run at the end of its machine's history."""
        path = self.path_for(results.environment.fingerprint)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(results.to_json(), separators=(",", ":")) + "\n").encode()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        return path

    def fingerprints(self) -> tuple[str, ...]:
        """Machines with a history, most recently written first."""
        if not self.folder.is_dir():
            return ()
        files = sorted(self.folder.glob("*.jsonl"), key=lambda p: p.stat().st_mtime, reverse=True)
        return tuple(p.stem for p in files)

    def load(self, fingerprint: str) -> tuple[BenchResults, ...]:
        """Every run recorded for one machine, oldest first."""
        path = self.path_for(fingerprint)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ()
        except OSError as exc:
            raise ResultError(f"{path}: cannot read the benchmark history: {exc}") from None
        lines = text.split("\n")
        runs = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            last = number == len(lines)
            try:
                data = json.loads(line)
            except ValueError:
                if last:  # no newline after it: an append that was cut short
                    continue
                raise ResultError(
                    f"{path}:{number}: not a JSON line; delete that line to repair the history"
                ) from None
            runs.append(BenchResults.from_json(data, f"{path}:{number}"))
        return tuple(sorted(runs, key=lambda r: r.timestamp))

    def names(self, fingerprint: str) -> tuple[str, ...]:
        """Every benchmark name in one machine's history."""
        seen: dict[str, None] = {}
        for run in self.load(fingerprint):
            for m in run.measurements:
                seen.setdefault(m.name, None)
        return tuple(seen)

    def series(self, name: str, fingerprint: str) -> tuple[Point, ...]:
        """The history of one benchmark on one machine, oldest first."""
        points = []
        for run in self.load(fingerprint):
            m = run.get(name)
            if m is not None and m.samples:
                points.append(
                    Point(run.timestamp, run.commit, median(m.samples), m.unit, len(m.samples))
                )
        return tuple(points)
