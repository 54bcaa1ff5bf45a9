"""The Python versions a project declares, for its test matrix.

Read from the trove classifiers (``Programming Language :: Python :: 3.X``)
in ``[project]``; without them, the running interpreter's version.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

if TYPE_CHECKING:
    from pathlib import Path

_CLASSIFIER = re.compile(r"^Programming Language :: Python :: (3\.\d+)$")


def declared_pythons(pyproject: Path) -> list[str]:
    """Versions like ``["3.10", "3.11"]`` in ascending order."""
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        project = {}
    found = {
        m.group(1)
        for c in project.get("classifiers", [])
        if isinstance(c, str) and (m := _CLASSIFIER.match(c))
    }
    if not found:
        return [f"{sys.version_info.major}.{sys.version_info.minor}"]
    return sorted(found, key=lambda v: tuple(int(p) for p in v.split(".")))
