"""Retries: a 4xx refusal is never retried; an index that does not answer is, then exit 2."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pytest
from indexes import PASSWORD, build_release, free_port, make_repo, pypiserver, write_verdict

from gauntlet.config.load import load_config
from gauntlet.errors import ToolError
from gauntlet.gates.subject import current_subject
from gauntlet.release.events import EventKind, Outcome, ReleaseEvent, read_events
from gauntlet.release.gate import RefusedError
from gauntlet.release.journal import Journal
from gauntlet.release.publish import BuiltRelease, publish

if TYPE_CHECKING:
    from pathlib import Path


def _ready(repo: Path, staging: str) -> BuiltRelease:
    make_repo(repo, staging, staging)
    subject = current_subject(repo)
    assert subject is not None
    write_verdict(repo, subject.to_json())
    build_release(repo / ".gauntlet/release/1.0", "tinypkg", "1.0", subject.commit, subject.tree)
    return BuiltRelease.of(load_config(repo))


def test_a_refused_upload_is_not_retried(tmp_path: Path) -> None:
    slept: list[float] = []
    with pypiserver(tmp_path / "index") as index:
        release = _ready(tmp_path / "repo", index.url)
        bad = "not-it"  # pragma: allowlist secret
        wrong = {"TEST_INDEX_USER": "uploader", "TEST_INDEX_PASSWORD": bad}
        with pytest.raises(RefusedError, match=r"refused tinypkg-1\.0-py3-none-any\.whl: HTTP 40"):
            publish(release, "staging", environ=wrong, sleep=slept.append)
        assert index.files() == {}
    assert slept == []
    last = read_events(release.events)[-1]
    assert (last.kind, last.outcome) == (EventKind.REFUSAL, Outcome.REFUSED)
    assert "not-the-password" not in release.events.read_text()


def test_an_index_that_does_not_answer_is_retried_then_named(tmp_path: Path) -> None:
    slept: list[float] = []
    release = _ready(tmp_path / "repo", f"http://127.0.0.1:{free_port()}/")
    creds = {"TEST_INDEX_USER": "uploader", "TEST_INDEX_PASSWORD": PASSWORD}
    with pytest.raises(ToolError, match=r"could not reach http://127\.0\.0\.1:\d+/simple/tinypkg/"):
        publish(release, "staging", environ=creds, sleep=slept.append)
    assert slept == [1.0, 2.0, 4.0]
    last = read_events(release.events)[-1]
    assert (last.kind, last.outcome) == (EventKind.PUBLISH, Outcome.ERROR)
    assert "could not reach" in last.message


def test_event_json_round_trip() -> None:
    made = ReleaseEvent(
        EventKind.PUBLISH, "production", "1.0", "abc", "2026-01-01T00:00:00+00:00",
        "2026-01-02T00:00:00+00:00", (("a.whl", "0" * 64),), Outcome.PUBLISHED, "ok",
        ("coverage: flaky (until 2027-01-01, pyproject.toml:9)",), "",
    )  # fmt: skip
    data = json.loads(json.dumps(made.to_json()))
    assert data["schema_version"] == 1
    assert data["artifacts"] == [{"name": "a.whl", "sha256": "0" * 64}]
    assert ReleaseEvent.from_json(data) == made


def test_journal_records_steps_atomically(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "v" / "journal.json")
    assert not journal.done("staging:smoke")
    journal.record("staging:smoke")
    assert journal.done("staging:smoke")
    assert json.loads(journal.path.read_text())["schema_version"] == 1
    assert not list(journal.path.parent.glob("*.tmp*"))


def test_waivers_in_force_go_into_the_record(tmp_path: Path) -> None:
    release = _ready(tmp_path / "repo", f"http://127.0.0.1:{free_port()}/")
    subject = current_subject(release.repo)
    assert subject is not None
    waiver = {"gate": "coverage", "finding": "", "reason": "new module",
              "expires": "2999-01-01", "where": "pyproject.toml:12"}  # fmt: skip
    gates = [{"gate": "coverage", "status": "waived"}, {"gate": "tests", "status": "passed"}]
    write_verdict(release.repo, subject.to_json(), gates, [waiver])
    Journal(release.folder / "journal.json").record("staging:smoke")
    with pytest.raises(RefusedError, match="production requires an approval"):
        publish(release, "production", today=dt.date(2026, 12, 1))
    last = read_events(release.events)[-1]
    assert last.waivers == ("coverage: new module (until 2999-01-01, pyproject.toml:12)",)
