"""The run history: record pipeline runs and compute their :class:`~gauntlet.health.model.Health`.

    store = open_store(".gauntlet/history.sqlite3")      # or "postgresql://..."
    run_id = store.start_run(RunInfo("doit", commit, branch))   # written as "running"
    store.add_results(run_id, RunResults(tasks=..., cases=...))
    store.finish_run(run_id, Outcome.PASSED)
    health = store.health(last_runs=100)

A run is written as ``running`` with its host, process id and process start
time.  Reading health figures or starting a run marks a run still
``running`` as ``interrupted`` (never passed, and shown so at once) when

* its process is gone from this host (killed with SIGKILL), or the process id
  now belongs to another process (it started at another time), or
* it has been running longer than ``stale_after_s`` on any host (an ephemeral
  CI runner that vanished, a machine that lost power).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import socket
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet.delivery.dora import DEFAULT_HOTFIX_DAYS, DEFAULT_PRODUCTION, delivery
from gauntlet.health.db import connect
from gauntlet.health.dbapi import HistoryError
from gauntlet.health.model import Outcome
from gauntlet.health.query import compute_health
from gauntlet.health.rows import insert_release_event, insert_results, read_release_events
from gauntlet.health.schema import CURRENT, migrate, stored_version

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from gauntlet.delivery.events import ReleaseEvent
    from gauntlet.health.dbapi import Database, Writer
    from gauntlet.health.model import Health
    from gauntlet.health.rows import RunInfo, RunResults

DEFAULT_WINDOW_RUNS = 100
DEFAULT_STALE_AFTER_S = 6 * 3600.0
_PROC = Path("/proc")


def process_start(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks since boot), or None where unknown."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
        return int(stat.rsplit(")", 1)[1].split()[19])  # field 22: starttime
    except (OSError, IndexError, ValueError):
        return None


def _alive(pid: int, started: int | None) -> bool:
    """Whether the process that wrote a run still runs (the pid may have been reused)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        pass
    return started is None or process_start(pid) in (None, started)


