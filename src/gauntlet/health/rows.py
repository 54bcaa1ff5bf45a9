"""What one run records in the history: plain values, written by :mod:`gauntlet.health.store`.

Statuses use :class:`gauntlet.health.model.Outcome` values.  A task's
``start_s`` is its offset from the run's start (None when unknown); a test
case's ``content_key`` is the content key of the file it ran from (empty when
the runner has none, as for Python tests).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from gauntlet.masking import Masker


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
