"""The test map on disk: recorded after a full run, read to select an affected run.

Both steps run in the tests' own environment (they need coverage.py, and the
interpreter and distributions the map is keyed by)::

    python -m gauntlet.graph.affectmap record ROOT MAP COVERAGE_DATA OUTCOMES
    python -m gauntlet.graph.affectmap select ROOT MAP AFFECTED_JSON

``record`` reads coverage.py's per-test contexts (``--cov-context=test``) and
the outcomes the pytest plugin :mod:`gauntlet.adapters.pytest_affected` wrote;
``select`` writes ``affected.json`` (see :mod:`gauntlet.graph.affected`), whose
``unaffected`` list the plugin deselects.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet import runner
from gauntlet.atomic import write_text_atomic
from gauntlet.entry import guarded
from gauntlet.errors import GauntletError, ResultError, UsageError
from gauntlet.graph.affected import (
    Module,
    Selection,
    TestEntry,
    TestMap,
    everything,
    select,
    skeleton,
    test_file,
)
from gauntlet.graph.pykeys import closure
from gauntlet.layout import REPO_FOLDER

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

MAIN_BRANCHES = ("main", "master")
_PHASES = ("|setup", "|teardown")
_OWN = (f"{REPO_FOLDER}/", ".nox/")  # the pipeline writes these, ignored by git or not


def digest(path: Path) -> str:
    """The content digest of one file (16 hex digits of SHA-256)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def digests(root: Path, files: Iterable[str]) -> dict[str, str]:
    """Root-relative POSIX path → digest, for the files that exist."""
    found = {}
    for name in files:
        path = root / name
        if path.is_file():
            found[name] = digest(path)
    return found


def body_lines(source: bytes) -> set[int]:
    """The lines inside function bodies (code that runs only when called)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for statement in node.body:
                lines.update(range(statement.lineno, (statement.end_lineno or 0) + 1))
    return lines


def environment() -> tuple[str, str]:
    """This interpreter's version and a digest of every installed distribution."""
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    return sys.version, hashlib.sha256(json.dumps(dists).encode()).hexdigest()[:16]


def _git(root: Path, *args: str) -> str | None:
    try:
        done = runner.run(["git", *args], cwd=root, timeout=60)
    except GauntletError:
        return None
    return done.stdout if done.ok else None


def tree_files(root: Path) -> list[str] | None:
    """Every file git tracks or would add under ``root`` (what the pipeline writes left
    out), sorted; None outside git (or without git)."""
    listed = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if listed is None:
        return None
    return sorted({n for n in listed.split("\0") if n and not n.startswith(_OWN)})


def repository_files(root: Path) -> dict[str, str] | None:
    """Every file git tracks or would add under ``root`` → digest; None outside git."""
    names = tree_files(root)
    return None if names is None else digests(root, names)


def _contexts(data_file: Path, root: Path) -> tuple[dict[str, set[str]], dict[str, Module]]:
    """Test id → measured files (under ``root``), and each measured file's :class:`Module`."""
    from coverage import CoverageData

    data = CoverageData(basename=str(data_file))
    data.read()
    if not any(c for c in data.measured_contexts()):
        raise ResultError(f"{data_file}: no per-test contexts; measure with --cov-context=test")
    tests: dict[str, set[str]] = {}
    modules: dict[str, Module] = {}
    top = root.resolve()
    for measured in data.measured_files():
        path = Path(measured).resolve()
        if not path.is_relative_to(top) or not path.is_file():
            continue
        name = path.relative_to(top).as_posix()
        source = path.read_bytes()
        bodies, loaded = body_lines(source), False
        for line, contexts in data.contexts_by_lineno(measured).items():
            for context in contexts:
                test = context.rsplit("|", 1)[0]
                if test:
                    tests.setdefault(test, set()).add(name)
                if line in bodies and (not test or context.endswith(_PHASES)):
                    loaded = True
        modules[name] = Module(skeleton(source), loaded)
    return tests, modules


