"""What a shard plan splits: the project's test files, and their durations from the history.

* Mojo test files are the plan's tests (its skip tags applied), each one doit
  task ``test:<file>``; a file's duration is its task's mean over the window
  (compile and run, the time a shard pays for it).
* Python test files are the files matching pytest's ``python_files``
  (default ``test_*.py``, ``*_test.py``) under its ``testpaths`` (default
  ``tests`` when that folder exists, else the repository); a file's duration
  is the sum over its tests of each test's mean over the window, the tests
  found by their JUnit ``classname`` (``tests.test_a`` or
  ``tests.test_a.TestClass``: the longest module that prefixes it).

The window is the newest :data:`WINDOW_RUNS` runs of any kind; skipped tests
and up-to-date tasks did not run and do not count.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections import defaultdict
from typing import TYPE_CHECKING

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

from gauntlet.errors import ConfigError
from gauntlet.shard.balance import TestFile

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from gauntlet.health.dbapi import Database

WINDOW_RUNS = 20
DEFAULT_PATTERNS = ("test_*.py", "*_test.py")
_VERSION = re.compile(r" \(python [\d.]+\)$")
_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "venv", "build", "dist"})


def _pytest_settings(pyproject: Path) -> tuple[list[str], list[str]]:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read it ({exc})") from None
    options = data.get("tool", {}).get("pytest", {}).get("ini_options", {})
    paths = options.get("testpaths")
    patterns = options.get("python_files", list(DEFAULT_PATTERNS))
    if isinstance(patterns, str):
        patterns = patterns.split()
    if paths is None:
        paths = ["tests"] if (pyproject.parent / "tests").is_dir() else ["."]
    return [str(p) for p in paths], [str(p) for p in patterns]


def python_test_files(pyproject: Path) -> list[str]:
    """The repository's Python test files, relative to it (POSIX spelling), sorted."""
    repo = pyproject.parent
    paths, patterns = _pytest_settings(pyproject)
    found: set[str] = set()
    for place in paths:
        top = repo / place
        if top.is_file():
            found.add(top.relative_to(repo).as_posix())
            continue
        for folder, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
            for name in names:
                if any(fnmatch.fnmatchcase(name, p) for p in patterns):
                    found.add((repo / folder / name).relative_to(repo).as_posix())
    return sorted(found)


def test_files(mojo: Iterable[str], python: Iterable[str]) -> list[TestFile]:
    """Both kinds of test files as one list."""
    return [TestFile("mojo", m) for m in mojo] + [TestFile("python", p) for p in python]


def _since(db: Database, runs: int) -> float:
    rows = db.query("SELECT started FROM runs ORDER BY started DESC LIMIT 1 OFFSET ?", (runs - 1,))
    if rows:
        return float(rows[0][0])
    oldest = db.query("SELECT min(started) FROM runs")
    return float(oldest[0][0]) if oldest and oldest[0][0] is not None else 0.0


def _module(path: str) -> str:
    return path[: -len(".py")].replace("/", ".") if path.endswith(".py") else path


def _owner(suite: str, modules: Sequence[tuple[str, str]]) -> str | None:
    """The file whose module is the longest prefix of a JUnit classname."""
    for module, path in modules:  # longest first
        if suite == module or suite.startswith(module + "."):
            return path
    return None


def file_durations(
    db: Database, python: Iterable[str], *, runs: int = WINDOW_RUNS
) -> dict[str, float]:
    """Mean seconds per test file (``kind:path`` keys) over the newest ``runs`` runs."""
    since = _since(db, runs)
    durations: dict[str, float] = {}
    for name, seconds in db.query(
        "SELECT x.name, avg(x.duration_s) FROM tasks x JOIN runs r ON r.run_id = x.run_id "
        "WHERE r.started >= ? AND x.status <> 'skipped' AND x.name LIKE 'test:%' "
        "GROUP BY x.name",
        (since,),
    ):
        durations[f"mojo:{str(name)[len('test:') :]}"] = float(seconds)
    modules = sorted(((_module(p), p) for p in python), key=lambda m: (-len(m[0]), m[0]))
    per_test: dict[tuple[str, str], list[float]] = defaultdict(list)
    for suite, name, seconds in db.query(
        "SELECT suite, name, avg(duration_s) FROM test_cases "
        "WHERE started >= ? AND status <> 'skipped' GROUP BY suite, name",
        (since,),
    ):
        per_test[(_VERSION.sub("", str(suite)), str(name))].append(float(seconds))
    per_file: dict[str, float] = defaultdict(float)
    for (suite, _), means in per_test.items():
        path = _owner(suite, modules)
        if path is not None:
            per_file[path] += sum(means) / len(means)
    durations.update({f"python:{path}": seconds for path, seconds in per_file.items()})
    return durations
