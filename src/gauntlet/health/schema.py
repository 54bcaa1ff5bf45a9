"""The history's schema and its migrations, one numbered step per version.

``meta.schema_version`` says which steps a history has had.  Opening a
history applies the missing steps in one transaction; a history written by
a newer gauntlet (a version above :data:`CURRENT`) is refused, never changed.

Version 1: runs, their tasks, test cases, coverage, benchmark results, gate
results and waivers.  Version 2: the dependencies between a run's tasks (for
its critical path) and the indexes ``gauntlet health`` reads through (the
test-case ones cover every column its aggregates read, so they never touch
the table).  Version 3: each run's process start time (``proc_start``, clock
ticks since boot), so a process id reused by another process is told apart.
Version 4: release events (``release_events``: one row per
:class:`~gauntlet.delivery.events.ReleaseEvent`, keyed by its content, the
whole event as JSON in ``body``), for DORA's four keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gauntlet.health.dbapi import HistoryError

if TYPE_CHECKING:
    from gauntlet.health.dbapi import Database, Writer

V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    commit_sha TEXT NOT NULL,
    branch TEXT NOT NULL,
    trigger_name TEXT NOT NULL,
    started DOUBLE PRECISION NOT NULL,
    finished DOUBLE PRECISION,
    outcome TEXT NOT NULL,
    host TEXT NOT NULL,
    pid BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS tasks (
    run_id TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    start_s DOUBLE PRECISION,
    duration_s DOUBLE PRECISION NOT NULL,
    content_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS test_cases (
    run_id TEXT NOT NULL,
    suite TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    duration_s DOUBLE PRECISION NOT NULL,
    message TEXT NOT NULL,
    content_key TEXT NOT NULL,
    commit_sha TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS coverage (
    run_id TEXT NOT NULL,
    line_percent DOUBLE PRECISION NOT NULL,
    branch_percent DOUBLE PRECISION
);
CREATE TABLE IF NOT EXISTS bench_results (
    run_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    unit TEXT NOT NULL,
    regression BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS gate_results (
    run_id TEXT NOT NULL,
    gate TEXT NOT NULL,
    status TEXT NOT NULL,
    measured TEXT NOT NULL,
    threshold TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS waivers (
    run_id TEXT NOT NULL,
    gate TEXT NOT NULL,
    finding TEXT NOT NULL,
    reason TEXT NOT NULL,
    expires TEXT NOT NULL
);
"""

V2 = """
CREATE TABLE IF NOT EXISTS task_deps (
    run_id TEXT NOT NULL,
    task TEXT NOT NULL,
    dep TEXT NOT NULL
);
ALTER TABLE test_cases ADD COLUMN started DOUBLE PRECISION;
UPDATE test_cases SET started = (
    SELECT runs.started FROM runs WHERE runs.run_id = test_cases.run_id
);
CREATE INDEX IF NOT EXISTS runs_started ON runs (started);
CREATE INDEX IF NOT EXISTS runs_outcome ON runs (outcome);
CREATE INDEX IF NOT EXISTS tasks_run ON tasks (run_id, name, status, start_s, duration_s);
CREATE INDEX IF NOT EXISTS cases_run ON test_cases (run_id);
CREATE INDEX IF NOT EXISTS cases_window ON test_cases (started, suite, name, status, duration_s);
CREATE INDEX IF NOT EXISTS cases_test ON test_cases (suite, name, started, status, duration_s);
CREATE INDEX IF NOT EXISTS deps_run ON task_deps (run_id);
CREATE INDEX IF NOT EXISTS bench_run ON bench_results (run_id);
CREATE INDEX IF NOT EXISTS coverage_run ON coverage (run_id);
CREATE INDEX IF NOT EXISTS gates_run ON gate_results (run_id);
"""

V3 = """
ALTER TABLE runs ADD COLUMN proc_start BIGINT;
CREATE INDEX IF NOT EXISTS runs_running ON runs (outcome, host)
"""

V4 = """
CREATE TABLE IF NOT EXISTS release_events (
    event_key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    environment TEXT NOT NULL,
    version TEXT NOT NULL,
    commit_sha TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    outcome TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS release_events_at ON release_events (at)
"""

V5 = """
ALTER TABLE coverage ADD COLUMN language TEXT NOT NULL DEFAULT 'python'
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4, V5)
CURRENT = len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def stored_version(db: Database | Writer) -> int:
    """The schema version of a history (0: a new, empty one)."""
    tables = db.query(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_name = 'meta' AND table_schema = current_schema()"
        if db.dialect == "postgresql"
        else "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    )
    if not tables[0][0]:
        return 0
    rows = db.query("SELECT value FROM meta WHERE key = 'schema_version'")
    return int(rows[0][0]) if rows else 0


def _refuse_newer(db: Database, version: int) -> None:
    if version > CURRENT:
        raise HistoryError(
            f"{db.name}: the run history has schema version {version}, but this gauntlet "
            f"understands versions up to {CURRENT}; upgrade gauntlet (it was not changed)"
        )


def migrate(db: Database, *, upto: int = CURRENT) -> int:
    """Bring the history to schema version ``upto``; return the version it had."""
    before = stored_version(db)
    _refuse_newer(db, before)
    if before >= upto:
        return before
    with db.transaction() as tx:
        if db.dialect == "postgresql":
            tx.execute("SELECT pg_advisory_xact_lock(727274)")  # one migrating writer at a time
        current = stored_version(tx)  # another writer may have migrated meanwhile
        _refuse_newer(db, current)
        for number in range(current + 1, upto + 1):
            for statement in _statements(MIGRATIONS[number - 1]):
                tx.execute(statement)
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(number),),
            )
    return before
