"""Mojo 1.2.0's module lookup over the files and folders that exist.

The measured rules (docs/dependencies.md, row ids in brackets) are described
in :mod:`gauntlet.graph.project`; this module implements them for one import
statement at a time and says which files the statement *follows* (their
imports count too) and which it only *parses* (their content counts).

:class:`Lookup` holds the rules that differ between releases (as probed, see
gauntlet.run.mojocaps): the precompiled package read (``.mojoc`` on 1.x,
``.mojopkg`` on 0.26.1 and 0.25.7), and which of ``N/__init__.mojo``, that
package and ``N.mojo`` in one folder wins: 1.2.0 in that order [d23, d14, d24,
d21], 0.26.1 and 0.25.7 the one listed first (readdir), so all are followed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

from gauntlet.graph.scan import Import
from gauntlet.graph.scancache import SourceFile

# Top-level names of Mojo's standard library (``std`` in Mojo 1.x, bare names
# in 0.26 and older) and of the libraries shipped with the compiler.
STDLIB = frozenset({
    "std", "builtin", "collections", "memory", "python", "testing", "benchmark", "math", "sys",
    "os", "time", "random", "utils", "algorithm", "bit", "buffer", "complex", "hashlib", "logger",
    "pathlib", "pwd", "runtime", "subprocess", "tempfile", "gpu", "itertools", "compile", "io",
    "documentation", "prelude", "reflection", "stat", "ffi", "base64", "max", "layout", "tensor",
    "kv_cache",
})  # fmt: skip

MOJO_SUFFIXES = (".mojo", ".🔥")
INIT_FILES = ("__init__.mojo", "__init__.🔥")
# Mojo 1.2.0 loads precompiled packages only as .mojoc; .mojopkg is ignored [d13].
BINARY_PACKAGE = ".mojoc"
BINARY_PACKAGES = (".mojoc", ".mojopkg")  # what the tree walk collects


@dataclass(frozen=True)
class Lookup:
    """The release-dependent rules of a compiler's module lookup (module docstring)."""

    binary_package: str = BINARY_PACKAGE
    listing_order: bool = False


@dataclass(frozen=True)
class Edges:
    """What one import statement brings in: files followed, files only parsed."""

    follow: tuple[str, ...] = ()
    parse_only: tuple[str, ...] = ()


Walked: TypeAlias = tuple[list[str], str | None, list[str]]  # inits, module, folders


def _union(found: list[Edges]) -> Edges | None:
    """Every file any of the resolutions follows or parses (None: none resolved)."""
    if not found:
        return None
    follow = dict.fromkeys(f for e in found for f in e.follow)
    parsed = dict.fromkeys(p for e in found for p in e.parse_only if p not in follow)
    return Edges(tuple(follow), tuple(parsed))


def _join(folder: str, name: str) -> str:
    return name if folder in ("", ".") else f"{folder}/{name}"


def _parent(path: str) -> str:
    return path.rpartition("/")[0] or "."


