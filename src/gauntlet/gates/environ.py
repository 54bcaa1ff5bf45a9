"""Environment variables that adjust the gate settings for one run.

* ``GAUNTLET_MISSING_INTERPRETERS=fail|skip|fail-on-ci`` replaces
  ``[tool.gauntlet.gates] missing-interpreters`` (a CI job without every
  declared Python can relax it without editing the project);
* ``GAUNTLET_ALLOW_NOT_RUN=tool,tool`` adds to ``allow-not-run``;
* ``GAUNTLET_TIME_OVER_BUDGET=fail|warn`` replaces ``time-over-budget`` (a CI
  machine shared with other work, whose wall-clock figures say little);
* ``GAUNTLET_COVERAGE=1``: this pipeline measures Mojo coverage (``nox -s ci --
  coverage`` sets it), so the mojo-coverage gate expects its report.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from gauntlet.config.gates import MISSING_INTERPRETERS, OVER_BUDGET, GateSettings
from gauntlet.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gauntlet.config.load import Config


COVERAGE_VARIABLE = "GAUNTLET_COVERAGE"


def coverage_expected(config: Config, environ: Mapping[str, str]) -> bool:
    """Whether this pipeline measures Mojo coverage (configured, or asked for this run)."""
    return config.coverage.ci or environ.get(COVERAGE_VARIABLE, "") == "1"


def gate_settings(config: Config, environ: Mapping[str, str]) -> GateSettings:
    """The project's gate settings (defaults when it has none) with ``environ``'s overrides."""
    settings = config.gates or GateSettings()
    missing = _choice(environ, "GAUNTLET_MISSING_INTERPRETERS", MISSING_INTERPRETERS)
    if missing:
        settings = replace(settings, missing_interpreters=missing)
    over_budget = _choice(environ, "GAUNTLET_TIME_OVER_BUDGET", OVER_BUDGET)
    if over_budget:
        settings = replace(settings, time_over_budget=over_budget)
    extra = tuple(t.strip() for t in environ.get("GAUNTLET_ALLOW_NOT_RUN", "").split(","))
    if any(extra):
        settings = replace(
            settings, allow_not_run=settings.allow_not_run + tuple(filter(None, extra))
        )
    return settings


def _choice(environ: Mapping[str, str], variable: str, choices: tuple[str, ...]) -> str:
    """``environ[variable]`` when set (one of ``choices``, else a ConfigError); else ""."""
    value = environ.get(variable, "")
    if value and value not in choices:
        raise ConfigError(f"{variable}={value!r}: expected one of " + ", ".join(choices))
    return value
