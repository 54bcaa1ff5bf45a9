"""What a release did, as one typed event: built, verified, published, approved, refused,
rolled back or yanked.

The release commands return these events; the run history stores them (its
``release_events`` table) and computes DORA's four keys from them
(:mod:`gauntlet.delivery.dora`).  The type lives below both, so the release
package and the history read the same value without importing each other.
Instants are timezone-aware UTC; the JSON form has a ``schema_version``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

SCHEMA_VERSION = 1


class EventKind(str, Enum):
    """What step of a release an event records."""

    BUILD = "build"
    VERIFY = "verify"
    PUBLISH = "publish"
    APPROVE = "approve"
    REFUSE = "refuse"
    ROLLBACK = "rollback"  # the version was bad: the previous good one is current again
    YANK = "yank"


class EventError(ValueError):
    """A release event that cannot be read (its message names what is wrong)."""


def _utc(when: dt.datetime, name: str) -> dt.datetime:
    if when.tzinfo is None:
        raise EventError(f"release event: {name} must be timezone-aware (UTC), got {when}")
    return when.astimezone(dt.timezone.utc)


def _instant(data: dict[str, Any], name: str) -> dt.datetime:
    try:
        return _utc(dt.datetime.fromisoformat(str(data[name])), name)
    except (KeyError, ValueError) as exc:
        raise EventError(f"release event: {name}: expected an ISO 8601 UTC time ({exc})") from exc


@dataclass(frozen=True)
class ReleaseEvent:
    """One step of one release.

    ``changes`` are the commit times of the commits this release brings since
    the previous production release (one lead time each); when empty, the
    released commit's time (``commit_time``) stands for them.  ``digests`` are
    ``"file-name sha256"`` lines of the artifacts concerned; ``waivers`` the
    gate waivers the release relied on, as text.
    """

    kind: EventKind
    version: str
    at: dt.datetime
    outcome: str  # "passed" | "failed" | "refused" | ...
    environment: str = ""  # "" when the step concerns no index (build, verify)
    commit: str = ""
    commit_time: dt.datetime | None = None
    changes: tuple[dt.datetime, ...] = ()
    digests: tuple[str, ...] = ()
    message: str = ""
    waivers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", EventKind(self.kind))
        object.__setattr__(self, "at", _utc(self.at, "at"))
        if self.commit_time is not None:
            object.__setattr__(self, "commit_time", _utc(self.commit_time, "commit_time"))
        object.__setattr__(self, "changes", tuple(_utc(c, "changes") for c in self.changes))

    @property
    def change_times(self) -> tuple[dt.datetime, ...]:
        """The commit times this release delivers (its commit's when no changes are listed)."""
        if self.changes:
            return self.changes
        return () if self.commit_time is None else (self.commit_time,)

    @property
    def key(self) -> str:
        """A content key: the same event recorded twice is stored once."""
        return hashlib.sha256(self.to_text().encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """The event as plain JSON values."""
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": self.kind.value,
            "environment": self.environment,
            "version": self.version,
            "commit": self.commit,
            "commit_time": None if self.commit_time is None else self.commit_time.isoformat(),
            "changes": [c.isoformat() for c in self.changes],
            "at": self.at.isoformat(),
            "outcome": self.outcome,
            "digests": list(self.digests),
            "message": self.message,
            "waivers": list(self.waivers),
        }

    def to_text(self) -> str:
        """The JSON form as one line."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReleaseEvent:
        """Read :meth:`to_json`'s form; :class:`EventError` names what is wrong."""
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise EventError(
                f"release event: schema version {version!r}, this gauntlet reads {SCHEMA_VERSION}"
            )
        try:
            kind = EventKind(data["kind"])
        except (KeyError, ValueError) as exc:
            kinds = ", ".join(k.value for k in EventKind)
            raise EventError(f"release event: kind must be one of {kinds} ({exc})") from exc
        return cls(
            kind=kind,
            version=str(data.get("version", "")),
            at=_instant(data, "at"),
            outcome=str(data.get("outcome", "")),
            environment=str(data.get("environment", "")),
            commit=str(data.get("commit", "")),
            commit_time=_instant(data, "commit_time") if data.get("commit_time") else None,
            changes=tuple(_instant({"c": c}, "c") for c in data.get("changes", ())),
            digests=tuple(str(d) for d in data.get("digests", ())),
            message=str(data.get("message", "")),
            waivers=tuple(str(w) for w in data.get("waivers", ())),
        )

    @classmethod
    def from_text(cls, text: str) -> ReleaseEvent:
        """Read :meth:`to_text`'s form."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EventError(f"release event: not JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise EventError("release event: expected a JSON object")
        return cls.from_json(data)
