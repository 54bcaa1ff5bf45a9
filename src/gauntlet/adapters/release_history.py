"""Release events into the run history, where DORA's four keys are computed from them.

The release package keeps its own record (``.gauntlet/release/events.jsonl``)
and may not import the history; this hook, handed to it by ``doit release``
and ``gauntlet release``, adds each event to the history as well, with the
commit times of the changes a publish delivers (since the previous version
published to the same environment).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from gauntlet.health.record import record_release_event
from gauntlet.layout import Layout
from gauntlet.release import events

if TYPE_CHECKING:
    from collections.abc import Callable

    from gauntlet.config.load import Config


def history_hook(config: Config) -> Callable[[events.ReleaseEvent], None]:
    """Records each release event in the run history, with a publish's changes (for DORA)."""
    record_file = Layout.of(config).repo.release / "events.jsonl"

    def record(item: events.ReleaseEvent) -> None:
        changes: tuple[dt.datetime, ...] = ()
        if item.kind is events.EventKind.PUBLISH:
            previous = events.previous_release(events.read_events(record_file), item)
            changes = events.changes_since(config.pyproject.parent, previous, item.commit)
        record_release_event(config, events.to_delivery(item, changes))

    return record
