"""Opening histories: corrupt files left untouched, passwords never shown, clear errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fsfaults import fill, tmpfs
from pgserver import fresh_database

from gauntlet.health.db import connect
from gauntlet.health.dbapi import Database, HistoryError, is_postgres, redact
from gauntlet.health.model import Outcome
from gauntlet.health.rows import CaseRow, RunInfo, RunResults
from gauntlet.health.sqlite import SqliteDatabase
from gauntlet.health.store import open_store


def test_passwords_are_masked() -> None:
    assert (
        redact("postgresql://ci:s3cret@db.example:5432/h")  # pragma: allowlist secret
        == "postgresql://ci:***@db.example:5432/h"
    )
    assert redact("postgresql://ci@db/h") == "postgresql://ci@db/h"
    assert redact("postgresql://ci:p@ss@db/h") == "postgresql://ci:***@db/h"
    assert redact("postgresql://ci:a/b@db/h") == "postgresql://ci:***@db/h"
    assert (
        redact("postgresql://db/h?user=ci&password=s3cret&sslpassword=k&sslmode=require")
        == "postgresql://db/h?user=ci&password=***&sslpassword=***&sslmode=require"
    )
    assert redact("postgresql://ci@db/h?sslmode") == "postgresql://ci@db/h?sslmode"
    assert redact("/tmp/history.sqlite3") == "/tmp/history.sqlite3"
    assert is_postgres("postgres://x")
    assert not is_postgres("sqlite:///x")


def test_an_unreachable_server_is_an_error_without_the_password() -> None:
    url = "postgresql://gauntlet:hunter2@127.0.0.1:1/history"  # pragma: allowlist secret
    with pytest.raises(HistoryError) as caught:
        open_store(url)
    assert "hunter2" not in str(caught.value)
    assert "postgresql://gauntlet:***@127.0.0.1:1/history: cannot connect" in str(caught.value)


def test_a_password_in_the_query_never_shows(postgres_server: str) -> None:
    with fresh_database(postgres_server) as url:
        store = open_store(url + "?password=s3cret&application_name=gauntlet")
        store.close()
    assert "s3cret" not in store.name
    assert store.name.endswith("?password=***&application_name=gauntlet")
    with pytest.raises(HistoryError) as caught:
        open_store("postgresql://gauntlet@127.0.0.1:1/history?password=hunter2")
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all, just text\n" * 20, b"SQLite format 3\x00" + b"\x07" * 4000],
)
def test_a_corrupt_history_is_refused_and_left_byte_identical(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(content)
    with pytest.raises(HistoryError, match=r"corrupt.*left untouched"):
        open_store(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.sqlite3"]


def _record_one(path: Path, results: RunResults) -> str:
    """Record one run in the history at ``path``; the error message it gave."""
    try:
        store = open_store(path)
        try:
            store.add_results(store.start_run(RunInfo("ci", "c1", "main", "push")), results)
        finally:
            store.close()
    except HistoryError as exc:
        return str(exc)
    return ""


@pytest.mark.parametrize("existing", [False, True])
def test_a_full_disk_under_the_history_says_disk_full_never_corrupt(
    tmp_path: Path, existing: bool
) -> None:
    with tmpfs(tmp_path / "disk", 1024) as disk:
        path = disk / "history.sqlite3"
        if existing:
            open_store(path).close()
            fill(disk)
        else:
            fill(disk, leave=8192)  # room for the first page, not for the WAL index
        cases = tuple(CaseRow("s", f"t{i}", "passed", 0.1, "m" * 400) for i in range(200))
        for _ in range(2):  # the second attempt finds what the first one left
            message = _record_one(path, RunResults(cases=cases))
            assert f"the disk is full: free space on {disk} and run again" in message
            assert "corrupt" not in message
            assert "move it aside" not in message
        (disk / ".filler").unlink()
        store = open_store(path)  # space again: the history is usable as it was
        run_id = store.start_run(RunInfo("ci", "c1", "main", "push"))
        store.finish_run(run_id, Outcome.PASSED)
        assert [r.outcome for r in store.health().runs] == [Outcome.PASSED]
        store.close()


def test_sqlite_urls_and_a_new_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "h.sqlite3"
    store = open_store(f"sqlite:///{path}")  # sqlite:////abs: an absolute path
    assert store.name == str(path)
    assert store.schema_version() == 5
    store.close()
    assert path.is_file()


def test_read_and_write_errors_name_the_history(tmp_path: Path) -> None:
    db = connect(tmp_path / "h.sqlite3")
    with pytest.raises(HistoryError, match="cannot read the run history"):
        db.query("SELECT * FROM nowhere")
    with pytest.raises(HistoryError, match="cannot write the run history"), db.transaction() as tx:
        tx.execute("INSERT INTO nowhere VALUES (1)")

    def create_then_fail() -> None:
        with db.transaction() as tx:
            tx.execute("CREATE TABLE t (x INTEGER)")
            raise KeyError("rolled back")

    with pytest.raises(KeyError):
        create_then_fail()
    assert db.query("SELECT count(*) FROM sqlite_master WHERE name = 't'") == [(0,)]
    db.close()


def test_a_locked_history_reports_instead_of_hanging_forever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gauntlet.health.sqlite.BUSY_TIMEOUT_S", 0.1)
    path = tmp_path / "h.sqlite3"
    open_store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    db = connect(path)
    with pytest.raises(HistoryError, match="cannot write"), db.transaction():
        pass
    holder.execute("ROLLBACK")
    holder.close()
    db.close()


def damaged_history(path: Path) -> bytes:
    """A history whose schema reads well but whose test-case pages are garbage."""
    store = open_store(path)
    run_id = store.start_run(RunInfo("doit", "c", "main"))
    cases = tuple(CaseRow("suite", f"case{i}", "passed", 0.1, "x" * 200) for i in range(3000))
    store.add_results(run_id, RunResults(cases=cases))
    store.finish_run(run_id, Outcome.PASSED)
    store.db.query("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    with path.open("r+b") as handle:
        handle.seek(4096 * 40)
        handle.write(b"\x07" * 4096 * 60)
    return path.read_bytes()


def test_damaged_pages_behind_a_sound_schema_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    damaged = damaged_history(path)
    store = open_store(path)
    with pytest.raises(HistoryError, match="the file is damaged: move it aside"):
        store.health()
    store.close()
    assert path.read_bytes() == damaged


def test_a_damaged_history_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    damaged = damaged_history(path)
    store = open_store(path)
    with pytest.raises(HistoryError, match="the file is damaged: move it aside"):
        store.start_run(RunInfo("doit", "c", "main"))
    store.close()
    assert path.read_bytes() == damaged
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_a_history_that_cannot_be_created_is_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(HistoryError, match="cannot open the run history"):
        open_store(blocker / "h.sqlite3")


def write(db: Database, *statements: str) -> None:
    """Run statements in one transaction."""
    with db.transaction() as tx:
        for statement in statements:
            tx.execute(statement)


def test_a_write_failing_at_commit_is_reported_and_rolled_back(history_url: str) -> None:
    db = connect(history_url)
    with db.transaction() as tx:
        tx.execute("CREATE TABLE p (id BIGINT PRIMARY KEY)")
        tx.execute("CREATE TABLE c (pid BIGINT REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)")
    if isinstance(db, SqliteDatabase):
        db.conn.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(HistoryError, match="cannot write the run history"):
        write(db, "INSERT INTO c VALUES (7)")  # no such parent: refused at COMMIT only
    with db.transaction() as tx:  # nothing was left open
        tx.execute("INSERT INTO p VALUES (7)")
    assert db.query("SELECT count(*) FROM c") == [(0,)]
    db.close()


def test_an_error_sqlite_already_rolled_back_is_reported_as_itself(tmp_path: Path) -> None:
    db = connect(tmp_path / "h.sqlite3")
    with db.transaction() as tx:
        tx.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        tx.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(HistoryError, match="UNIQUE constraint failed"):
        # the second statement fails and SQLite rolls the transaction back itself
        write(db, "INSERT INTO t VALUES (2)", "INSERT OR ROLLBACK INTO t VALUES (1)")
    assert db.query("SELECT id FROM t") == [(1,)]
    db.close()
