"""Quality gates: small pure functions over parsed results, in a registry.

A gate looks at :class:`~gauntlet.gates.inputs.Inputs` and the thresholds in
:class:`~gauntlet.config.gates.GateSettings` and returns a :class:`GateResult`.
Input that a tool should have written but did not is "no data", which fails:
a gate never passes for lack of evidence.  New gates plug in by adding a
:class:`Gate` to :data:`GATES` (or with :func:`register`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from gauntlet.results.findings import Finding

if TYPE_CHECKING:
    from gauntlet.config.gates import GateSettings, Waiver
    from gauntlet.gates.inputs import Inputs, Missing


class GateStatus(str, Enum):
    """Outcome of one gate; ordered from best to worst."""

    PASSED = "passed"
    WARNED = "warned"  # passes, with something a person should know (e.g. "not audited")
    WAIVED = "waived"  # failed, but an active waiver covers it
    FAILED = "failed"
    NO_DATA = "no data"  # the results it needs are missing or unreadable

    @property
    def ok(self) -> bool:
        """Whether this outcome lets the run pass."""
        return self in (GateStatus.PASSED, GateStatus.WARNED, GateStatus.WAIVED)


@dataclass(frozen=True)
class GateResult:
    """What one gate decided, with the figures behind it."""

    gate: str
    status: GateStatus
    measured: str
    threshold: str
    message: str = ""
    look: str = ""  # where to look: a results file or a log
    findings: tuple[Finding, ...] = ()
    by_findings: bool = False  # the status follows from ``findings`` alone
    waivers: tuple[Waiver, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The JSON form of this result."""
        return {
            "gate": self.gate,
            "status": self.status.value,
            "measured": self.measured,
            "threshold": self.threshold,
            "message": self.message,
            "look": self.look,
            "findings": [f.to_json() for f in self.findings],
            "waivers": [w.to_json() for w in self.waivers],
        }


class Gate(Protocol):
    """A quality gate: a name, a one-line description, and a pure check."""

    @property
    def name(self) -> str:
        """The gate's name, as reports and waivers spell it."""
        ...

    @property
    def description(self) -> str:
        """One line saying what the gate checks."""
        ...

    def __call__(self, inputs: Inputs, settings: GateSettings) -> GateResult:
        """Decide the gate over parsed results."""
        ...


GateFunc = Callable[["Inputs", "GateSettings"], GateResult]


@dataclass(frozen=True)
class FunctionGate:
    """A gate made from a plain function."""

    name: str
    description: str
    check: GateFunc = field(repr=False)

    def __call__(self, inputs: Inputs, settings: GateSettings) -> GateResult:
        """Run the check."""
        return self.check(inputs, settings)


GATES: dict[str, Gate] = {}


def register(name: str, description: str) -> Callable[[GateFunc], GateFunc]:
    """Decorator adding a function to :data:`GATES` under ``name``."""

    def add(func: GateFunc) -> GateFunc:
        GATES[name] = FunctionGate(name, description, func)
        return func

    return add


def findings_result(
    gate: str, findings: tuple[Finding, ...], threshold: str, look: str, what: str
) -> GateResult:
    """A gate that fails on any finding: pass at zero, else fail naming the first."""
    if not findings:
        return GateResult(gate, GateStatus.PASSED, f"0 {what}", threshold, look=look)
    first = findings[0]
    message = f"{first.where}: {first.rule}: {first.message}" if first.where else first.message
    if len(findings) > 1:
        message += f" (and {len(findings) - 1} more)"
    return GateResult(
        gate,
        GateStatus.FAILED,
        f"{len(findings)} {what}",
        threshold,
        message,
        look,
        findings,
        by_findings=True,
    )


def no_data(gate: str, missing: Missing, threshold: str) -> GateResult:
    """The result of a gate whose input is missing or unreadable (named in the message)."""
    return GateResult(gate, GateStatus.NO_DATA, "no data", threshold, missing.message)


def no_results(gate: str, what: str, threshold: str) -> GateResult:
    """The result of a gate whose tool has not run at all: no data, and what to run."""
    return GateResult(
        gate,
        GateStatus.NO_DATA,
        "no data",
        threshold,
        f"no {what} results; run the pipeline (`nox -s ci`) before the gates",
    )
