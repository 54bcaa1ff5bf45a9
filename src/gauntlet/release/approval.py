"""Approvals: who allowed a release into an environment, when, and for which files.

``gauntlet release approve ENV --by NAME`` writes
``.gauntlet/release/<version>/approvals/ENV.json``.  An approval names the
artifacts' digests: it counts only for exactly those files, so a rebuild
(different digests) needs a new approval.  ``via`` says where it was given:
``cli`` (a person ran the command) or ``github-environment`` (a GitHub
environment's protection rule let the job start; the job records it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_text_atomic
from gauntlet.release.events import utc_now

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.release.manifest import Manifest

SCHEMA_VERSION = 1
VIA = ("cli", "github-environment")


def approval_path(version_dir: Path, env: str) -> Path:
    """Where the approval of ``env`` for a version lives."""
    return version_dir / "approvals" / f"{env}.json"


@dataclass(frozen=True)
class Approval:
    """Permission to publish these files to one environment."""

    env: str
    version: str
    by: str
    time: str  # ISO 8601 UTC
    artifacts: tuple[tuple[str, str], ...]  # (file name, sha256)
    via: str = "cli"
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "env": self.env,
            "version": self.version,
            "by": self.by,
            "time": self.time,
            "via": self.via,
            "note": self.note,
            "artifacts": [{"name": n, "sha256": d} for n, d in self.artifacts],
        }

    def matches(self, manifest: Manifest) -> bool:
        """Whether it approves exactly ``manifest``'s uploaded files."""
        return self.version == manifest.version and set(self.artifacts) == {
            (a.name, a.sha256) for a in manifest.uploads
        }


def approve(
    version_dir: Path, env: str, manifest: Manifest, by: str, via: str, note: str
) -> Approval:
    """Record an approval of ``manifest``'s files for ``env`` (replacing an older one)."""
    made = Approval(
        env, manifest.version, by, utc_now(),
        tuple((a.name, a.sha256) for a in manifest.uploads), via, note,
    )  # fmt: skip
    write_text_atomic(approval_path(version_dir, env), json.dumps(made.to_json(), indent=1) + "\n")
    return made


def read_approval(version_dir: Path, env: str) -> Approval | None:
    """The recorded approval for ``env``, or ``None`` (also for a broken file)."""
    try:
        data = json.loads(approval_path(version_dir, env).read_text(encoding="utf-8"))
        return Approval(
            str(data["env"]), str(data["version"]), str(data["by"]), str(data["time"]),
            tuple((str(a["name"]), str(a["sha256"])) for a in data["artifacts"]),
            str(data.get("via", "cli")), str(data.get("note", "")),
        )  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        return None
