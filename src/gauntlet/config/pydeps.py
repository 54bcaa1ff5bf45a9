"""The Python dependencies a project declares, read from its ``pyproject.toml``.

Test dependencies come from a PEP 735 dependency group or an extra, the first
of ``test``, ``tests``, ``dev`` that exists (groups before extras).  Groups are
expanded here (``{include-group = "..."}`` included), so any installer can
take them as plain requirements.  :func:`declaring` finds the requirement that
provides a Python module the Mojo code imports, in every declaration.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

if TYPE_CHECKING:
    from pathlib import Path

TEST_NAMES = ("test", "tests", "dev")
BENCH_NAMES = ("bench", "benchmarks")

# Import names whose distribution is named otherwise.
DISTRIBUTIONS = {
    "yaml": "pyyaml",
    "PIL": "pillow",
    "sklearn": "scikit-learn",
    "cv2": "opencv-python",
    "bs4": "beautifulsoup4",
    "skimage": "scikit-image",
    "dateutil": "python-dateutil",
}
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    """A distribution name normalised as PEP 503 does."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Declared:
    """One dependency set: ``kind`` is ``group``, ``extra`` or ``project``."""

    kind: str
    name: str
    requirements: tuple[str, ...]

    def __str__(self) -> str:
        if self.kind == "project":
            return "[project] dependencies"
        table = "[dependency-groups]" if self.kind == "group" else "[project.optional-dependencies]"
        return f"{table} {self.name}"


def read_pyproject(pyproject: Path) -> dict[str, Any]:
    """The TOML document of ``pyproject``; empty when it is missing or unreadable."""
    try:
        data: dict[str, Any] = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return data


def _expand(groups: dict[str, Any], name: str, seen: frozenset[str] = frozenset()) -> list[str]:
    found: list[str] = []
    for item in groups.get(name, []) if name not in seen else []:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict) and isinstance(item.get("include-group"), str):
            found.extend(_expand(groups, item["include-group"], seen | {name}))
    return found


def declarations(pyproject: Path) -> list[Declared]:
    """Every dependency set: the project's own, then each dependency group, then each extra."""
    data = read_pyproject(pyproject)
    project = data.get("project", {})
    project = project if isinstance(project, dict) else {}
    groups = data.get("dependency-groups", {})
    groups = groups if isinstance(groups, dict) else {}
    extras = project.get("optional-dependencies", {})
    extras = extras if isinstance(extras, dict) else {}
    found = [Declared("project", "", tuple(r for r in project.get("dependencies", []) if r))]
    found += [Declared("group", g, tuple(_expand(groups, g))) for g in groups]
    for extra, items in extras.items():
        found.append(Declared("extra", extra, tuple(r for r in items if isinstance(r, str))))
    return found


def chosen(pyproject: Path, names: tuple[str, ...] = TEST_NAMES) -> Declared | None:
    """The first of ``names`` declared as a dependency group, else as an extra."""
    sets = {(d.kind, d.name): d for d in declarations(pyproject)}
    for kind in ("group", "extra"):
        for name in names:
            if (kind, name) in sets:
                return sets[kind, name]
    return None


def declaring(module: str, sets: list[Declared]) -> str | None:
    """The requirement (as written) that provides ``module``, in any dependency set."""
    top = module.split(".", maxsplit=1)[0]
    wanted = {canonical(top), canonical(DISTRIBUTIONS.get(top, top))}
    for declared in sets:
        for requirement in declared.requirements:
            match = _NAME.match(requirement)
            if match and canonical(match.group(1)) in wanted:
                return requirement
    return None
