"""[tool.gauntlet.gates] and [[tool.gauntlet.waivers]]: defaults, errors naming the key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gauntlet.config.gates import GateSettings
from gauntlet.config.load import parse_config
from gauntlet.errors import ConfigError
from gauntlet.results.findings import Severity

PYPROJECT = Path("/p/pyproject.toml")


def settings(text: str) -> GateSettings:
    config = parse_config(PYPROJECT, "[tool.gauntlet]\n" + text)
    assert config.gates is not None
    return config.gates


def test_defaults_need_no_configuration() -> None:
    gates = settings("")
    assert (gates.coverage_line, gates.time_budget, gates.waivers) == (90.0, 600.0, ())
    assert gates.bandit_severity is Severity.MEDIUM
    assert not gates.allow_not_audited


def test_thresholds_are_read() -> None:
    gates = settings(
        "[tool.gauntlet.gates]\ncoverage-branch = 75\nbandit-severity = 'HIGH'\n"
        "disable = ['benchmarks']\ntime-budget = 900\nmissing-interpreters = 'skip'\n"
    )
    assert gates.coverage_branch == 75.0
    assert gates.bandit_severity is Severity.HIGH
    assert gates.disable == ("benchmarks",)
    assert gates.missing_interpreters == "skip"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[tool.gauntlet.gates]\ncoverage-lin = 90\n",
            (
                r"pyproject.toml:3: \[tool.gauntlet.gates\] 'coverage-lin': unknown key "
                r"\(did you mean 'coverage-line'\?\)"
            ),
        ),
        ("[tool.gauntlet.gates]\ncoverage-line = 120\n", r":3: .*'coverage-line': expected a perc"),
        ("[tool.gauntlet.gates]\nbandit-severity = 'severe'\n", r"'bandit-severity': expected one"),
        ("[tool.gauntlet.gates]\nallow-not-audited = 'yes'\n", r"'allow-not-audited': expected tr"),
        ("gates = 3\n", r"'gates': expected a table"),
        ("waivers = 3\n", r"'waivers': expected an array of tables"),
    ],
)
def test_gate_config_errors_name_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings(text)


WAIVER = """
[[tool.gauntlet.waivers]]
gate = "lint"
reason = "vendored code, fixed upstream in 2.0"
expires = 2026-12-31

[[tool.gauntlet.waivers]]
gate = "security"
finding = "bandit:B602:src/run.py:*"
reason = "input is a constant"
expires = "2027-01-15"
"""


def test_waivers_are_read_with_their_place() -> None:
    waivers = settings(WAIVER).waivers
    assert [(w.gate, w.expires) for w in waivers] == [
        ("lint", dt.date(2026, 12, 31)),
        ("security", dt.date(2027, 1, 15)),
    ]
    assert waivers[0].where == "/p/pyproject.toml:3"
    assert waivers[1].where == "/p/pyproject.toml:8"
    assert waivers[1].finding == "bandit:B602:src/run.py:*"
    assert waivers[0].to_json()["expires"] == "2026-12-31"


@pytest.mark.parametrize(
    ("drop", "message"),
    [
        ("reason", r"pyproject.toml:8: \[\[tool.gauntlet.waivers\]\] #2 'reason': missing"),
        ("expires", r"#2 'expires': missing; a waiver needs a date"),
        ("gate", r"#2 'gate': missing"),
    ],
)
def test_a_waiver_without_reason_or_expiry_is_a_config_error(drop: str, message: str) -> None:
    first, second = WAIVER.split("[[tool.gauntlet.waivers]]")[1:]
    second = "".join(ln + "\n" for ln in second.splitlines() if not ln.startswith(drop))
    text = "\n[[tool.gauntlet.waivers]]" + first + "[[tool.gauntlet.waivers]]" + second
    with pytest.raises(ConfigError, match=message):
        settings(text)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('expires = "soon"', r"'expires': expected a date YYYY-MM-DD, got 'soon'"),
        ("expires = 2026-12-31T10:00:00", r"'expires': expected a date"),
        ('reason = ""', r"'reason': expected a non-empty string"),
        ('reasn = "x"', r"'reasn': unknown key \(did you mean 'reason'\?\)"),
    ],
)
def test_bad_waiver_values(line: str, message: str) -> None:
    base = {"gate": 'gate = "lint"', "reason": 'reason = "r"', "expires": "expires = 2026-12-31"}
    key = line.split(" ", maxsplit=1)[0]
    base[key if key in base else "extra"] = line
    text = "[[tool.gauntlet.waivers]]\n" + "\n".join(base.values()) + "\n"
    with pytest.raises(ConfigError, match=message):
        settings(text)
