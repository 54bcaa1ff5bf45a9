"""The results directory, and reading everything the gates need from it.

One results directory per repository, ``<repo>/.gauntlet/results/``::

    python/junit-python-X.Y.xml  pytest, one per Python version of the matrix
    python/coverage.json         coverage.py JSON (plus coverage.xml, Cobertura)
    python/affected-X.Y.json     an affected run's choice (gauntlet.graph.affected)
    lint/ruff.json, ruff-format.json, mojo-format.json, actionlint.json, import-linter.json
    types/mypy.json              mypy -O json
    security/bandit.json, pip-audit.json, secrets.json
    logs/<session>.log           what each tool printed
    pipeline.json                when the pipeline started, and its stages
    bench-comparison.json        `gauntlet bench compare --json-file`, when a comparison ran
    gates/                       the verdict and its reports

The Mojo test report and raw benchmark runs are read from the configured
project's own results folder (``<root>/<build-dir>/results/``).  A file that
is missing or unreadable becomes :class:`Missing`, naming the tool, the file
and the log to read; the gate that needs it then reports "no data".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from gauntlet.errors import ResultError
from gauntlet.results.audit import Audit
from gauntlet.results.coverage import Coverage
from gauntlet.results.findings import (
    Finding,
    read_actionlint,
    read_findings,
    read_ruff,
)
from gauntlet.results.junitread import TestRun
from gauntlet.results.pipeline import StageTime

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

T = TypeVar("T")
COMPARISON_SCHEMA = 2  # gauntlet.bench.compare.REPORT_SCHEMA_VERSION


@dataclass(frozen=True)
class Missing:
    """A results file a tool should have written, but which is absent or unreadable."""

    tool: str
    path: str
    log: str
    problem: str = ""

    @property
    def message(self) -> str:
        """What is missing, and where to look."""
        what = self.problem or f"{self.tool} wrote no results ({self.path} is missing)"
        return f"{what}; see {self.log}"


Findings = tuple[Finding, ...]


@dataclass(frozen=True)
class Unaffected:
    """An affected run: the tests it left out keep the result of the test map's run."""

    version: str
    ran: int
    unaffected: int
    since: str  # the map's run

    @property
    def text(self) -> str:
        """``Python 3.11: 12 run, 1088 unaffected since run X``."""
        left = f"{self.unaffected} unaffected since run {self.since}"
        return f"Python {self.version}: {self.ran} run, {left}"


def read_unaffected(path: Path, version: str) -> Unaffected | None:
    """An ``affected-X.Y.json`` that left tests out; None: it ran everything, or is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ran, left = len(data["selected"]), int(data["collected"]) - len(data["selected"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if data.get("everything") or left <= 0:
        return None
    return Unaffected(version, ran, left, str(data.get("map_run", "")))


@dataclass(frozen=True)
class NotRun:
    """A tool that could not run on this machine (e.g. it could not be installed)."""

    tool: str
    reason: str


@dataclass(frozen=True)
class Comparison:
    """One benchmark's change against its baseline, as ``gauntlet bench compare`` judged it."""

    name: str
    change_percent: float
    significant: bool
    verdict: str = ""
    gated: bool = True
    reason: str = ""


@dataclass(frozen=True)
class BenchData:
    """Raw benchmark runs on disk, and comparisons when something computed them."""

    runs: int
    failed: tuple[str, ...]  # "file: message" of runs that did not succeed
    comparisons: tuple[Comparison, ...] | None  # None: no comparison data yet


