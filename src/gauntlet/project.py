"""The project model: which Mojo files exist, what each imports, and closures.

Imports are resolved the way the Mojo compiler resolves them (measured in
docs/dependencies.md): absolute imports are looked up first in the importing
file's own folder, then in each include root in order; a package is a folder
with ``__init__.mojo`` (or a precompiled ``.mojoc``/``.mojopkg``); relative imports start
at the importing file's package.  Importing ``a.b.c`` loads ``a/__init__.mojo``
and ``a/b/__init__.mojo`` too, so they belong to the closure.

A test's dependency set is its file plus the transitive closure over resolved
imports.  Unresolved imports are kept by name so that creating the missing
file later changes the set (and so the task's key).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from gauntlet.scancache import ScanCache, SourceFile

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from gauntlet.config import Config

# Top-level names of Mojo's standard library (``std`` in Mojo 1.x, bare names
# in 0.26 and older) and of the libraries shipped with the compiler.
STDLIB = frozenset(
    {
        "std",
        "builtin",
        "collections",
        "memory",
        "python",
        "testing",
        "benchmark",
        "math",
        "sys",
        "os",
        "time",
        "random",
        "utils",
        "algorithm",
        "bit",
        "buffer",
        "complex",
        "hashlib",
        "logger",
        "pathlib",
        "pwd",
        "runtime",
        "subprocess",
        "tempfile",
        "gpu",
        "itertools",
        "compile",
        "documentation",
        "io",
        "prelude",
        "reflection",
        "stat",
        "ffi",
        "base64",
        "max",
        "layout",
        "tensor",
        "kv_cache",
    }
)

MOJO_SUFFIXES = (".mojo", ".🔥")
INIT_FILES = ("__init__.mojo", "__init__.🔥")
# Precompiled packages: Mojo 1.x writes .mojoc, older releases .mojopkg.
BINARY_PACKAGES = (".mojoc", ".mojopkg")


@dataclass(frozen=True)
class Diagnostic:
    """A problem found while scanning, located at a file and line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Project:
    """Every Mojo file of one project, its resolved imports and its roles."""

    config: Config
    files: Mapping[str, SourceFile]
    deps: Mapping[str, tuple[str, ...]]
    unresolved: Mapping[str, tuple[str, ...]]
    diagnostics: tuple[Diagnostic, ...]
    tests: tuple[str, ...]
    benchmarks: tuple[str, ...]
    packages: tuple[str, ...]
    binary_digests: Mapping[str, str]

    def digest(self, path: str) -> str:
        """Content digest of a scanned source or a referenced binary package."""
        source = self.files.get(path)
        return source.digest if source else self.binary_digests[path]

    def closure(self, starts: Iterable[str]) -> tuple[str, ...]:
        """Sorted transitive closure of resolved imports, the starts included."""
        seen: set[str] = set()
        stack = list(starts)
        while stack:
            path = stack.pop()
            if path in seen:
                continue
            seen.add(path)
            stack.extend(self.deps.get(path, ()))
        return tuple(sorted(seen))

    def unresolved_in(self, paths: Iterable[str]) -> tuple[str, ...]:
        """The unresolved import names of some files, as ``file:module`` entries."""
        return tuple(f"{p}:{name}" for p in paths for name in self.unresolved.get(p, ()))

    def package_files(self, package: str) -> tuple[str, ...]:
        """Every Mojo source under a package folder."""
        prefix = package.rstrip("/") + "/"
        return tuple(sorted(p for p in self.files if p.startswith(prefix)))


# -- discovery --------------------------------------------------------------------------


def _walk(root: str, skip_dirs: frozenset[str]) -> Iterable[str]:
    """Relative POSIX paths of Mojo sources and packages below ``root``."""
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
                    stack.append(path + "/")
            elif entry.name.endswith((*MOJO_SUFFIXES, *BINARY_PACKAGES)):
                yield path


def _under(path: str, places: Iterable[str]) -> bool:
    for place in places:
        if place in (".", path) or path.startswith(place + "/"):
            return True
        if fnmatchcase(path, place):
            return True
    return False


def _matches(path: str, prefix: str, places: Iterable[str]) -> bool:
    name = PurePosixPath(path).name
    return name.startswith(prefix) and name.endswith(MOJO_SUFFIXES) and _under(path, places)


# -- resolution -------------------------------------------------------------------------


