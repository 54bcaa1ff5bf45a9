"""Recording pipeline runs in the project's history: where it is, what a run is, and when.

* The history is ``<repo>/.gauntlet/history.sqlite3`` unless
  ``$GAUNTLET_HISTORY_URL`` or ``[tool.gauntlet.history] url`` names another
  file or a PostgreSQL server (a relative path or ``sqlite:///`` URL in the
  configuration is under the repository, the folder of ``pyproject.toml``);
  ``GAUNTLET_HISTORY=off`` records nothing.
* A run's commit and branch come from ``GITHUB_SHA`` / ``GITHUB_REF_NAME`` or
  git; its trigger from ``GITHUB_EVENT_NAME`` (else ``local``).
* ``nox -s ci`` starts a ``ci`` run and exports its id as ``GAUNTLET_RUN_ID``;
  a doit run started inside it adds its tasks and Mojo test cases to that run,
  a doit run on its own is a ``doit`` run.

Recording never fails a pipeline: a history that cannot be written is
reported as a warning and the pipeline goes on.  The same holds for release
events (:func:`record_release_event`).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from gauntlet import runner
from gauntlet.config.history import HISTORY_SWITCH, history_on
from gauntlet.delivery.dora import DEFAULT_HOTFIX_DAYS, DEFAULT_PRODUCTION
from gauntlet.errors import GauntletError, ResultError
from gauntlet.health.calc import STAGE_PREFIX
from gauntlet.health.dbapi import is_postgres, sqlite_path
from gauntlet.health.files import (
    folder_regressions,
    folder_results,
    mojo_line_percent,
    record_results,
)
from gauntlet.health.model import Outcome
from gauntlet.health.rows import RunInfo, RunResults, TaskRow
from gauntlet.health.store import Store, open_store
from gauntlet.layout import Layout

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping
    from pathlib import Path

    from gauntlet.config.model import Config
    from gauntlet.delivery.events import ReleaseEvent
    from gauntlet.health.model import Health

ENV_URL = "GAUNTLET_HISTORY_URL"
ENV_RUN = "GAUNTLET_RUN_ID"
ENV_SWITCH = HISTORY_SWITCH


def history_url(config: Config, env: Mapping[str, str] | None = None) -> str:
    """Where the project's history is: env, then ``[tool.gauntlet.history] url``, then the file."""
    env = os.environ if env is None else env
    if env.get(ENV_URL):
        return env[ENV_URL]
    repo = config.pyproject.parent
    url = config.history.url  # checked when the configuration loaded
    if not url:
        return str(Layout.of(config).repo.run_history)
    return url if is_postgres(url) else str(sqlite_path(url, repo))


def stale_after_s(config: Config) -> float:
    """``[tool.gauntlet.history] stale-after`` (hours) in seconds: when a running run is dead."""
    return config.history.stale_after_s


def open_project_store(config: Config, env: Mapping[str, str] | None = None) -> Store:
    """The project's history, opened (and migrated)."""
    return open_store(history_url(config, env), stale_after_s=stale_after_s(config))


def delivery_settings(config: Config) -> tuple[tuple[str, ...], int]:
    """The production environments and ``hotfix-days`` that DORA's four keys use.

    Production: the environments with ``requires-approval = true``; when the
    project declares none (or no ``[tool.gauntlet.release]``), the one named
    ``production``.
    """
    release = config.release
    if release is None:
        return DEFAULT_PRODUCTION, DEFAULT_HOTFIX_DAYS
    approved = tuple(e.name for e in release.environments if e.requires_approval)
    return approved or DEFAULT_PRODUCTION, release.hotfix_days


def project_health(
    store: Store, config: Config, last_runs: int | None, days: float | None
) -> Health:
    """The project's health, with DORA's keys read with its release settings."""
    production, hotfix_days = delivery_settings(config)
    return store.health(last_runs, days, production=production, hotfix_days=hotfix_days)


def _open_or_warn(config: Config, env: Mapping[str, str] | None) -> Store | None:
    """The project's history when recording is on and it opens; None (with a warning)."""
    if not enabled(env):
        return None
    try:
        return open_project_store(config, env)
    except GauntletError as exc:
        _warn(str(exc))
        return None


def record_release_event(
    config: Config, event: ReleaseEvent, env: Mapping[str, str] | None = None
) -> bool:
    """Add a release event to the project's history; never raises.

    False when recording is off (``GAUNTLET_HISTORY=off``), the history cannot
    be written (a warning says why) or the same event is there already.
    """
    store = _open_or_warn(config, env)
    if store is None:
        return False
    try:
        return store.add_release_event(event)
    except GauntletError as exc:
        _warn(str(exc))
        return False
    finally:
        store.close()


def _git(repo: Path, *args: str) -> str:
    try:
        done = runner.run(["git", *args], cwd=repo, timeout=30)
    except GauntletError:
        return ""
    return done.stdout.strip() if done.ok else ""


def run_info(kind: str, repo: Path, env: Mapping[str, str] | None = None) -> RunInfo:
    """What a run is about: commit, branch and trigger, from CI variables or git."""
    env = os.environ if env is None else env
    commit = env.get("GITHUB_SHA") or _git(repo, "rev-parse", "HEAD")
    branch = env.get("GITHUB_REF_NAME") or _git(repo, "rev-parse", "--abbrev-ref", "HEAD")
    return RunInfo(
        kind, commit, "" if branch == "HEAD" else branch, env.get("GITHUB_EVENT_NAME") or "local"
    )


