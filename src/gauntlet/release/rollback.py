"""``gauntlet release rollback VERSION``: take a bad release back, make the last good one current.

No index reachable from here yanks through an API: PyPI yanks from its web
page only (PEP 592 defines how a yank is *shown*, not how it is made);
pypiserver has no yank at all (only deletion); devpi-server 6.20 says in its
code "PEP 592 isn't supported for private stages yet".  So a rollback marks
the version yanked in gauntlet's record (``.gauntlet/release/current.json``),
names the index page where a person yanks it, and makes the newest earlier
version published to that environment and not yanked the current one.
Deleting files is never done: a yanked version must stay installable by pin.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_text_atomic
from gauntlet.errors import UsageError
from gauntlet.release.events import (
    EventKind,
    Outcome,
    ReleaseEvent,
    append_event,
    read_events,
    utc_now,
)

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_VERSION = 1


def current_path(root: Path) -> Path:
    """The record of each environment's current version and the yanked ones."""
    return root / "current.json"


def read_current(root: Path) -> dict[str, Any]:
    """``{"envs": {ENV: VERSION}, "yanked": {VERSION: {...}}}``."""
    try:
        data = json.loads(current_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    return {"envs": dict(data.get("envs", {})), "yanked": dict(data.get("yanked", {}))}


def _write(root: Path, data: dict[str, Any]) -> None:
    body = {"schema_version": SCHEMA_VERSION, **data}
    write_text_atomic(current_path(root), json.dumps(body, indent=1, sort_keys=True) + "\n")


def set_current(root: Path, env: str, version: str) -> None:
    """Record ``version`` as what ``env`` serves now."""
    data = read_current(root)
    data["envs"][env] = version
    _write(root, data)


def rollback(root: Path, version: str, by: str, reason: str) -> list[ReleaseEvent]:
    """Mark ``version`` yanked and make the previous good version current where it was."""
    events = read_events(root / "events.jsonl")
    published = [
        e
        for e in events
        if e.kind is EventKind.PUBLISH and e.outcome in (Outcome.PUBLISHED, Outcome.NO_OP)
    ]
    mine = [e for e in published if e.version == version]
    if not mine:
        raise UsageError(
            f"{root / 'events.jsonl'}: version {version} was never published; nothing to roll back"
        )
    data = read_current(root)
    data["yanked"][version] = {"by": by, "time": utc_now(), "reason": reason}
    done = []
    for env in dict.fromkeys(e.env for e in mine):
        earlier = [
            e.version
            for e in published
            if e.env == env and e.version != version and e.version not in data["yanked"]
        ]
        previous = earlier[-1] if earlier else ""
        if data["envs"].get(env) == version or env not in data["envs"]:
            data["envs"][env] = previous
        last = mine[-1]
        text = (
            f"{version} marked yanked on {env} ({reason}); current: {previous or 'none'}; "
            "the index has no yank API: yank it on the index's project page too"
        )
        done.append(ReleaseEvent(
            EventKind.ROLLBACK, env, version, last.commit, last.commit_time, utc_now(),
            last.artifacts, Outcome.ROLLED_BACK, text, (), by,
        ))  # fmt: skip
    _write(root, data)
    return [append_event(root / "events.jsonl", e) for e in done]
