"""What a release has done so far, so that an interrupted one continues where it stopped.

``.gauntlet/release/<version>/journal.json`` holds one entry per finished step
(``<env>:upload:<file>:<sha256>``, ``<env>:smoke``, ``<env>:approval``), each
written atomically the moment the step is done.  A rerun skips a done upload
only after reading the index again (a step is a claim, the index is the truth).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gauntlet.atomic import write_text_atomic
from gauntlet.errors import ResultError
from gauntlet.release.events import utc_now

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_VERSION = 1


def upload_step(env: str, name: str, sha256: str) -> str:
    """The step of one file uploaded to ``env`` and read back with its digest."""
    return f"{env}:upload:{name}:{sha256}"


def smoke_step(env: str) -> str:
    """The step of the smoke test after publishing to ``env``."""
    return f"{env}:smoke"


def approval_step(env: str) -> str:
    """The step of the approval a publish to ``env`` used."""
    return f"{env}:approval"


@dataclass(frozen=True)
class Journal:
    """The file of one version's journal."""

    path: Path

    def steps(self) -> dict[str, str]:
        """Done step → when (UTC)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise ResultError(
                f"{self.path}: unreadable release journal ({exc}); delete it to start over"
            ) from None
        return {str(k): str(v) for k, v in data.get("steps", {}).items()}

    def done(self, step: str) -> bool:
        """Whether ``step`` was recorded."""
        return step in self.steps()

    def record(self, step: str) -> None:
        """Record ``step`` as done, now."""
        steps = self.steps()
        steps[step] = utc_now()
        body = {"schema_version": SCHEMA_VERSION, "steps": steps}
        write_text_atomic(self.path, json.dumps(body, indent=1, sort_keys=True) + "\n")
