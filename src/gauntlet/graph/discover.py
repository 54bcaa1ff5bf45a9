"""What a project's files are: tests, benchmarks and library packages, found by name.

Tests are ``test_*`` and benchmarks ``bench_*`` Mojo files under the configured
places; library packages are folders with ``__init__.mojo`` directly under an
include root, never test, example or benchmark folders.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from gauntlet.graph.pykeys import python_benchmarks
from gauntlet.graph.resolve import BINARY_PACKAGES, INIT_FILES, MOJO_SUFFIXES

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from gauntlet.config.load import Config
    from gauntlet.graph.scancache import SourceFile

NOT_LIBRARIES = frozenset({"tests", "test", "examples", "example", "benchmarks", "bench"})


def under(path: str, places: Iterable[str]) -> bool:
    """Whether ``path`` is one of ``places`` (paths or patterns) or in a folder among them."""
    for place in places:
        if place in (".", path) or path.startswith(place + "/"):
            return True
        if fnmatchcase(path, place):
            return True
    return False


def is_program(path: str, prefix: str, places: Iterable[str]) -> bool:
    """Whether ``path`` is a ``prefix*`` Mojo file (``test_``, ``bench_``) under ``places``."""
    name = path.rpartition("/")[2]  # a root-relative POSIX path (no Path: every file, every run)
    return name.startswith(prefix) and name.endswith(MOJO_SUFFIXES) and under(path, places)


def declared_benchmarks(config: Config) -> tuple[str, ...]:
    """Every benchmark the project declares: ``bench_*`` Mojo files and Python benchmarks.

    Read without scanning imports, for the benchmarks gate: declared
    benchmarks without results are "no data", never "no benchmarks".
    """
    paths, _ = walk_tree(str(config.root), frozenset({config.build_dir}))
    mojo = [p for p in paths if is_program(p, "bench_", config.benchmarks)]
    mojo = [p for p in mojo if not any(fnmatchcase(p, pat) for pat in config.exclude)]
    python = python_benchmarks(config, config.bench.python) if config.bench else []
    return tuple(sorted({*mojo, *python}))


def library_packages(files: Mapping[str, SourceFile], config: Config) -> tuple[str, ...]:
    """Top-level packages: folders directly under an include root with ``__init__.mojo``.

    Test, example and benchmark folders (by name, or matching the configured
    ``tests`` / ``benchmarks``) are never library packages, under root ``.`` too.
    """
    places = [p for p in (*config.tests, *config.benchmarks) if p != "."]
    found = []
    for root in config.include:
        prefix = "" if root == "." else root + "/"
        for path in files:
            rest = path[len(prefix) :] if path.startswith(prefix) else None
            if rest is not None and rest.count("/") == 1 and rest.endswith(INIT_FILES):
                name = rest.split("/")[0]
                if name not in NOT_LIBRARIES and not under(prefix + name, places):
                    found.append(prefix + name)
    return tuple(sorted(set(found)))


def walk_tree(root: str, skip_dirs: frozenset[str]) -> tuple[list[str], set[str]]:
    """Relative POSIX paths of Mojo sources and packages below ``root``, and the folders."""
    files: list[str] = []
    dirs: set[str] = set()
    stack = [""]
    while stack:
        rel = stack.pop()
        try:
            entries = list(os.scandir(os.path.join(root, rel)))
        except OSError:
            continue
        for entry in entries:
            path = f"{rel}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith(".") and path not in skip_dirs:
                    dirs.add(path)
                    stack.append(path + "/")
            elif entry.name.endswith((*MOJO_SUFFIXES, *BINARY_PACKAGES)):
                files.append(path)
    return files, dirs
