"""The split of test files over N shards, and the plan file that records it.

Longest processing time first: files sorted by expected seconds (longest
first, ties by kind and path), each put on the shard with the least load
(ties: the lowest index).  A file with no recorded duration is expected to
take the median of the known durations of the files being planned (1 s when
none is known), so new files spread like typical ones.  The same files and
durations always give the same plan.

A plan is written to a file by the planning job; a shard given that file runs
exactly the part it names, even when the history changed since (a retried
shard reruns its own part, never another's).
"""

from __future__ import annotations

import heapq
import json
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_text_atomic
from gauntlet.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

PLAN_SCHEMA = 1
NO_HISTORY_S = 1.0  # expected seconds of a file when no file has a recorded duration
KINDS = ("mojo", "python")


@dataclass(frozen=True, order=True)
class TestFile:
    """One test file: ``mojo`` (a doit test task) or ``python`` (a pytest file)."""

    __test__ = False  # not a pytest test class

    kind: str
    path: str

    @property
    def key(self) -> str:
        """``kind:path``, how durations are looked up."""
        return f"{self.kind}:{self.path}"


@dataclass(frozen=True)
class Planned:
    """A file put on a shard, with the seconds expected of it and whether they were known."""

    file: TestFile
    seconds: float
    known: bool


@dataclass(frozen=True)
class Shard:
    """One shard's part of the plan."""

    index: int
    items: tuple[Planned, ...]

    @property
    def seconds(self) -> float:
        """The expected seconds of the whole part."""
        return sum(p.seconds for p in self.items)

    def paths(self, kind: str) -> tuple[str, ...]:
        """The part's files of one kind, in order."""
        return tuple(p.file.path for p in self.items if p.file.kind == kind)


@dataclass(frozen=True)
class ShardPlan:
    """Every shard's part, and the fallback duration files without history got."""

    count: int
    shards: tuple[Shard, ...]
    fallback_s: float

    @property
    def total_s(self) -> float:
        """Expected seconds of every file."""
        return sum(s.seconds for s in self.shards)

    @property
    def makespan_s(self) -> float:
        """Expected seconds of the longest shard."""
        return max((s.seconds for s in self.shards), default=0.0)

    @property
    def ideal_s(self) -> float:
        """The total divided evenly: no split can do better."""
        return self.total_s / self.count

    def part(self, index: int) -> Shard:
        """Shard ``index``'s part (a usage error when there is no such shard)."""
        if not 0 <= index < self.count:
            raise UsageError(f"--index {index}: the plan has shards 0 to {self.count - 1}")
        return self.shards[index]

    def matrix(self) -> dict[str, Any]:
        """A GitHub Actions matrix, for ``strategy.matrix: ${{ fromJSON(...) }}``."""
        return {"include": [{"shard": s.index, "count": self.count} for s in self.shards]}

    def to_json(self) -> dict[str, Any]:
        """The plan file's content."""
        return {
            "schema_version": PLAN_SCHEMA,
            "count": self.count,
            "fallback_s": self.fallback_s,
            "shards": [
                {
                    "index": s.index,
                    "seconds": round(s.seconds, 6),
                    "files": [
                        {
                            "kind": p.file.kind,
                            "path": p.file.path,
                            "seconds": p.seconds,
                            "known": p.known,
                        }
                        for p in s.items
                    ],
                }
                for s in self.shards
            ],
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> ShardPlan:
        """A plan read back; a malformed one is an error naming ``where``."""
        try:
            if data["schema_version"] != PLAN_SCHEMA:
                raise UsageError(
                    f"{where}: shard plan schema {data['schema_version']}, this gauntlet "
                    f"reads {PLAN_SCHEMA}; plan again with `gauntlet shard --plan-out`"
                )
            shards = tuple(
                Shard(
                    int(s["index"]),
                    tuple(
                        Planned(
                            TestFile(str(f["kind"]), str(f["path"])),
                            float(f["seconds"]),
                            bool(f["known"]),
                        )
                        for f in s["files"]
                    ),
                )
                for s in data["shards"]
            )
            plan = cls(int(data["count"]), shards, float(data["fallback_s"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError(f"{where}: not a shard plan ({exc!r})") from None
        if [s.index for s in plan.shards] != list(range(plan.count)):
            raise UsageError(f"{where}: not a shard plan (shards are not 0 to {plan.count - 1})")
        return plan


def fallback_seconds(files: Iterable[TestFile], durations: Mapping[str, float]) -> float:
    """The median of the known durations of ``files``; :data:`NO_HISTORY_S` if none is known."""
    known = [durations[f.key] for f in files if f.key in durations]
    return float(statistics.median(known)) if known else NO_HISTORY_S


def balance(files: Iterable[TestFile], durations: Mapping[str, float], count: int) -> ShardPlan:
    """Split ``files`` over ``count`` shards, longest first onto the least-loaded shard."""
    if count < 1:
        raise UsageError(f"--count {count}: give at least 1 shard")
    unique = sorted(set(files))
    fallback = fallback_seconds(unique, durations)
    planned = [
        Planned(f, durations[f.key], True) if f.key in durations else Planned(f, fallback, False)
        for f in unique
    ]
    planned.sort(key=lambda p: (-p.seconds, p.file))
    loads = [(0.0, index) for index in range(count)]
    parts: list[list[Planned]] = [[] for _ in range(count)]
    for item in planned:
        load, index = heapq.heappop(loads)
        parts[index].append(item)
        heapq.heappush(loads, (load + item.seconds, index))
    shards = tuple(
        Shard(i, tuple(sorted(part, key=lambda p: p.file))) for i, part in enumerate(parts)
    )
    return ShardPlan(count, shards, fallback)


def write_plan(plan: ShardPlan, path: Path) -> None:
    """Write the plan file (its folder created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(plan.to_json(), indent=1) + "\n")


def read_plan(path: Path) -> ShardPlan:
    """A plan file written by :func:`write_plan`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such shard plan; write it with --plan-out") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: unreadable shard plan ({exc})") from None
    return ShardPlan.from_json(data, str(path))
