"""DORA's four keys over a generated history of 50 releases, checked against hand arithmetic."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from rich.console import Console

from gauntlet.config.load import load_config
from gauntlet.delivery.dora import Delivery, delivery, figures, is_hotfix, release_rows
from gauntlet.delivery.events import EventError, EventKind, ReleaseEvent
from gauntlet.health.db import connect
from gauntlet.health.model import Health
from gauntlet.health.record import (
    delivery_settings,
    open_project_store,
    project_health,
    record_release_event,
)
from gauntlet.health.schema import migrate
from gauntlet.health.store import open_store
from gauntlet.views.dashboard import render_html
from gauntlet.views.healthmd import render_markdown
from gauntlet.views.healthview import print_health
from gauntlet.views.openmetrics import render

UTC = dt.timezone.utc
DAY = dt.timedelta(days=1)
T0 = dt.datetime(2026, 1, 5, tzinfo=UTC)  # the first release
PROD, STAGING = "pypi", "testpypi"


def _gap(i: int) -> dt.timedelta:
    """Time from release i-1 to release i: 3.5 days, but 10 days before release 40."""
    return 10 * DAY if i == 40 else 3.5 * DAY


def _times() -> list[dt.datetime]:
    times = [T0]
    for i in range(1, 50):
        times.append(times[-1] + _gap(i))
    return times


AT = _times()  # 48 gaps of 3.5 d + one of 10 d: AT[49] = T0 + 178 d
NOW = AT[49] + 4 * DAY  # 182 days = 26 weeks after T0
# Hotfixes (micro bumps): 10 fixes 9 (3.5 d later: within 7 days), 20 fixes 19,
# 21 fixes 20; 40 bumps 39's micro but 10 days later: not a hotfix in time.
VERSIONS = {10: "1.9.1", 20: "1.19.1", 21: "1.19.2", 40: "1.39.1"}


def _version(i: int) -> str:
    return VERSIONS.get(i, f"1.{i}.0")


def _publish(
    i: int, env: str = PROD, outcome: str = "passed", at: dt.datetime | None = None
) -> ReleaseEvent:
    # Even releases list two changes, committed 1 and 2 days before; odd ones
    # none, so their commit (3 days before) stands for their one change.
    changes = (AT[i] - 2 * DAY, AT[i] - DAY) if i % 2 == 0 else ()
    return ReleaseEvent(
        kind=EventKind.PUBLISH,
        environment=env,
        version=_version(i),
        commit=f"c{i:02d}",
        commit_time=AT[i] - 3 * DAY,
        changes=changes,
        at=AT[i] if at is None else at,
        outcome=outcome,
        digests=(f"pkg-{_version(i)}.tar.gz {i:064x}",),
    )


def _event(kind: EventKind, i: int, env: str = PROD, outcome: str = "passed") -> ReleaseEvent:
    return ReleaseEvent(kind=kind, version=_version(i), at=AT[i] + DAY, outcome=outcome,
                        environment=env, message=f"{kind.value} {_version(i)}")  # fmt: skip


def history() -> list[ReleaseEvent]:
    events = [_publish(i) for i in range(50)]
    events += [_publish(i, STAGING, at=AT[i] - DAY / 2) for i in range(50)]  # not production
    events.append(_publish(12, at=AT[12] + DAY))  # published again (resumed): same release
    events.append(_publish(13, outcome="failed", at=AT[13] - DAY))  # a failed attempt first
    events.append(_event(EventKind.YANK, 30))  # yanked: failed
    events.append(_event(EventKind.ROLLBACK, 45))  # rolled back: failed
    events.append(_event(EventKind.YANK, 49))  # the last one, yanked and never restored
    events.append(_event(EventKind.YANK, 5, env=STAGING))  # yanked from staging only: no
    events.append(_event(EventKind.YANK, 6, outcome="failed"))  # a yank that failed: no
    events.append(_event(EventKind.APPROVE, 7))
    events.append(_event(EventKind.REFUSE, 8, outcome="refused"))
    return events


def test_fifty_releases_give_the_hand_computed_figures() -> None:
    found = delivery(history(), since=T0, until=NOW, production=[PROD], hotfix_days=7)
    # Deployment frequency: 50 production releases in 182 days = 26 weeks.
    assert found.releases == 50
    assert found.per_week == pytest.approx(50 / 26)
    # Lead time: 25 even releases x (1 d, 2 d) + 25 odd releases x (3 d): 75 changes,
    # 25 of 1 d, 25 of 2 d, 25 of 3 d; the 38th smallest is 2 d.
    assert found.changes == 75
    assert found.lead_time_s == 2 * 86400.0
    # Failed: 9, 19, 20 (hotfixed within 7 days), 30 (yanked), 45 (rolled back),
    # 49 (yanked); not 39 (its micro bump came 10 days later), 5 or 6.
    assert found.failed == 6
    assert found.failure_rate == 6 / 50
    # Restores: 9 -> 10: 3.5 d; 19 -> 21: 7 d (20 failed too); 20 -> 21: 3.5 d;
    # 30 -> 31: 3.5 d; 45 -> 46: 3.5 d; 49: not restored.  Median of
    # [3.5, 3.5, 3.5, 3.5, 7] = 3.5 d.
    assert found.restored == 5
    assert found.unrestored == 1
    assert found.restore_s == 3.5 * 86400.0
    assert [line.version for line in found.last][:3] == ["1.49.0", "1.48.0", "1.47.0"]
    assert len(found.last) == 10
    assert found.last[0].status == "yanked"
    assert found.last[4].status == "rolled back"  # 1.45.0


def test_the_second_half_of_the_window() -> None:
    since = AT[25]  # releases 25..49: 25 of them over 178 + 4 - 25 x 3.5 = 94.5 days
    found = delivery(history(), since=since, until=NOW, production=[PROD], hotfix_days=7)
    assert found.releases == 25
    assert found.per_week == pytest.approx(25 / (94.5 / 7))
    assert (found.failed, found.failure_rate) == (3, 3 / 25)  # 30, 45, 49
    assert (found.restore_s, found.restored, found.unrestored) == (3.5 * 86400.0, 2, 1)
    # 12 even releases (26..48) x (1 d, 2 d) + 13 odd ones (25..49) x 3 d: 37 changes,
    # 12 of 1 d, 12 of 2 d, 13 of 3 d; the 19th smallest is 2 d.
    assert (found.changes, found.lead_time_s) == (37, 2 * 86400.0)


def test_hotfix_days_decides_whether_a_micro_bump_marks_a_failure() -> None:
    # With 14 days, 40 (1.39.1, 10 days after 1.39.0) is 39's hotfix as well.
    found = delivery(history(), since=T0, until=NOW, production=[PROD], hotfix_days=14)
    assert found.failed == 7
    # With 3 days, no hotfix comes soon enough: only the yanks and the rollback remain.
    assert delivery(history(), since=T0, until=NOW, production=[PROD], hotfix_days=3).failed == 3


def test_what_a_hotfix_is() -> None:
    assert is_hotfix("1.4.2", "1.4.3")
    assert is_hotfix("1.4", "1.4.1")  # a missing part is 0
    assert is_hotfix("v2.0.0", "2.0.5")
    assert not is_hotfix("1.4.2", "1.5.0")
    assert not is_hotfix("1.4.2", "2.4.3")
    assert not is_hotfix("1.4.2", "1.4.2")
    assert not is_hotfix("1!1.0.0", "1.0.1")  # another epoch
    assert not is_hotfix("nightly", "1.0.1")


def _no_data(found: Delivery) -> None:
    assert (found.per_week, found.lead_time_s, found.failure_rate, found.restore_s) == (None,) * 4
    assert all(text.startswith("no data") for _, text in figures(found))


def test_no_releases_is_no_data_not_zero() -> None:
    _no_data(delivery([], since=T0, until=NOW))
    staging_only = [_publish(i, STAGING) for i in range(3)]
    _no_data(delivery(staging_only, since=T0, until=NOW, production=[PROD]))
    assert all(text == "no data (no release recorded)" for _, text in figures(None))
    assert release_rows(None) == ()


def test_one_release() -> None:
    found = delivery([_publish(1)], since=T0, until=T0 + 14 * DAY, production=[PROD])
    assert found.per_week == 0.5  # one in two weeks
    assert found.lead_time_s == 3 * 86400.0  # its commit stands for its one change
    assert found.failure_rate == 0.0  # measured: it did not fail
    assert found.restore_s is None
    assert dict(figures(found))["Time to restore"] == "no data"


def test_a_window_shorter_than_a_week_counts_as_a_week() -> None:
    release = _publish(1)
    hour = dt.timedelta(hours=1)
    found = delivery([release], since=release.at - hour, until=release.at + hour, production=[PROD])
    assert found.per_week == 1.0  # not 84 a week from a two-hour window


def test_all_failed_and_never_restored() -> None:
    events = [_publish(i) for i in (1, 2, 3)] + [_event(EventKind.YANK, i) for i in (1, 2, 3)]
    found = delivery(events, since=T0, until=NOW, production=[PROD])
    assert (found.failure_rate, found.failed) == (1.0, 3)
    assert (found.restore_s, found.restored, found.unrestored) == (None, 0, 3)
    text = dict(figures(found))
    assert text["Change failure rate"] == "100% (3 of 3 release(s))"
    assert text["Time to restore"] == "no data; 3 failed release(s) not restored yet"


def test_events_round_trip_and_bad_ones_are_named() -> None:
    event = _publish(4)
    assert ReleaseEvent.from_text(event.to_text()) == event
    assert event.change_times == event.changes
    assert _publish(3).change_times == (AT[3] - 3 * DAY,)
    with pytest.raises(EventError, match="timezone-aware"):
        ReleaseEvent(EventKind.BUILD, "1.0", dt.datetime(2026, 1, 1), "passed")
    with pytest.raises(EventError, match="schema version 9"):
        ReleaseEvent.from_json({**event.to_json(), "schema_version": 9})
    with pytest.raises(EventError, match="kind must be one of build"):
        ReleaseEvent.from_json({**event.to_json(), "kind": "deploy"})
    with pytest.raises(EventError, match="at: expected an ISO 8601"):
        ReleaseEvent.from_json({**event.to_json(), "at": "yesterday"})
    with pytest.raises(EventError, match="not JSON"):
        ReleaseEvent.from_text("{")


def _store_health(url: str) -> Health:
    store = open_store(url)
    try:
        added = [store.add_release_event(e) for e in history()]
        assert all(added)
        assert not store.add_release_event(_publish(0))  # the same event: stored once
        assert len(store.release_events()) == len(added)
        return store.health(days=182, now=NOW.timestamp(), production=[PROD], hotfix_days=7)
    finally:
        store.close()


def test_the_history_stores_events_and_health_has_the_figures(history_url: str) -> None:
    found = _store_health(history_url).delivery
    assert found is not None
    assert found.since == T0
    assert (found.releases, found.changes, found.failed, found.restored) == (50, 75, 6, 5)
    assert found.per_week == pytest.approx(50 / 26)
    assert (found.lead_time_s, found.restore_s) == (2 * 86400.0, 3.5 * 86400.0)


def test_health_without_release_events_has_no_delivery(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.sqlite3")
    assert store.health(now=NOW.timestamp()).delivery is None
    store.close()


def test_an_old_history_gains_the_release_events_table(history_url: str) -> None:
    db = connect(history_url)
    migrate(db, upto=3)
    db.close()
    store = open_store(history_url)
    assert store.schema_version() == 5
    assert store.add_release_event(_publish(0))
    assert store.counts()["release_events"] == 1
    store.close()


def test_reports_show_the_four_keys_and_the_last_releases(tmp_path: Path) -> None:
    health = _store_health(str(tmp_path / "h.sqlite3"))
    page = render_html(health)
    assert 'id="delivery"' in page
    assert "0.27 per week" not in page
    assert "1.92 per week (50 production release(s) in 182 days)" in page
    assert "median 2.0 d over 75 change(s)" in page
    assert "12% (6 of 50 release(s))" in page
    assert "median 3.5 d over 5 restore(s); 1 failed release(s) not restored yet" in page
    assert "1.49.0" in page
    assert "rolled back" in page
    md = render_markdown(health)
    assert "### Delivery (DORA), releases to pypi" in md
    assert "| Change failure rate | 12% (6 of 50 release(s)) |" in md
    assert "| 1.45.0 | pypi | 2026-06-" in md
    metrics = render(health)
    assert f"gauntlet_dora_lead_time_seconds {2 * 86400.0!r}" in metrics
    assert "gauntlet_dora_change_failure_ratio 0.12" in metrics
    assert "gauntlet_dora_releases 50.0" in metrics


def test_the_console_report_shows_the_four_keys(tmp_path: Path) -> None:
    health = _store_health(str(tmp_path / "h.sqlite3"))
    out = io.StringIO()
    print_health(health, Console(file=out, width=200, no_color=True), "h.sqlite3")
    text = out.getvalue()
    assert "Delivery (DORA), releases to pypi" in text
    assert "Lead time for changes" in text
    assert "median 2.0 d over 75 change(s)" in text
    assert "Last production releases" in text
    assert "hotfixed by" not in text  # the last ten are 1.40.0 .. 1.49.0: none hotfixed
    assert "rolled back" in text
    bare = dataclasses.replace(health, runs=(), window_runs=0)  # releases but no runs
    out = io.StringIO()
    print_health(bare, Console(file=out, width=200, no_color=True), "h.sqlite3")
    assert "No runs recorded yet" in out.getvalue()
    assert "12% (6 of 50 release(s))" in out.getvalue()


def test_a_dashboard_without_releases_says_no_data(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.sqlite3")
    health = store.health(now=NOW.timestamp())
    store.close()
    assert "no data (no release recorded)" in render_html(health)
    assert "Delivery" not in render_markdown(health)  # a summary without releases stays short
    assert "gauntlet_dora" not in render(health)


RELEASE = """
[tool.gauntlet.release]
hotfix-days = 3

