"""Alert rules over Health values, and the validated [tool.gauntlet.alerts] table."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from healthdata import make_health

from gauntlet.config.alerts import RULES, AlertSettings
from gauntlet.config.load import parse_config
from gauntlet.errors import ConfigError
from gauntlet.health.alerts import alert_settings, evaluate
from gauntlet.health.model import BenchPoint, BenchSeries, CoveragePoint, Health, Outcome

QUIET = AlertSettings(failure_rate=100.0)  # the generated history fails ~10% of runs


def healthy(runs: int = 30) -> Health:
    """A history whose last run passed on main, with nothing alarming in it."""
    health = make_health(runs)
    last = dataclasses.replace(health.runs[-1], outcome=Outcome.PASSED, branch="main")
    benches = tuple(
        BenchSeries(b.name, tuple(dataclasses.replace(p, regression=False) for p in b.points))
        for b in health.benchmarks
    )
    coverage = (
        *health.coverage[:-1],
        dataclasses.replace(health.coverage[-1], line_percent=health.coverage[-2].line_percent),
    )
    tasks = tuple(dataclasses.replace(t, last_s=t.p50_s) for t in health.tasks)
    old = health.runs[0].started
    flaky = tuple(dataclasses.replace(f, first_seen=old) for f in health.flaky)
    pipeline = (
        dataclasses.replace(health.pipeline, last_s=health.pipeline.p50_s)
        if health.pipeline
        else None
    )
    return dataclasses.replace(
        health,
        runs=(*health.runs[:-1], last),
        benchmarks=benches,
        coverage=coverage,
        tasks=tasks,
        flaky=flaky,
        pipeline=pipeline,
    )


def rules(health: Health, settings: AlertSettings = QUIET) -> list[str]:
    return [a.rule for a in evaluate(health, settings)]


def test_a_healthy_history_raises_nothing() -> None:
    assert rules(healthy()) == []


@pytest.mark.parametrize("outcome", [Outcome.FAILED, Outcome.ERROR])
def test_pipeline_failed_on_the_main_branch(outcome: Outcome) -> None:
    health = healthy()
    last = dataclasses.replace(health.runs[-1], outcome=outcome, failed_tasks=("nox:lint",))
    failed = dataclasses.replace(health, runs=(*health.runs[:-1], last))
    (alert,) = evaluate(failed, QUIET)
    assert alert.rule == "pipeline-failed"
    assert alert.level == "error"
    assert "nox:lint" in alert.message
    assert last.run_id in alert.message
    on_branch = dataclasses.replace(
        failed, runs=(*health.runs[:-1], dataclasses.replace(last, branch="feature/x"))
    )
    assert rules(on_branch) == []
    assert rules(on_branch, dataclasses.replace(QUIET, branch="feature/x")) == ["pipeline-failed"]
    interrupted = dataclasses.replace(
        health, runs=(*health.runs[:-1], dataclasses.replace(last, outcome=Outcome.INTERRUPTED))
    )
    assert rules(interrupted) == []


def test_failure_rate_over_the_last_n_runs() -> None:
    health = healthy(40)
    runs = list(health.runs)
    for i in range(30, 39):  # 9 of the last 10 finished runs fail, the very last passes
        runs[i] = dataclasses.replace(runs[i], outcome=Outcome.FAILED, branch="main")
    runs[-1] = dataclasses.replace(runs[-1], outcome=Outcome.PASSED)
    failing = dataclasses.replace(health, runs=tuple(runs))
    settings = AlertSettings(failure_rate=50.0, failure_window=10)
    (alert,) = evaluate(failing, settings)
    assert alert.rule == "failure-rate"
    assert alert.title == "Failure rate 90% over the last 10 runs"
    assert rules(failing, dataclasses.replace(settings, failure_rate=90.0)) == []
    assert rules(dataclasses.replace(health, runs=health.runs[:1]), settings) == []


def test_failure_rate_counts_pipeline_runs_on_the_branch_only() -> None:
    health = healthy(40)
    runs = [dataclasses.replace(r, branch="main", outcome=Outcome.PASSED) for r in health.runs]
    for i in range(30, 39):  # failing pull requests and developers' doit runs
        other = dataclasses.replace(runs[i], outcome=Outcome.FAILED)
        runs[i] = (
            dataclasses.replace(other, branch="feature/x")
            if i % 2
            else dataclasses.replace(other, kind="doit")
        )
    others = dataclasses.replace(health, runs=tuple(runs))
    settings = AlertSettings(failure_rate=20.0, failure_window=10)
    assert rules(others, settings) == []
    runs[35] = dataclasses.replace(runs[35], kind="ci", branch="main")
    runs[36] = dataclasses.replace(runs[36], kind="import", branch="main")
    runs[37] = dataclasses.replace(runs[37], kind="ci", branch="main")
    (alert,) = evaluate(dataclasses.replace(health, runs=tuple(runs)), settings)
    assert alert.title == "Failure rate 30% over the last 10 runs"
    assert "3 of the last 10 runs on main did not pass" in alert.message


def test_duration_regression_against_the_median() -> None:
    health = healthy()
    task = health.tasks[0]
    slow = dataclasses.replace(task, last_s=task.p50_s * 1.8)
    tiny = dataclasses.replace(health.tasks[-1], p50_s=0.4, last_s=4.0)  # below duration-min
    regressed = dataclasses.replace(health, tasks=(slow, *health.tasks[1:-1], tiny))
    (alert,) = evaluate(regressed, QUIET)
    assert alert.rule == "duration-regression"
    assert alert.subject == task.name
    assert alert.title == f"{task.name} took 80% longer than usual"
    assert rules(regressed, dataclasses.replace(QUIET, duration_regression=90)) == []
    assert (
        rules(regressed, dataclasses.replace(QUIET, duration_min=0.1))
        == ["duration-regression"] * 2
    )


def test_duration_regression_only_for_tasks_of_the_last_run() -> None:
    health = healthy()
    task = health.tasks[0]
    earlier = task.series[:-1]  # slow once, then up to date (not run) in the last run
    stale = dataclasses.replace(task, last_s=task.p50_s * 3, series=earlier)
    assert rules(dataclasses.replace(health, tasks=(stale, *health.tasks[1:]))) == []
    ran = dataclasses.replace(stale, series=task.series)
    assert rules(dataclasses.replace(health, tasks=(ran, *health.tasks[1:]))) == [
        "duration-regression"
    ]
    assert rules(dataclasses.replace(health, runs=(), tasks=(ran,))) == []


def test_new_flaky_is_one_whose_first_flip_is_in_the_last_run() -> None:
    health = healthy()
    newest = dataclasses.replace(health.flaky[0], first_seen=health.runs[-1].started)
    fresh = dataclasses.replace(health, flaky=(newest, *health.flaky[1:]))
    (alert,) = evaluate(fresh, QUIET)
    assert alert.rule == "new-flaky"
    assert alert.subject == newest.name
    assert newest.last_failure_message[:20] in alert.message
    assert rules(dataclasses.replace(fresh, runs=fresh.runs[-1:])) == []


def test_coverage_drop_compares_the_last_two_points() -> None:
    health = healthy()
    prev = health.coverage[-2]
    drop = CoveragePoint(health.runs[-1].run_id, "c0ffee", prev.when, prev.line_percent - 1.5, None)
    dropped = dataclasses.replace(health, coverage=(*health.coverage[:-1], drop))
    (alert,) = evaluate(dropped, QUIET)
    assert alert.rule == "coverage-drop"
    assert alert.title == "Line coverage dropped 1.50 points"
    assert rules(dropped, dataclasses.replace(QUIET, coverage_drop=2.0)) == []
    assert rules(dataclasses.replace(health, coverage=health.coverage[:1])) == []


def test_coverage_drop_compares_runs_on_the_branch_only() -> None:
    health = healthy()
    runs = [dataclasses.replace(r, branch="main", kind="ci") for r in health.runs]
    runs[-1] = dataclasses.replace(runs[-1], branch="feature/x", trigger="pull_request")
    prev = health.coverage[-2]
    low = dataclasses.replace(health.coverage[-1], line_percent=prev.line_percent - 5)
    pull = dataclasses.replace(health, runs=tuple(runs), coverage=(*health.coverage[:-1], low))
    assert rules(pull) == []
    runs[-2] = dataclasses.replace(runs[-2], kind="doit")
    runs[-1] = dataclasses.replace(runs[-1], branch="main")
    local = dataclasses.replace(pull, runs=tuple(runs))
    (alert,) = evaluate(local, QUIET)  # against the main run before the doit run
    assert alert.rule == "coverage-drop"
    assert f"({health.coverage[-3].commit[:10]})" in alert.message


def test_benchmark_regression_in_the_last_run_only() -> None:
    health = healthy()
    last = health.runs[-1]
    older = BenchPoint(health.runs[-2].run_id, "a", last.started, 2.0, "ms", regression=True)
    newest = BenchPoint(last.run_id, "b", last.started, 3.0, "ms", regression=True)
    flagged = dataclasses.replace(health, benchmarks=(BenchSeries("matmul", (older, newest)),))
    (alert,) = evaluate(flagged, QUIET)
    assert alert.rule == "benchmark-regression"
    assert alert.subject == "matmul"
    assert "3 ms" in alert.message
    assert rules(dataclasses.replace(flagged, runs=())) == []


def test_disabled_rules_stay_silent_and_errors_come_first() -> None:
    health = make_health(30)  # flaky tests, a benchmark regression in the last run
    last = dataclasses.replace(health.runs[-1], outcome=Outcome.FAILED, branch="main")
    noisy = dataclasses.replace(health, runs=(*health.runs[:-1], last))
    found = evaluate(noisy, AlertSettings())
    assert found[0].level == "error"
    assert [a.level for a in found] == sorted(
        (a.level for a in found), key=lambda lv: lv != "error"
    )
    assert "benchmark-regression" in {a.rule for a in found}
    assert evaluate(noisy, AlertSettings(disable=RULES)) == []


def load(tmp_path: Path, table: str) -> AlertSettings:
    pyproject = tmp_path / "pyproject.toml"
    text = f"[project]\nname = 'x'\n\n[tool.gauntlet]\n\n[tool.gauntlet.alerts]\n{table}\n"
    pyproject.write_text(text, encoding="utf-8")
    return alert_settings(parse_config(pyproject, text))


def test_settings_are_read_from_the_alerts_table(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        'branch = "trunk"\nfailure-rate = 25\nfailure-window = 10\nduration-regression = 150\n'
        'duration-min = 0\ncoverage-drop = 0.5\nnotify = ["console", "slack"]\n'
        'slack-url-env = "TEAM_SLACK"\ndisable = ["new-flaky"]\ntimeout = 3',
    )
    assert settings == AlertSettings(
        branch="trunk",
        failure_rate=25.0,
        failure_window=10,
        duration_regression=150.0,
        duration_min=0.0,
        coverage_drop=0.5,
        notify=("console", "slack"),
        slack_url_env="TEAM_SLACK",
        disable=("new-flaky",),
        timeout=3.0,
    )
    assert not settings.enabled("new-flaky")
    assert settings.enabled("coverage-drop")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            "failure-rat = 3",
            ":7: [tool.gauntlet.alerts] 'failure-rat': unknown key (did you mean 'failure-rate'?)",
        ),
        ("colour = 3", "known keys: branch, disable"),
        ("failure-rate = 300", "'failure-rate': expected a percentage between 0 and 100, got 300"),
        ("failure-rate = true", "expected a percentage"),
        ("failure-window = 1", "at least 2, got 1 (integer)"),
        (
            'notify = ["email"]',
            "unknown name 'email'; expected some of console, github, webhook, slack",
        ),
        ("notify = 'slack'", "expected an array of names"),
        ('branch = ""', "expected a non-empty string"),
        ("slack-url-env = 5", "got 5 (integer)"),
    ],
)
def test_bad_settings_name_file_line_and_key(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, table)
    assert message in str(caught.value)
    assert str(tmp_path / "pyproject.toml") in str(caught.value)


def test_a_url_given_as_the_variable_name_is_refused_without_echoing_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, 'webhook-url-env = "https://hooks.example.com/T0/s3cret"')
    assert "never the URL itself" in str(caught.value)
    assert "s3cret" not in str(caught.value)
    assert "hooks.example" not in str(caught.value)


def test_alerts_must_be_a_table(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    text = "[tool.gauntlet]\nalerts = 3\n"
    pyproject.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="'alerts': expected a table"):
        alert_settings(parse_config(pyproject, text))


def test_defaults_without_a_table(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.gauntlet]\n", encoding="utf-8")
    assert alert_settings(parse_config(pyproject, "[tool.gauntlet]\n")) == AlertSettings()
    gone = parse_config(tmp_path / "missing.toml", "[tool.gauntlet]\n")
    assert alert_settings(gone) == AlertSettings()
