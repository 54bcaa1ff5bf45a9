"""The run history on a PostgreSQL server (psycopg 3, ``pip install mojo-gauntlet[postgres]``).

SQL is written once with ``?`` placeholders; this connection rewrites them.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from gauntlet.health.dbapi import HistoryError, redact

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from gauntlet.health.dbapi import Row, Writer


class _PostgresWriter:
    dialect = "postgresql"

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(_pg(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cursor.executemany(_pg(sql), [tuple(r) for r in rows])

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.cursor.execute(_pg(sql), tuple(params))
        return list(self.cursor.fetchall())


def _pg(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresDatabase:
    """A history on a PostgreSQL server (psycopg 3, ``pip install mojo-gauntlet[postgres]``)."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        self.name = redact(url)
        try:
            import psycopg
        except ImportError:
            raise HistoryError(
                f"{self.name}: a PostgreSQL history needs psycopg; "
                "install it with `pip install 'mojo-gauntlet[postgres]'`"
            ) from None
        self._errors: tuple[type[BaseException], ...] = (psycopg.Error,)
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            message = str(exc).replace(url, self.name)
            raise HistoryError(
                f"{self.name}: cannot connect to the run history ({message})"
            ) from None

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of one SELECT."""
        try:
            with self.conn.cursor() as cursor:
                cursor.execute(_pg(sql), tuple(params))
                return list(cursor.fetchall())
        except self._errors as exc:
            raise HistoryError(f"{self.name}: cannot read the run history ({exc})") from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Writer]:
        """One transaction; an error rolls it back and is reported."""
        try:
            with self.conn.transaction(), self.conn.cursor() as cursor:
                yield _PostgresWriter(cursor)
        except self._errors as exc:
            raise HistoryError(f"{self.name}: cannot write the run history ({exc})") from None

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()
