"""The run history in a SQLite file.

SQLite runs in WAL mode with a busy timeout so several pipelines can write at
once; every write is one transaction.  A file that is not a SQLite database is
reported and never written: it is opened read-only first, and only a valid
database is opened for writing.  Before the first write through a connection,
``PRAGMA quick_check`` reads every page, so a file with damaged pages is
reported instead of written to.  A full disk is reported as such (SQLite
may say "disk I/O error" for it): only a file that SQLite finds malformed is
called damaged, so good history is never thrown away for want of space.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gauntlet.health.dbapi import HistoryError

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from gauntlet.health.dbapi import Row, Writer

BUSY_TIMEOUT_S = 30.0
FULL_BELOW = 1 << 20  # bytes free on the history's disk under which an I/O error is "disk full"


class _SqliteWriter:
    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, [tuple(r) for r in rows])

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self.conn.execute(sql, tuple(params)).fetchall()


class SqliteDatabase:
    """A history in one SQLite file (WAL, busy timeout)."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.name = str(path)
        self.path = path
        self.write_checked = False
        _check_sqlite_file(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
        except (OSError, sqlite3.Error) as exc:
            raise _sqlite_error(self.name, "open", exc) from None

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of one SELECT."""
        try:
            return self.conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _sqlite_error(self.name, "read", exc) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Writer]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``: writers queue on the lock instead of failing.

        An error in the statements or at ``COMMIT`` rolls back and is reported.
        """
        self._check_before_writing()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise _sqlite_error(self.name, "write", exc) from None
        try:
            yield _SqliteWriter(self.conn)
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            self._rollback()
            raise _sqlite_error(self.name, "write", exc) from None
        except BaseException:
            self._rollback()
            raise

    def _check_before_writing(self) -> None:
        """``PRAGMA quick_check`` before the first write through this connection.

        A damaged page anywhere would otherwise be written around and the damage
        spread; the check reads every page (about 0.05 s per 50 MB).
        """
        if self.write_checked:
            return
        try:
            problems = [str(row[0]) for row in self.conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as exc:
            raise _sqlite_error(self.name, "write", exc) from None
        if problems != ["ok"]:
            raise HistoryError(
                f"{self.name}: cannot write the run history (database disk image is malformed: "
                f"{'; '.join(problems)}); the file is damaged: move it aside to start a new history"
            )
        self.write_checked = True

    def _rollback(self) -> None:
        """Undo the open transaction, if SQLite has not already (it may have on an error)."""
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # the error that got here says more
                self.conn.execute("ROLLBACK")

    def close(self) -> None:
        """Close the file."""
        self.conn.close()


def disk_full(path: Path, exc: BaseException) -> bool:
    """Whether ``exc`` came from a full disk: SQLite or the OS says so, or no space is left."""
    if "disk is full" in str(exc) or getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        return True
    try:
        stat = os.statvfs(path.parent)
    except OSError:
        return False
    return stat.f_bavail * stat.f_frsize < FULL_BELOW


def _sqlite_error(name: str, what: str, exc: BaseException) -> HistoryError:
    hint = ""
    if disk_full(Path(name), exc):
        hint = (
            f"; the disk is full: free space on {Path(name).parent} and run again "
            "(the history file itself was not changed)"
        )
    elif "malformed" in str(exc) or "not a database" in str(exc):
        hint = "; the file is damaged: move it aside to start a new history"
    elif "locked" in str(exc):
        hint = f"; another process held it for {BUSY_TIMEOUT_S:g} s, try again"
    return HistoryError(f"{name}: cannot {what} the run history ({exc}){hint}")


def _check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not a SQLite database, reading it only."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise HistoryError(f"{path}: cannot read the run history ({exc})") from None
    problem = "" if header == b"SQLite format 3\x00" else "not a SQLite database"
    if not problem:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            # Reading the schema parses the first pages; a full check would cost 0.1 s per
            # 50 MB on every command, and later read errors are reported anyway.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        except sqlite3.DatabaseError as exc:
            damaged = "malformed" in str(exc) or "not a database" in str(exc)
            if disk_full(path, exc) or not damaged:
                raise _sqlite_error(str(path), "read", exc) from None
            problem = str(exc)
        finally:
            conn.close()
    if problem:
        raise HistoryError(
            f"{path}: the run history is corrupt ({problem}); it was left untouched. "
            "Move it aside to start a new history, or point [tool.gauntlet.history] url "
            "at another file"
        )
