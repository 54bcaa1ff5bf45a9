"""Evidence for ``gauntlet init`` that needs the scanner: include roots, tests, packages.

Each candidate set of include roots is tried with the real resolver, and the
one that resolves the most project imports wins; test and benchmark folders
and library packages come from the same discovery ``doit`` uses.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet.config.adopt import Choice
from gauntlet.config.model import Config
from gauntlet.graph.discover import NOT_LIBRARIES
from gauntlet.graph.project import Project, build_project
from gauntlet.graph.resolve import INIT_FILES, STDLIB
from gauntlet.graph.scancache import ScanCache

if TYPE_CHECKING:
    from collections.abc import Iterable

_DATA_PATH = re.compile(
    r"""["']((?:\.\./|\./)?[\w.-]+(?:/[\w.-]+)*\.(?:json|jsonl|csv|txt|npy|bin|dat|yaml|yml|toml))["']"""
)


def _resolved(project: Project) -> tuple[int, int]:
    """(imports resolved, imports naming something outside the standard library)."""
    total = missing = 0
    for path, source in project.files.items():
        roots = project.roots_for(path)
        _, unresolved = project.imports_of(path, roots)
        total += sum(1 for i in source.imports if i.level or i.module.split(".")[0] not in STDLIB)
        missing += len(unresolved)
    return total - missing, total


def candidates(
    root: Path, files: Iterable[str], script_include: tuple[str, ...]
) -> list[tuple[str, ...]]:
    """Include-root sets worth trying: ``.``, ``src``, parents of packages, the scripts' -I."""
    found: list[tuple[str, ...]] = [(".",)]
    if (root / "src").is_dir():
        found.append(("src",))
    for path in files:
        if path.endswith(INIT_FILES):
            folder = path.rsplit("/", 1)[0]
            parent = folder.rpartition("/")[0] or "."
            if "/" not in folder or not any(f"{parent}/{i}" in files for i in INIT_FILES):
                found.append((parent,))
    if script_include:
        found.append(script_include)
        found.append(tuple(dict.fromkeys((*script_include, "."))))
    return [c for c in dict.fromkeys(found) if all((root / r).is_dir() for r in c)]


def include_roots(config: Config, script_include: tuple[str, ...]) -> tuple[Choice, Project]:
    """The candidate set resolving the most imports (ties: fewer roots, then order)."""
    cache = ScanCache(None)
    first = build_project(replace(config, include=(".",)), cache)
    scored: list[tuple[int, int, tuple[str, ...], Project]] = []
    for index, option in enumerate(candidates(config.root, first.files, script_include)):
        project = build_project(replace(config, include=option), cache)
        hits, total = _resolved(project)
        scored.append((hits, -len(option) * 1000 - index, option, project))
    lines = [f"include {list(o)}: {h} of {total} project imports resolve" for h, _, o, _ in scored]
    hits, _, best, project = max(scored, key=lambda s: (s[0], s[1]))
    return Choice("include", list(best), tuple(lines)), project


def _folders(paths: Iterable[str], prefix: str) -> list[str]:
    tops = set()
    for path in paths:
        name = path.rsplit("/", 1)[-1]
        if name.startswith(prefix) and "/" in path:
            top = path.split("/", 1)[0]
            if top not in ("examples", "example") and not top.startswith("."):
                tops.add(top)
    return sorted(tops)


def _count(files: list[str], folder: str, prefix: str) -> int:
    return sum(
        1 for p in files if p.startswith(folder + "/") and p.rsplit("/")[-1].startswith(prefix)
    )


def layout(project: Project) -> tuple[Choice, Choice, Choice]:
    """``tests``, ``benchmarks`` and ``packages``, from what the files are called."""
    files = list(project.files)
    tests = _folders(files, "test_")
    benches = _folders(files, "bench_")
    skipped = sorted(
        {
            p.split("/", 1)[0]
            for p in files
            if "/" in p
            and p.split("/", 1)[0] in ("examples", "example")
            and p.rsplit("/", 1)[-1].startswith("test_")
        }
    )
    t_lines = [f"{t}/: {_count(files, t, 'test_')} test_*.mojo files" for t in tests]
    t_lines += [f"{s}/: test_*.mojo files of an examples folder: not tests" for s in skipped]
    other = [
        p for p in files if "/" not in p and p.startswith("bench") and not p.startswith("bench_")
    ]
    b_lines = [f"{b}/: {_count(files, b, 'bench_')} bench_*.mojo files" for b in benches]
    b_lines += [f"{p}: not named bench_*.mojo, not a benchmark gauntlet runs" for p in other]
    discovered = build_project(
        replace(project.config, tests=tuple(tests) or ("tests",), packages=None)
    )
    packages = list(discovered.packages)
    p_lines = [f"{p}/__init__.mojo under include root" for p in packages] or [
        "no folder with __init__.mojo directly under an include root"
    ]
    ignored = sorted(
        {
            p.rsplit("/", 1)[0]
            for p in files
            if p.endswith(INIT_FILES) and p.split("/")[0] in NOT_LIBRARIES
        }
    )
    p_lines += [f"{p}/: a test, example or benchmark folder, not a package" for p in ignored[:5]]
    return (
        Choice("tests", tests or None, tuple(t_lines) or ("no test_*.mojo files",)),
        Choice("benchmarks", benches or None, tuple(b_lines) or ("no bench_*.mojo files",)),
        Choice("packages", packages, tuple(p_lines)),
    )


def python_modules(project: Project) -> Choice:
    """Python modules the Mojo code imports, outside the standard library."""
    local = set(sys.stdlib_module_names) | {"builtins"}
    found: dict[str, str] = {}
    for path, source in sorted(project.files.items()):
        for module in source.python_modules:
            top = module.split(".")[0]
            on_disk = (project.config.root / f"{top}.py").is_file() or (
                project.config.root / top
            ).is_dir()
            if top not in local and not on_disk:
                found.setdefault(top, path)
    lines = tuple(f"{p}: Python.import_module({m!r})" for m, p in found.items())
    return Choice(
        "python-modules",
        sorted(found),
        lines or ("no Python.import_module of a third-party module",),
    )


def test_cwd(project: Project, cds: tuple[str, ...]) -> Choice:
    """``root`` unless the scripts ``cd`` into test folders or data paths resolve only per file."""
    root = project.config.root
    lines = [f"a script runs the tests after `cd {c}`" for c in cds]
    at_root = at_file = 0
    for test in project.tests:
        text = (root / test).read_text(encoding="utf-8", errors="replace")
        folder = (root / test).parent
        for rel in _DATA_PATH.findall(text):
            at_root += (root / rel).exists()
            at_file += (folder / rel).exists() and not (root / rel).exists()
    if at_root or at_file:
        lines.append(
            f"data paths in tests: {at_root} exist from the root, "
            f"{at_file} only from the test's folder"
        )
    choice = (
        "file" if (cds and any(c not in (".", "") for c in cds)) or at_file > at_root else "root"
    )
    lines.append(f"tests run from {'their own folder' if choice == 'file' else 'the project root'}")
    return Choice("test-cwd", choice, tuple(lines))
