"""The stages of ``nox -s ci``: reused when their inputs are unchanged, else run side by side.

Each stage runs in its own nox process (its report in ``nox/<stage>.json``),
so one failing stage never stops another.  Before anything runs, each stage
with a content key (:mod:`gauntlet.adapters.stagecache`) whose results are
kept is restored and reported "up to date".  The others run at the same time,
``GAUNTLET_CI_JOBS`` at once (default: the number of CPUs, at least 2),
longest first by the previous run's times: on 2 cores the Python tests
(about 8 minutes here) run beside lint, typecheck, security and the Mojo
graph (about 2 minutes together) instead of after them.

A stage's output is captured and printed whole when it ends (in a folded
group on GitHub Actions), so stages that run together never interleave;
while they run, a line every minute says which are still going.  Each
stage's CPU time comes from its own nox process
(:func:`gauntlet.results.pipeline.report_cpu_at_exit`): the parent's
``RUSAGE_CHILDREN`` cannot tell stages that ran together apart.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gauntlet import runner
from gauntlet.adapters.stagecache import (
    OUTPUTS,
    Reused,
    StageStore,
    inputs_digest,
    stage_key,
    tree_digests,
)
from gauntlet.results import pipeline

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

    from gauntlet.layout import RepoDir

HEARTBEAT_S = 60.0
_BY_DEFAULT = ("tests", "mojo", "typecheck", "security", "lint")  # longest first, usually


@dataclass(frozen=True)
class StageRun:
    """How one stage went: ``reused`` when its kept results were restored instead."""

    name: str
    ok: bool
    started_at: float
    seconds: float
    reused: bool = False


def ci_jobs(environ: Mapping[str, str]) -> int:
    """How many stages run at once: ``GAUNTLET_CI_JOBS``, else the CPUs (at least 2)."""
    raw = environ.get("GAUNTLET_CI_JOBS", "")
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return max(2, os.cpu_count() or 1)


def _order(names: Sequence[str], previous: pipeline.Pipeline | None) -> list[str]:
    took = {s.name: s.seconds or 0.0 for s in previous.stages} if previous else {}
    usual = {name: -index for index, name in enumerate(_BY_DEFAULT)}
    return sorted(names, key=lambda n: (took.get(n, 0.0), usual.get(n, 0)), reverse=True)


class Stages:
    """Runs the stages of one ``nox -s ci`` (see the module docstring)."""

    def __init__(
        self,
        root: Path,
        repo: RepoDir,
        command: Callable[[str], list[str]],
        log: Callable[[str], None],
        *,
        tests_read_mojo: bool = False,
    ) -> None:
        self.root, self.repo, self.command, self.log = root, repo, command, log
        self.tests_read_mojo = tests_read_mojo
        self._tree: dict[str, str] | None = None  # the project's files, hashed once
        self.store = StageStore(repo)
        self.today = dt.datetime.now(dt.timezone.utc).date()
        self.lock = threading.Lock()
        self.running: dict[str, float] = {}

    def _record(
        self,
        name: str,
        started: float,
        ended: float | None = None,
        ok: bool | None = None,
        cpu_s: float | None = None,
    ) -> None:
        with self.lock:
            pipeline.record_stage(self.repo.results, name, started, ended, ok, cpu_s)

    def reuse(self, name: str, env: Mapping[str, str]) -> tuple[StageRun | None, str]:
        """Restore ``name``'s kept results when its key matches; also its input digest."""
        if name not in OUTPUTS:
            return None, ""
        if self._tree is None:
            self._tree = tree_digests(self.root)
        inputs = inputs_digest(self._tree, name, tests_read_mojo=self.tests_read_mojo)
        key = stage_key(self.root, name, inputs, env, self.today)
        kept = self.store.restore(name, key) if key else None
        if isinstance(kept, str):
            self.log(f"warning: {kept}")
        if not isinstance(kept, Reused):
            return None, inputs
        now = time.time()
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(kept.recorded_at))
        self.log(f"{name}: up to date (inputs and tools as on {when}; {kept.files} files reused)")
        self._record(name, now, now, ok=True, cpu_s=0.0)
        return StageRun(name, True, now, 0.0, reused=True), inputs

    def run_one(self, name: str, env: Mapping[str, str], inputs: str) -> StageRun:
        """Run ``name`` in its own nox process; keep its results when it passes."""
        cpu_file = self.repo.logs / f".cpu-{name}"
        cpu_file.unlink(missing_ok=True)
        started = time.time()
        self._record(name, started, None)
        with self.lock:
            self.running[name] = started
        self.log(f"{name}: started")
        try:
            done = runner.run(
                self.command(name),
                cwd=self.root,
                env={**os.environ, **env, pipeline.CPU_REPORT: str(cpu_file)},
            )
        finally:
            with self.lock:
                self.running.pop(name, None)
        seconds = time.time() - started
        self._record(
            name, started, started + seconds, ok=done.ok, cpu_s=pipeline.read_cpu(cpu_file)
        )
        self._show(name, done, seconds)
        if done.ok and inputs:
            key = stage_key(self.root, name, inputs, env, self.today)
            if key:
                self.store.save(name, key)
        return StageRun(name, done.ok, started, seconds)

    def _show(self, name: str, done: runner.Completed, seconds: float) -> None:
        verdict = "passed" if done.ok else "FAILED"
        grouped = bool(os.environ.get("GITHUB_ACTIONS"))
        with self.lock:
            out = sys.stdout
            out.write(f"::group::{name} ({verdict})\n" if grouped else f"──── {name} ────\n")
            out.write(done.stdout + done.stderr)
            out.write("::endgroup::\n" if grouped else "")
            out.flush()
        self.log(f"{name}: {verdict} in {seconds:.0f} s")

    def run_all(
        self,
        names: Sequence[str],
        env_of: Callable[[str], Mapping[str, str]],
        jobs: int,
        previous: pipeline.Pipeline | None = None,
    ) -> list[StageRun]:
        """Every stage of ``names``: the up-to-date ones restored, the others run ``jobs``
        at a time, longest first by ``previous`` (the last run's record); in the order
        of ``names``."""
        done: dict[str, StageRun] = {}
        todo: dict[str, str] = {}
        for name in names:
            reused, inputs = self.reuse(name, env_of(name))
            if reused is None:
                todo[name] = inputs
            else:
                done[name] = reused
        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="stage") as pool:
            futures: dict[Future[StageRun], str] = {
                pool.submit(self.run_one, name, env_of(name), todo[name]): name
                for name in _order(list(todo), previous)
            }
            pending = set(futures)
            try:
                while pending:
                    finished, pending = wait(pending, HEARTBEAT_S, FIRST_COMPLETED)
                    for future in finished:
                        done[futures[future]] = future.result()
                    self._heartbeat()
            except BaseException:  # Ctrl-C: stop every stage's processes, then go
                runner.interrupt_all()
                raise
        return [done[name] for name in names]

    def _heartbeat(self) -> None:
        with self.lock:
            now = time.time()
            going = [f"{n} ({(now - t) / 60:.0f} min)" for n, t in self.running.items()]
        if going:
            self.log("still running: " + ", ".join(going))
