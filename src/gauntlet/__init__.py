"""gauntlet: a CI/CD orchestrator for Mojo + Python repositories."""

from __future__ import annotations

__version__ = "0.1.0"  # the one place; pyproject.toml reads it
DISTRIBUTION = "mojo-gauntlet"  # the name on the package index ("gauntlet" is taken there)
