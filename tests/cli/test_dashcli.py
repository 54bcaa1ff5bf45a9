"""`gauntlet report html|md` and `gauntlet alerts` end to end, over a built Health."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from healthdata import make_health
from webhooksink import Sink

from gauntlet.cli import dash as dashcli
from gauntlet.cli.main import main
from gauntlet.config.load import parse_config
from gauntlet.errors import ToolError
from gauntlet.health.model import Health, Outcome
from gauntlet.health.rows import CaseRow, RunInfo, RunResults, TaskRow
from gauntlet.health.store import open_store

SECRET_PATH = "/services/T0/B0/xoxb-s3cret"  # noqa: S105 - a fake secret to hunt for
SEEN: dict[str, object] = {}  # the window the last command asked the history for


def failing_health() -> Health:
    health = make_health(40)
    last = dataclasses.replace(health.runs[-1], outcome=Outcome.FAILED, branch="main")
    return dataclasses.replace(health, runs=(*health.runs[:-1], last))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'demo'\n\n[tool.gauntlet]\n\n[tool.gauntlet.alerts]\n"
        'notify = ["console", "webhook", "slack", "github"]\n'
        'slack-url-env = "DEMO_SLACK"\nwebhook-url-env = "DEMO_HOOK"\ntimeout = 0.3\n',
        encoding="utf-8",
    )
    SEEN.clear()

    def load(config: object, *, last_runs: int, days: float | None) -> Health:
        SEEN.update(last_runs=last_runs, days=days)
        return failing_health()

    monkeypatch.setattr(dashcli, "load_health", load)
    monkeypatch.setattr("gauntlet.health.notifiers.time.sleep", lambda seconds: None)  # the clock
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink([200])
    yield server
    server.close()


def test_report_html_writes_the_dashboard(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--project", str(project), "report", "html", "--runs", "40"]) == 0
    out = project / ".gauntlet" / "results" / "health.html"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "<title>Pipeline health · " + project.name in out.read_text(encoding="utf-8")
    assert f"dashboard of 40 runs in {out}" in capsys.readouterr().out
    assert SEEN == {"last_runs": 40, "days": None}


def test_report_md_prints_or_writes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(project), "report", "md", "--days", "7"]) == 0
    assert capsys.readouterr().out.startswith("## Pipeline health\n")
    assert SEEN == {"last_runs": None, "days": 7.0}
    target = project / "summary.md"
    assert main(["--project", str(project), "report", "md", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("## Pipeline health\n")


def test_alerts_are_delivered_and_recorded_without_secrets(
    project: Path, sink: Sink, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEMO_SLACK", sink.url(SECRET_PATH))
    monkeypatch.setenv("DEMO_HOOK", sink.url("/generic?token=t0ps3cret"))
    assert main(["--project", str(project), "alerts"]) == 0
    out, err = capsys.readouterr()
    assert "ERROR    Pipeline failed on main" in out
    assert [r["path"] for r in sink.requests] == ["/generic?token=t0ps3cret", SECRET_PATH]
    generic, slack = (r["json"] for r in sink.requests)
    assert generic["alerts"][0]["rule"] == "pipeline-failed"
    assert set(slack) == {"text", "blocks"}
    record = json.loads((project / ".gauntlet" / "results" / "alerts.json").read_text("utf-8"))
    assert record["run_id"] == "r00040"
    assert [(n["notifier"], n["status"]) for n in record["notifiers"]] == [
        ("console", "delivered"),
        ("webhook", "delivered"),
        ("slack", "delivered"),
        ("github", "skipped"),
    ]
    everything = json.dumps(record) + out + err
    assert "s3cret" not in everything
    assert "t0ps3cret" not in everything


def test_undeliverable_alerts_never_fail_the_command(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = Sink([503])
    try:
        monkeypatch.setenv("DEMO_SLACK", server.url(SECRET_PATH))
        monkeypatch.delenv("DEMO_HOOK", raising=False)
        assert main(["--project", str(project), "alerts"]) == 0
    finally:
        server.close()
    assert len(server.requests) == 4  # the first try and 3 retries
    err = capsys.readouterr().err
    assert "slack: try 1 failed (HTTP 503); retrying in 1 s" in err
    assert "slack not delivered (HTTP 503)" in err
    assert "webhook not delivered (DEMO_HOOK is not set)" in err
    assert "s3cret" not in err
    record = json.loads((project / ".gauntlet" / "results" / "alerts.json").read_text("utf-8"))
    slack = next(n for n in record["notifiers"] if n["notifier"] == "slack")
    assert slack == {
        "notifier": "slack",
        "status": "undelivered",
        "delivered": False,
        "target": server.url("/***"),
        "tries": 4,
        "detail": "HTTP 503",
    }


def test_dry_run_sends_and_writes_nothing(
    project: Path, sink: Sink, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEMO_SLACK", sink.url(SECRET_PATH))
    monkeypatch.delenv("DEMO_HOOK", raising=False)
    assert main(["--project", str(project), "alerts", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert sink.requests == []
    assert not (project / ".gauntlet" / "results" / "alerts.json").exists()
    assert "ERROR    Pipeline failed on main" in out
    assert "would notify webhook (DEMO_HOOK is not set)" in out
    assert f"would notify slack at {sink.url('/***')}" in out
    assert "would notify console:" in out
    assert "s3cret" not in out


def test_bad_alert_configuration_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.gauntlet.alerts]\nnotfy = []\n", encoding="utf-8"
    )
    assert main(["--project", str(tmp_path), "alerts"]) == 3
    err = capsys.readouterr().err
    assert f"{tmp_path / 'pyproject.toml'}:2: [tool.gauntlet.alerts] 'notfy': unknown key" in err


def test_without_recorded_runs_the_commands_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.gauntlet]\n", encoding="utf-8")
    assert main(["--project", str(tmp_path), "report", "html"]) == 2
    assert "no runs recorded in the run history" in capsys.readouterr().err
    assert not (tmp_path / ".gauntlet" / "results" / "health.html").exists()
    config = parse_config(tmp_path / "pyproject.toml", "[tool.gauntlet]\n")
    with pytest.raises(ToolError):
        dashcli.load_health(config, last_runs=5, days=None)


def test_the_dashboard_reads_the_recorded_history(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.gauntlet]\n", encoding="utf-8")
    store = open_store(tmp_path / ".gauntlet" / "history.sqlite3")
    for outcome in (Outcome.PASSED, Outcome.FAILED):
        run_id = store.start_run(RunInfo("ci", "c0ffee", "main"))
        tasks = (TaskRow("test:tests/test_a.mojo", outcome.value, 1.5, 0.0),)
        cases = (CaseRow("tests/test_a.mojo", "test_<one>", outcome.value, 0.25),)
        store.add_results(run_id, RunResults(tasks=tasks, cases=cases))
        store.finish_run(run_id, outcome)
    store.close()
    out = tmp_path / "dash.html"
    assert main(["--project", str(tmp_path), "report", "html", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "test:tests/test_a.mojo" in page
    assert "test_&lt;one&gt;" in page  # flaky: passed and failed on commit c0ffee
    config = parse_config(tmp_path / "pyproject.toml", "[tool.gauntlet]\n")
    health = dashcli.load_health(config, last_runs=10, days=None)
    assert [run.outcome for run in health.runs] == [Outcome.PASSED, Outcome.FAILED]


def test_days_cover_every_run_of_those_days_as_health_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.gauntlet]\n", encoding="utf-8")
    store = open_store(tmp_path / ".gauntlet" / "history.sqlite3")
    now = time.time()
    for i in range(105):
        run_id = store.start_run(RunInfo("ci", "c0ffee", "main"), started=now - 3600 + i)
        store.finish_run(run_id, Outcome.PASSED, finished=now - 3600 + i + 0.5)
    store.close()
    project = ["--project", str(tmp_path)]
    assert main([*project, "report", "md", "--days", "1"]) == 0
    assert "| runs in the window | 105 |" in capsys.readouterr().out
    assert main([*project, "report", "md"]) == 0
    assert "| runs in the window | 100 |" in capsys.readouterr().out
    assert main([*project, "health", "--days", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["window_runs"] == 105


@pytest.mark.parametrize("command", [["report", "md"], ["alerts"], ["health"]])
def test_runs_and_days_exclude_each_other(
    project: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--project", str(project), *command, "--runs", "5", "--days", "3"])
    assert caught.value.code == 3
    assert "not allowed with argument" in capsys.readouterr().err


def test_plain_report_still_means_the_mojo_test_report(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.gauntlet]\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.mojo").write_text("def main():\n    pass\n", encoding="utf-8")
    assert main(["--project", str(tmp_path), "report"]) == 1  # no results on disk yet


@pytest.mark.parametrize("argv", [["--runs", "0"], ["--runs", "x"], ["--days", "-1"]])
def test_the_window_must_be_positive(
    project: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--project", str(project), "report", "md", *argv])
    assert caught.value.code == 3
    assert "expected a positive number" in capsys.readouterr().err


def test_an_unwritable_output_is_a_clear_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = project / "file"
    blocker.write_text("", encoding="utf-8")
    for kind in ("html", "md"):
        assert main(["--project", str(project), "report", kind, "-o", str(blocker / "x")]) == 2
        assert f"cannot write {blocker / 'x'}: " in capsys.readouterr().err


def test_an_unwritable_record_does_not_fail_the_alerts(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".gauntlet").write_text("not a folder", encoding="utf-8")
    assert main(["--project", str(project), "alerts"]) == 0
    assert "cannot record deliveries in" in capsys.readouterr().err