def _warn(message: str) -> None:
    sys.stderr.write(f"gauntlet: warning: run history: {message}\n")


def enabled(env: Mapping[str, str] | None = None) -> bool:
    """Whether runs are recorded (``GAUNTLET_HISTORY=off`` turns it off)."""
    return history_on(env)


class Recording:
    """A run being recorded; every method warns instead of raising."""

    def __init__(self, store: Store, run_id: str, *, owned: bool) -> None:
        self.store = store
        self.run_id = run_id
        self.owned = owned  # this process started the run (else it adds to a parent run)
        started = store.run_started(run_id)
        self.started = time.time() if started is None else started

    @classmethod
    def begin(
        cls, config: Config, kind: str, env: Mapping[str, str] | None = None
    ) -> Recording | None:
        """Start a run, or join the one ``GAUNTLET_RUN_ID`` names; None when off or failing."""
        env = os.environ if env is None else env
        store = _open_or_warn(config, env)
        if store is None:
            return None
        try:
            parent = env.get(ENV_RUN, "")
            if parent and store.run_started(parent) is not None:
                return cls(store, parent, owned=False)
            run_id = store.start_run(run_info(kind, config.pyproject.parent, env))
            return cls(store, run_id, owned=True)
        except GauntletError as exc:
            _warn(str(exc))
            store.close()
            return None

    def add(self, results: RunResults, problems: list[str] | None = None) -> None:
        """Add results to the run."""
        for problem in problems or ():
            _warn(problem)
        try:
            self.store.add_results(self.run_id, results)
        except GauntletError as exc:
            _warn(str(exc))

    def mark_regressions(self, names: frozenset[str]) -> None:
        """Flag benchmark results of the run as regressions."""
        try:
            self.store.mark_regressions(self.run_id, names)
        except GauntletError as exc:
            _warn(str(exc))

    def finish(self, outcome: Outcome) -> None:
        """End the run (only the process that started it does) and close the history."""
        try:
            if self.owned:
                self.store.finish_run(self.run_id, outcome)
        except GauntletError as exc:
            _warn(str(exc))
        finally:
            self.store.close()

    def discard(self) -> None:
        """Drop the run this process started (it did nothing) and close the history."""
        try:
            self.store.discard_run(self.run_id)
        except GauntletError as exc:
            _warn(str(exc))
        finally:
            self.store.close()


def doit_outcome(record: Mapping[str, Any]) -> Outcome:
    """A doit run's outcome from its record: failed when a task failed or a test did.

    A run stopped by Ctrl-C is interrupted and one doit itself gave up on is an
    error, whatever its finished tasks say.
    """
    ended = record.get("ended")
    if ended == "interrupted":
        return Outcome.INTERRUPTED
    if ended == "error":
        return Outcome.ERROR
    for task in record.get("tasks", []):
        values = task.get("values") or {}
        if task.get("status") == "failed" or values.get("status") in ("failed", "error"):
            return Outcome.FAILED
    return Outcome.PASSED


def record_task(recording: Recording, task: dict[str, Any], run_started: float) -> None:
    """Add one finished doit task (and its test cases) to the run as soon as it ends.

    So a run killed later (``kill -9``: nothing at its end runs) keeps what it
    finished; opening the history then shows the run as interrupted.
    """
    offset = max(run_started - recording.started, 0.0)
    results, problems = record_results({"tasks": [task]}, offset)
    recording.add(results, problems)


def record_doit(
    recording: Recording, record: dict[str, Any], recorded: Collection[str] = ()
) -> None:
    """Record a finished doit run from the reporter's run record.

    Tasks named in ``recorded`` were added as they finished (:func:`record_task`).
    A doit run of its own in which every task was up to date ran nothing: it is
    dropped, so no-op runs never dilute the duration figures.
    """
    ran = any(t.get("status") in ("executed", "failed") for t in record.get("tasks", []))
    if recording.owned and not ran and "ended" not in record:
        recording.discard()
        return
    offset = float(record.get("started_at", recording.started)) - recording.started
    rest = [t for t in record.get("tasks", []) if t.get("name") not in recorded]
    results, problems = record_results({**record, "tasks": rest}, max(offset, 0.0))
    recording.add(results, problems)
    recording.finish(doit_outcome(record))


def stage_row(name: str, started: float, run_started: float, seconds: float, ok: bool) -> TaskRow:
    """A pipeline stage as a task of the ci run."""
    status = "passed" if ok else "failed"
    return TaskRow(f"{STAGE_PREFIX}{name}", status, seconds, started - run_started)


def record_ci_end(
    recording: Recording,
    results_dir: Path,
    stages: list[TaskRow],
    ok: bool,
    mojo_coverage: Path | None = None,
) -> None:
    """Record the stages, Python tests, coverage and gates of a ci run; finish it.

    Its doit run recorded the benchmark results; the comparison flags their regressions.
    ``mojo_coverage``: the Mojo coverage report this run wrote, when it is not under
    ``results_dir`` (a Mojo project in a folder of the repository).
    """
    results, problems, _ = folder_results(results_dir, mojo=False)
    if results.mojo_coverage is None and mojo_coverage is not None and mojo_coverage.is_file():
        try:
            results = replace(results, mojo_coverage=mojo_line_percent(mojo_coverage))
        except ResultError as exc:
            problems.append(str(exc))
    recording.add(RunResults(tasks=tuple(stages)), [])
    recording.add(results, problems)
    recording.mark_regressions(folder_regressions(results_dir))
    recording.finish(Outcome.PASSED if ok else Outcome.FAILED)
