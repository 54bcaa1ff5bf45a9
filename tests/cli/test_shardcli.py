"""``gauntlet shard``: the matrix, one shard's part, and the fan-in, end to end."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import pytest
from sharddata import write_suite

from gauntlet.cli.main import main
from gauntlet.health.model import Outcome
from gauntlet.health.rows import CaseRow, RunInfo, RunResults
from gauntlet.health.store import open_store
from gauntlet.results.junitread import read_junit
from gauntlet.shard.balance import read_plan

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.run import toolchain


@pytest.fixture(autouse=True)
def _own_history(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GAUNTLET_HISTORY_URL", "GAUNTLET_HISTORY", "GAUNTLET_RUN_ID", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)


def _history(root: Path, seconds: dict[str, float]) -> None:
    """One recorded run in which each ``tests/NAME.py`` took ``seconds[NAME]``."""
    store = open_store(root / ".gauntlet" / "history.sqlite3")
    cases = tuple(CaseRow(f"tests.{n}", "test_sleeps", "passed", s) for n, s in seconds.items())
    store.record_run(RunInfo("ci"), RunResults(cases=cases), Outcome.PASSED, started=1, finished=2)
    store.close()


def test_the_matrix_is_printed_as_json_and_the_plan_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_suite(tmp_path, {"test_a": 0.0, "test_b": 0.0, "test_c": 0.0})
    _history(tmp_path, {"test_a": 5.0, "test_b": 1.0})
    plan = tmp_path / "plan.json"
    code = main(
        ["--project", str(tmp_path), "shard", "--count", "2", "--json", "--plan-out", str(plan)]
    )
    assert code == 0
    assert json.loads(capsys.readouterr().out) == {
        "include": [{"shard": 0, "count": 2}, {"shard": 1, "count": 2}]
    }
    written = read_plan(plan)
    assert written.shards[0].paths("python") == ("tests/test_a.py",)
    assert written.shards[1].paths("python") == ("tests/test_b.py", "tests/test_c.py")
    assert written.fallback_s == 3.0  # the median of 5 s and 1 s, for test_c


def test_usage_errors_say_what_to_give(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_suite(tmp_path, {"test_a": 0.0})
    project = ["--project", str(tmp_path), "shard"]
    assert main([*project, "--json"]) == 3
    assert "give --count N" in capsys.readouterr().err
    assert main([*project, "--count", "2", "--plan", str(tmp_path / "p.json")]) == 3
    assert "--plan FILE is read by --index I" in capsys.readouterr().err
    assert main([*project, "--count", "2", "--index", "2"]) == 3
    assert "--index 2: the plan has shards 0 to 1" in capsys.readouterr().err
    assert main([*project, "merge", str(tmp_path)]) == 3
    assert "no shard.json" in capsys.readouterr().err


@pytest.mark.slow
def test_two_shards_run_their_parts_from_the_plan_and_merge_into_the_gates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = write_suite(tmp_path, {f"test_{i}": 0.01 * i for i in range(6)})
    project = ["--project", str(tmp_path)]
    plan = tmp_path / "plan.json"
    assert main([*project, "shard", "--count", "2", "--json", "--plan-out", str(plan)]) == 0
    planned = read_plan(plan)
    _history(tmp_path, {"test_0": 100.0})  # the history moves on: a new plan would differ
    assert main([*project, "shard", "--count", "2", "--plan-out", str(tmp_path / "new.json")]) == 0
    assert read_plan(tmp_path / "new.json").part(1) != planned.part(1)
    folders = []
    for index in (1, 0):  # in any order, each from the plan file
        assert (
            main([*project, "shard", "--count", "2", "--index", str(index), "--plan", str(plan)])
            == 0
        )
        folder = tmp_path / ".gauntlet" / "shards" / str(index)
        record = json.loads((folder / "shard.json").read_text(encoding="utf-8"))
        assert tuple(record["files"]["python"]) == planned.part(index).paths("python")
        folders.append(str(folder))
    capsys.readouterr()
    code = main([*project, "shard", "merge", *folders])
    out, err = capsys.readouterr()
    assert "shard 1: recorded as run" in out, err
    assert "junit-python-3.11.xml: 18 tests from 2 shards" in out
    merged = ET.parse(tmp_path / ".gauntlet" / "results" / "python" / "junit-python-3.11.xml")
    names = [(c.get("classname"), c.get("name")) for c in merged.getroot().iter("testcase")]
    assert len(names) == len(set(names)) == 3 * len(paths)
    # each shard measured coverage; the fan-in combined both into the gates' reports
    python = tmp_path / ".gauntlet" / "results" / "python"
    assert sorted(p.name for p in python.glob(".coverage.py*")) == [
        ".coverage.py3.11.shard0",
        ".coverage.py3.11.shard1",
    ]
    measured = json.loads((python / "coverage.json").read_text(encoding="utf-8"))["files"]
    assert {name.split("/")[-1] for name in measured} >= {p.split("/")[-1] for p in paths}
    verdict = json.loads(
        (tmp_path / ".gauntlet" / "results" / "gates" / "verdict.json").read_text()
    )
    assert code == verdict["exit_code"]  # the gates ran once, over the merged results
    assert "shard 0: recorded as run" in out
    store = open_store(tmp_path / ".gauntlet" / "history.sqlite3")
    assert store.counts()["runs"] == 3  # the recorded one, then one per shard
    store.close()


MOJO_TEST = """from std.testing import assert_equal, TestSuite