class Store:
    """One open history (see :func:`open_store`)."""

    def __init__(self, db: Database, *, stale_after_s: float = DEFAULT_STALE_AFTER_S) -> None:
        self.db = db
        self.stale_after_s = stale_after_s

    @property
    def name(self) -> str:
        """Where the history is (passwords masked)."""
        return self.db.name

    def close(self) -> None:
        """Release the connection."""
        self.db.close()

    def schema_version(self) -> int:
        """The history's schema version."""
        return stored_version(self.db)

    # -- writing -------------------------------------------------------------------------

    def reap_interrupted(self, *, now: float | None = None) -> list[str]:
        """Mark runs that can no longer finish as interrupted; return their ids.

        Those of this host whose process is gone (or is another process with
        the same id), and those of any host running for over ``stale_after_s``.
        """
        host = socket.gethostname()
        oldest = (time.time() if now is None else now) - self.stale_after_s
        rows = self.db.query(
            "SELECT run_id, host, pid, proc_start, started FROM runs WHERE outcome = ?",
            (Outcome.RUNNING.value,),
        )
        dead = [
            run_id
            for run_id, run_host, pid, started_ticks, started in rows
            if float(started) < oldest
            or (
                run_host == host
                and not _alive(int(pid), None if started_ticks is None else int(started_ticks))
            )
        ]
        if dead:
            with self.db.transaction() as tx:
                tx.executemany(
                    "UPDATE runs SET outcome = ?, finished = NULL WHERE run_id = ? AND outcome = ?",
                    [(Outcome.INTERRUPTED.value, r, Outcome.RUNNING.value) for r in dead],
                )
        return dead

    def start_run(
        self, info: RunInfo, *, started: float | None = None, pid: int | None = None
    ) -> str:
        """Write a new run as running (after reaping interrupted ones); return its id."""
        self.reap_interrupted()
        run_id = uuid.uuid4().hex
        pid = os.getpid() if pid is None else pid
        with self.db.transaction() as tx:
            self._insert_run(tx, run_id, info, started or time.time(), pid, process_start(pid))
        return run_id

    @staticmethod
    def _insert_run(
        tx: Writer, run_id: str, info: RunInfo, started: float, pid: int, ticks: int | None
    ) -> None:
        tx.execute(
            "INSERT INTO runs (run_id, kind, commit_sha, branch, trigger_name, started, "
            "finished, outcome, host, pid, proc_start) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
            (
                run_id,
                info.kind,
                info.commit,
                info.branch,
                info.trigger,
                started,
                Outcome.RUNNING.value,
                socket.gethostname(),
                pid,
                ticks,
            ),
        )

    def run_started(self, run_id: str) -> float | None:
        """When a run started (epoch seconds), or None when there is no such run."""
        rows = self.db.query("SELECT started FROM runs WHERE run_id = ?", (run_id,))
        return float(rows[0][0]) if rows else None

    def add_results(self, run_id: str, results: RunResults) -> None:
        """Add tasks, test cases, coverage, benchmarks, gates and waivers to a run."""
        with self.db.transaction() as tx:
            insert_results(tx, run_id, results)

    def mark_regressions(self, run_id: str, names: Iterable[str]) -> None:
        """Flag a run's recorded benchmark results as regressions (a comparison judged later)."""
        with self.db.transaction() as tx:
            tx.executemany(
                "UPDATE bench_results SET regression = 1 WHERE run_id = ? AND name = ?",
                [(run_id, name) for name in sorted(names)],
            )

    def finish_run(self, run_id: str, outcome: Outcome, *, finished: float | None = None) -> None:
        """Write a run's end and outcome (a run already marked interrupted stays so)."""
        with self.db.transaction() as tx:
            tx.execute(
                "UPDATE runs SET finished = ?, outcome = ? WHERE run_id = ? AND outcome = ?",
                (finished or time.time(), outcome.value, run_id, Outcome.RUNNING.value),
            )

    def discard_run(self, run_id: str) -> None:
        """Delete a run that recorded nothing (e.g. a doit run with every task up to date)."""
        with self.db.transaction() as tx:
            for table in ("tasks", "task_deps", "test_cases", "coverage", "bench_results",
                          "gate_results", "waivers", "runs"):  # fmt: skip
                # The table names are constants; the run id is a bound parameter.
                tx.execute(f"DELETE FROM {table} WHERE run_id = ?", (run_id,))  # nosec B608

    def record_run(
        self,
        info: RunInfo,
        results: RunResults,
        outcome: Outcome,
        *,
        started: float,
        finished: float,
    ) -> str:
        """Write a whole finished run (an import) in one transaction; return its id."""
        run_id = uuid.uuid4().hex
        with self.db.transaction() as tx:
            self._insert_run(tx, run_id, info, started, 0, None)
            insert_results(tx, run_id, results)
            tx.execute(
                "UPDATE runs SET finished = ?, outcome = ? WHERE run_id = ?",
                (finished, outcome.value, run_id),
            )
        return run_id

    def add_release_event(self, event: ReleaseEvent) -> bool:
        """Record a release event; False when the same event was recorded before."""
        with self.db.transaction() as tx:
            return insert_release_event(tx, event)

    def release_events(self) -> tuple[ReleaseEvent, ...]:
        """Every recorded release event, oldest first."""
        return read_release_events(self.db)

    # -- reading -------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """How many rows each table holds."""
        tables = ("runs", "tasks", "test_cases", "coverage", "bench_results", "gate_results",
                  "release_events")  # fmt: skip
        return {
            t: int(self.db.query(f"SELECT count(*) FROM {t}")[0][0])  # nosec B608 - constant names
            for t in tables
        }

    def health(
        self,
        last_runs: int | None = None,
        days: float | None = None,
        *,
        now: float | None = None,
        production: Sequence[str] = DEFAULT_PRODUCTION,
        hotfix_days: int = DEFAULT_HOTFIX_DAYS,
    ) -> Health:
        """The health figures over the last ``last_runs`` runs or ``days`` days.

        With neither, the window is the last :data:`DEFAULT_WINDOW_RUNS` runs.
        ``production`` names the environments whose publishes are releases
        (DORA's four keys); ``hotfix_days`` how soon a hotfix marks a failure.
        """
        if last_runs is None and days is None:
            last_runs = DEFAULT_WINDOW_RUNS
        with contextlib.suppress(HistoryError):  # a history we may only read is still read
            self.reap_interrupted()
        now = time.time() if now is None else now
        health = compute_health(self.db, last_runs, days, now)
        events = read_release_events(self.db)
        if not events:
            return health
        if days is not None:  # the releases of the last D days, else since the oldest run
            since = now - days * 86400.0
        else:
            since = health.runs[0].started.timestamp() if health.runs else events[0].at.timestamp()
        found = delivery(
            events, since=_when(min(since, now)), until=_when(now), production=production,
            hotfix_days=hotfix_days,
        )  # fmt: skip
        return dataclasses.replace(health, delivery=found)


def _when(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


def open_store(url_or_path: str | Path, *, stale_after_s: float = DEFAULT_STALE_AFTER_S) -> Store:
    """Open (creating or migrating as needed) the history at a path or PostgreSQL URL.

    A run still ``running`` after ``stale_after_s`` seconds is taken as interrupted.

    Raises :class:`~gauntlet.health.db.HistoryError` for a corrupt file, a history
    from a newer gauntlet, or a server that cannot be reached.
    """
    db = connect(url_or_path)
    try:
        migrate(db)
    except BaseException:
        db.close()
        raise
    return Store(db, stale_after_s=stale_after_s)


__all__ = ["CURRENT", "DEFAULT_STALE_AFTER_S", "DEFAULT_WINDOW_RUNS", "Store", "open_store"]
