"""Rollback: the version is marked yanked, the previous good one becomes current, recorded."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from gauntlet.errors import UsageError
from gauntlet.release.events import EventKind, Outcome, ReleaseEvent, append_event, read_events
from gauntlet.release.rollback import read_current, rollback, set_current

if TYPE_CHECKING:
    from pathlib import Path


def _published(root: Path, env: str, version: str) -> None:
    append_event(
        root / "events.jsonl",
        ReleaseEvent(
            EventKind.PUBLISH,
            env,
            version,
            f"c{version}",
            "2026-01-01T00:00:00+00:00",
            "2026-01-02T00:00:00+00:00",
            ((f"p-{version}.whl", "a" * 64),),
            Outcome.PUBLISHED,
        ),
    )
    set_current(root, env, version)


def test_rollback_restores_the_previous_good_version_per_environment(tmp_path: Path) -> None:
    _published(tmp_path, "staging", "1.0")
    _published(tmp_path, "staging", "1.1")
    _published(tmp_path, "production", "1.1")
    done = rollback(tmp_path, "1.1", "ana", "import error on 3.12")
    assert [(e.env, e.kind, e.outcome, e.by) for e in done] == [
        ("staging", EventKind.ROLLBACK, Outcome.ROLLED_BACK, "ana"),
        ("production", EventKind.ROLLBACK, Outcome.ROLLED_BACK, "ana"),
    ]
    current = read_current(tmp_path)
    assert current["envs"] == {"staging": "1.0", "production": ""}
    assert current["yanked"]["1.1"]["reason"] == "import error on 3.12"
    assert "import error on 3.12" in done[0].message
    assert done[0].artifacts == (("p-1.1.whl", "a" * 64),)
    assert read_events(tmp_path / "events.jsonl")[-2:] == done
    assert json.loads((tmp_path / "current.json").read_text())["schema_version"] == 1


def test_a_yanked_version_is_never_made_current_again(tmp_path: Path) -> None:
    for version in ("1.0", "1.1", "1.2"):
        _published(tmp_path, "staging", version)
    rollback(tmp_path, "1.1", "ana", "bad")
    assert read_current(tmp_path)["envs"]["staging"] == "1.2"  # a newer release stays current
    rollback(tmp_path, "1.2", "ana", "bad too")
    assert read_current(tmp_path)["envs"]["staging"] == "1.0"


def test_rollback_of_a_version_never_published_is_a_usage_error(tmp_path: Path) -> None:
    _published(tmp_path, "staging", "1.0")
    with pytest.raises(UsageError, match=r"version 2\.0 was never published"):
        rollback(tmp_path, "2.0", "ana", "typo")
    assert "2.0" not in read_current(tmp_path)["yanked"]
