"""The project model: which Mojo files exist, what each imports, and closures.

Imports resolve as Mojo 1.2.0 does, measured in docs/dependencies.md (row ids in brackets):

* the search roots of a program are its *implicit root* — the entry file's
  folder, or the nearest ancestor without ``__init__.mojo`` — then each
  include root in order; the same roots serve absolute imports in *every*
  module of that program [e4, e5, e6], so closures are computed per entry;
* the first root that defines a top-level name (``N/__init__.mojo`` before
  ``N.mojoc`` before ``N.mojo``) wins outright [d14, d18, d23]; folders
  without ``__init__.mojo`` count only when no root defines the name, and
  then merge across roots [d3, d5]; submodules: ``s/__init__.mojo`` before
  ``s.mojo`` [d21];
* every enclosing package's ``__init__.mojo`` is parsed [a1, g4], but its own
  imports are followed only when the package itself is imported (``import
  P``, ``import P.s``, ``from P import n``), not for ``from P.s import n``
  [a2-a5, b1-b4, b11].

A test's inputs are therefore its file, every file its closure *follows*,
and every ``__init__.mojo`` it only *parses*.  Unresolved imports are kept by
name, and resolution is redone on every scan, so a new file that changes how
an import resolves changes the inputs (and the key) of exactly the programs
that import that name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from gauntlet.config.load import Config
from gauntlet.graph.discover import is_program, library_packages, walk_tree
from gauntlet.graph.reach import Members, bits, closures, components, digests
from gauntlet.graph.resolve import (
    MOJO_SUFFIXES,
    STDLIB,
    Edges,
    Lookup,
    Resolver,
)
from gauntlet.graph.scan import Import
from gauntlet.graph.scancache import ScanCache, SourceFile

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.graph.resolvecache import ResolveCache


@dataclass(frozen=True)
class Diagnostic:
    """A problem found while scanning, located at a file and line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class _Graph:
    """Closures of every file under one set of search roots (bit sets over ``order``)."""

    order: list[str]
    number: dict[str, int]
    followed: list[int]
    included: list[int]
    missing: int
    table: list[tuple[Edges, tuple[Import, ...]]]
    merkle: list[str]  # per file: digest of its closure's files and edges (reach.digests)
    python: dict[str, int]  # each Python module: the files that import it
    problems: int  # files with statements the scanner could not read


