"""The release's changelog, from towncrier-style news fragments.

Each change that users should hear about adds a file ``<id>.<type>.md`` to
the changelog folder (``changelog.d``): ``id`` is an issue or pull-request
number or any short name, ``type`` one of feature, bugfix, removal, doc,
misc; the text is the entry, written for users.  The release renders them,
grouped by type, into ``changelog.md`` in the release's own folder (never
into the work tree: a build must not dirty the tree it was verified on).

Why fragments and not Conventional Commits: a commit subject is written for
reviewers at the time of the change and cannot be edited after the merge; a
fragment is written for users, reviewed with the change, and fixed by a
later commit.  And the Mojo projects gauntlet adopts do not write
Conventional Commits: of the last 300 commit subjects, NuMojo has 0,
argmojo 0 of 75, EmberJson 25 of 277, and the one that does (mojo-rl, 91
of 94) has subjects like "feat: begin physics 3D" twice in a row, which are
no release notes.  Fragments need no commit discipline, only a file per
change, and a missing fragment is visible in the pull request.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gauntlet.errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path

TYPES = {
    "feature": "Features",
    "bugfix": "Bug fixes",
    "removal": "Removals and deprecations",
    "doc": "Documentation",
    "misc": "Other changes",
}
FRAGMENT = re.compile(r"^(?P<id>[^.\s][^\s]*?)\.(?P<type>[a-z]+)(?:\.(?P<n>\d+))?\.md$")
IGNORED = {"README.md", "readme.md", ".gitignore", ".gitkeep", "template.md"}


@dataclass(frozen=True)
class Fragment:
    """One news fragment: its id, type and text."""

    id: str
    type: str
    text: str

    @property
    def reference(self) -> str:
        """How the entry names its id: ``#123`` for a number, else nothing."""
        return f" (#{self.id})" if self.id.isdigit() else ""


def _sort_key(fragment: Fragment) -> tuple[int, int, str]:
    return (
        list(TYPES).index(fragment.type),
        0 if fragment.id.isdigit() else 1,
        fragment.id.zfill(12),
    )


def read_fragments(folder: Path) -> tuple[Fragment, ...]:
    """The fragments in ``folder`` in changelog order; a badly named one raises naming it."""
    if not folder.is_dir():
        return ()
    found = []
    for path in sorted(folder.iterdir()):
        if path.name in IGNORED or path.name.startswith(".") or not path.is_file():
            continue
        match = FRAGMENT.match(path.name)
        if match is None or match["type"] not in TYPES:
            raise ConfigError(
                f"{path}: not a news fragment name; use <id>.<type>.md with type one of "
                f"{', '.join(TYPES)}"
            )
        text = path.read_text(encoding="utf-8").strip()
        if not text:
            raise ConfigError(f"{path}: empty news fragment; write the change for users")
        found.append(Fragment(match["id"], match["type"], text))
    return tuple(sorted(found, key=_sort_key))


def render(project: str, version: str, epoch: int, fragments: tuple[Fragment, ...]) -> str:
    """The Markdown changelog of one release (dated by the build's epoch, in UTC)."""
    date = time.strftime("%Y-%m-%d", time.gmtime(epoch))
    lines = [f"# {project} {version} ({date})", ""]
    if not fragments:
        lines += ["No significant changes.", ""]
    for kind, title in TYPES.items():
        entries = [f for f in fragments if f.type == kind]
        if not entries:
            continue
        lines += [f"## {title}", ""]
        for fragment in entries:
            body = fragment.text.replace("\n", "\n  ")
            lines.append(f"- {body}{fragment.reference}")
        lines.append("")
    return "\n".join(lines)