def test_{name}() raises:
    assert_equal({value}, 1)


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
"""


@pytest.mark.slow
def test_mojo_files_run_through_the_doit_graph_and_merge_into_the_mojo_report(
    tmp_path: Path, mojo: toolchain.Toolchain, capsys: pytest.CaptureFixture[str]
) -> None:
    write_suite(tmp_path, {"test_py": 0.0})
    (tmp_path / "dodo.py").write_text("from gauntlet.dodo import *  # noqa: F403\n", "utf-8")
    (tmp_path / "tests" / "test_one.mojo").write_text(MOJO_TEST.format(name="one", value=1))
    (tmp_path / "tests" / "test_two.mojo").write_text(MOJO_TEST.format(name="two", value=2))
    project = ["--project", str(tmp_path), "shard", "--count", "2"]
    plan = tmp_path / "plan.json"
    assert main([*project, "--json", "--plan-out", str(plan)]) == 0
    parts = read_plan(plan)
    assert sorted(parts.part(0).paths("mojo") + parts.part(1).paths("mojo")) == [
        "tests/test_one.mojo",
        "tests/test_two.mojo",
    ]
    codes = [main([*project, "--index", str(i), "--plan", str(plan)]) for i in (0, 1)]
    assert sorted(codes) == [0, 1]  # test_two fails, in whichever shard it is
    for index in (0, 1):
        folder = tmp_path / ".gauntlet" / "shards" / str(index)
        mojo_files = parts.part(index).paths("mojo")
        assert len(list((folder / "mojo").glob("*.json"))) == len(mojo_files)
        if mojo_files:
            assert (folder / "last-doit-run.json").is_file()
    capsys.readouterr()
    folders = [str(tmp_path / ".gauntlet" / "shards" / str(i)) for i in (0, 1)]
    main(["--project", str(tmp_path), "shard", "merge", "--no-history", *folders])
    assert "Mojo: 2 test files from 2 shards" in capsys.readouterr().out
    report = read_junit(tmp_path / ".gauntlet" / "results" / "junit-mojo.xml")
    assert (report.total, report.failed) == (2, 1)
    verdict = json.loads((tmp_path / ".gauntlet/results/gates/verdict.json").read_text("utf-8"))
    tests = next(g for g in verdict["gates"] if g["gate"] == "tests")
    assert (tests["status"], tests["measured"]) == ("failed", "5 tests, 1 failed, 0 errors")
