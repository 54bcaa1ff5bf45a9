"""``[tool.gauntlet.alerts]``: which health changes deserve a message, and where it goes.

The rules themselves are evaluated by :mod:`gauntlet.health.alerts`; this
module declares their settings so a typo is caught when the configuration loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.config.schema import Key, Table
from gauntlet.config.values import Invalid, Kind, describe, integer, number, some_of, text

if TYPE_CHECKING:
    from gauntlet.config.schema import Fail

RULES = (
    "pipeline-failed",
    "failure-rate",
    "duration-regression",
    "new-flaky",
    "coverage-drop",
    "benchmark-regression",
)
NOTIFIERS = ("console", "github", "webhook", "slack")
_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


@dataclass(frozen=True)
class AlertSettings:
    """Thresholds of the alert rules and where alerts go."""

    branch: str = "main"
    disable: tuple[str, ...] = ()
    failure_rate: float = 20.0  # percent of the last failure_window runs
    failure_window: int = 20
    duration_regression: float = 50.0  # percent slower than the task's p50
    duration_min: float = 5.0  # seconds; quicker tasks are too noisy to alert on
    coverage_drop: float = 1.0  # percentage points, last run against the one before
    notify: tuple[str, ...] = ("console", "github")
    webhook_url_env: str = "GAUNTLET_ALERT_WEBHOOK"
    slack_url_env: str = "GAUNTLET_SLACK_WEBHOOK"
    timeout: float = 10.0  # seconds per delivery attempt

    def enabled(self, rule: str) -> bool:
        """Whether ``rule`` is evaluated."""
        return rule not in self.disable


def _env_name() -> Kind[str]:
    def parse(value: object) -> str:
        if not isinstance(value, str) or not re.match(_ENV_NAME, value):
            got = (
                "a string that is not a variable name"
                if isinstance(value, str)
                else describe(value)
            )
            raise Invalid(
                f"expected the name of an environment variable that holds the URL "
                f"(never the URL itself), got {got}"
            )
        return value

    return Kind(parse, {"type": "string", "pattern": _ENV_NAME})


ALERTS = Table(
    "tool.gauntlet.alerts",
    "Which changes in the project's health deserve a message, and where it goes.",
    (
        Key("branch", text(), "The branch whose pipeline runs are watched."),
        Key("disable", some_of(RULES), "Alert rules that are not evaluated."),
        Key(
            "failure-rate",
            number("a percentage between 0 and 100", 0, 100),
            "Alert when more than this percentage of recent runs did not pass.",
        ),
        Key(
            "failure-window",
            integer(2, "a whole number of runs, at least 2"),
            "How many recent runs the failure rate is taken over.",
        ),
        Key(
            "duration-regression",
            number("a positive percentage", 0),
            "Alert when a task is this many percent slower than its median.",
        ),
        Key(
            "duration-min",
            number("a number of seconds, 0 or more", 0),
            "Tasks quicker than this (seconds) are too noisy to alert on.",
        ),
        Key(
            "coverage-drop",
            number("percentage points between 0 and 100", 0, 100),
            "Alert when line coverage falls by more than this many points.",
        ),
        Key("notify", some_of(NOTIFIERS), "Where alerts are delivered."),
        Key("webhook-url-env", _env_name(), "Environment variable holding the webhook URL."),
        Key("slack-url-env", _env_name(), "Environment variable holding the Slack webhook URL."),
        Key(
            "timeout",
            number("seconds between 0 and 600", 0.001, 600),
            "Seconds per delivery attempt.",
        ),
    ),
    AlertSettings,
)


def parse_alerts(raw: dict[str, Any], fail: Fail) -> AlertSettings:
    """The ``[tool.gauntlet.alerts]`` table; every problem goes to ``fail``."""
    return AlertSettings(**ALERTS.read(raw, fail))
