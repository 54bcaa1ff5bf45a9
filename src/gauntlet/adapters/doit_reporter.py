"""A doit reporter: one line per task, whole lines only, and a run record on disk.

Lines are written by the main process when a task finishes, so parallel runs
(``doit -n 2``) never interleave partial output.  The run record (every task
with its status and duration) is written as JSON when the run completes; it
is what benchmarks and run history read, never the console text: each
task's status, start offset, duration and dependencies.

Items record their outcome and succeed, so a failing test never blocks the
report; the reporter then sets the exit status.  A run in which any task it
ran reported a failed or errored result (a test file, a build, the merged
report) exits 1, as one with a failed task does; a run doit already ends with
1 or 2 keeps its code.  With a project
configuration bound, the run is also recorded in the project's history
(:mod:`gauntlet.health.record`): as running when tasks start, each task with its
test cases as it finishes (so a run killed with ``SIGKILL`` keeps them), and
finished at the end.
Each printed line ends with the run's progress (:mod:`gauntlet.adapters.doit_progress`).
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, TextIO

from doit.exceptions import TaskError, TaskFailed
from doit.reporter import ConsoleReporter
from doit.runner import FAILURE, SUCCESS, Runner

from gauntlet import runner
from gauntlet.adapters import doit_actions as act
from gauntlet.adapters.doit_progress import Progress
from gauntlet.atomic import write_text_atomic
from gauntlet.config.history import history_on
from gauntlet.errors import ExitCode, GauntletError
from gauntlet.masking import EnvMasker

if TYPE_CHECKING:
    from pathlib import Path
    from types import FrameType

    from gauntlet.config.load import Config
    from gauntlet.health.record import Recording

RECORD_SCHEMA = 1


def _describe(values: dict[str, Any]) -> str:
    counts = values.get("counts")
    if isinstance(counts, dict):
        parts = [
            f"{counts[k]} {k}" for k in ("passed", "failed", "error", "skipped") if counts.get(k)
        ]
        text = ", ".join(parts) or "no tests"
        if values.get("unchanged"):
            text += "  [the same compile error as last run, inputs unchanged: not compiled again]"
        elif values.get("cached"):
            text += "  [from the shared cache: not compiled or run]"
        elif "compile_s" in values:
            ran = values.get("run_s")
            run = "did not run" if ran is None else f"run {ran:.1f} s"
            text += f"  [compile {values['compile_s']:.1f} s, {run}]"
        for failure in values.get("failures", [])[:3]:
            text += f"\n      {failure['name']}: {failure['message']}"
        return text
    if "benchmarks" in values:
        return values.get("message") or f"{values['benchmarks']} benchmark(s) recorded"
    text = str(values.get("message", ""))
    if values.get("cached"):
        return text + "[from the shared cache: not compiled]"
    if values.get("unchanged"):
        return text + "  [inputs unchanged since it failed: not compiled again]"
    detail = str(values.get("detail", "")).strip()
    if detail and values.get("status") == "error":
        text += "\n" + "\n".join("      " + ln for ln in detail.splitlines()[:12])
    return text


_interrupted = threading.Event()  # Ctrl-C arrived during the current run


def _bad(values: dict[str, Any]) -> bool:
    """Whether a task's values report a failed or errored result."""
    return values.get("status") in ("failed", "error")


def fail_run() -> bool:
    """End the current doit run with exit 1, unless doit already ends it with 1 or 2.

    doit's runner returns its ``final_result`` right after the reporter's
    ``complete_run`` and gives the reporter no handle on it, so this finds the
    runner that called: the ``self`` of a calling frame.  False when no doit
    runner called (the reporter driven by hand); ``tests/adapters/test_doit_exit.py``
    runs real doit, so a doit release that calls the reporter otherwise is caught.
    """
    frame: FrameType | None = sys._getframe(1)  # the calling frames
    while frame is not None:
        caller = frame.f_locals.get("self")
        if isinstance(caller, Runner):
            if caller.final_result == SUCCESS:
                caller.final_result = FAILURE
            return True
        frame = frame.f_back
    return False


