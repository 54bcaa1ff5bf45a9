"""A doit reporter: one line per task, whole lines only, and a run record on disk.

Lines are written by the main process when a task finishes, so parallel runs
(``doit -n 2``) never interleave partial output.  The run record (every task
with its status and duration) is written as JSON when the run completes; it
is what benchmarks and run history read, never the console text: each
task's status, start offset, duration and dependencies.  With a project
configuration bound, the run is also recorded in the project's history
(:mod:`gauntlet.health.record`): as running when tasks start, each task with its
test cases as it finishes (so a run killed with ``SIGKILL`` keeps them), and
finished at the end.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, TextIO

from doit.exceptions import TaskFailed
from doit.reporter import ConsoleReporter

from gauntlet import runner
from gauntlet.atomic import write_text_atomic
from gauntlet.errors import ExitCode

if TYPE_CHECKING:
    from pathlib import Path

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
        for failure in values.get("failures", [])[:3]:
            text += f"\n      {failure['name']}: {failure['message']}"
        return text
    if "benchmarks" in values:
        return values.get("message") or f"{values['benchmarks']} benchmark(s) recorded"
    text = str(values.get("message", ""))
    detail = str(values.get("detail", "")).strip()
    if detail and values.get("status") == "error":
        text += "\n" + "\n".join("      " + ln for ln in detail.splitlines()[:12])
    return text


_interrupted = threading.Event()  # Ctrl-C arrived during the current run


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
        self.recorded: set[str] = set()  # tasks already in the history

    def _mark(self, mark: str, code: str) -> str:
        return f"\033[{code}m{mark}\033[0m" if self.color else mark

    def _record(self, task: Any, status: str, values: dict[str, Any] | None = None) -> float:
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
        """Tasks are about to run: take over Ctrl-C until the run completes."""
        _interrupted.clear()
        if threading.current_thread() is threading.main_thread():
            self.previous_handler = signal.signal(signal.SIGINT, _on_interrupt)
        if isinstance(tasks, dict):
            self.deps = {name: list(getattr(t, "task_dep", [])) for name, t in tasks.items()}
        if self.config is not None:
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
        if task.name.startswith("_"):
            return
        bad = values.get("status") in ("failed", "error")
        mark = self._mark("✗", "31") if bad else self._mark("✓", "32")
        detail = _describe(values)
        self.write(f"{mark} {task.name}  ({seconds:.1f} s){'  ' + detail if detail else ''}\n")

    def add_failure(self, task: Any, fail: Any) -> None:
        """A task failed: show its message (and traceback only for internal errors)."""
        self._record(task, "failed")
        self.failures.append({"task": task, "exception": fail})
        # Our own failures carry a message for people; anything else (an exception
        # inside an action, a dependency doit could not check) keeps doit's details.
        message = str(fail.message if isinstance(fail, TaskFailed) else fail.get_msg()).rstrip()
        self.write(f"{self._mark('✗', '31')} {task.name}: {message}\n")

    def skip_uptodate(self, task: Any) -> None:
        """An up-to-date task: counted, not printed."""
        if task.actions:
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
        """Print the one-line tally and write the run record."""
        if self.previous_handler is not None:
            signal.signal(signal.SIGINT, self.previous_handler)
        counts: dict[str, int] = {}
        for entry in self.tasks:
            counts[entry["status"]] = counts.get(entry["status"], 0) + 1
        wall = time.monotonic() - self.clock
        self.write(
            f"gauntlet: {counts.get('executed', 0)} task(s) ran, "
            f"{counts.get('up-to-date', 0)} up to date, {counts.get('failed', 0)} failed "
            f"in {wall:.1f} s\n"
        )
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
            }
            ended = self.outcome()
            if ended is not None:
                record["ended"] = ended
            try:
                write_text_atomic(self.record_path, json.dumps(record, indent=1) + "\n")
            except OSError as exc:
                self.write(f"gauntlet: could not write run record {self.record_path}: {exc}\n")
            if self.recording is not None:
                from gauntlet.health.record import record_doit

                record_doit(self.recording, record, self.recorded)


def reporter_for(record_path: Path, config: Config | None = None) -> type[GauntletReporter]:
    """A reporter class bound to where its run record goes (and the project to record for)."""
    attributes = {"record_path": record_path, "config": config}
    return type("BoundGauntletReporter", (GauntletReporter,), attributes)
