"""Is the release reproducible? Build it twice and compare byte for byte.

Both builds use the same ``SOURCE_DATE_EPOCH`` (the commit's time) and go
into separate folders; every artifact is compared whole, and for one that
differs both archives (wheel zip, sdist tar.gz) are opened and the members
that differ named, with what the archive records beside their bytes (time,
mode, owner), so "PKG-INFO's mtime" is told apart from "the .so differs".

Measured on the sample (epoch fixed): the backend's wheel came out the same
twice (setuptools stamps it with ``SOURCE_DATE_EPOCH``); its sdist did not
(each file's own mtime and gzip's time of writing), hence
:func:`gauntlet.release.archive.normal_sdist`, after which both are equal.

The check does not rebuild the Mojo extension: ``mojo build --emit
shared-lib`` of tinyml_ext was byte-identical over four builds (two with
separate empty caches, 6.9 s and 6.8 s; one warm, 1.3 s; the doit graph's
own), so a second compile would cost ~7 s for a comparison that cannot
fail, while the doit graph already rebuilds it whenever its key changes.
Both builds take the same extension file; what they test is everything the
release does to it and around it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.release import archive
from gauntlet.release.build import build_into
from gauntlet.results.stamp import file_sha256

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.release.build import BuildRequest

SCHEMA_VERSION = 1
ONLY_FIRST = "(only in the first build)"
ONLY_SECOND = "(only in the second build)"


@dataclass(frozen=True)
class Difference:
    """One artifact that differs between the builds, and its differing members."""

    artifact: str
    members: tuple[str, ...]  # () when the archive's members are equal (its packing differs)

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {"artifact": self.artifact, "members": list(self.members)}


@dataclass(frozen=True)
class ReproVerdict:
    """The outcome of building twice: which artifacts were compared and which differ."""

    epoch: int
    compared: tuple[str, ...]
    differences: tuple[Difference, ...]

    @property
    def reproducible(self) -> bool:
        """Every artifact came out the same."""
        return bool(self.compared) and not self.differences

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "reproducible": self.reproducible,
            "epoch": self.epoch,
            "compared": list(self.compared),
            "differences": [d.to_json() for d in self.differences],
        }

    def summary(self) -> str:
        """One line per differing artifact, or that all were the same."""
        if self.reproducible:
            return f"reproducible: {len(self.compared)} artifacts the same in both builds"
        if not self.compared:
            return "not reproducible: nothing was built to compare"
        return "not reproducible:\n" + "\n".join(
            f"  {d.artifact}: {', '.join(d.members) or 'same members, packed differently'}"
            for d in self.differences
        )


def member_diff(first: Path, second: Path) -> tuple[str, ...]:
    """The members that differ between two archives (by name), sorted."""
    a, b = archive.members(first), archive.members(second)
    names = sorted(set(a) | set(b))
    return tuple(
        f"{name} {ONLY_FIRST if name not in b else ONLY_SECOND}"
        if (name in a) != (name in b)
        else name
        for name in names
        if a.get(name) != b.get(name)
    )


def compare(first: Path, second: Path, epoch: int) -> ReproVerdict:
    """Compare the artifacts of two ``dist`` folders byte for byte."""
    a = {p.name: p for p in first.iterdir() if p.is_file()}
    b = {p.name: p for p in second.iterdir() if p.is_file()}
    differences = []
    for name in sorted(set(a) | set(b)):
        if name not in b or name not in a:
            differences.append(Difference(name, (ONLY_FIRST if name not in b else ONLY_SECOND,)))
        elif file_sha256(a[name]) != file_sha256(b[name]):
            archived = name.endswith((".whl", ".zip", ".tar.gz", ".tgz"))
            differences.append(Difference(name, member_diff(a[name], b[name]) if archived else ()))
    return ReproVerdict(epoch, tuple(sorted(set(a) & set(b))), tuple(differences))


def check_reproducible(
    request: BuildRequest, work: Path, epoch: int, *, against: Path | None = None
) -> ReproVerdict:
    """Build ``request`` twice under ``work`` with ``epoch`` and compare the results.

    With ``against`` (a release's ``dist``, built with ``epoch``), build once
    more and compare with it: the release's build is the first of the two.
    """
    first, second = work / "first", work / "second"
    shutil.rmtree(work, ignore_errors=True)
    try:
        if against is None:
            build_into(request, first, epoch)
        build_into(request, second, epoch)
        return compare(against or first, second, epoch)
    finally:
        shutil.rmtree(work, ignore_errors=True)