class Resolver:
    """Mojo's module lookup over the set of files and folders that exist."""

    def __init__(
        self,
        files: set[str],
        dirs: set[str],
        include: tuple[str, ...],
        sources: Mapping[str, SourceFile],
        lookup: Lookup | None = None,
    ) -> None:
        self.files = files
        self.lookup = lookup or Lookup()
        self.sources = sources
        self._expanding: set[tuple[str, tuple[str, ...]]] = set()
        self.dirs = dirs
        self.include = include
        self.memo: dict[tuple[object, ...], Edges | None] = {}
        self._names: frozenset[str] | None = None
        self._effective: dict[tuple[str, ...], tuple[str, ...]] = {}

    def _init(self, folder: str) -> str | None:
        for name in INIT_FILES:  # a loop, not a generator: called for every import
            path = f"{folder}/{name}"
            if path in self.files:
                return path
        return None

    def _module(self, base: str) -> str | None:
        for suffix in MOJO_SUFFIXES:
            if base + suffix in self.files:
                return base + suffix
        return None

    def roots_for(self, entry: str) -> tuple[str, ...]:
        """Search roots of the program whose entry is ``entry`` [e6]."""
        folder = _parent(entry)
        while folder not in ("", ".") and self._init(folder):
            folder = _parent(folder)
        return tuple(dict.fromkeys((folder, *self.include)))

    def effective(self, roots: tuple[str, ...]) -> tuple[str, ...]:
        """The roots that define a top-level name some file imports (absolutely).

        Roots reach a lookup only through a top-level name (:meth:`_top`), so a
        root that defines none of them changes no resolution: programs whose
        roots differ only by such roots (tests in many folders of plain test
        files) share one import graph instead of resolving every file again.
        """
        if self._names is None:
            absolute = (i for f in self.sources.values() for i in f.imports if not i.level)
            self._names = frozenset(i.module.split(".")[0] for i in absolute if i.module)
        if roots not in self._effective:
            names = self._names
            kept = (r for r in roots if any(self._top((r,), n) != ([], []) for n in names))
            self._effective[roots] = tuple(kept)
        return self._effective[roots]

    def _candidates(self, base: str, binary: bool) -> list[str]:
        """What defines ``base`` in its folder: 1.2.0's choice, or every one (listing order)."""
        package = base + self.lookup.binary_package if binary else ""
        found = [self._init(base), package if package in self.files else None, self._module(base)]
        hits = [h for h in found if h]
        return hits if self.lookup.listing_order else hits[:1]

    def _top(self, roots: tuple[str, ...], name: str) -> tuple[list[str], list[str]]:
        """The files that may define a top-level name, or the namespace folders holding it."""
        for root in roots:
            hits = self._candidates(_join(root, name), binary=True)
            if hits:
                return hits, []
        return [], [_join(r, name) for r in roots if _join(r, name) in self.dirs]

    def _walk(self, defined: str | None, folders: list[str], rest: list[str]) -> list[Walked]:
        """Every way a dotted path resolves: inits on the way, final module, final folders."""
        if defined is None:
            return self._descend([], None, folders, rest)
        if defined.endswith(INIT_FILES):
            return self._descend([defined], None, [_parent(defined)], rest)
        return self._descend([], defined, folders, rest)

    def _descend(
        self, inits: list[str], target: str | None, folders: list[str], rest: list[str]
    ) -> list[Walked]:
        if not rest:
            return [(inits, target, folders)]
        if target is not None:
            return []  # a module has no submodules
        part, more = rest[0], rest[1:]
        hits = next((h for f in folders if (h := self._candidates(_join(f, part), False))), [])
        walks: list[Walked] = []
        for hit in hits:
            if hit.endswith(INIT_FILES):
                walks.extend(self._descend([*inits, hit], None, [_parent(hit)], more))
            else:
                walks.extend(self._descend(inits, hit, folders, more))
        below = [_join(f, part) for f in folders if _join(f, part) in self.dirs]
        if not hits and below:
            walks.extend(self._descend(inits, None, below, more))
        return walks

    def _named(self, folders: list[str], names: tuple[str, ...]) -> list[str]:
        """Submodules among the names of ``from package import names``."""
        found = []
        for name in names:
            for folder in folders:
                hits = self._candidates(_join(folder, name), binary=False)
                if hits:
                    found.extend(hits)
                    break
        return found

    def resolve(self, importer: str, imp: Import, roots: tuple[str, ...]) -> Edges | None:
        """The files one import statement follows and parses, or None if unresolved."""
        # An absolute import resolves the same from every file of a program; a
        # relative one the same from every file of a folder.
        memo_key = (_parent(importer), imp.level, imp.module, imp.names) if imp.level else (
            roots, imp.module, imp.names)  # fmt: skip
        if memo_key not in self.memo:
            self.memo[memo_key] = self._resolve(importer, imp, roots)
        return self.memo[memo_key]

    def _resolve(self, importer: str, imp: Import, roots: tuple[str, ...]) -> Edges | None:
        parts = imp.module.split(".") if imp.module else []
        if imp.level:
            return self._relative(importer, imp, parts, roots)
        defined, folders = self._top(roots, parts[0])
        found: list[Edges] = []
        hits: list[str | None] = [*defined] if defined else [None] if folders else []
        for hit in hits:
            if hit is not None and hit.endswith(BINARY_PACKAGES):
                found.append(Edges((hit,)))
                continue
            for inits, target, below in self._walk(hit, folders, parts[1:]):
                found.append(self._edges(inits, target, below, imp, [], roots))
        return _union(found)

    def _relative(
        self, importer: str, imp: Import, parts: list[str], roots: tuple[str, ...]
    ) -> Edges | None:
        base = _parent(importer)
        for _ in range(imp.level - 1):
            base = _parent(base)
        enclosing = []
        folder = base
        while folder not in ("", ".") and (init := self._init(folder)):
            enclosing.append(init)
            folder = _parent(folder)
        if not parts:  # `from . import n` imports names of the package itself
            return self._from_package(enclosing[:1], [base], imp, enclosing[1:], roots)
        walks = self._walk(None, [base], parts)
        return _union([self._edges(*walk, imp, enclosing, roots) for walk in walks])

    def _edges(
        self,
        inits: list[str],
        target: str | None,
        folders: list[str],
        imp: Import,
        enclosing: list[str],
        roots: tuple[str, ...],
    ) -> Edges:
        if not imp.names and not imp.level:  # `import P.s`: every package on the way is bound
            return Edges((*inits, *([target] if target else [])), tuple(enclosing))
        if target is not None:  # `from P.s import n`: P's __init__ is parsed, not followed
            return Edges((target,), (*enclosing, *inits))
        own = [i for i in inits[-1:] if _parent(i) in folders]  # the package's own __init__
        above = [i for i in inits if i not in own]
        return self._from_package(own, folders, imp, [*enclosing, *above], roots)

    def _from_package(
        self,
        own: list[str],
        folders: list[str],
        imp: Import,
        parsed: list[str],
        roots: tuple[str, ...],
    ) -> Edges:
        """``from P import names``: P's submodules by those names, and what P's
        ``__init__`` binds to them.  Mojo resolves a re-export only when its name
        is imported, so the ``__init__``'s other imports are not followed (measured
        with benchmarks/affected_sets.py: a syntax error in a re-exported module
        breaks only the programs that import one of its names)."""
        submodules = self._named(folders, imp.names)
        if not own:
            return Edges(tuple(submodules), tuple(parsed))
        init = own[0]
        wanted = frozenset(imp.names)
        key = (init, tuple(sorted(wanted)))
        source = self.sources.get(init)
        if "*" in wanted or source is None or key in self._expanding:
            return Edges((init, *submodules), tuple(parsed))  # everything it binds
        self._expanding.add(key)
        try:
            follow: list[str] = []
            also_parsed: list[str] = [init, *parsed]
            for statement in source.imports:
                if wanted.isdisjoint(statement.bound) and "*" not in statement.names:
                    continue
                edges = self.resolve(init, statement, roots)
                if edges is None:  # an unresolved re-export: keep the whole __init__
                    return Edges((init, *submodules), tuple(parsed))
                follow.extend(edges.follow)
                also_parsed.extend(edges.parse_only)
        finally:
            self._expanding.discard(key)
        return Edges((*follow, *submodules), tuple(also_parsed))
