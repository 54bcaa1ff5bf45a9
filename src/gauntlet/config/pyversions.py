"""The Python versions a project declares (for its test matrix), and its name.

Read from the trove classifiers (``Programming Language :: Python :: 3.X``)
in ``[project]``; without them, the running interpreter's version.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

if TYPE_CHECKING:
    from pathlib import Path

_CLASSIFIER = re.compile(r"^Programming Language :: Python :: (3\.\d+)$")


def _project(pyproject: Path) -> dict[str, Any]:
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return project if isinstance(project, dict) else {}


def project_name(pyproject: Path) -> str:
    """``[project] name``, else the name of the folder holding pyproject.toml."""
    name = _project(pyproject).get("name")
    return name if isinstance(name, str) and name else pyproject.parent.name


def declared_pythons(pyproject: Path) -> list[str]:
    """Versions like ``["3.10", "3.11"]`` in ascending order."""
    project = _project(pyproject)
    found = {
        m.group(1)
        for c in project.get("classifiers", [])
        if isinstance(c, str) and (m := _CLASSIFIER.match(c))
    }
    if not found:
        return [f"{sys.version_info.major}.{sys.version_info.minor}"]
    return sorted(found, key=lambda v: tuple(int(p) for p in v.split(".")))
