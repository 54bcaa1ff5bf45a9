"""The progress of a doit run: ``[12/40, about 1 min left]`` at the end of each line.

Tasks done (run, failed or up to date) of the tasks the run may execute, and
the time the rest took when they last ran, from the previous run record (its
``expected_s`` carries each task's last measured duration forward through
no-op runs), divided among doit's processes.  Progress is part of each whole
line, never a carriage-return animation, so it reads the same in CI logs and
without colour.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path


class Progress:
    """Which tasks a run plans, which have finished, and what the rest should take."""

    def __init__(self, processes: int = 1) -> None:
        self.processes = processes
        self.planned: set[str] = set()  # tasks with actions this run may execute
        self.finished: set[str] = set()
        self.expected: dict[str, float] = {}  # seconds each task took when it last ran

    def plan(self, tasks: dict[str, Any], selected: list[str]) -> None:
        """The tasks with actions that ``selected`` reaches through their task dependencies."""
        seen: set[str] = set()
        todo = list(selected)
        while todo:
            name = todo.pop()
            if name in seen or name not in tasks:
                continue
            seen.add(name)
            todo.extend(getattr(tasks[name], "task_dep", []))
        self.planned = {n for n in seen if tasks[n].actions and not n.startswith("_")}

    def expect(self, record: Path | None) -> None:
        """Each task's last measured duration, from the previous run record (none if absent)."""
        self.expected = {}
        if record is None:
            return
        try:
            found = json.loads(record.read_text(encoding="utf-8")).get("expected_s", {})
        except (OSError, ValueError, AttributeError):
            return
        if isinstance(found, dict):
            self.expected = {
                str(k): float(v) for k, v in found.items() if isinstance(v, (int, float))
            }

    def __call__(self) -> str:
        """``[N/M, about T left]``: tasks done of those planned, time the rest last took."""
        done = len(self.finished & self.planned)
        total = max(len(self.planned), done)
        left = sum(self.expected.get(n, 0.0) for n in self.planned - self.finished)
        left /= self.processes
        if left < 1:
            return f"[{done}/{total}]"
        return f"[{done}/{total}, about {duration(left)} left]"

    def expected_next(self, entries: Iterable[dict[str, Any]]) -> dict[str, float]:
        """What the next run expects of each task: this run's time where it ran, else the last."""
        expected = dict(self.expected)
        for entry in entries:
            if entry["status"] in ("executed", "failed"):
                expected[entry["name"]] = entry["seconds"]
        return expected


def duration(seconds: float) -> str:
    """``45 s``, ``3 min``, ``1 h 20 min``: coarse, as an estimate should be."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 90 else f"{minutes // 60} h {minutes % 60} min"
