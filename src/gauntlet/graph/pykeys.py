"""Python benchmarks in the plan: which files, and the content key of each.

A Python benchmark's key covers the file, every project Python file it imports
(found by reading ``import`` statements, transitively: absolute imports in the
file's folder, the ``include`` roots, ``src`` and the root, in that order;
relative imports from the importing file's package), the build keys of the
extension modules it imports, the Python version and ``[tool.gauntlet.bench]``.
So ``doit benchmark`` reruns it only when one of those changed.  The key looks
in ``src`` and the include roots, but the run's ``PYTHONPATH`` does not hold
them: a src-layout package is imported as installed (``pip install -e .``).
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gauntlet.config.load import Config


def python_benchmarks(config: Config, patterns: tuple[str, ...]) -> list[str]:
    """Root-relative paths of the files the ``python`` globs match, sorted."""
    found: set[str] = set()
    for pattern in patterns:
        for path in config.root.glob(pattern):
            if path.is_file() and path.suffix == ".py":
                found.add(path.relative_to(config.root).as_posix())
    return sorted(found)


def _imports(path: Path) -> tuple[set[str], list[tuple[Path, list[str]]]]:
    """What ``path`` imports: absolute module names, and relative imports as (folder, parts).

    ``from ..a import b`` in ``pkg/sub/m.py`` gives ``(pkg, ["a"])`` and
    ``(pkg, ["a", "b"])`` (``b`` may be a module or a name in ``a``).
    """
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return set(), []  # running it will report the problem with its line
    names: set[str] = set()
    relative: list[tuple[Path, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level <= len(path.parents):
            folder = path.parents[node.level - 1]
            prefix = node.module.split(".") if node.module else []
            relative.append((folder, prefix))
            relative.extend((folder, [*prefix, alias.name]) for alias in node.names)
    return names, relative


def _packages(parts: list[str]) -> list[list[str]]:
    """``a.b.c`` and the packages importing it runs first: ``a``, ``a.b``."""
    return [parts[:n] for n in range(1, len(parts) + 1)]


def _module_file(parts: list[str], folders: list[Path]) -> Path | None:
    for folder in folders:
        for candidate in (folder.joinpath(*parts).with_suffix(".py"),
                          folder.joinpath(*parts, "__init__.py")):  # fmt: skip
            if candidate.is_file():
                return candidate
    return None


def search_folders(root: Path, source: str, include: tuple[str, ...] = ()) -> list[Path]:
    """Where a benchmark's imports are looked for: its folder, the include roots, src, the root."""
    folders = [(root / source).parent, *(root / i for i in include), root / "src", root]
    return list(dict.fromkeys(f.resolve() for f in folders))


def closure(root: Path, source: str, include: tuple[str, ...] = ()) -> tuple[list[str], set[str]]:
    """The project Python files ``source`` imports (itself first) and all module names seen.

    Absolute imports are looked for in :func:`search_folders`; relative
    imports from the importing file's package, ``..`` going one folder up.
    """
    folders = search_folders(root, source, include)
    seen: dict[Path, None] = {(root / source).resolve(): None}
    names: set[str] = set()
    todo = list(seen)
    while todo:
        modules, relative = _imports(todo.pop())
        names |= modules
        wanted = [(p, folders) for n in sorted(modules) for p in _packages(n.split("."))]
        for folder, parts in relative:  # the folder's package runs first
            wanted += [(["__init__"], [folder]), *((p, [folder]) for p in _packages(parts))]
        for parts, where in wanted:
            found = _module_file(parts, where)
            if found is not None and found.resolve() not in seen:
                seen[found.resolve()] = None
                todo.append(found.resolve())
    inside = [p for p in seen if p.is_relative_to(root.resolve())]
    return [p.relative_to(root.resolve()).as_posix() for p in inside], names


def python_key(
    config: Config, source: str, extension_keys: Mapping[str, str], settings: object
) -> tuple[list[str], str]:
    """The files a Python benchmark reads and its content key."""
    files, names = closure(config.root, source, config.include)
    top = {n.split(".")[0] for n in names}
    digest = hashlib.sha256()
    payload = {
        "kind": "python-benchmark",
        "source": source,
        "files": [(f, hashlib.sha256((config.root / f).read_bytes()).hexdigest()) for f in files],
        "extensions": sorted((n, k) for n, k in extension_keys.items() if n in top),
        "python": sys.version,
        "bench": settings,
    }
    digest.update(json.dumps(payload, sort_keys=True, default=str).encode())
    return files, digest.hexdigest()[:20]
