"""Scanning Mojo files, cached by content so an unchanged tree is not re-parsed.

Every file is read and hashed on every scan (content, not mtime, is the
truth); only parsing is skipped when the digest is already known.  The cache
is one JSON file replaced atomically, so concurrent runs and interrupted runs
never leave it half-written; an unreadable cache is simply rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gauntlet.atomic import write_text_atomic
from gauntlet.graph.scan import Import, parse_imports

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_VERSION = 2


@dataclass(frozen=True)
class SourceFile:
    """One scanned Mojo file: where it is, its content digest and its imports."""

    path: str
    digest: str
    imports: tuple[Import, ...]
    python_modules: tuple[str, ...] = ()
    problems: tuple[tuple[int, str], ...] = ()


def digest_bytes(data: bytes) -> str:
    """The content digest used throughout gauntlet's keys."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _encode(source: SourceFile) -> list[object]:
    return [
        [[i.module, i.level, list(i.names), i.line, list(i.bound)] for i in source.imports],
        list(source.python_modules),
        [list(p) for p in source.problems],
    ]


def _decode(path: str, digest: str, row: list[object]) -> SourceFile:
    imports, python, problems = row
    if not (isinstance(imports, list) and isinstance(python, list) and isinstance(problems, list)):
        raise TypeError("malformed cache row")
    return SourceFile(
        path=path,
        digest=digest,
        imports=tuple(Import(m, lv, tuple(n), ln, tuple(b)) for m, lv, n, ln, b in imports),
        python_modules=tuple(python),
        problems=tuple((int(ln), str(msg)) for ln, msg in problems),
    )


class ScanCache:
    """Parsed imports keyed by content digest, persisted in one JSON file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.parsed = 0
        self._rows: dict[str, list[object]] = {}
        self._dirty = False
        if path is not None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("schema_version") == SCHEMA_VERSION:
                    self._rows = dict(data["files"])
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                self._rows = {}

    def scan(self, root: Path, paths: list[str]) -> dict[str, SourceFile]:
        """Scan ``paths`` (relative to ``root``), parsing only unseen contents."""
        result: dict[str, SourceFile] = {}
        seen: dict[str, list[object]] = {}
        for rel in paths:
            with open(os.path.join(root, rel), "rb") as handle:  # noqa: PTH123 - hot loop
                data = handle.read()
            digest = digest_bytes(data)
            row = self._rows.get(digest)
            source = None
            if row is not None:
                try:
                    source = _decode(rel, digest, row)
                except (ValueError, TypeError):
                    source = None
            if source is None:
                parsed = parse_imports(data.decode("utf-8", errors="replace"))
                source = SourceFile(rel, digest, *parsed)
                self.parsed += 1
                self._dirty = True
            seen[digest] = row if row is not None else _encode(source)
            result[rel] = source
        if seen.keys() != self._rows.keys():
            self._dirty = True
        self._rows = seen
        self.save()
        return result

    def digest_binary(self, root: Path, rel: str) -> str:
        """Digest of a non-source input such as a precompiled ``.mojopkg``."""
        return digest_bytes((root / rel).read_bytes())

    def save(self) -> None:
        """Write the cache if anything changed (atomically)."""
        if self.path is None or not self._dirty:
            return
        payload = {"schema_version": SCHEMA_VERSION, "files": self._rows}
        write_text_atomic(self.path, json.dumps(payload, separators=(",", ":")))
        self._dirty = False
