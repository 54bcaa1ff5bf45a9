"""Findings of code checkers, read from the files the tools write.

Each reader turns one tool's standard output format into :class:`Finding`
values: ruff JSON (``ruff check`` and ``ruff format --check``), mypy's
``-O json`` lines, bandit JSON, detect-secrets' baseline JSON, actionlint's
JSON, and gauntlet's own findings file (used for ``mojo format`` checks).  A
file that cannot be read raises :class:`~gauntlet.errors.ResultError` naming it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_text_atomic
from gauntlet.results.jsonfile import convert, load_json
from gauntlet.results.ranked import Ranked

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

SCHEMA_VERSION = 1


class Severity(Ranked):
    """How serious a finding is; ordered from least to most (``rank``)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True)
class Finding:
    """One problem a tool reported at one place."""

    tool: str
    rule: str
    message: str
    file: str = ""
    line: int | None = None
    severity: Severity = Severity.HIGH

    @property
    def where(self) -> str:
        """``file:line``, or the file alone, or empty."""
        return f"{self.file}:{self.line}" if self.file and self.line else self.file

    @property
    def ident(self) -> str:
        """How a waiver names this finding: ``tool:rule:file:line``."""
        return f"{self.tool}:{self.rule}:{self.where}"

    def to_json(self) -> dict[str, Any]:
        """The JSON form of this finding."""
        return {
            "tool": self.tool,
            "rule": self.rule,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "severity": self.severity.value,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        """Read a finding written by :meth:`to_json`."""
        line = data.get("line")
        return cls(
            tool=str(data["tool"]),
            rule=str(data["rule"]),
            message=str(data["message"]),
            file=str(data.get("file", "")),
            line=int(line) if line is not None else None,
            severity=Severity(data.get("severity", "high")),
        )


def _read(
    path: Path, reader: Callable[[Any], Iterable[Finding]], *, lines: bool = False
) -> tuple[Finding, ...]:
    data = load_json(path, lines=lines)
    return convert(path, data, lambda d: tuple(reader(d)), "the expected tool's JSON output")


def read_ruff(path: Path, tool: str = "ruff") -> tuple[Finding, ...]:
    """``ruff check --output-format json`` or ``ruff format --check --output-format json``."""

    def convert(data: list[dict[str, Any]]) -> Iterable[Finding]:
        for item in data:
            location = item.get("location") or {}
            yield Finding(
                tool,
                str(item["code"] or "syntax"),
                str(item["message"]),
                str(item["filename"]),
                location.get("row"),
            )

    return _read(path, convert)


def read_mypy(path: Path) -> tuple[Finding, ...]:
    """``mypy -O json``: one JSON object per line; notes are not findings."""

    def convert(data: list[dict[str, Any]]) -> Iterable[Finding]:
        for item in data:
            if item["severity"] != "error":
                continue
            yield Finding(
                "mypy",
                str(item.get("code") or "error"),
                str(item["message"]),
                str(item["file"]),
                item.get("line"),
            )

    return _read(path, convert, lines=True)


def read_bandit(path: Path) -> tuple[Finding, ...]:
    """``bandit -f json``: results with ``issue_severity`` LOW, MEDIUM or HIGH."""

    def convert(data: dict[str, Any]) -> Iterable[Finding]:
        for item in data["results"]:
            yield Finding(
                "bandit",
                str(item["test_id"]),
                str(item["issue_text"]),
                str(item["filename"]),
                item.get("line_number"),
                Severity(str(item["issue_severity"]).lower()),
            )

    return _read(path, convert)


def read_secrets(path: Path) -> tuple[Finding, ...]:
    """``detect-secrets scan`` output: ``results`` maps each file to its secrets."""

    def convert(data: dict[str, Any]) -> Iterable[Finding]:
        for file, items in data["results"].items():
            for item in items:
                yield Finding(
                    "detect-secrets",
                    str(item["type"]),
                    f"possible secret ({item['type']})",
                    str(file),
                    item.get("line_number"),
                )

    return _read(path, convert)


def read_actionlint(path: Path) -> tuple[Finding, ...]:
    """``actionlint -format '{{json .}}'``: a list of errors."""

    def convert(data: list[dict[str, Any]] | None) -> Iterable[Finding]:
        for item in data or []:
            yield Finding(
                "actionlint",
                str(item.get("kind", "error")),
                str(item["message"]),
                str(item["filepath"]),
                item.get("line"),
            )

    return _read(path, convert)


def read_findings(path: Path) -> tuple[Finding, ...]:
    """gauntlet's own findings file (schema_version 1), for tools without a format."""

    def convert(data: dict[str, Any]) -> Iterable[Finding]:
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"schema_version {data.get('schema_version')!r} is not supported")
        return [Finding.from_json(item) for item in data["findings"]]

    return _read(path, convert)


def write_findings(path: Path, tool: str, findings: Iterable[Finding]) -> None:
    """Write gauntlet's own findings file (atomically)."""
    data = {
        "schema_version": SCHEMA_VERSION,
        "tool": tool,
        "findings": [f.to_json() for f in findings],
    }
    write_text_atomic(path, json.dumps(data, indent=1) + "\n")
