"""``alerts.json``: what ``gauntlet alerts`` raised and whether each notifier delivered it."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from gauntlet.atomic import write_text_atomic

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.health.alerts import Alert
    from gauntlet.health.model import Health
    from gauntlet.health.notifiers import Delivery

ALERTS_FILE = "alerts.json"


def write_record(
    path: Path, health: Health, alerts: list[Alert], deliveries: list[Delivery]
) -> None:
    """The alerts and, per notifier, whether it was delivered (no secrets)."""
    last = health.last_run
    data = {
        "schema_version": 1,
        "written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "run_id": last.run_id if last else None,
        "alerts": [a.to_json() for a in alerts],
        "notifiers": [d.to_json() for d in deliveries],
    }
    write_text_atomic(path, json.dumps(data, indent=1) + "\n")
