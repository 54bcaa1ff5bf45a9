"""What one build of a release made: its files and their digests.

The manifest is the release's identity from the build on: verification,
approval, publishing and rollback all name files by these digests, so a file
that changed after its build (or a rebuild that came out different) is never
taken for the one that was verified and approved.  It lives at
``.gauntlet/release/<version>/manifest.json`` beside the files (``dist/``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_text_atomic
from gauntlet.errors import GauntletError
from gauntlet.results.stamp import file_sha256

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_VERSION = 1
KINDS = ("sdist", "wheel", "mojo-package")
UPLOADED = ("sdist", "wheel")  # what goes to a package index; the rest ship beside


@dataclass(frozen=True)
class Artifact:
    """One file of a release."""

    name: str  # file name in dist/
    sha256: str
    size: int
    kind: str  # one of KINDS

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {"name": self.name, "sha256": self.sha256, "size": self.size, "kind": self.kind}

    @classmethod
    def of(cls, path: Path, kind: str) -> Artifact:
        """The artifact of a file on disk."""
        return cls(path.name, file_sha256(path), path.stat().st_size, kind)


@dataclass(frozen=True)
class Manifest:
    """A release build: distribution name, version, the commit and tree, its files."""

    project: str  # the distribution name, as in the package's metadata
    version: str
    commit: str
    tree: str  # the content key of the tree it was built from (gates.subject)
    epoch: int  # SOURCE_DATE_EPOCH of the build (the commit's time)
    artifacts: tuple[Artifact, ...]

    @property
    def uploads(self) -> tuple[Artifact, ...]:
        """The files that go to a package index (sdist and wheels)."""
        return tuple(a for a in self.artifacts if a.kind in UPLOADED)

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "project": self.project,
            "version": self.version,
            "commit": self.commit,
            "tree": self.tree,
            "epoch": self.epoch,
            "artifacts": [a.to_json() for a in self.artifacts],
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> Manifest:
        """The manifest in ``data``; a broken one raises naming ``where``."""
        try:
            if data["schema_version"] != SCHEMA_VERSION:
                raise GauntletError(
                    f"{where}: manifest schema {data['schema_version']}, this gauntlet reads "
                    f"{SCHEMA_VERSION}; rebuild with `doit release`"
                )
            artifacts = tuple(
                Artifact(str(a["name"]), str(a["sha256"]), int(a["size"]), str(a["kind"]))
                for a in data["artifacts"]
            )
            return cls(
                str(data["project"]),
                str(data["version"]),
                str(data["commit"]),
                str(data["tree"]),
                int(data["epoch"]),
                artifacts,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise GauntletError(
                f"{where}: not a release manifest ({exc!r}); rebuild with `doit release`"
            ) from None

    def write(self, path: Path) -> None:
        """Write it atomically."""
        write_text_atomic(path, json.dumps(self.to_json(), indent=1) + "\n")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """The manifest at ``path``; a missing or broken file raises naming it."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise GauntletError(f"{path}: no release build; run `doit release` first") from None
        except (OSError, ValueError) as exc:
            raise GauntletError(f"{path}: cannot read the release manifest: {exc}") from None
        return cls.from_json(data, str(path))

    def check_files(self, dist: Path) -> list[str]:
        """What is wrong with the files in ``dist`` against the manifest ([] when all match)."""
        problems = []
        for artifact in self.artifacts:
            path = dist / artifact.name
            if not path.is_file():
                problems.append(f"{path}: missing")
            elif (got := file_sha256(path)) != artifact.sha256:
                problems.append(f"{path}: sha256 {got}, built as {artifact.sha256}")
        return problems
