"""Typed test results and their JSON form (with a schema version).

A result file holds one test file's outcome: every test case, the content key
it was computed for, and timings.  Files are the boundary between stages, so
reading one validates it and names the file when it is malformed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_text_atomic
from gauntlet.errors import ResultError
from gauntlet.results.ranked import Ranked

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_VERSION = 1


class Status(Ranked):
    """Outcome of one test case or one file; ordered from best to worst (``rank``)."""

    PASSED = "passed"
    SKIPPED = "skipped"
    FAILED = "failed"
    ERROR = "error"

    @property
    def ok(self) -> bool:
        """Whether this outcome lets a run pass."""
        return self in (Status.PASSED, Status.SKIPPED)


@dataclass(frozen=True)
class TestCase:
    """One test function's outcome (or one file's, when it reports no tests)."""

    __test__ = False  # not a pytest test class

    name: str
    file: str
    status: Status
    duration_s: float = 0.0
    message: str = ""
    detail: str = ""
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form of this case."""
        return {
            "name": self.name,
            "file": self.file,
            "status": self.status.value,
            "duration_s": round(self.duration_s, 6),
            "message": self.message,
            "detail": self.detail,
            "line": self.line,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TestCase:
        """Read a case written by :meth:`to_json`."""
        line = data.get("line")
        return cls(
            name=str(data["name"]),
            file=str(data["file"]),
            status=Status(data["status"]),
            duration_s=float(data.get("duration_s", 0.0)),
            message=str(data.get("message", "")),
            detail=str(data.get("detail", "")),
            line=int(line) if line is not None else None,
        )


def worst(statuses: list[Status]) -> Status:
    """The most severe of some outcomes (PASSED when there are none)."""
    return max(statuses, key=lambda s: s.rank, default=Status.PASSED)


@dataclass(frozen=True)
class FileResult:
    """The outcome of compiling and running one Mojo test file."""

    file: str
    key: str
    cases: tuple[TestCase, ...]
    compile_s: float = 0.0
    run_s: float = 0.0
    exit_code: int | None = None
    toolchain: str = ""
    output_tail: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def status(self) -> Status:
        """The worst status among the cases."""
        return worst([c.status for c in self.cases])

    def count(self, status: Status) -> int:
        """How many cases ended with ``status``."""
        return sum(1 for c in self.cases if c.status is status)

    def to_json(self) -> dict[str, Any]:
        """The JSON form of this result, with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "file": self.file,
            "key": self.key,
            "status": self.status.value,
            "compile_s": round(self.compile_s, 3),
            "run_s": round(self.run_s, 3),
            "exit_code": self.exit_code,
            "toolchain": self.toolchain,
            "output_tail": self.output_tail,
            "cases": [c.to_json() for c in self.cases],
            **({"extra": self.extra} if self.extra else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileResult:
        """Read a result written by :meth:`to_json`."""
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"schema_version {data.get('schema_version')!r} is not supported")
        cases = tuple(TestCase.from_json(c) for c in data["cases"])
        if not cases:
            raise ValueError("no test cases (every written result has at least one)")
        if "status" in data and Status(data["status"]) is not worst([c.status for c in cases]):
            raise ValueError(f"status {data['status']!r} disagrees with its cases")
        return cls(
            file=str(data["file"]),
            key=str(data["key"]),
            cases=cases,
            compile_s=float(data.get("compile_s", 0.0)),
            run_s=float(data.get("run_s", 0.0)),
            exit_code=data.get("exit_code"),
            toolchain=str(data.get("toolchain", "")),
            output_tail=str(data.get("output_tail", "")),
            extra=dict(data.get("extra", {})),
        )


def write_result(path: Path, result: FileResult) -> None:
    """Write a result file atomically."""
    write_text_atomic(path, json.dumps(result.to_json(), indent=1) + "\n")


def read_result(path: Path) -> FileResult:
    """Read one result file; a missing or malformed file raises ResultError naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return FileResult.from_json(data)
    except FileNotFoundError:
        raise ResultError(
            f"{path}: result file is missing; rerun the task that writes it"
        ) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ResultError(f"{path}: malformed result file ({exc}); delete it and rerun") from None


def current_result(path: Path, key: str) -> FileResult | None:
    """The result at ``path`` if it exists, is readable and was made for ``key``."""
    try:
        result = read_result(path)
    except ResultError:
        return None
    return result if result.key == key else None
