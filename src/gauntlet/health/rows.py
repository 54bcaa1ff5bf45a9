"""What the history records: a run's plain values and release events, and their rows.

:mod:`gauntlet.health.store` writes them through :func:`insert_results` and
:func:`insert_release_event`.

Statuses use :class:`gauntlet.health.model.Outcome` values.  A task's
``start_s`` is its offset from the run's start (None when unknown); a test
case's ``content_key`` is the content key of the file it ran from (empty when
the runner has none, as for Python tests).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from gauntlet.delivery.events import ReleaseEvent
from gauntlet.masking import Masker

if TYPE_CHECKING:
    from gauntlet.health.dbapi import Database, Writer


@dataclass(frozen=True)
class TaskRow:
    """One task (a doit task or a pipeline stage) of a run."""

    name: str
    status: str
    duration_s: float
    start_s: float | None = None
    content_key: str = ""
    deps: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseRow:
    """One test case's result in a run."""

    suite: str
    name: str
    status: str
    duration_s: float
    message: str = ""
    content_key: str = ""


@dataclass(frozen=True)
class BenchRow:
    """One benchmark's figure (the median of its samples) in a run."""

    name: str
    value: float
    unit: str
    regression: bool = False


@dataclass(frozen=True)
class GateRow:
    """One gate's status in a run."""

    gate: str
    status: str
    measured: str
    threshold: str


@dataclass(frozen=True)
class WaiverRow:
    """A waiver that was in force for a run's verdict."""

    gate: str
    finding: str
    reason: str
    expires: str


@dataclass(frozen=True)
class RunResults:
    """Everything recorded for one run besides the run row itself."""

    tasks: tuple[TaskRow, ...] = ()
    cases: tuple[CaseRow, ...] = ()
    coverage: tuple[float, float | None] | None = None  # (line %, branch %)
    mojo_coverage: float | None = None  # Mojo line coverage (doit coverage), in percent
    benchmarks: tuple[BenchRow, ...] = ()
    gates: tuple[GateRow, ...] = ()
    waivers: tuple[WaiverRow, ...] = ()

    def masked(self, hide: Masker | None = None) -> RunResults:
        """These results with the secrets (of this process's environment) masked."""
        hide = Masker.for_env() if hide is None else hide
        return replace(
            self,
            cases=tuple(
                replace(c, suite=hide(c.suite), name=hide(c.name), message=hide(c.message))
                for c in self.cases
            ),
            gates=tuple(replace(g, measured=hide(g.measured)) for g in self.gates),
            waivers=tuple(
                replace(w, finding=hide(w.finding), reason=hide(w.reason)) for w in self.waivers
            ),
        )


@dataclass(frozen=True)
class RunInfo:
    """Who and what a run is about."""

    kind: str  # "ci" | "doit" | "import"
    commit: str = ""
    branch: str = ""
    trigger: str = "local"


def insert_results(tx: Writer, run_id: str, results: RunResults) -> None:
    """Write a run's tasks, test cases, coverage, benchmarks, gates and waivers."""
    results = results.masked()  # secrets hidden, even from files that skipped the runner
    run = tx.query("SELECT commit_sha, started FROM runs WHERE run_id = ?", (run_id,))
    sha, started = (str(run[0][0]), float(run[0][1])) if run else ("", 0.0)
    tx.executemany(
        "INSERT INTO tasks (run_id, name, status, start_s, duration_s, content_key) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(run_id, t.name, t.status, t.start_s, t.duration_s, t.content_key) for t in results.tasks],
    )
    tx.executemany(
        "INSERT INTO task_deps (run_id, task, dep) VALUES (?, ?, ?)",
        [(run_id, t.name, d) for t in results.tasks for d in t.deps],
    )
    tx.executemany(
        "INSERT INTO test_cases (run_id, suite, name, status, duration_s, message, "
        "content_key, commit_sha, started) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                run_id,
                c.suite,
                c.name,
                c.status,
                c.duration_s,
                c.message,
                c.content_key,
                sha,
                started,
            )
            for c in results.cases
        ],
    )
    if results.coverage is not None:
        tx.execute(
            "INSERT INTO coverage (run_id, line_percent, branch_percent) VALUES (?, ?, ?)",
            (run_id, *results.coverage),
        )
    if results.mojo_coverage is not None:
        tx.execute(
            "INSERT INTO coverage (run_id, line_percent, branch_percent, language) "
            "VALUES (?, ?, NULL, 'mojo')",
            (run_id, results.mojo_coverage),
        )
    tx.executemany(
        "INSERT INTO bench_results (run_id, name, value, unit, regression) VALUES (?, ?, ?, ?, ?)",
        [(run_id, b.name, b.value, b.unit, int(b.regression)) for b in results.benchmarks],
    )
    tx.executemany(
        "INSERT INTO gate_results (run_id, gate, status, measured, threshold) "
        "VALUES (?, ?, ?, ?, ?)",
        [(run_id, g.gate, g.status, g.measured, g.threshold) for g in results.gates],
    )
    tx.executemany(
        "INSERT INTO waivers (run_id, gate, finding, reason, expires) VALUES (?, ?, ?, ?, ?)",
        [(run_id, w.gate, w.finding, w.reason, w.expires) for w in results.waivers],
    )


def insert_release_event(tx: Writer, event: ReleaseEvent) -> bool:
    """Write a release event (secrets masked); False when the same one is recorded already."""
    hide = Masker.for_env()
    event = replace(event, message=hide(event.message), waivers=tuple(map(hide, event.waivers)))
    if tx.query("SELECT 1 FROM release_events WHERE event_key = ?", (event.key,)):
        return False
    tx.execute(
        "INSERT INTO release_events (event_key, kind, environment, version, commit_sha, at, "
        "outcome, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING",
        (event.key, event.kind.value, event.environment, event.version, event.commit,
         event.at.timestamp(), event.outcome, event.to_text()),
    )  # fmt: skip
    return True


def read_release_events(db: Database | Writer) -> tuple[ReleaseEvent, ...]:
    """Every recorded release event, oldest first."""
    rows = db.query("SELECT body FROM release_events ORDER BY at, event_key")
    return tuple(ReleaseEvent.from_text(str(row[0])) for row in rows)