class _Resolver:
    def __init__(self, known: set[str], include: tuple[str, ...]) -> None:
        self.known = known
        self.include = include

    def _file(self, folder: str, name: str) -> str | None:
        base = f"{folder}/{name}" if folder not in ("", ".") else name
        for suffix in MOJO_SUFFIXES:
            if base + suffix in self.known:
                return base + suffix
        return None

    def _package(self, folder: str, name: str) -> str | None:
        base = f"{folder}/{name}" if folder not in ("", ".") else name
        for init in INIT_FILES:
            if f"{base}/{init}" in self.known:
                return f"{base}/{init}"
        return None

    def walk(self, folder: str, parts: list[str]) -> list[str] | None:
        """Files loaded by importing ``parts`` from ``folder``, or None if not found."""
        loaded: list[str] = []
        for index, part in enumerate(parts):
            init = self._package(folder, part)
            if init is not None:
                loaded.append(init)
                folder = f"{folder}/{part}" if folder not in ("", ".") else part
                continue
            module = self._file(folder, part)
            if module is not None and index == len(parts) - 1:
                return [*loaded, module]
            if index == 0:
                base = f"{folder}/{part}" if folder not in ("", ".") else part
                for suffix in BINARY_PACKAGES:
                    if base + suffix in self.known:
                        return [base + suffix]
            return None
        return loaded

    def submodules(self, loaded: list[str], names: tuple[str, ...]) -> list[str]:
        """``from pkg import sub`` loads ``sub`` when it is a submodule of ``pkg``."""
        if not loaded or not loaded[-1].endswith(INIT_FILES):
            return []
        folder = str(PurePosixPath(loaded[-1]).parent)
        found = []
        for name in names:
            hit = self._package(folder, name) or self._file(folder, name)
            if hit:
                found.append(hit)
        return found

    def resolve(
        self, importer: str, module: str, level: int, names: tuple[str, ...]
    ) -> list[str] | None:
        here = str(PurePosixPath(importer).parent)
        if level:
            folder = PurePosixPath(here)
            for _ in range(level - 1):
                folder = folder.parent
            start = str(folder)
            parts = module.split(".") if module else []
            loaded = self.walk(start, parts)
            if loaded is None:
                return None
            own_init = self._package(str(folder.parent), folder.name) if folder.name else None
            extra = [own_init] if own_init else []
            if not parts:
                named = (self._package(start, n) or self._file(start, n) for n in names)
                return extra + [hit for hit in named if hit]
            return extra + loaded + self.submodules(loaded, names)
        parts = module.split(".")
        for root in (here, *self.include):
            loaded = self.walk(root, parts)
            if loaded is not None:
                return loaded + self.submodules(loaded, names)
        return None


def build_project(config: Config, cache: ScanCache | None = None) -> Project:
    """Scan the project's Mojo sources and resolve every import."""
    root = str(config.root)
    skip = frozenset({config.build_dir})
    paths = [p for p in _walk(root, skip) if not any(fnmatchcase(p, pat) for pat in config.exclude)]
    cache = cache or ScanCache(None)
    sources = [p for p in paths if p.endswith(MOJO_SUFFIXES)]
    files = cache.scan(config.root, sources)
    binaries = {
        p: cache.digest_binary(config.root, p) for p in paths if p.endswith(BINARY_PACKAGES)
    }
    resolver = _Resolver(set(paths), config.include)
    deps: dict[str, tuple[str, ...]] = {}
    unresolved: dict[str, tuple[str, ...]] = {}
    diagnostics: list[Diagnostic] = []
    for path, source in sorted(files.items()):
        found: list[str] = []
        missing: list[str] = []
        for line, problem in source.problems:
            diagnostics.append(Diagnostic(path, line, problem))
        for imp in source.imports:
            hit = resolver.resolve(path, imp.module, imp.level, imp.names)
            written = "." * imp.level + imp.module
            if hit is not None:
                found.extend(h for h in hit if h != path)
            elif imp.level == 0 and imp.module.split(".")[0] in STDLIB:
                continue
            else:
                missing.append(written)
                where = "relative to its package" if imp.level else _search_text(path, config)
                diagnostics.append(
                    Diagnostic(path, imp.line, f"cannot resolve import {written!r} ({where})")
                )
        deps[path] = tuple(dict.fromkeys(found))
        unresolved[path] = tuple(dict.fromkeys(missing))
    return Project(
        config=config,
        files=files,
        deps=deps,
        unresolved=unresolved,
        diagnostics=tuple(diagnostics),
        tests=tuple(sorted(p for p in files if _matches(p, "test_", config.tests))),
        benchmarks=tuple(sorted(p for p in files if _matches(p, "bench_", config.benchmarks))),
        packages=config.packages or _discover_packages(files, config.include),
        binary_digests=binaries,
    )


def _search_text(path: str, config: Config) -> str:
    folders = [str(PurePosixPath(path).parent), *config.include]
    return "searched " + ", ".join(f"{f}/" for f in dict.fromkeys(folders))


def _discover_packages(
    files: Mapping[str, SourceFile], include: tuple[str, ...]
) -> tuple[str, ...]:
    """Top-level packages: folders directly under an include root with ``__init__.mojo``."""
    found = []
    for root in include:
        prefix = "" if root == "." else root + "/"
        for path in files:
            rest = path[len(prefix) :] if path.startswith(prefix) else None
            if rest is not None and rest.count("/") == 1 and rest.endswith(INIT_FILES):
                found.append(prefix + rest.split("/")[0])
    return tuple(sorted(set(found)))
