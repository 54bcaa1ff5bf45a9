"""Which Python tests a change can affect: the test map and the selection.

A full run of the Python tests (``nox -s tests``, ``nox -s ci``) records a
:class:`TestMap`: for every test (pytest node id), the measured source files
it executed (coverage.py's per-test dynamic contexts, ``--cov-context=test``),
its outcome, and whether it started a Python subprocess; plus the content
digest of every file of the repository at that time, and the interpreter and
installed distributions it ran with.  :func:`select` compares that map with
the files as they are now and says which tests to run.

Why this and not pytest-testmon (2.2.0), measured on this repository's fast
suite (693 tests, 2 shared cores; ``docs/affected.md``,
``benchmarks/affected_tests.py``): plain 59.9 s, ``--cov --cov-branch``
67.3 s, with ``--cov-context=test`` 86.9 s, ``--testmon`` alone 94.2 s.

* testmon refuses to run beside pytest-cov with branch coverage ("testmon
  doesn't support simultaneous run with pytest-cov when branch coverage is
  on"), which the coverage gate needs, so a full run would measure twice;
  and it turns its selection off when ``-m`` is given, which ``nox -s tests``
  always passes (``-m "not slow"``).
* The contexts are recorded by the coverage run the pipeline makes anyway.
* testmon's ``.testmondata`` is SQLite of its own schema; the map here is one
  JSON file beside the run history under ``.gauntlet/``, which the CI
  workflow restores with the rest of the folder, so a hosted runner has it
  whenever it has the history.  It is not a table of the history: each full
  run would write every (test, file) pair (tens of thousands of rows) into a
  database kept for trends, and an affected run needs only the newest map.

Rules, each decided towards running more:

* No map, a map of another schema, interpreter (``sys.version``) or set of
  installed distributions: everything runs.
* A changed file that no rule can attribute runs everything: ``conftest.py``,
  the packaging and tool configuration (``pyproject.toml``, ``setup.py``,
  ``setup.cfg``, ``tox.ini``, ``pytest.ini``, ``.coveragerc``, requirement
  and lock files), any non-Python file (data the tests may read), and a
  Python file that existed at the map's run but that no test executed
  (omitted from coverage, or run only in subprocesses).
* A changed or deleted measured file selects the tests that executed it, and
  every test that started a Python subprocess (whose code coverage does not
  attribute to a test).  Code that runs when a module is imported (during
  collection) or in a fixture's setup is attributed to no test or to the
  wrong one, so when the change is outside function bodies (the file's
  *skeleton*, its AST with every function body emptied, differs), or the file
  ran function code at import or in a setup, the tests of every test file
  that imports it (statically, transitively, with its ``conftest.py`` files)
  run too.
* A changed or new test file selects all its tests; a test absent from the
  map (new, or deselected at the map's run) runs; a test that did not pass
  at the map's run runs again.
* A new Python file that is not a test selects nothing by itself: code that
  imports it changed too.

Every other test is *unaffected*: its result is the map's run's (a pass).
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from gauntlet.errors import ResultError

if TYPE_CHECKING:
    from collections.abc import Mapping

SCHEMA_VERSION = 1
RECORD = "GAUNTLET_AFFECTED_RECORD"  # the plugin writes the outcomes there (a full run)
SELECT = "GAUNTLET_AFFECTED_SELECT"  # the plugin deselects what this affected.json leaves out
CONFIG_FILES = (
    "conftest.py",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "tox.ini",
    "pytest.ini",
    ".coveragerc",
    "requirements*.txt",
    "*.lock",
    "MANIFEST.in",
)
PASSED = ("passed", "skipped", "xfailed")


def skeleton(source: bytes) -> str:
    """The digest of a module's code outside function bodies (its import-time code)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return "unparsable-" + hashlib.sha256(source).hexdigest()[:16]
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.body = [ast.Pass()]
    return hashlib.sha256(ast.dump(tree).encode()).hexdigest()[:16]


def test_file(node_id: str) -> str:
    """The file of a pytest node id (``tests/test_a.py::test_x[1]`` → ``tests/test_a.py``)."""
    return node_id.split("::", 1)[0]


@dataclass(frozen=True)
class TestEntry:
    """One test at the map's run."""

    outcome: str  # passed, failed, skipped, error, xfailed
    files: tuple[str, ...]  # the measured files it executed
    subprocess: bool = False  # it started a Python subprocess


@dataclass(frozen=True)
class Module:
    """One measured file at the map's run."""

    skeleton: str  # :func:`skeleton` of its content
    loaded: bool  # it ran function code at import or in a fixture's setup


