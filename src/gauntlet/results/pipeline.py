"""The pipeline record, ``pipeline.json``: when ``nox -s ci`` started, and each stage's times.

``nox -s ci`` writes it as it goes: :func:`start` before the first stage,
then :func:`record_stage` when a stage begins (no end yet) and when it ends.
The gates stage itself is recorded too, so the time gate can tell the real
end of the pipeline: while the gates of a running pipeline are evaluated
their stage is still open and the pipeline ends "now"; when the gates are
rerun later on their own, every stage is closed and the pipeline ended when
its last stage did.

Each stage also records ``cpu_s``: the CPU seconds (user + system) of the
processes it ran, from ``getrusage(RUSAGE_CHILDREN)`` taken around it
(:func:`children_cpu`).  On a shared machine the wall time of the same work
grows with the other users' load while its CPU time does not; more work
grows both.  The time gate uses that (see :mod:`gauntlet.gates.measured`).

This module imports nothing beyond the standard library and
:mod:`gauntlet.atomic`, so the nox sessions can use it before anything is
installed.
"""

from __future__ import annotations

import atexit
import json
import resource
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_text_atomic

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

from pathlib import Path

SCHEMA_VERSION = 1
FILE = "pipeline.json"
# The stages of `nox -s ci`, in order; the gates run after them.
STAGES = ("lint", "typecheck", "security", "tests", "mojo")
TIMED = (*STAGES, "gates")


@dataclass(frozen=True)
class StageTime:
    """One stage's start, and its end and outcome once it finished."""

    name: str
    started_at: float
    ended_at: float | None = None
    ok: bool | None = None
    cpu_s: float | None = None  # CPU seconds of its processes; None in older records

    @property
    def seconds(self) -> float | None:
        """How long the stage took, or None while it runs."""
        return None if self.ended_at is None else self.ended_at - self.started_at


def children_cpu() -> float:
    """CPU seconds (user + system) used so far by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# Stages that run side by side cannot tell their CPU time apart by the parent's
# RUSAGE_CHILDREN: each stage's nox process writes its own (itself and its
# finished children) into the file this variable names, when it exits.
CPU_REPORT = "GAUNTLET_CPU_REPORT"


def report_cpu_at_exit(environ: Mapping[str, str]) -> None:
    """When ``environ`` names a :data:`CPU_REPORT` file, write this process's CPU time there
    as it exits."""
    target = environ.get(CPU_REPORT)
    if target:
        atexit.register(_write_cpu, Path(target))


def _write_cpu(target: Path) -> None:
    own = resource.getrusage(resource.RUSAGE_SELF)
    target.write_text(f"{own.ru_utime + own.ru_stime + children_cpu():.3f}\n", encoding="utf-8")


def read_cpu(report: Path) -> float | None:
    """The CPU seconds a stage wrote (:func:`report_cpu_at_exit`); None when it wrote none."""
    try:
        return float(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class Pipeline:
    """When the pipeline started, its planned stages, and the stages recorded so far."""

    started_at: float
    planned: tuple[str, ...] = ()
    stages: tuple[StageTime, ...] = ()

    def elapsed(self, now: float) -> float:
        """Wall time of the pipeline: to ``now`` while a stage is open, else to its last end."""
        if not self.stages or any(s.ended_at is None for s in self.stages):
            return now - self.started_at
        return max(s.ended_at or 0.0 for s in self.stages) - self.started_at

    @property
    def cpu_seconds(self) -> float | None:
        """CPU seconds of the finished stages, or None when one of them has no figure."""
        ended = [s for s in self.stages if s.ended_at is not None]
        if not ended or any(s.cpu_s is None for s in ended):
            return None
        return sum(s.cpu_s or 0.0 for s in ended)

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "started_at": self.started_at,
            "stages": list(self.planned),
            "timings": [
                {
                    "name": s.name,
                    "started_at": s.started_at,
                    "ended_at": s.ended_at,
                    "ok": s.ok,
                    "cpu_s": s.cpu_s,
                }
                for s in self.stages
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Pipeline:
        """Read a record written by :meth:`to_json`."""
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"schema_version {data.get('schema_version')!r} is not supported")
        stages = tuple(
            StageTime(
                str(t["name"]),
                float(t["started_at"]),
                None if t.get("ended_at") is None else float(t["ended_at"]),
                None if t.get("ok") is None else bool(t["ok"]),
                None if t.get("cpu_s") is None else float(t["cpu_s"]),
            )
            for t in data.get("timings", [])
        )
        planned = tuple(str(s) for s in data.get("stages", []))
        return cls(float(data["started_at"]), planned, stages)


def read_pipeline(results: Path) -> Pipeline | None:
    """The record in ``results``, or None when there is none (gates run on their own)."""
    try:
        data = json.loads((results / FILE).read_text(encoding="utf-8"))
        return Pipeline.from_json(data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write(results: Path, pipeline: Pipeline) -> None:
    write_text_atomic(results / FILE, json.dumps(pipeline.to_json(), indent=1) + "\n")


def start(results: Path, now: float, stages: Sequence[str] = STAGES) -> None:
    """Begin a new record: the pipeline starts ``now``."""
    _write(results, Pipeline(now, tuple(stages)))


def record_stage(
    results: Path,
    name: str,
    started_at: float,
    ended_at: float | None = None,
    ok: bool | None = None,
    cpu_s: float | None = None,
) -> None:
    """Add or update one stage's times (a stage without an end is running)."""
    pipeline = read_pipeline(results) or Pipeline(started_at)
    stage = StageTime(name, started_at, ended_at, ok, cpu_s)
    names = [s.name for s in pipeline.stages]
    stages = list(pipeline.stages)
    if name in names:
        stages[names.index(name)] = stage
    else:
        stages.append(stage)
    _write(results, replace(pipeline, stages=tuple(stages)))
