"""The pinned dependency set of an installed project, for auditing.

``python -m gauntlet.run.depset NAME`` prints ``name==version`` for every
distribution that ``NAME`` requires, transitively, as installed in the
running environment (extras are not followed).  Tools installed beside the
project are not part of its dependency set and are left out.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement

from gauntlet.entry import guarded
from gauntlet.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def dependency_set(project: str) -> dict[str, str]:
    """``{canonical name: version}`` of what ``project`` needs, transitively."""
    found: dict[str, str] = {}
    todo = [project]
    while todo:
        name = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for text in dist.requires or []:
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            key = _canonical(req.name)
            if key in found:
                continue
            try:
                found[key] = metadata.version(req.name)
            except metadata.PackageNotFoundError:
                continue
            todo.append(req.name)
    found.pop(_canonical(project), None)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Print the pinned dependency set of the project named on the command line."""
    args = list(sys.argv[1:] if argv is None else argv)

    def work() -> int:
        if len(args) != 1:
            raise UsageError("usage: python -m gauntlet.run.depset NAME")
        for name, version in sorted(dependency_set(args[0]).items()):
            print(f"{name}=={version}")  # noqa: T201
        return 0

    return guarded(work)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
