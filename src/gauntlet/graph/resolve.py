"""Mojo 1.2.0's module lookup over the files and folders that exist.

The measured rules (docs/dependencies.md, row ids in brackets) are described
in :mod:`gauntlet.graph.project`; this module implements them for one import
statement at a time and says which files the statement *follows* (their
imports count too) and which it only *parses* (their content counts).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from gauntlet.graph.scan import Import
from gauntlet.graph.scancache import SourceFile

# Top-level names of Mojo's standard library (``std`` in Mojo 1.x, bare names
# in 0.26 and older) and of the libraries shipped with the compiler.
STDLIB = frozenset(
    {
        "std", "builtin", "collections", "memory", "python", "testing", "benchmark",
        "math", "sys", "os", "time", "random", "utils", "algorithm", "bit", "buffer",
        "complex", "hashlib", "logger", "pathlib", "pwd", "runtime", "subprocess",
        "tempfile", "gpu", "itertools", "compile", "documentation", "io", "prelude",
        "reflection", "stat", "ffi", "base64", "max", "layout", "tensor", "kv_cache",
    }
)  # fmt: skip

MOJO_SUFFIXES = (".mojo", ".🔥")
INIT_FILES = ("__init__.mojo", "__init__.🔥")
# Mojo 1.2.0 loads precompiled packages only as .mojoc; .mojopkg is ignored [d13].
BINARY_PACKAGE = ".mojoc"


@dataclass(frozen=True)
class Edges:
    """What one import statement brings in: files followed, files only parsed."""

    follow: tuple[str, ...] = ()
    parse_only: tuple[str, ...] = ()


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
    ) -> None:
        self.files = files
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
            kept = (r for r in roots if any(self._top((r,), n) != (None, []) for n in names))
            self._effective[roots] = tuple(kept)
        return self._effective[roots]

    def _top(self, roots: tuple[str, ...], name: str) -> tuple[str | None, list[str]]:
        """The file that defines a top-level name, or the namespace folders holding it."""
        for root in roots:
            base = _join(root, name)
            hit = self._init(base)
            if hit is None and base + BINARY_PACKAGE in self.files:
                hit = base + BINARY_PACKAGE
            hit = hit or self._module(base)
            if hit:
                return hit, []
        return None, [_join(r, name) for r in roots if _join(r, name) in self.dirs]

    def _walk(
        self, defined: str | None, folders: list[str], rest: list[str]
    ) -> tuple[list[str], str | None, list[str]] | None:
        """Inits along a dotted path, the final module (if any), the final package folders."""
        inits: list[str] = []
        target: str | None = None
        if defined is not None:
            if defined.endswith(INIT_FILES):
                inits.append(defined)
                folders = [_parent(defined)]
            else:
                target = defined
        for part in rest:
            if target is not None:
                return None  # a module has no submodules
            hit = next((h for f in folders if (h := self._init(_join(f, part)))), None)
            if hit:
                inits.append(hit)
                folders = [_parent(hit)]
                continue
            module = next((m for f in folders if (m := self._module(_join(f, part)))), None)
            if module:
                target = module
                continue
            folders = [_join(f, part) for f in folders if _join(f, part) in self.dirs]
            if not folders:
                return None
        return inits, target, folders

    def _named(self, folders: list[str], names: tuple[str, ...]) -> list[str]:
        """Submodules among the names of ``from package import names``."""
        found = []
        for name in names:
            for folder in folders:
                hit = self._init(_join(folder, name)) or self._module(_join(folder, name))
                if hit:
                    found.append(hit)
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
        if defined is None and not folders:
            return None
        if defined is not None and defined.endswith(BINARY_PACKAGE):
            return Edges((defined,))
        walked = self._walk(defined, folders, parts[1:])
        if walked is None:
            return None
        inits, target, folders = walked
        return self._edges(inits, target, folders, imp, [], roots)

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
        walked = self._walk(None, [base], parts)
        if walked is None:
            return None
        inits, target, folders = walked
        if not parts:  # `from . import n` imports names of the package itself
            return self._from_package(enclosing[:1], [base], imp, enclosing[1:], roots)
        return self._edges(inits, target, folders, imp, enclosing, roots)

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
            elif entry.name.endswith((*MOJO_SUFFIXES, BINARY_PACKAGE)):
                files.append(path)
    return files, dirs