def _on_interrupt(signum: int, frame: object) -> None:
    """Ctrl-C during a run: kill running commands, write nothing half-done, exit 130."""
    _interrupted.set()
    runner.interrupt_all()
    sys.stderr.write("\ngauntlet: interrupted; unfinished tasks wrote no results\n")
    raise SystemExit(int(ExitCode.INTERRUPTED))


class GauntletReporter(ConsoleReporter):  # type: ignore[misc]
    """Console lines for people, a JSON run record for programs."""

    desc = "gauntlet console output and run record"
    record_path: Path | None = None
    config: Config | None = None  # record the run in this project's history

    def __init__(self, outstream: TextIO, options: dict[str, Any]) -> None:
        super().__init__(outstream, options)
        self.started = time.time()
        self.clock = time.monotonic()
        self.begun: dict[str, float] = {}
        self.tasks: list[dict[str, Any]] = []
        self.color = outstream.isatty() and not os.environ.get("NO_COLOR")
        self.previous_handler: Any = None
        self.deps: dict[str, list[str]] = {}
        self.recording: Recording | None = None
        self.masker = EnvMasker()
        self.bad_results: list[str] = []  # tasks that succeeded with a failing result
        self.recorded: set[str] = set()  # tasks already in the history
        self.progress = Progress(max(1, int(options.get("num_process") or 1)))

    def write(self, text: str) -> None:
        """Every console line is masked: messages may quote what a tool printed."""
        self.outstream.write(self.masker(text))

    def _mark(self, mark: str, code: str) -> str:
        return f"\033[{code}m{mark}\033[0m" if self.color else mark

    def _record(self, task: Any, status: str, values: dict[str, Any] | None = None) -> float:
        self.progress.finished.add(task.name)
        now = time.monotonic()
        begun = self.begun.pop(task.name, now)
        entry = {
            "name": task.name,
            "status": status,
            "start_s": round(begun - self.clock, 3),
            "seconds": round(now - begun, 3),
            "deps": self.deps.get(task.name, []),
            "values": values or {},
        }
        self.tasks.append(entry)
        if self.recording is not None:
            from gauntlet.health.record import record_task

            record_task(self.recording, entry, self.started)
            self.recorded.add(task.name)
        return now - begun

    def initialize(self, tasks: Any, selected_tasks: Any) -> None:
        """Tasks are about to run: take over Ctrl-C until the run completes.

        The tasks doit loaded live for the whole run: they join the loaded
        project outside the cyclic collector's scans (see ``doit_tasks._without_gc``).
        """
        gc.freeze()
        _interrupted.clear()
        if threading.current_thread() is threading.main_thread():
            self.previous_handler = signal.signal(signal.SIGINT, _on_interrupt)
        if isinstance(tasks, dict):
            self.deps = {name: list(getattr(t, "task_dep", [])) for name, t in tasks.items()}
            self.progress.plan(tasks, list(selected_tasks or []))
        self.progress.expect(self.record_path)
        if self.config is not None and history_on():  # off: the history is not even loaded
            from gauntlet.health.record import Recording

            self.recording = Recording.begin(self.config, "doit")

    def execute_task(self, task: Any) -> None:
        """A task starts: remember when (printing waits for its end)."""
        self.begun[task.name] = time.monotonic()

    def add_success(self, task: Any) -> None:
        """A task ended well; its result may still be a failing test."""
        if not task.actions:  # a plain group of sub-tasks: nothing ran
            self.begun.pop(task.name, None)
            return
        values = dict(task.values or {})
        seconds = self._record(task, "executed", values)
        bad = _bad(values)
        if bad:
            self.bad_results.append(task.name)
        if task.name.startswith("_"):
            return
        mark = self._mark("✗", "31") if bad else self._mark("✓", "32")
        detail = _describe(values)
        head = f"{mark} {task.name}  ({seconds:.1f} s) {self.progress()}"
        self.write(f"{head}{'  ' + detail if detail else ''}\n")

    def add_failure(self, task: Any, fail: Any) -> None:
        """A task failed: show its message (and traceback only for internal errors)."""
        self._record(task, "failed")
        self.failures.append({"task": task, "exception": fail})
        progress = self.progress()
        # Our own failures carry a message for people; anything else (an exception
        # inside an action, a dependency doit could not check) keeps doit's details.
        ours = isinstance(fail, TaskFailed) or (isinstance(fail, TaskError) and not fail.traceback)
        message = str(fail.message if ours else fail.get_msg()).rstrip()
        self.write(f"{self._mark('✗', '31')} {task.name}: {message} {progress}\n")

    def skip_uptodate(self, task: Any) -> None:
        """An up-to-date task: counted, not printed."""
        if task.actions:
            self.progress.finished.add(task.name)
            self.tasks.append({"name": task.name, "status": "up-to-date", "seconds": 0.0})

    def skip_ignore(self, task: Any) -> None:
        """A task ignored by ``doit ignore``."""
        self.tasks.append({"name": task.name, "status": "ignored", "seconds": 0.0})
        self.write(f"!! {task.name} (ignored)\n")

    def outcome(self) -> str | None:
        """How the run ended when not all its tasks did: "interrupted", "error" or None.

        doit calls :meth:`complete_run` even after Ctrl-C (tasks still running)
        or an error of its own; such a run must never count as passed.
        """
        if _interrupted.is_set() or self.begun:
            return "interrupted"
        return "error" if self.runtime_errors else None

    def complete_run(self) -> None:
        """Print the one-line tally, write the run record, and fail the run on a failed result.

        "failed" counts every task marked ✗: those that failed and those whose
        result failed.
        """
        if self.previous_handler is not None:
            signal.signal(signal.SIGINT, self.previous_handler)
        counts: dict[str, int] = {}
        for entry in self.tasks:
            counts[entry["status"]] = counts.get(entry["status"], 0) + 1
        wall = time.monotonic() - self.clock
        failed = counts.get("failed", 0) + len(self.bad_results)
        shared = sum(1 for t in self.tasks if t.get("values", {}).get("cached"))
        self.write(
            f"gauntlet: {counts.get('executed', 0)} task(s) ran, "
            f"{counts.get('up-to-date', 0)} up to date, {failed} failed"
            f"{f', {shared} from the shared cache' if shared else ''} in {wall:.1f} s\n"
        )
        self._write_record(counts, wall)
        if not _interrupted.is_set():
            act.save_verdicts()
        if self.bad_results:
            fail_run()

    def _write_record(self, counts: dict[str, int], wall: float) -> None:
        if self.runtime_errors:
            self.write("doit stopped: " + "\n".join(self.runtime_errors) + "\n")
        if self.record_path is not None:
            record = {
                "schema_version": RECORD_SCHEMA,
                "started_at": self.started,
                "wall_s": round(wall, 3),
                "argv": sys.argv[1:],
                "counts": counts,
                "tasks": self.tasks,
                "expected_s": self.progress.expected_next(self.tasks),
            }
            ended = self.outcome()
            if ended is not None:
                record["ended"] = ended
            record = self.masker.data(record)
            try:
                write_text_atomic(self.record_path, json.dumps(record, indent=1) + "\n")
            except (OSError, GauntletError) as exc:
                self.write(f"gauntlet: could not write the run record: {exc}\n")
            if self.recording is not None:
                from gauntlet.health.record import record_doit

                record_doit(self.recording, record, self.recorded)


def reporter_for(record_path: Path, config: Config | None = None) -> type[GauntletReporter]:
    """A reporter class bound to where its run record goes (and the project to record for)."""
    attributes = {"record_path": record_path, "config": config}
    return type("BoundGauntletReporter", (GauntletReporter,), attributes)
