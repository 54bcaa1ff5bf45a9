"""Resolved imports kept between runs, for a tree whose every input is unchanged.

Resolving every import of a large tree (2,000 files: about 5,000 distinct
statements) is most of what planning costs, and a run that changed nothing
would redo it all.  What a resolution reads is known exactly: the listing of
files and folders, each source's content (its parsed imports), the include
roots, the compiler's lookup rules and the code that resolves.  The cache is
valid for one *tree key*, a SHA-256 over all of those (the code as the bytes
of the modules that parse and resolve), so any added, removed or edited file,
any other include or compiler rule, or another gauntlet makes it miss, and
the imports are resolved afresh, as without a cache.  It holds, per set of
search roots, each file's followed and parsed files and unresolved imports
(as positions), and is rewritten only when it missed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet.atomic import write_text_atomic
from gauntlet.errors import GauntletError
from gauntlet.graph import project as _project_module
from gauntlet.graph import resolve as _resolve_module
from gauntlet.graph import scan as _scan_module
from gauntlet.graph import scancache as _scancache_module
from gauntlet.graph.resolve import Edges

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from gauntlet.graph.resolve import Lookup
    from gauntlet.graph.scan import Import
    from gauntlet.graph.scancache import SourceFile

SCHEMA_VERSION = 1
Row = tuple[Edges, tuple["Import", ...]]


def _code() -> bytes | None:
    """The bytes of the modules whose code decides a resolution (None: not readable)."""
    parts = []
    for module in (_resolve_module, _project_module, _scan_module, _scancache_module):
        try:
            parts.append(Path(str(module.__file__)).read_bytes())
        except (OSError, TypeError):
            return None  # an install without sources: no cache, resolved every time
    return b"\0".join(parts)


def tree_key(
    paths: Iterable[str],
    dirs: Iterable[str],
    include: Sequence[str],
    sources: Mapping[str, SourceFile],
    lookup: Lookup,
) -> str | None:
    """The digest of everything a resolution reads (see the module); None: cannot tell."""
    code = _code()
    if code is None:
        return None
    digest = hashlib.sha256(code)
    head = [f"schema {SCHEMA_VERSION}", repr(lookup), *include, "\0paths"]
    body = [*sorted(paths), "\0dirs", *sorted(dirs), "\0sources"]
    body.extend(f"{path}\0{sources[path].digest}" for path in sorted(sources))
    digest.update("\n".join([*head, *body]).encode("utf-8", errors="surrogateescape"))
    return digest.hexdigest()


class ResolveCache:
    """Each file's resolved imports under some roots, for one tree key (in a JSON file)."""

    def __init__(self, path: Path | None, key: str) -> None:
        self.path = path
        self.key = key
        self._graphs: dict[str, list[list[list[int]]]] = {}
        if path is None:
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("schema_version") == SCHEMA_VERSION and data.get("tree") == key:
                self._graphs = dict(data["graphs"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._graphs = {}

    def table(
        self, roots: tuple[str, ...], order: list[str], sources: Mapping[str, SourceFile]
    ) -> list[Row] | None:
        """Every file's row (in ``order``) under ``roots``; None when not cached or malformed."""
        rows = self._graphs.get("\0".join(roots))
        if not isinstance(rows, list) or len(rows) != len(order):
            return None
        table: list[Row] = []
        try:
            for path, (follow, parsed, missing) in zip(order, rows, strict=True):
                source = sources.get(path)
                imports = source.imports if source else ()
                edges = Edges(tuple(order[i] for i in follow), tuple(order[i] for i in parsed))
                table.append((edges, tuple(imports[i] for i in missing)))
        except (IndexError, TypeError, ValueError):
            return None
        return table

    def put(
        self,
        roots: tuple[str, ...],
        order: list[str],
        sources: Mapping[str, SourceFile],
        table: list[Row],
    ) -> None:
        """Keep a freshly resolved table and write the file (a read-only folder: not kept)."""
        number = {path: i for i, path in enumerate(order)}
        rows = []
        for path, (edges, missing) in zip(order, table, strict=True):
            source = sources.get(path)
            imports = source.imports if source else ()
            rows.append([
                [number[f] for f in edges.follow],
                [number[p] for p in edges.parse_only],
                [imports.index(imp) for imp in missing],
            ])  # fmt: skip
        self._graphs["\0".join(roots)] = rows
        if self.path is None:
            return
        payload = {"schema_version": SCHEMA_VERSION, "tree": self.key, "graphs": self._graphs}
        with contextlib.suppress(OSError, GauntletError):  # unwritable: resolved again next time
            write_text_atomic(self.path, json.dumps(payload, separators=(",", ":")))