@dataclass(frozen=True)
class Inputs:
    """Everything the gates look at, parsed."""

    python_tests: tuple[TestRun | Missing, ...] = ()
    missing_pythons: tuple[str, ...] = ()
    mojo_tests: TestRun | Missing | None = None  # None: the project has no Mojo tests
    coverage: Coverage | Missing | None = None
    mojo_coverage: Coverage | Missing | None = None  # None: Mojo coverage is not measured
    changed: Mapping[str, frozenset[int]] | None = None  # None: no base revision
    base: str = ""
    lint: tuple[Findings | Missing | NotRun, ...] = ()
    types: Findings | Missing | None = None
    bandit: Findings | Missing | None = None
    secrets: Findings | Missing | None = None
    audit: Audit | Missing | None = None
    bench: BenchData | Missing | None = None
    elapsed_s: float | None = None
    cpu_s: float | None = None  # CPU seconds of the pipeline's finished stages
    stage_times: tuple[StageTime, ...] = ()
    on_ci: bool = False
    unaffected: tuple[Unaffected, ...] = ()  # affected runs: tests left out, per version
    notes: tuple[str, ...] = field(default=())

    @property
    def tools_ran(self) -> tuple[str, ...]:
        """The checkers whose results were read from disk, findings or none."""
        read: list[tuple[str, object]] = [
            (tool, part) for (tool, _, _), part in zip(LINT_TOOLS, self.lint, strict=False)
        ]
        read += [("mypy", self.types), ("bandit", self.bandit), ("detect-secrets", self.secrets)]
        read.append(("pip-audit", self.audit))
        return tuple(
            t for t, part in read if part is not None and not isinstance(part, (Missing, NotRun))
        )


def load(tool: str, path: Path, log: Path | str, reader: Callable[[Path], T]) -> T | Missing:
    """Read one results file, or describe why it cannot be read."""
    if not path.exists():
        return Missing(tool, str(path), str(log))
    try:
        return reader(path)
    except ResultError as exc:
        return Missing(tool, str(path), str(log), str(exc))


LINT_TOOLS: tuple[tuple[str, str, Callable[[Path], Findings]], ...] = (
    ("ruff", "ruff.json", read_ruff),
    ("ruff format", "ruff-format.json", lambda p: read_ruff(p, "ruff-format")),
    ("mojo format", "mojo-format.json", read_findings),
    ("actionlint", "actionlint.json", read_actionlint),
    ("import-linter", "import-linter.json", read_findings),
)


def load_lint(folder: Path, log: Path) -> tuple[Findings | Missing | NotRun, ...]:
    """Every linter's findings; ``NAME.unavailable`` records a linter that could not run."""
    parts: list[Findings | Missing | NotRun] = []
    for tool, name, reader in LINT_TOOLS:
        unavailable = folder / name.replace(".json", ".unavailable")
        if unavailable.is_file():
            reason = unavailable.read_text(encoding="utf-8").strip() or "could not run"
            parts.append(NotRun(tool, reason))
        else:
            parts.append(load(tool, folder / name, log, reader))
    return tuple(parts)


def read_comparisons(path: Path) -> tuple[Comparison, ...]:
    """The JSON report of ``gauntlet bench compare`` (its ``schema_version``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema_version") != COMPARISON_SCHEMA:
            raise ValueError(
                f"schema_version {data.get('schema_version')!r} is not supported "
                f"(expected {COMPARISON_SCHEMA}); rerun `gauntlet bench compare`"
            )
        return tuple(
            Comparison(
                str(c["name"]),
                float(c["change_percent"] or 0.0),
                bool(c["significant"]),
                str(c["verdict"]),
                bool(c["gated"]),
                str(c.get("reason", "")),
            )
            for c in data["benchmarks"]
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ResultError(f"{path}: malformed benchmark comparison ({exc})") from None


def read_bench(folder: Path, comparison: Path) -> BenchData:
    """Raw runs written by ``gauntlet.bench.file`` and, if present, their comparison."""
    runs = 0
    failed = []
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".samples.json"):  # measured samples: `gauntlet bench` reads them
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            ok, message, file = bool(data["ok"]), str(data.get("message", "")), str(data["file"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ResultError(f"{path}: malformed benchmark run ({exc})") from None
        runs += 1
        if not ok:
            failed.append(f"{file}: {message or 'failed'}")
    comparisons = read_comparisons(comparison) if comparison.is_file() else None
    return BenchData(runs, tuple(failed), comparisons)
