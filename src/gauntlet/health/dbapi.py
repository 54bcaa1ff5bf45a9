"""The run history's database interface: the protocols both backends implement,
the error they raise, and the helpers that read a history URL.

Passwords in URLs are never shown (:func:`redact`).
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gauntlet.errors import GauntletError

if TYPE_CHECKING:
    from collections.abc import Sequence

SQLITE_PREFIX = "sqlite:///"
Row = tuple[Any, ...]


class HistoryError(GauntletError):
    """The run history cannot be opened, read or written; the message says why."""


_SECRET_PARAM = re.compile(r"pass|secret|token", re.IGNORECASE)


def redact(url: str) -> str:
    """``url`` with any password replaced by ``***``: in the user part and in the query.

    The user part ends at the *last* ``@`` before the query, so a password
    holding ``@`` or ``/`` (unencoded) is masked whole.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    head, mark, query = rest.partition("?")
    if "@" in head:
        userinfo, host = head.rsplit("@", 1)
        user, colon, _ = userinfo.partition(":")
        head = f"{user}:***@{host}" if colon else head
    params = [p.partition("=") for p in query.split("&")] if mark else []
    query = "&".join(
        f"{key}{eq}{'***' if eq and _SECRET_PARAM.search(key) else value}"
        for key, eq, value in params
    )
    return scheme + sep + head + mark + query


def is_postgres(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL server rather than a SQLite file."""
    return url.startswith(("postgresql://", "postgres://"))


class Database(Protocol):
    """What the store needs from a connection."""

    name: str  # where the history is, safe to print
    dialect: str  # "sqlite" | "postgresql"

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of one SELECT."""

    def transaction(self) -> contextlib.AbstractContextManager[Writer]:
        """A write transaction, committed on success and rolled back on error."""

    def close(self) -> None:
        """Release the connection."""


class Writer(Protocol):
    """Statements inside one transaction."""

    dialect: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement."""

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many parameter rows."""

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of one SELECT inside the transaction."""


def sqlite_path(text: str, base: Path | None = None) -> Path:
    """The file a path or ``sqlite:///`` URL names.

    As in SQLAlchemy, ``sqlite:///rel/h.sqlite3`` is relative and
    ``sqlite:////abs/h.sqlite3`` absolute; a relative path is under ``base``
    (the working folder when None).
    """
    path = Path(text[len(SQLITE_PREFIX) :] if text.startswith(SQLITE_PREFIX) else text)
    return path if path.is_absolute() or base is None else base / path
