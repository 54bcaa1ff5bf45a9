"""What a verdict was made for: the commit and the content key of the work tree.

A release may publish only on a passed verdict made for exactly the tree it
releases, so the verdict records its subject and the release compares it with
the tree in front of it.  The content key is git's tree id of ``HEAD`` when
the work tree is clean; with uncommitted changes it also covers them (the
status, the diff and the untracked files' contents), so a verdict made on a
dirty tree never matches a clean commit, even the same one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet import runner
from gauntlet.errors import GauntletError

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Subject:
    """A commit, the content key of the tree checked out at it, and whether it was dirty."""

    commit: str
    tree: str  # "sha256:..." over git's tree id and any uncommitted change
    dirty: tuple[str, ...] = ()  # `git status --porcelain` lines; () when clean

    def to_json(self) -> dict[str, Any]:
        """The JSON form (in the verdict and the release record)."""
        return {"commit": self.commit, "tree": self.tree, "dirty": list(self.dirty)}

    @classmethod
    def from_json(cls, data: object) -> Subject | None:
        """The subject in a verdict, or ``None`` when it has none (or a broken one)."""
        if not isinstance(data, dict):
            return None
        commit, tree, dirty = data.get("commit"), data.get("tree"), data.get("dirty", [])
        if not isinstance(commit, str) or not isinstance(tree, str) or not isinstance(dirty, list):
            return None
        return cls(commit, tree, tuple(str(d) for d in dirty))


def _git(repo: Path, *args: str) -> bytes | None:
    try:
        done = runner.run(["git", *args], cwd=repo, timeout=120)
    except GauntletError:
        return None
    return done.stdout.encode("utf-8", "surrogateescape") if done.ok else None


def current_subject(repo: Path) -> Subject | None:
    """The subject of ``repo``'s work tree now; ``None`` outside git or before a commit."""
    head = _git(repo, "rev-parse", "HEAD")
    tree = _git(repo, "rev-parse", "HEAD^{tree}")
    status = _git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    if head is None or tree is None or status is None:
        return None
    digest = hashlib.sha256(tree.strip())
    entries = [e for e in status.decode("utf-8", "replace").split("\0") if e]
    if entries:
        digest.update(status)
        digest.update(_git(repo, "diff", "HEAD", "--binary") or b"")
        for entry in entries:
            if entry.startswith("?? "):
                path = repo / entry[3:]
                digest.update(entry.encode())
                digest.update(path.read_bytes() if path.is_file() else b"")
    return Subject(head.decode().strip(), "sha256:" + digest.hexdigest(), tuple(entries))
