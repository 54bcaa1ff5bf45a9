"""gauntlet: a CI/CD orchestrator for Mojo + Python repositories."""

from __future__ import annotations

__version__ = "0.1.0"
