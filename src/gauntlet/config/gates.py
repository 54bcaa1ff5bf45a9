"""``[tool.gauntlet.gates]`` and ``[[tool.gauntlet.waivers]]``, validated.

Every threshold has a sane default, so a project needs no gate
configuration at all.  Unknown keys, wrong types, and waivers without a
reason or an expiry date are errors naming the file, the line and the key.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from gauntlet.config.load import _describe, _Where
from gauntlet.errors import ConfigError
from gauntlet.results.findings import Severity
from gauntlet.results.pipeline import TIMED

if TYPE_CHECKING:
    from collections.abc import Callable

MISSING_INTERPRETERS = ("fail", "skip", "fail-on-ci")


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
    base: str = "origin/main"
    bandit_severity: Severity = Severity.MEDIUM
    allow_not_audited: bool = False
    allow_not_run: tuple[str, ...] = ()
    benchmark_regression: float = 5.0
    time_budget: float = 600.0
    stage_budgets: tuple[tuple[str, float], ...] = ()  # (stage, seconds)
    missing_interpreters: str = "fail-on-ci"
    waivers: tuple[Waiver, ...] = ()
    where: str = ""  # the pyproject file, for messages


def _percent(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise TypeError(f"expected a percentage between 0 and 100, got {_describe(value)}")
    return float(value)


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise TypeError(f"expected a positive number of seconds, got {_describe(value)}")
    return float(value)


def _budgets(value: object) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, dict):
        raise TypeError(f"expected a table of stage = seconds, got {_describe(value)}")
    budgets = []
    for stage, seconds in value.items():
        if stage not in TIMED:
            raise TypeError(f"unknown stage {stage!r}; stages: {', '.join(TIMED)}")
        try:
            budgets.append((stage, _seconds(seconds)))
        except TypeError as exc:
            raise TypeError(f"{stage}: {exc}") from None
    return tuple(budgets)


def _names(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TypeError(f"expected an array of gate names, got {_describe(value)}")
    return tuple(value)


def _tools(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TypeError(f"expected an array of tool names, got {_describe(value)}")
    return tuple(value)


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"expected a non-empty string, got {_describe(value)}")
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {_describe(value)}")
    return value


def _severity(value: object) -> Severity:
    choices = [s.value for s in Severity]
    if not isinstance(value, str) or value.lower() not in choices:
        raise TypeError(f"expected one of {', '.join(choices)}, got {_describe(value)}")
    return Severity(value.lower())


def _missing(value: object) -> str:
    if value not in MISSING_INTERPRETERS:
        raise TypeError(
            f"expected one of {', '.join(MISSING_INTERPRETERS)}, got {_describe(value)}"
        )
    return str(value)


_KEYS: dict[str, tuple[str, Callable[[object], Any]]] = {
    "disable": ("disable", _names),
    "coverage-line": ("coverage_line", _percent),
    "coverage-branch": ("coverage_branch", _percent),
    "new-code-coverage": ("new_code_coverage", _percent),
    "base": ("base", _text),
    "bandit-severity": ("bandit_severity", _severity),
    "allow-not-audited": ("allow_not_audited", _flag),
    "allow-not-run": ("allow_not_run", _tools),
    "benchmark-regression": ("benchmark_regression", _percent),
    "time-budget": ("time_budget", _seconds),
    "stage-budgets": ("stage_budgets", _budgets),
    "missing-interpreters": ("missing_interpreters", _missing),
}
assert {f for f, _ in _KEYS.values()} <= {f.name for f in fields(GateSettings)}  # noqa: S101

_WAIVER_KEYS = ("gate", "finding", "reason", "expires")
_HEADER = re.compile(r"^\s*\[\[\s*tool\.gauntlet\.waivers\s*\]\]\s*(#.*)?$")


def parse_gates(where: _Where, value: object) -> dict[str, Any]:
    """Field values of :class:`GateSettings` from the ``gates`` table."""
    table = "tool.gauntlet.gates"
    if not isinstance(value, dict):
        raise where.error("tool.gauntlet", "gates", f"expected a table, got {_describe(value)}")
    values: dict[str, Any] = {}
    for key, item in value.items():
        if key not in _KEYS:
            close = difflib.get_close_matches(key, list(_KEYS), n=1)
            hint = (
                f" (did you mean {close[0]!r}?)" if close else f"; known keys: {', '.join(_KEYS)}"
            )
            raise where.error(table, key, f"unknown key{hint}")
        name, parser = _KEYS[key]
        try:
            values[name] = parser(item)
        except TypeError as exc:
            raise where.error(table, key, str(exc)) from None
    return values


def _waiver_line(where: _Where, index: int, key: str) -> int | None:
    seen = -1
    inside = False
    for number, line in enumerate(where.lines, start=1):
        if line.lstrip().startswith("["):
            inside = bool(_HEADER.match(line))
            seen += inside
            if inside and seen == index and not key:
                return number
            continue
        if inside and seen == index and re.match(r"^\s*" + re.escape(key) + r"\s*=", line):
            return number
    return None


def parse_waivers(where: _Where, value: object) -> tuple[Waiver, ...]:
    """The ``[[tool.gauntlet.waivers]]`` array; reason and expiry are required."""
    if not isinstance(value, list):
        raise where.error(
            "tool.gauntlet", "waivers", "expected an array of tables ([[tool.gauntlet.waivers]])"
        )
    waivers = []
    for index, item in enumerate(value):
        header = _waiver_line(where, index, "") or _waiver_line(where, index, "gate")

        def fail(
            key: str, message: str, index: int = index, header: int | None = header
        ) -> ConfigError:
            line = _waiver_line(where, index, key) or header
            place = f"{where.path}:{line}" if line else str(where.path)
            return ConfigError(
                f"{place}: [[tool.gauntlet.waivers]] #{index + 1} {key!r}: {message}"
            )

        if not isinstance(item, dict):
            raise fail("waivers", "expected a table")
        for key in item:
            if key not in _WAIVER_KEYS:
                close = difflib.get_close_matches(key, _WAIVER_KEYS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise fail(key, f"unknown key{hint}; known keys: {', '.join(_WAIVER_KEYS)}")
        for key in ("gate", "reason", "expires"):
            if key not in item:
                what = {
                    "gate": "the gate it waives",
                    "reason": "why the failure is acceptable for now",
                    "expires": "a date (YYYY-MM-DD) after which it no longer applies",
                }[key]
                raise fail(key, f"missing; a waiver needs {what}")
        try:
            gate = _text(item["gate"])
            reason = _text(item["reason"])
            finding = _text(item["finding"]) if "finding" in item else ""
        except TypeError as exc:
            raise fail("reason", str(exc)) from None
        expires = item["expires"]
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError:
                raise fail("expires", f"expected a date YYYY-MM-DD, got {expires!r}") from None
        if isinstance(expires, dt.datetime) or not isinstance(expires, dt.date):
            raise fail("expires", f"expected a date YYYY-MM-DD, got {_describe(expires)}")
        place = f"{where.path}:{header}" if header else str(where.path)
        waivers.append(Waiver(gate, reason, expires, finding, place))
    return tuple(waivers)