[tool.gauntlet.release.environments.testpypi]
index-url = "https://test.pypi.org/simple/"

[tool.gauntlet.release.environments.pypi]
index-url = "https://pypi.org/simple/"
requires-approval = true
"""


def _project(tmp_path: Path, extra: str = "") -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    text = '[project]\nname = "demo"\n\n[tool.gauntlet]\ntimeout = 60\n' + extra
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_production_is_what_needs_approval_else_the_one_named_production(tmp_path: Path) -> None:
    with_release = load_config(_project(tmp_path / "a", RELEASE))
    assert delivery_settings(with_release) == (("pypi",), 3)
    assert delivery_settings(load_config(_project(tmp_path / "b"))) == (("production",), 7)


def test_recording_an_event_into_the_project_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_config(_project(tmp_path, RELEASE))
    monkeypatch.delenv("GAUNTLET_HISTORY_URL", raising=False)
    monkeypatch.setenv("GAUNTLET_HISTORY", "off")
    assert not record_release_event(config, _publish(1))
    monkeypatch.delenv("GAUNTLET_HISTORY")
    assert record_release_event(config, _publish(1))
    assert not record_release_event(config, _publish(1))  # stored once
    store = open_project_store(config)
    health = project_health(store, config, None, 30.0)
    store.close()
    assert health.delivery is not None
    assert health.delivery.production == ("pypi",)
    assert health.delivery.hotfix_days == 3
    # A history that cannot be written warns and the caller goes on.
    (tmp_path / "not-a-db").mkdir()
    monkeypatch.setenv("GAUNTLET_HISTORY_URL", str(tmp_path / "not-a-db"))
    assert not record_release_event(config, _publish(2))
    assert "warning: run history:" in capsys.readouterr().err


def test_secrets_in_an_event_are_masked_in_the_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INDEX_UPLOAD_TOKEN", "pypi-AgEIcHlwaS5vcmc-secret-value")
    event = dataclasses.replace(
        _publish(1), message="upload with pypi-AgEIcHlwaS5vcmc-secret-value refused"
    )
    store = open_store(tmp_path / "h.sqlite3")
    store.add_release_event(event)
    (stored,) = store.release_events()
    body = store.db.query("SELECT body FROM release_events")[0][0]
    store.close()
    assert "secret-value" not in stored.message
    assert "secret-value" not in str(body)
    assert stored.version == event.version
