"""Environment variables that adjust the gate settings for one run.

* ``GAUNTLET_MISSING_INTERPRETERS=fail|skip|fail-on-ci`` replaces
  ``[tool.gauntlet.gates] missing-interpreters`` (a CI job without every
  declared Python can relax it without editing the project);
* ``GAUNTLET_ALLOW_NOT_RUN=tool,tool`` adds to ``allow-not-run``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from gauntlet.config.gates import MISSING_INTERPRETERS, GateSettings
from gauntlet.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gauntlet.config.load import Config


def gate_settings(config: Config, environ: Mapping[str, str]) -> GateSettings:
    """The project's gate settings (defaults when it has none) with ``environ``'s overrides."""
    settings = config.gates or GateSettings()
    override = environ.get("GAUNTLET_MISSING_INTERPRETERS")
    if override:
        if override not in MISSING_INTERPRETERS:
            raise ConfigError(
                f"GAUNTLET_MISSING_INTERPRETERS={override!r}: expected one of "
                + ", ".join(MISSING_INTERPRETERS)
            )
        settings = replace(settings, missing_interpreters=override)
    extra = tuple(t.strip() for t in environ.get("GAUNTLET_ALLOW_NOT_RUN", "").split(","))
    if any(extra):
        settings = replace(
            settings, allow_not_run=settings.allow_not_run + tuple(filter(None, extra))
        )
    return settings
