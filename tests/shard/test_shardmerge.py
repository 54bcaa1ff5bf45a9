"""The fan-in: shard folders merged, every test once, overlaps and gaps refused by name."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import pytest

from gauntlet.errors import ResultError, UsageError
from gauntlet.layout import BuildDir, Layout, RepoDir
from gauntlet.results.junitread import read_junit
from gauntlet.results.records import FileResult, Status, TestCase, write_result
from gauntlet.shard.merge import merge

if TYPE_CHECKING:
    from pathlib import Path


def _junit(cases: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f'<testcase classname="{c}" name="{n}" time="0.5">'
        + ("<failure message='boom'>x</failure>" if s == "failed" else "")
        + ("<skipped message='s'/>" if s == "skipped" else "")
        + "</testcase>"
        for c, n, s in cases
    )
    return (
        f'<testsuites><testsuite name="pytest" tests="{len(cases)}">{body}</testsuite></testsuites>'
    )


Case = tuple[str, str, str]  # classname, name, status


def _shard(
    root: Path, index: int, count: int, cases: list[Case], mojo: tuple[str, ...] = ()
) -> Path:
    folder = root / f"shard-{index}"
    (folder / "python").mkdir(parents=True)
    (folder / "shard.json").write_text(json.dumps({"index": index, "count": count}), "utf-8")
    (folder / "python" / "junit-python-3.11.xml").write_text(_junit(cases), encoding="utf-8")
    for file in mojo:
        case = TestCase("test_one", file, Status.PASSED, 0.1)
        write_result(folder / "mojo" / f"{file.replace('/', '__')}.json",
                     FileResult(file=file, key="k", cases=(case,)))  # fmt: skip
    return folder


def _layout(root: Path) -> Layout:
    return Layout(RepoDir(root / "repo" / ".gauntlet"), BuildDir(root / "build"))


def test_shards_merge_into_one_junit_file_and_one_mojo_report(tmp_path: Path) -> None:
    first = [("tests.test_a", "t1", "passed"), ("tests.test_a", "t2", "failed")]
    second = [("tests.test_b", "t1", "skipped"), ("tests.test_b.K", "t1", "passed")]
    one = _shard(tmp_path, 0, 2, first, ("tests/a.mojo",))
    two = _shard(tmp_path, 1, 2, second, ("tests/b.mojo",))
    layout = _layout(tmp_path)
    merged = merge([two, one], layout)
    assert [s.index for s in merged.shards] == [0, 1]
    assert merged.python == {"junit-python-3.11.xml": 4}
    run = read_junit(layout.repo.python / "junit-python-3.11.xml")
    assert (run.total, run.failed, run.skipped) == (4, 1, 1)
    suite = ET.parse(layout.repo.python / "junit-python-3.11.xml").getroot()[0]
    assert (suite.get("tests"), suite.get("failures"), suite.get("time")) == ("4", "1", "2.000")
    assert merged.mojo_files == 2
    assert read_junit(layout.build.junit_mojo).total == 2
    assert layout.build.test_result("tests/b.mojo").is_file()


def test_a_test_in_two_shards_is_an_error_naming_both(tmp_path: Path) -> None:
    one = _shard(tmp_path, 0, 2, [("tests.test_a", "t1", "passed")])
    two = _shard(
        tmp_path, 1, 2, [("tests.test_b", "t1", "passed"), ("tests.test_a", "t1", "passed")]
    )
    with pytest.raises(ResultError) as caught:
        merge([one, two], _layout(tmp_path))
    message = str(caught.value)
    assert "tests.test_a::t1" in message
    assert f"shard 0 ({one})" in message
    assert f"shard 1 ({two})" in message


def test_a_mojo_file_in_two_shards_is_an_error_naming_both(tmp_path: Path) -> None:
    one = _shard(tmp_path, 0, 2, [], ("tests/a.mojo",))
    two = _shard(tmp_path, 1, 2, [], ("tests/a.mojo",))
    with pytest.raises(ResultError, match=r"tests/a\.mojo is in shard 0 .* and shard 1"):
        merge([one, two], _layout(tmp_path))


def test_missing_repeated_and_foreign_shards_are_refused(tmp_path: Path) -> None:
    one = _shard(tmp_path, 0, 3, [("a", "t", "passed")])
    two = _shard(tmp_path, 1, 3, [("b", "t", "passed")])
    layout = _layout(tmp_path)
    with pytest.raises(UsageError, match=r"shard\(s\) 2 of 3 missing"):
        merge([one, two], layout)
    again = tmp_path / "again"
    shutil.copytree(two, again)
    with pytest.raises(UsageError, match=f"shard 1 twice: {again} and {two}"):
        merge([one, two, again], layout)
    other = _shard(tmp_path, 2, 4, [("c", "t", "passed")])
    with pytest.raises(UsageError, match="different plans"):
        merge([one, two, other], layout)
    with pytest.raises(UsageError, match=r"no shard\.json"):
        merge([tmp_path], layout)
    assert not layout.repo.python.exists()  # nothing written by a refused merge
