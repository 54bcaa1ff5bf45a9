"""``[tool.gauntlet.gates]`` and ``[[tool.gauntlet.waivers]]``, declared and read.

Every threshold has a sane default, so a project needs no gate
configuration at all.  Unknown keys, wrong types, and waivers without a
reason or an expiry date are problems naming the file, the line and the key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.config.schema import Key, Table
from gauntlet.config.values import Invalid, Kind, describe, flag, number, one_of, strings, text
from gauntlet.results.findings import Severity
from gauntlet.results.pipeline import TIMED

if TYPE_CHECKING:
    from gauntlet.config.schema import Fail, Problems, Where

MISSING_INTERPRETERS = ("fail", "skip", "fail-on-ci")
OVER_BUDGET = ("fail", "warn")
WAIVERS = "tool.gauntlet.waivers"


@dataclass(frozen=True)
class Waiver:
    """Permission for a failing gate (or one finding) to not fail the run, until a date."""

    gate: str
    reason: str
    expires: dt.date
    finding: str = ""  # fnmatch pattern over Finding.ident; empty: the whole gate
    where: str = ""  # file:line of the waiver, for messages

    def expired(self, today: dt.date) -> bool:
        """Whether the waiver no longer applies on ``today`` (it lasts through its date)."""
        return today > self.expires

    def to_json(self) -> dict[str, Any]:
        """The JSON form, for verdicts and reports."""
        return {
            "gate": self.gate,
            "finding": self.finding,
            "reason": self.reason,
            "expires": self.expires.isoformat(),
            "where": self.where,
        }


@dataclass(frozen=True)
class GateSettings:
    """Thresholds and switches of the built-in gates."""

    disable: tuple[str, ...] = ()
    coverage_line: float = 90.0
    coverage_branch: float = 80.0
    new_code_coverage: float = 90.0
    mojo_coverage_line: float = 90.0
    base: str = "origin/main"
    bandit_severity: Severity = Severity.MEDIUM
    allow_not_audited: bool = False
    allow_not_run: tuple[str, ...] = ()
    benchmark_regression: float = 5.0
    time_budget: float = 600.0
    stage_budgets: tuple[tuple[str, float], ...] = ()  # (stage, seconds)
    missing_interpreters: str = "fail-on-ci"
    time_over_budget: str = "fail"
    waivers: tuple[Waiver, ...] = ()
    where: str = ""  # the pyproject file, for messages


_PERCENT = number("a percentage between 0 and 100", 0, 100)
_SECONDS = number("a positive number of seconds", 0, open_low=True)


def _budgets() -> Kind[tuple[tuple[str, float], ...]]:
    def parse(value: object) -> tuple[tuple[str, float], ...]:
        if not isinstance(value, dict):
            raise Invalid(f"expected a table of stage = seconds, got {describe(value)}")
        budgets = []
        for stage, seconds in value.items():
            if stage not in TIMED:
                raise Invalid(f"unknown stage {stage!r}; stages: {', '.join(TIMED)}")
            try:
                budgets.append((stage, _SECONDS.parse(seconds)))
            except Invalid as exc:
                raise Invalid(f"{stage}: {exc}") from None
        return tuple(budgets)

    schema = {"type": "object", "propertyNames": {"enum": list(TIMED)}}
    return Kind(parse, {**schema, "additionalProperties": _SECONDS.schema}, dump=dict)


def _severity() -> Kind[Severity]:
    choices = [s.value for s in Severity]

    def parse(value: object) -> Severity:
        if not isinstance(value, str) or value.lower() not in choices:
            raise Invalid(f"expected one of {', '.join(choices)}, got {describe(value)}")
        return Severity(value.lower())

    any_case = "|".join("".join(f"[{c.lower()}{c.upper()}]" for c in name) for name in choices)
    return Kind(parse, {"type": "string", "pattern": f"^({any_case})$"})


GATES = Table(
    "tool.gauntlet.gates",
    "Thresholds and switches of the quality gates of `nox -s ci`.",
    (
        Key("disable", strings("gate names"), "Gates that are not evaluated."),
        Key("coverage-line", _PERCENT, "Least line coverage of the Python tests, in percent."),
        Key("coverage-branch", _PERCENT, "Least branch coverage, in percent."),
        Key("new-code-coverage", _PERCENT, "Least coverage of lines changed since 'base'."),
        Key("mojo-coverage-line", _PERCENT, "Least line coverage of the Mojo code, in percent."),
        Key("base", text(), "The git revision new code is measured against."),
        Key("bandit-severity", _severity(), "Least bandit severity that fails the security gate."),
        Key("allow-not-audited", flag(), "Pass the audit gate when pip-audit could not run."),
        Key("allow-not-run", strings("tool names"), "Tools that may be missing without failing."),
        Key("benchmark-regression", _PERCENT, "Slowdown, in percent, that fails the gate."),
        Key("time-budget", _SECONDS, "Seconds the whole pipeline may take."),
        Key("stage-budgets", _budgets(), "Seconds each stage may take: a table stage = seconds."),
        Key(
            "missing-interpreters",
            one_of(MISSING_INTERPRETERS),
            "What a missing Python interpreter does: fail, skip, or fail only on CI.",
        ),
        Key(
            "time-over-budget",
            one_of(OVER_BUDGET),
            "What a pipeline over its time budget does: fail, or only warn (a shared machine).",
        ),
    ),
    GateSettings,
)


def _expires() -> Kind[dt.date]:
    def parse(value: object) -> dt.date:
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                raise Invalid(f"expected a date YYYY-MM-DD, got {value!r}") from None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise Invalid(f"expected a date YYYY-MM-DD, got {describe(value)}")
        return value

    return Kind(parse, {})  # a TOML date has no JSON type: the schema cannot check it


WAIVER = Table(
    WAIVERS,
    "Permission for a failing gate (or one finding) to not fail the run, until a date.",
    (
        Key("gate", text(), "The gate it waives.", required="a waiver needs the gate it waives"),
        Key("finding", text(), "Pattern over finding ids (rule:path:line); empty: the whole gate."),
        Key(
            "reason",
            text(),
            "Why the failure is acceptable for now.",
            required="a waiver needs why the failure is acceptable for now",
        ),
        Key(
            "expires",
            _expires(),
            "The last day it applies: a date 2026-12-31 or a string '2026-12-31'.",
            required="a waiver needs a date (YYYY-MM-DD) after which it no longer applies",
        ),
    ),
    Waiver,
)

_HEADER = re.compile(r"^\s*\[\[\s*tool\.gauntlet\.waivers\s*\]\]\s*(#.*)?$")


def _waiver_line(where: Where, index: int, key: str) -> int | None:
    seen = -1
    inside = False
    for lineno, line in enumerate(where.lines, start=1):
        if line.lstrip().startswith("["):
            inside = bool(_HEADER.match(line))
            seen += inside
            if inside and seen == index and not key:
                return lineno
            continue
        if inside and seen == index and re.match(r"^\s*" + re.escape(key) + r"\s*=", line):
            return lineno
    return None


def parse_gates(raw: dict[str, Any], fail: Fail) -> dict[str, Any]:
    """Field values of :class:`GateSettings` from the ``gates`` table."""
    return GATES.read(raw, fail)


def parse_waivers(problems: Problems, value: object) -> tuple[Waiver, ...]:
    """The ``[[tool.gauntlet.waivers]]`` array; gate, reason and expiry are required."""
    where = problems.where
    if not isinstance(value, list):
        problems.add(
            "tool.gauntlet", "waivers", "expected an array of tables ([[tool.gauntlet.waivers]])"
        )
        return ()
    waivers = []
    for index, item in enumerate(value):
        header = _waiver_line(where, index, "") or _waiver_line(where, index, "gate")

        def fail(key: str, message: str, index: int = index, header: int | None = header) -> None:
            place = where.place(_waiver_line(where, index, key) or header)
            problems.note(f"{place}: [[{WAIVERS}]] #{index + 1} {key!r}: {message}")

        if not isinstance(item, dict):
            fail("waivers", "expected a table")
            continue
        before = len(problems.messages)
        values = WAIVER.read(item, fail)
        if len(problems.messages) == before:
            waivers.append(Waiver(**values, where=where.place(header)))
    return tuple(waivers)