def _imports(
    root: Path, test_files: set[str], modules: Mapping[str, Module]
) -> dict[str, tuple[str, ...]]:
    """Each test file → the measured modules it and its ``conftest.py`` files import."""
    cache: dict[str, set[str]] = {}

    def of(source: str) -> set[str]:
        if source not in cache:
            cache[source] = set(closure(root, source)[0]) & set(modules)
        return cache[source]

    found = {}
    for name in sorted(test_files):
        if not (root / name).is_file():
            continue
        files = set(of(name))
        folder = Path(name).parent
        for parent in [folder, *folder.parents]:
            conftest = (parent / "conftest.py").as_posix()
            if (root / conftest).is_file():
                files |= of(conftest)
        found[name] = tuple(sorted(files))
    return found


def record(root: Path, map_path: Path, data_file: Path, outcomes_file: Path) -> TestMap:
    """Build the test map of the run that just finished and write it to ``map_path``."""
    files = repository_files(root)
    if files is None:
        raise UsageError(f"{root}: not a git work tree; the test map needs `git ls-files`")
    try:
        outcomes = json.loads(outcomes_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResultError(f"{outcomes_file}: cannot read the test outcomes ({exc})") from None
    contexts, modules = _contexts(data_file, root)
    tests = {
        name: TestEntry(str(row[0]), tuple(sorted(contexts.get(name, ()))), bool(row[1]))
        for name, row in outcomes.items()
    }
    python, tools = environment()
    commit = (_git(root, "rev-parse", "HEAD") or "").strip()
    run = os.environ.get("GAUNTLET_RUN_ID") or f"of commit {commit[:12] or 'unknown'}"
    imports = _imports(root, {test_file(t) for t in tests}, modules)
    test_map = TestMap(python, tools, run, commit, files, tests, modules, imports)
    map_path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(map_path, json.dumps(test_map.to_json(), separators=(",", ":")))
    return test_map


def _branch(root: Path, env: Mapping[str, str]) -> str:
    named = env.get("GITHUB_REF_NAME") or env.get("CI_COMMIT_BRANCH")
    if named:
        return named
    return (_git(root, "rev-parse", "--abbrev-ref", "HEAD") or "").strip()


def choose(root: Path, map_path: Path, env: Mapping[str, str] | None = None) -> Selection:
    """What an affected run should run (everything on main, or without a usable map)."""
    env = os.environ if env is None else env
    if _branch(root, env) in MAIN_BRANCHES:
        return everything("on the main branch every test runs")
    if not map_path.is_file():
        return everything(f"no test map ({map_path}); a full run records one")
    try:
        old = TestMap.from_json(json.loads(map_path.read_text(encoding="utf-8")), str(map_path))
    except (OSError, ValueError, ResultError) as exc:
        return everything(f"the test map cannot be read ({exc})")
    now = repository_files(root)
    if now is None:
        return everything(f"{root}: not a git work tree, so the changed files are unknown")
    return select(old, now, *environment(), root)


def main(argv: Sequence[str] | None = None) -> int:
    """``record ROOT MAP COVERAGE_DATA OUTCOMES`` or ``select ROOT MAP AFFECTED_JSON``."""
    args = list(sys.argv[1:] if argv is None else argv)

    def work() -> int:
        if args[:1] == ["record"] and len(args) == 5:
            made = record(Path(args[1]), Path(args[2]), Path(args[3]), Path(args[4]))
            print(f"test map: {len(made.tests)} tests, {len(made.modules)} modules")  # noqa: T201
            return 0
        if args[:1] == ["select"] and len(args) == 4:
            chosen = choose(Path(args[1]), Path(args[2]))
            out = Path(args[3])
            out.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(out, json.dumps(chosen.to_json(), indent=1))
            print(f"affected tests: {chosen.reason}")  # noqa: T201
            return 0
        raise UsageError(
            "usage: python -m gauntlet.graph.affectmap record ROOT MAP COVERAGE_DATA OUTCOMES"
            " | select ROOT MAP AFFECTED_JSON"
        )

    return guarded(work, prog="gauntlet.graph.affectmap")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
