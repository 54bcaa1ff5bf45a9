"""The pipeline record written by `nox -s ci`: start, stage times, and reading it back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gauntlet.results.pipeline import FILE, Pipeline, StageTime, read_pipeline, record_stage, start


def test_a_record_round_trips_and_a_rerun_stage_keeps_its_place(tmp_path: Path) -> None:
    start(tmp_path, 100.0, ("lint", "tests"))
    record_stage(tmp_path, "lint", 100.0)
    assert read_pipeline(tmp_path) == Pipeline(
        100.0, ("lint", "tests"), (StageTime("lint", 100.0),)
    )
    record_stage(tmp_path, "tests", 110.0, 150.0, ok=False)
    record_stage(tmp_path, "lint", 100.0, 110.0, ok=True)
    found = read_pipeline(tmp_path)
    assert found is not None
    assert [(s.name, s.seconds, s.ok) for s in found.stages] == [
        ("lint", 10.0, True),
        ("tests", 40.0, False),
    ]
    assert found.elapsed(now=999.0) == 50.0  # every stage closed: ends with the last one
    assert json.loads((tmp_path / FILE).read_text())["stages"] == ["lint", "tests"]


def test_without_stages_the_pipeline_runs_until_now(tmp_path: Path) -> None:
    start(tmp_path, 100.0)
    found = read_pipeline(tmp_path)
    assert found is not None
    assert found.elapsed(now=130.0) == 30.0
    assert StageTime("x", 1.0).seconds is None


def test_a_stage_recorded_without_a_start_begins_the_record(tmp_path: Path) -> None:
    record_stage(tmp_path, "gates", 50.0)
    assert read_pipeline(tmp_path) == Pipeline(50.0, (), (StageTime("gates", 50.0),))


@pytest.mark.parametrize(
    "text",
    ["", "{", "[]", '{"schema_version": 2, "started_at": 1}', '{"schema_version": 1}'],
)
def test_no_record_or_an_unreadable_one_means_no_pipeline(tmp_path: Path, text: str) -> None:
    assert read_pipeline(tmp_path) is None
    (tmp_path / FILE).write_text(text)
    assert read_pipeline(tmp_path) is None
