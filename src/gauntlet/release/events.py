"""The release record: every publish, approval, refusal and rollback as a typed event.

Each event is appended, one JSON object a line, to ``.gauntlet/release/events.jsonl``
(the run history imports them for the delivery figures).  An event names the
artifacts by digest, so "what went to production" is never a file name alone.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from gauntlet import runner
from gauntlet.delivery import events as delivery
from gauntlet.errors import GauntletError
from gauntlet.masking import Masker

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.release.manifest import Manifest

SCHEMA_VERSION = 1


class EventKind(str, Enum):
    """What happened."""

    PUBLISH = "publish"
    APPROVAL = "approval"
    REFUSAL = "refusal"
    ROLLBACK = "rollback"


class Outcome(str, Enum):
    """How it ended."""

    PUBLISHED = "published"  # files uploaded (and verified, smoke-tested)
    NO_OP = "no-op"  # the index already had every file, same digests
    APPROVED = "approved"
    REFUSED = "refused"
    ROLLED_BACK = "rolled-back"
    ERROR = "error"  # the index or a tool could not be reached


def utc_now() -> str:
    """The time now, UTC, ISO 8601 to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class ReleaseEvent:
    """One step of a release that the record keeps."""

    kind: EventKind
    env: str  # the environment ("" for a refusal before one was chosen)
    version: str
    commit: str
    commit_time: str  # ISO 8601 UTC of the commit ("" when unknown)
    time: str  # ISO 8601 UTC of the event
    artifacts: tuple[tuple[str, str], ...]  # (file name, sha256)
    outcome: Outcome
    message: str = ""
    waivers: tuple[str, ...] = ()  # "gate: reason (until DATE, file:line)"
    by: str = ""  # who approved or rolled back ("" otherwise)

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": self.kind.value,
            "env": self.env,
            "version": self.version,
            "commit": self.commit,
            "commit_time": self.commit_time,
            "time": self.time,
            "artifacts": [{"name": n, "sha256": d} for n, d in self.artifacts],
            "outcome": self.outcome.value,
            "message": self.message,
            "waivers": list(self.waivers),
            "by": self.by,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReleaseEvent:
        """The event of one line of ``events.jsonl``."""
        return cls(
            EventKind(data["kind"]),
            str(data["env"]),
            str(data["version"]),
            str(data["commit"]),
            str(data["commit_time"]),
            str(data["time"]),
            tuple((str(a["name"]), str(a["sha256"])) for a in data["artifacts"]),
            Outcome(data["outcome"]),
            str(data.get("message", "")),
            tuple(str(w) for w in data.get("waivers", [])),
            str(data.get("by", "")),
        )


def event(
    kind: EventKind,
    env: str,
    manifest: Manifest,
    outcome: Outcome,
    message: str = "",
    *,
    commit_time: str = "",
    waivers: tuple[str, ...] = (),
    by: str = "",
) -> ReleaseEvent:
    """An event about ``manifest``'s files, stamped now."""
    if not commit_time and manifest.epoch:
        commit_time = dt.datetime.fromtimestamp(manifest.epoch, dt.timezone.utc).isoformat()
    artifacts = tuple((a.name, a.sha256) for a in manifest.uploads)
    return ReleaseEvent(
        kind, env, manifest.version, manifest.commit, commit_time, utc_now(),
        artifacts, outcome, message, waivers, by,
    )  # fmt: skip


def append_event(path: Path, item: ReleaseEvent) -> ReleaseEvent:
    """Append ``item`` to the events file (masked: a message never carries a credential)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(Masker.for_env().data(item.to_json()), sort_keys=True)
    with path.open("a", encoding="utf-8") as stream:
        stream.write(line + "\n")
    return item


def read_events(path: Path) -> list[ReleaseEvent]:
    """Every event recorded so far ([] when there is none)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [ReleaseEvent.from_json(json.loads(line)) for line in lines if line.strip()]


# -- into the run history -------------------------------------------------------------

_KINDS = {
    EventKind.PUBLISH: delivery.EventKind.PUBLISH,
    EventKind.APPROVAL: delivery.EventKind.APPROVE,
    EventKind.REFUSAL: delivery.EventKind.REFUSE,
    EventKind.ROLLBACK: delivery.EventKind.ROLLBACK,
}
_OUTCOMES = {
    Outcome.PUBLISHED: "passed",
    Outcome.NO_OP: "passed",  # the index had the files: published all the same
    Outcome.APPROVED: "passed",
    Outcome.REFUSED: "refused",
    Outcome.ROLLED_BACK: "passed",
    Outcome.ERROR: "failed",
}


def _instant(text: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def to_delivery(item: ReleaseEvent, changes: tuple[dt.datetime, ...] = ()) -> delivery.ReleaseEvent:
    """The run history's form of ``item`` (what DORA's figures are computed from)."""
    who = f" (by {item.by})" if item.by else ""
    return delivery.ReleaseEvent(
        kind=_KINDS[item.kind],
        version=item.version,
        at=_instant(item.time) or dt.datetime.now(dt.timezone.utc),
        outcome=_OUTCOMES[item.outcome],
        environment=item.env,
        commit=item.commit,
        commit_time=_instant(item.commit_time),
        changes=changes,
        digests=tuple(f"{name} {digest}" for name, digest in item.artifacts),
        message=item.message + who,
        waivers=item.waivers,
    )


def changes_since(repo: Path, previous: str, commit: str) -> tuple[dt.datetime, ...]:
    """The commit times of the commits ``commit`` brings since ``previous`` (DORA's changes).

    ``()`` when there is no previous release or git cannot tell (the released
    commit's time then stands for its changes).
    """
    if not previous or not commit or previous == commit:
        return ()
    try:
        done = runner.run(
            ["git", "log", "--format=%cI", f"{previous}..{commit}"], cwd=repo, timeout=60
        )
    except GauntletError:
        return ()
    if not done.ok:
        return ()
    return tuple(t for t in map(_instant, done.stdout.split()) if t is not None)


def previous_release(events: list[ReleaseEvent], item: ReleaseEvent) -> str:
    """The commit of the last other version published to ``item``'s environment before it."""
    for earlier in reversed(events):
        if earlier is item or earlier.time > item.time:
            continue
        published = earlier.outcome in (Outcome.PUBLISHED, Outcome.NO_OP)
        same_env = earlier.kind is EventKind.PUBLISH and earlier.env == item.env
        if same_env and published and earlier.version != item.version:
            return earlier.commit
    return ""