@dataclass(frozen=True)
class Project:
    """Every Mojo file of one project, its roles, and its per-program import graph."""

    config: Config
    files: Mapping[str, SourceFile]
    tests: tuple[str, ...]
    benchmarks: tuple[str, ...]
    packages: tuple[str, ...]
    binary_digests: Mapping[str, str]
    resolver: Resolver = field(repr=False, compare=False)
    resolved: ResolveCache | None = field(default=None, repr=False, compare=False)
    _memo: dict[tuple[str, ...], dict[str, tuple[Edges, tuple[Import, ...]]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _graphs: dict[tuple[str, ...], _Graph] = field(default_factory=dict, repr=False, compare=False)
    _reached: dict[tuple[str, ...], tuple[_Graph, int, int]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _walks: dict[tuple[str, ...], tuple[Members, tuple[tuple[str, Import], ...]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def digest(self, path: str) -> str:
        """Content digest of a scanned source or a referenced binary package."""
        source = self.files.get(path)
        return source.digest if source else self.binary_digests[path]

    def roots_for(self, entry: str) -> tuple[str, ...]:
        """The search roots of the program whose entry file is ``entry``."""
        return self.resolver.roots_for(entry)

    def imports_of(self, path: str, roots: tuple[str, ...]) -> tuple[Edges, tuple[Import, ...]]:
        """A file's resolved imports under some search roots, and the unresolved ones."""
        table = self._memo.setdefault(roots, {})
        if path not in table:
            follow: list[str] = []
            parse_only: list[str] = []
            missing: list[Import] = []
            source = self.files.get(path)
            for imp in source.imports if source else ():
                edges = self.resolver.resolve(path, imp, roots)
                if edges is not None:
                    follow.extend(edges.follow)
                    parse_only.extend(edges.parse_only)
                elif imp.level or imp.module.split(".")[0] not in STDLIB:
                    missing.append(imp)
            follow_set = tuple(f for f in dict.fromkeys(follow) if f != path)
            parse_set = tuple(p for p in dict.fromkeys(parse_only) if p not in follow_set)
            table[path] = (Edges(follow_set, parse_set), tuple(missing))
        return table[path]

    def _graph(self, roots: tuple[str, ...]) -> _Graph:
        """Every file's closure under some search roots, computed once as bit sets."""
        if roots not in self._graphs:
            order = sorted({*self.files, *self.binary_digests})
            number = {path: i for i, path in enumerate(order)}
            cached = self.resolved.table(roots, order, self.files) if self.resolved else None
            table = cached or [self.imports_of(path, roots) for path in order]
            if self.resolved is not None and cached is None:
                self.resolved.put(roots, order, self.files, table)
            succ = [[number[f] for f in edges.follow] for edges, _ in table]
            extra = [sum(1 << number[p] for p in edges.parse_only) for edges, _ in table]
            found = components(succ)  # once, for the closures and their digests
            followed, included = closures(succ, extra, found)
            missing = sum(1 << i for i, (_, unresolved) in enumerate(table) if unresolved)
            lines = [f"{path}\0{self.digest(path)}\n" for path in order]
            merkle = digests(succ, extra, lines, found)
            python: dict[str, int] = {}
            problems = 0
            for i, source in enumerate(map(self.files.get, order)):
                for module in source.python_modules if source else ():
                    python[module] = python.get(module, 0) | 1 << i
                problems |= (1 << i) if source and source.problems else 0
            self._graphs[roots] = _Graph(
                order, number, followed, included, missing, table, merkle, python, problems
            )
        return self._graphs[roots]

    def _masks(self, entries: tuple[str, ...]) -> tuple[_Graph, int, int] | None:
        """The graph of a program's roots and the bit sets its entries follow and include."""
        if not entries:
            return None
        if entries not in self._reached:
            graph = self._graph(self.resolver.effective(self.roots_for(entries[0])))
            followed = included = 0
            for entry in entries:
                followed |= graph.followed[graph.number[entry]]
                included |= graph.included[graph.number[entry]]
            self._reached[entries] = (graph, followed, included)
        return self._reached[entries]

    def inputs_digest(self, entries: Iterable[str]) -> str:
        """A digest of every input's path and content and of the imports between them.

        Each entry's closure digest is computed once per import cycle, Merkle
        style (:func:`gauntlet.graph.reach.digests`), so a key costs one hash
        however many files its closure holds.
        """
        starts = tuple(entries)
        found = self._masks(starts)
        if found is None:
            return hashlib.sha256(b"").hexdigest()
        graph = found[0]
        parts = sorted({graph.merkle[graph.number[entry]] for entry in starts})
        return hashlib.sha256("".join(parts).encode("ascii")).hexdigest()

    def python_modules(self, entries: Iterable[str]) -> list[str]:
        """The Python modules imported (``Python.import_module``) in a program's closure."""
        found = self._masks(tuple(entries))
        if found is None:
            return []
        graph, _, included = found
        return sorted(module for module, files in graph.python.items() if files & included)

    def _walk(self, entries: Iterable[str]) -> tuple[Members, tuple[tuple[str, Import], ...]]:
        starts = tuple(entries)
        found = self._masks(starts)
        if found is None:
            return Members((), 0), ()
        if starts not in self._walks:  # asked for inputs, key and diagnostics: once
            graph, followed, included = found
            missing = tuple(
                (graph.order[i], imp)
                for i in bits(followed & graph.missing)
                for imp in graph.table[i][1]
            )
            self._walks[starts] = (Members(graph.order, included), missing)
        return self._walks[starts]

    def closure(self, entries: Iterable[str]) -> tuple[str, ...]:
        """Sorted inputs of the program built from ``entries`` (the entries included)."""
        return tuple(self._walk(entries)[0])

    def inputs(self, entries: Iterable[str]) -> Members:
        """:meth:`closure`, listed only when read (a plan's steps hold these)."""
        return self._walk(entries)[0]

    def unresolved(self, entries: Iterable[str]) -> tuple[str, ...]:
        """Unresolved imports in the closure of ``entries``, as ``file:line:module``."""
        return tuple(
            f"{path}:{imp.line}:{'.' * imp.level}{imp.module}"
            for path, imp in self._walk(entries)[1]
        )

    def diagnostics(self, entries: Iterable[Iterable[str]]) -> tuple[Diagnostic, ...]:
        """Unresolved imports and unreadable statements reached from some programs."""
        found: dict[tuple[str, int, str], None] = {}
        for program in map(tuple, entries):
            _, missing = self._walk(program)
            roots = self.roots_for(program[0]) if program else ()
            for path, imp in missing:
                written = "." * imp.level + imp.module
                where = (
                    "relative to its package"
                    if imp.level
                    else "searched " + ", ".join(f"{r}/" for r in roots)
                )
                found[(path, imp.line, f"cannot resolve import {written!r} ({where})")] = None
            graph, _, included = self._masks(program) or (None, 0, 0)
            for path in (graph.order[i] for i in bits(included & graph.problems)) if graph else ():
                for line, problem in self.files[path].problems:
                    found[(path, line, problem)] = None
        return tuple(Diagnostic(*key) for key in sorted(found))

    def package_files(self, package: str) -> tuple[str, ...]:
        """Every Mojo source under a package folder."""
        prefix = package.rstrip("/") + "/"
        return tuple(sorted(p for p in self.files if p.startswith(prefix)))

    def programs(self) -> list[tuple[str, ...]]:
        """The entry files of every program the plan builds or runs."""
        config = self.config
        return [
            *((f,) for f in (*self.tests, *self.benchmarks, *config.executables)),
            *((e.source,) for e in config.extensions),
            *(self.package_files(p) for p in self.packages),
        ]


# -- discovery --------------------------------------------------------------------------


def build_project(
    config: Config,
    cache: ScanCache | None = None,
    lookup: Lookup | None = None,
    resolved: Path | None = None,
) -> Project:
    """Scan the project's Mojo sources; imports are resolved lazily, per program.

    ``lookup``: the compiler's release-dependent lookup rules (default: 1.2.0's);
    ``resolved``: the file of :mod:`gauntlet.graph.resolvecache` (default: none).
    """
    lookup = lookup or Lookup()
    paths, dirs = walk_tree(str(config.root), frozenset({config.build_dir}))
    paths = [p for p in paths if not any(fnmatchcase(p, pat) for pat in config.exclude)]
    cache = cache or ScanCache(None)
    files = cache.scan(config.root, [p for p in paths if p.endswith(MOJO_SUFFIXES)])
    binaries = {
        p: cache.digest_binary(config.root, p) for p in paths if p.endswith(lookup.binary_package)
    }
    known = None
    if resolved is not None:
        from gauntlet.graph.resolvecache import ResolveCache, tree_key

        key = tree_key(paths, dirs, config.include, files, lookup)
        known = ResolveCache(resolved, key) if key else None
    return Project(
        config=config,
        files=files,
        tests=tuple(sorted(p for p in files if is_program(p, "test_", config.tests))),
        benchmarks=tuple(sorted(p for p in files if is_program(p, "bench_", config.benchmarks))),
        packages=(library_packages(files, config) if config.packages is None else config.packages),
        binary_digests=binaries,
        resolver=Resolver(set(paths), dirs, config.include, files, lookup),
        resolved=known,
    )
