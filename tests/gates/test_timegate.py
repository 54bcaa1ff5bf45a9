"""The time gate on a shared machine: load alone warns, more work fails."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

from gauntlet.config.gates import GateSettings
from gauntlet.gates.inputs import Inputs
from gauntlet.gates.measured import time_gate
from gauntlet.gates.registry import GateStatus
from gauntlet.results import pipeline
from gauntlet.runner import run

if TYPE_CHECKING:
    from pathlib import Path

BUDGETS = GateSettings(stage_budgets=(("tests", 300.0),))


def recorded(tmp_path: Path, stages: list[tuple[str, float, float]]) -> Inputs:
    """Inputs from a pipeline.json written as `nox -s ci` writes it: (stage, wall, cpu)."""
    pipeline.start(tmp_path, 1000.0)
    clock = 1000.0
    for name, wall, cpu in stages:
        pipeline.record_stage(tmp_path, name, clock, clock + wall, ok=True, cpu_s=cpu)
        clock += wall
    record = pipeline.read_pipeline(tmp_path)
    assert record is not None
    return Inputs(
        elapsed_s=record.elapsed(clock), cpu_s=record.cpu_seconds, stage_times=record.stages
    )


def test_a_busy_machine_warns_instead_of_failing(tmp_path: Path) -> None:
    # 620 s of wall time against the 600 s budget, but the work took 410 s of CPU.
    inputs = recorded(tmp_path, [("lint", 60, 40), ("tests", 280, 200), ("mojo", 280, 170)])
    result = time_gate(inputs, BUDGETS)
    assert result.status is GateStatus.WARNED
    assert result.measured == "620 s (410 s CPU)"
    assert result.message == (
        "the pipeline took 620 s, over its budget of 600 s, but only 410 s of CPU: "
        "the machine was busy"
    )


def test_a_stage_made_twice_slower_is_flagged(tmp_path: Path) -> None:
    normal = recorded(tmp_path, [("lint", 60, 40), ("tests", 200, 180)])
    assert time_gate(normal, BUDGETS).status is GateStatus.PASSED
    slower = recorded(tmp_path, [("lint", 60, 40), ("tests", 400, 360)])
    result = time_gate(slower, BUDGETS)
    assert result.status is GateStatus.FAILED
    assert result.message == "tests took 400 s (360 s of CPU), over its budget of 300 s"
    # Twice slower and on a busy machine: still a failure.
    busy = recorded(tmp_path, [("lint", 90, 40), ("tests", 600, 360)])
    assert time_gate(busy, BUDGETS).status is GateStatus.FAILED


def test_parallel_work_is_judged_by_its_wall_time(tmp_path: Path) -> None:
    # Two cores busy for 250 s: 500 s of CPU, within the 300 s wall budget of the stage.
    inputs = recorded(tmp_path, [("tests", 250, 500)])
    assert time_gate(inputs, BUDGETS).status is GateStatus.PASSED


def test_records_without_cpu_figures_are_judged_by_wall_time(tmp_path: Path) -> None:
    pipeline.start(tmp_path, 1000.0)
    pipeline.record_stage(tmp_path, "tests", 1000.0, 1620.0, ok=True)
    record = pipeline.read_pipeline(tmp_path)
    assert record is not None
    assert record.cpu_seconds is None
    inputs = Inputs(elapsed_s=record.elapsed(0.0), stage_times=record.stages)
    result = time_gate(inputs, GateSettings())
    assert result.status is GateStatus.FAILED
    assert result.message == "the pipeline took 620 s, over its budget of 600 s"


def test_children_cpu_counts_the_work_of_finished_processes() -> None:
    before = pipeline.children_cpu()
    busy = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    assert run([sys.executable, "-c", busy], timeout=60).returncode == 0
    assert pipeline.children_cpu() - before >= 0.25


def test_over_budget_only_warns_where_the_project_says_so(tmp_path: Path) -> None:
    from dataclasses import replace

    from gauntlet.config.load import load_config
    from gauntlet.errors import ConfigError
    from gauntlet.gates.environ import gate_settings

    slower = recorded(tmp_path, [("lint", 60, 40), ("tests", 640, 620)])
    assert time_gate(slower, GateSettings()).status is GateStatus.FAILED
    warned = time_gate(slower, replace(GateSettings(), time_over_budget="warn"))
    assert warned.status is GateStatus.WARNED
    assert warned.message.startswith("the pipeline took 700 s (660 s of CPU), over its budget")
    assert "time-over-budget is 'warn' here" in warned.message
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        "[project]\nname = 'p'\nversion = '0'\n[tool.gauntlet.gates]\ntime-over-budget = 'warn'\n"
    )
    config = load_config(project)
    assert gate_settings(config, {}).time_over_budget == "warn"
    assert gate_settings(config, {"GAUNTLET_TIME_OVER_BUDGET": "fail"}).time_over_budget == "fail"
    with pytest.raises(ConfigError, match="GAUNTLET_TIME_OVER_BUDGET='maybe': expected one of"):
        gate_settings(config, {"GAUNTLET_TIME_OVER_BUDGET": "maybe"})