@dataclass(frozen=True)
class TestMap:
    """Test id → files it executed, with every file's digest at that time."""

    python: str
    tools: str
    run: str
    commit: str
    files: Mapping[str, str]  # every file of the repository → digest
    tests: Mapping[str, TestEntry]
    modules: Mapping[str, Module] = field(default_factory=dict)  # measured file → skeleton
    imports: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # test file → modules

    def to_json(self) -> dict[str, Any]:
        """The file form: the measured files listed once, tests point at them."""
        measured = sorted({*self.modules, *(f for t in self.tests.values() for f in t.files)})
        index = {name: i for i, name in enumerate(measured)}
        return {
            "schema_version": SCHEMA_VERSION,
            "python": self.python,
            "tools": self.tools,
            "run": self.run,
            "commit": self.commit,
            "files": dict(sorted(self.files.items())),
            "measured": measured,
            "modules": [
                [m.skeleton, int(m.loaded)] if (m := self.modules.get(name)) else ["", 1]
                for name in measured
            ],
            "imports": {
                name: [index[f] for f in files if f in index]
                for name, files in sorted(self.imports.items())
            },
            "tests": {
                name: [t.outcome, [index[f] for f in t.files], int(t.subprocess)]
                for name, t in sorted(self.tests.items())
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], source: str) -> TestMap:
        """Read the file form; a broken or other-schema file is a :class:`ResultError`."""
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ResultError(
                f"{source}: test map schema {data.get('schema_version')!r}, "
                f"expected {SCHEMA_VERSION}; a full run records a new one"
            )
        try:
            measured = list(data["measured"])
            tests = {
                str(name): TestEntry(str(row[0]), tuple(measured[i] for i in row[1]), bool(row[2]))
                for name, row in data["tests"].items()
            }
            return cls(
                str(data["python"]),
                str(data["tools"]),
                str(data["run"]),
                str(data["commit"]),
                {str(k): str(v) for k, v in data["files"].items()},
                tests,
                {
                    name: Module(str(row[0]), bool(row[1]))
                    for name, row in zip(measured, data["modules"], strict=True)
                },
                {str(k): tuple(measured[i] for i in v) for k, v in data["imports"].items()},
            )
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise ResultError(f"{source}: malformed test map ({exc!r})") from None


@dataclass(frozen=True)
class Selection:
    """What to run, and why."""

    everything: bool
    reason: str
    changed: tuple[str, ...] = ()
    unaffected: frozenset[str] = frozenset()  # deselected: their result is the map's run's
    by_module: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    changed_tests: tuple[str, ...] = ()  # changed or new test files: all their tests run
    rerun: tuple[str, ...] = ()  # did not pass at the map's run
    run: str = ""
    commit: str = ""

    def to_json(self) -> dict[str, Any]:
        """``affected.json`` (the selected tests are added by the pytest plugin)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "everything": self.everything,
            "reason": self.reason,
            "map_run": self.run,
            "map_commit": self.commit,
            "changed_files": list(self.changed),
            "changed_test_files": list(self.changed_tests),
            "tests_by_changed_module": {k: list(v) for k, v in self.by_module.items()},
            "rerun_not_passed": list(self.rerun),
            "unaffected": sorted(self.unaffected),
        }


def everything(reason: str) -> Selection:
    """Run every test, for ``reason``."""
    return Selection(everything=True, reason=reason)


def _is_config(name: str) -> bool:
    base = PurePosixPath(name).name
    return any(fnmatch.fnmatch(base, pattern) for pattern in CONFIG_FILES)


def _is_test(name: str, known: set[str]) -> bool:
    base = PurePosixPath(name).name
    return name in known or (
        name.endswith(".py") and (base.startswith("test_") or base.endswith("_test.py"))
    )


def _import_time_change(module: Module | None, path: Path) -> bool:
    """Whether a change to a measured file can act at import (or fixture setup) time."""
    if module is None or module.loaded or not path.is_file():
        return True
    return skeleton(path.read_bytes()) != module.skeleton


def _importers(old: TestMap, name: str) -> set[str]:
    files = {f for f, modules in old.imports.items() if name in modules}
    return {t for t in old.tests if test_file(t) in files}


def select(old: TestMap, now: Mapping[str, str], python: str, tools: str, root: Path) -> Selection:
    """The tests a change since ``old``'s run can affect (see the module's rules).

    ``now`` is every file's digest today; ``root`` is where they are (the
    skeletons of changed modules are read from there).
    """
    if old.python != python:
        return everything(f"the test map was made with Python {old.python.split()[0]}")
    if old.tools != tools:
        return everything("the test map was made with other installed distributions")
    changed = sorted(n for n in {*old.files, *now} if old.files.get(n) != now.get(n))
    measured = {*old.modules, *(f for t in old.tests.values() for f in t.files)}
    known_tests = {test_file(n) for n in old.tests}
    by_module: dict[str, tuple[str, ...]] = {}
    changed_tests = []
    for name in changed:
        if _is_config(name):
            return everything(f"{name} changed: it can affect every test")
        if _is_test(name, known_tests):
            changed_tests.append(name)
        if name in measured:
            tests = {t for t, e in old.tests.items() if name in e.files}
            if _import_time_change(old.modules.get(name), root / name):
                tests |= _importers(old, name)
            by_module[name] = tuple(sorted(tests))
        elif name in changed_tests:
            continue
        elif not name.endswith(".py"):
            return everything(f"{name} changed: no test map attributes a non-Python file")
        elif name in old.files:
            return everything(f"{name} changed: no recorded test executed it")
    affected = {t for tests in by_module.values() for t in tests}
    if by_module:
        affected |= {n for n, e in old.tests.items() if e.subprocess}
    rerun = sorted(n for n, e in old.tests.items() if e.outcome not in PASSED)
    in_changed = {n for n in old.tests if test_file(n) in set(changed_tests)}
    unaffected = frozenset(old.tests) - affected - set(rerun) - in_changed
    return Selection(
        everything=False,
        reason=f"{len(changed)} files changed since run {old.run}",
        changed=tuple(changed),
        unaffected=unaffected,
        by_module=by_module,
        changed_tests=tuple(changed_tests),
        rerun=tuple(rerun),
        run=old.run,
        commit=old.commit,
    )
