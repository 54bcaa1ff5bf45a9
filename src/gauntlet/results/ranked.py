"""Enums whose members are ordered as declared, from least to most severe."""

from __future__ import annotations

from enum import Enum


class Ranked(str, Enum):
    """A string enum whose members compare by ``rank``: their place in the declaration."""

    @property
    def rank(self) -> int:
        """Position among the members (0 for the first, the least severe)."""
        return list(type(self)).index(self)
