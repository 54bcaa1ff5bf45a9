"""Connections to the run history: a SQLite file or a PostgreSQL server, one small API.

SQL is written once with ``?`` placeholders and portable types (``TEXT``,
``BIGINT``, ``DOUBLE PRECISION``).  The interface both backends implement is
in :mod:`gauntlet.health.dbapi`; the backends in :mod:`gauntlet.health.sqlite`
and :mod:`gauntlet.health.postgres`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gauntlet.health.dbapi import is_postgres, sqlite_path
from gauntlet.health.postgres import PostgresDatabase
from gauntlet.health.sqlite import SqliteDatabase

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.health.dbapi import Database


def connect(url_or_path: str | Path) -> Database:
    """A connection to the history at a PostgreSQL URL or a SQLite path (or ``sqlite:///``)."""
    text = str(url_or_path)
    if is_postgres(text):
        return PostgresDatabase(text)
    return SqliteDatabase(sqlite_path(text))
