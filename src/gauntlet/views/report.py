"""Merging per-file test results into one report: JUnit XML and a JSON summary.

A planned test whose result is missing, unreadable or made for another key
(the run was interrupted, or the file changed since) is reported as an error,
never silently dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_text_atomic
from gauntlet.errors import ResultError
from gauntlet.layout import BuildDir
from gauntlet.results.junit import write_junit
from gauntlet.results.records import FileResult, Status, TestCase, read_result, worst

if TYPE_CHECKING:
    from gauntlet.graph.plan import Plan

SUMMARY_SCHEMA = 1


@dataclass(frozen=True)
class Summary:
    """Every planned test file's current result, merged."""

    key: str
    results: tuple[FileResult, ...]
    deselected: tuple[str, ...] = ()

    @property
    def cases(self) -> tuple[TestCase, ...]:
        """All test cases of all files."""
        return tuple(c for r in self.results for c in r.cases)

    @property
    def status(self) -> Status:
        """The worst outcome of any case."""
        return worst([c.status for c in self.cases])

    def totals(self) -> dict[str, int]:
        """Count of cases per status, plus ``total``."""
        counts = {s.value: 0 for s in Status}
        for case in self.cases:
            counts[case.status.value] += 1
        counts["total"] = len(self.cases)
        return counts

    def failures(self) -> tuple[TestCase, ...]:
        """Cases that failed or errored, in file order."""
        return tuple(c for c in self.cases if not c.status.ok)

    def slowest(self, count: int = 5) -> tuple[TestCase, ...]:
        """The ``count`` slowest cases."""
        return tuple(sorted(self.cases, key=lambda c: c.duration_s, reverse=True)[:count])

    def to_json(self) -> dict[str, Any]:
        """The JSON summary written beside the merged JUnit file."""
        return {
            "schema_version": SUMMARY_SCHEMA,
            "key": self.key,
            "status": self.status.value,
            "totals": self.totals(),
            "files": [
                {
                    "file": r.file,
                    "status": r.status.value,
                    "compile_s": r.compile_s,
                    "run_s": r.run_s,
                    "tests": len(r.cases),
                }
                for r in self.results
            ],
            "failures": [c.to_json() for c in self.failures()],
            "slowest": [c.to_json() for c in self.slowest()],
            "deselected": list(self.deselected),
        }


def collect(plan: Plan, build: BuildDir) -> Summary:
    """Read the current result of every planned test file."""
    results = []
    for step in plan.tests:
        path = build.at(step.output)
        try:
            result = read_result(path)
        except ResultError as exc:
            results.append(_missing(step.name, step.key, str(exc)))
            continue
        if result.key != step.key:
            message = "result is out of date (the file or its imports changed); rerun `doit test`"
            results.append(_missing(step.name, step.key, message))
            continue
        results.append(result)
    return Summary(plan.report_key, tuple(results), plan.deselected)


def _missing(file: str, key: str, message: str) -> FileResult:
    case = TestCase(file, file, Status.ERROR, 0.0, message)
    return FileResult(file=file, key=key, cases=(case,))


def write_report(summary: Summary, build: BuildDir) -> tuple[Path, Path]:
    """Write the merged JUnit XML and the JSON summary; return their paths."""
    junit = build.junit_mojo
    write_junit(junit, summary.results)
    data = build.summary
    write_text_atomic(data, json.dumps(summary.to_json(), indent=1) + "\n")
    return junit, data


def report_current(build: BuildDir, key: str) -> bool:
    """Whether the written summary was made for ``key`` and passed."""
    try:
        data = json.loads(build.summary.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("key") == key and data.get("status") == "passed"
