"""Running the gates, applying waivers, and the verdict they add up to.

A waiver covers a failing gate, or single findings of a gate, until its
expiry date; an expired waiver fails the gate it names (so stale waivers
get cleaned up).  Every verdict lists the active waivers.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

# The built-in gates register as their modules load, in the order reports list them.
import gauntlet.gates.testing as _testing  # isort: split

import gauntlet.gates.checks as _builtin  # isort: split

import gauntlet.gates.measured as _measured  # isort: split

from gauntlet.atomic import write_text_atomic
from gauntlet.errors import ConfigError, ExitCode
from gauntlet.gates.registry import GATES, GateResult, GateStatus

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.config.gates import GateSettings, Waiver
    from gauntlet.gates.inputs import Inputs
    from gauntlet.gates.registry import Gate
    from gauntlet.gates.subject import Subject

SCHEMA_VERSION = 1
assert _builtin  # noqa: S101
assert _testing  # noqa: S101
assert _measured  # noqa: S101


@dataclass(frozen=True)
class Verdict:
    """Every gate's result, and the waivers in force."""

    results: tuple[GateResult, ...]
    waivers: tuple[Waiver, ...]
    date: str
    subject: Subject | None = None  # the commit and tree it was made for (None: not in git)

    @property
    def failures(self) -> tuple[GateResult, ...]:
        """Gates that did not pass."""
        return tuple(r for r in self.results if not r.status.ok)

    @property
    def exit_code(self) -> ExitCode:
        """2 when a gate had no data (a tool could not run), 1 when one failed, else 0."""
        if any(r.status is GateStatus.NO_DATA for r in self.results):
            return ExitCode.TOOL_ERROR
        return ExitCode.FAILED if self.failures else ExitCode.OK

    @property
    def passed(self) -> bool:
        """Whether every gate passed (possibly warned or waived)."""
        return not self.failures

    def to_json(self) -> dict[str, Any]:
        """The JSON verdict, with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "date": self.date,
            "passed": self.passed,
            "exit_code": int(self.exit_code),
            "failed": [r.gate for r in self.failures],
            "gates": [r.to_json() for r in self.results],
            "waivers": [w.to_json() for w in self.waivers],
            "subject": None if self.subject is None else self.subject.to_json(),
        }


def _check_names(settings: GateSettings, registry: dict[str, Gate]) -> None:
    known = ", ".join(registry)
    for name in settings.disable:
        if name not in registry:
            raise ConfigError(
                f"{settings.where}: [tool.gauntlet.gates] 'disable': unknown gate {name!r}; "
                f"known gates: {known}"
            )
    for waiver in settings.waivers:
        if waiver.gate not in registry:
            raise ConfigError(
                f"{waiver.where}: [[tool.gauntlet.waivers]] 'gate': unknown gate "
                f"{waiver.gate!r}; known gates: {known}"
            )


def apply_waivers(result: GateResult, waivers: tuple[Waiver, ...], today: dt.date) -> GateResult:
    """The result with this gate's waivers applied."""
    mine = [w for w in waivers if w.gate == result.gate]
    expired = [w for w in mine if w.expired(today)]
    if expired:
        w = expired[0]
        return replace(
            result,
            status=GateStatus.FAILED,
            message=(
                f"waiver expired on {w.expires.isoformat()} ({w.where}: {w.reason}); "
                "fix the cause or renew the waiver with a new date"
            ),
            look=w.where,
            waivers=tuple(expired),
        )
    active = tuple(w for w in mine if not w.expired(today))
    if not active or result.status is not GateStatus.FAILED:
        return replace(result, waivers=active) if active else result
    whole = [w for w in active if not w.finding]
    if whole:
        return replace(result, status=GateStatus.WAIVED, waivers=active)
    if not result.by_findings:
        return replace(result, waivers=active)
    left = tuple(
        f for f in result.findings if not any(fnmatchcase(f.ident, w.finding) for w in active)
    )
    if left:
        return replace(result, findings=left, waivers=active, measured=f"{len(left)} findings")
    return replace(result, status=GateStatus.WAIVED, waivers=active)


def evaluate(
    inputs: Inputs,
    settings: GateSettings,
    today: dt.date,
    registry: dict[str, Gate] | None = None,
    subject: Subject | None = None,
) -> Verdict:
    """Run every enabled gate over ``inputs`` and apply the waivers."""
    gates = GATES if registry is None else registry
    _check_names(settings, gates)
    results = []
    for name, gate in gates.items():
        if name in settings.disable:
            continue
        results.append(apply_waivers(gate(inputs, settings), settings.waivers, today))
    active = tuple(w for w in settings.waivers if not w.expired(today))
    return Verdict(tuple(results), active, today.isoformat(), subject)


def write_verdict(path: Path, verdict: Verdict) -> None:
    """Write the JSON verdict (atomically)."""
    write_text_atomic(path, json.dumps(verdict.to_json(), indent=1) + "\n")
