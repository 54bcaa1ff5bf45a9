"""doit's state database, checked before doit opens it and moved aside when corrupt.

gauntlet's up-to-date checks compare content keys and digests recorded beside
results and artifacts; they never read doit's state.  A corrupt state database
(a crash mid-write, a bad restore of ``.gauntlet/``) would still stop every run
with doit's traceback, so the graph checks it when it loads, before doit opens
it: SQLite's ``PRAGMA quick_check`` (0.1 ms on the sample's 24 KiB database,
0.6 ms on one of 2,000 tasks and 470 KiB; ``benchmarks/cache_digests.py``
prints the figure for a project).  A
corrupt file is renamed to ``doit-state.sqlite3.corrupt-<time>`` with a warning
and doit starts a new one; nothing is rebuilt because of it.

Only SQLite's own verdicts count as corruption (``SQLITE_CORRUPT``,
``SQLITE_NOTADB``, or ``quick_check`` reporting problems): a database that
another run holds locked, or a folder that cannot be read, is left alone.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)
_SIDE_FILES = ("-journal", "-wal", "-shm")


def state_problem(path: Path) -> str | None:
    """What SQLite finds wrong with the database at ``path``; None when sound or absent."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=10)
    except sqlite3.Error:
        return None  # cannot be opened at all (permissions): doit will say so itself
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        return str(exc) if code in _CORRUPT_CODES else None
    finally:
        conn.close()
    found = [str(row[0]) for row in rows]
    return None if found == ["ok"] else "; ".join(found[:3])


def move_aside(path: Path, now: float | None = None) -> Path:
    """Rename ``path`` (and its journal files) to ``<name>.corrupt-<time>``; return the new path."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(time.time() if now is None else now))
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
    path.rename(target)
    for suffix in _SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def recover_state(path: Path, now: float | None = None) -> Path | None:
    """Move a corrupt state database aside with a warning; return where it went."""
    problem = state_problem(path)
    if problem is None:
        return None
    try:
        moved = move_aside(path, now)
    except OSError as exc:
        sys.stderr.write(
            f"gauntlet: warning: doit's state database {path} is corrupt ({problem}) and "
            f"could not be moved aside ({exc}); delete it and run again\n"
        )
        return None
    sys.stderr.write(
        f"gauntlet: warning: doit's state database {path} is corrupt ({problem}); "
        f"moved it to {moved.name} and starting a new one (gauntlet's up-to-date checks "
        "do not depend on it, so nothing is rebuilt for this)\n"
    )
    return moved
