"""Merging per-file test results into one report: JUnit XML and a JSON summary.

A planned test whose result is missing, unreadable or made for another key
(the run was interrupted, or the file changed since) is reported as an error,
never silently dropped; after a partial run there may be hundreds of them, so
they are also summarised as one line per folder (:meth:`Summary.missing`).
Compile time and run time stay apart: a file that did not compile has no run
time, and its compile time never counts as a slow test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_text_atomic
from gauntlet.errors import ResultError
from gauntlet.layout import BuildDir
from gauntlet.results.junit import write_junit
from gauntlet.results.records import FileResult, Status, TestCase, read_result, worst

if TYPE_CHECKING:
    from gauntlet.graph.plan import Plan

SUMMARY_SCHEMA = 1
NAMED = 3  # a folder's missing files are named up to this many
MISSING = "missing"  # the ``extra`` key of a result made up for a missing one


@dataclass(frozen=True)
class MissingGroup:
    """Planned test files of one folder that have no current result, for one reason."""

    folder: str
    reason: str
    files: tuple[str, ...]
    planned: int  # test files planned in that folder

    def line(self) -> str:
        """One line for people: folder, how many of how many, why, what to do."""
        named = f" ({', '.join(self.files)})" if len(self.files) <= NAMED else ""
        return (
            f"{self.folder}: {len(self.files)} of {self.planned} test file(s) {self.reason}"
            f"{named}; run `doit test` to produce them"
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON form (in the summary's ``missing`` list)."""
        return {
            "folder": self.folder,
            "reason": self.reason,
            "count": len(self.files),
            "planned": self.planned,
            "files": list(self.files),
        }


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

    def ran(self) -> tuple[FileResult, ...]:
        """Results of files that compiled and ran (not missing, not a compile error)."""
        return tuple(r for r in self.results if MISSING not in r.extra and r.exit_code is not None)

    def slowest(self, count: int = 5) -> tuple[TestCase, ...]:
        """The ``count`` slowest cases of the files that ran (compile time is not test time)."""
        cases = [c for r in self.ran() for c in r.cases]
        return tuple(sorted(cases, key=lambda c: c.duration_s, reverse=True)[:count])

    def slowest_files(self, count: int = 5) -> tuple[FileResult, ...]:
        """The ``count`` files that took longest to compile and run, present results only."""
        present = [r for r in self.results if MISSING not in r.extra]
        return tuple(sorted(present, key=lambda r: r.compile_s + r.run_s, reverse=True)[:count])

    def present_failures(self) -> tuple[TestCase, ...]:
        """Failures of results that exist (the missing ones are in :meth:`missing`)."""
        return tuple(
            c for r in self.results if MISSING not in r.extra for c in r.cases if not c.status.ok
        )

    def missing(self) -> tuple[MissingGroup, ...]:
        """Missing or out-of-date results, one group per folder and reason."""
        planned: dict[str, int] = {}
        groups: dict[tuple[str, str], list[str]] = {}
        for r in self.results:
            folder = str(PurePosixPath(r.file).parent)
            planned[folder] = planned.get(folder, 0) + 1
            if MISSING in r.extra:
                groups.setdefault((folder, str(r.extra[MISSING])), []).append(r.file)
        return tuple(
            MissingGroup(folder, reason, tuple(files), planned[folder])
            for (folder, reason), files in sorted(groups.items())
        )

    def whole_files(self) -> tuple[str, ...]:
        """Files that gave one result for the whole file: they define no test function
        gauntlet could call one by one, and print no per-test lines."""
        return tuple(r.file for r in self.ran() if r.extra.get("per_test") == "file")

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
            "missing": [g.to_json() for g in self.missing()],
            "one_result_per_file": list(self.whole_files()),
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
            absent = not path.exists()
            reason = "have no result" if absent else "have an unreadable result"
            results.append(_missing(step.name, step.key, str(exc), reason))
            continue
        if result.key != step.key:
            message = "result is out of date (the file or its imports changed); rerun `doit test`"
            reason = "have an out-of-date result (changed since)"
            results.append(_missing(step.name, step.key, message, reason))
            continue
        results.append(result)
    return Summary(plan.report_key, tuple(results), plan.deselected)


def _missing(file: str, key: str, message: str, reason: str) -> FileResult:
    case = TestCase(file, file, Status.ERROR, 0.0, message)
    return FileResult(file=file, key=key, cases=(case,), extra={MISSING: reason})


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
