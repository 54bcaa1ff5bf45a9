"""Build and test steps take what the shared cache holds for their key, and upload what they make.

The compiler is a path that does not exist: a step that compiled would fail,
so a step that succeeds took its output from the cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gauntlet.cache.store import forget_opened, open_cache
from gauntlet.config.history import CacheSettings
from gauntlet.errors import GauntletError
from gauntlet.results.records import FileResult, Status, TestCase, read_result, write_result
from gauntlet.results.stamp import Check, check
from gauntlet.run.actions import Job, build_artifact
from gauntlet.run.testfile import run_test_file

KEY = "12" * 32


@pytest.fixture(autouse=True)
def _fresh() -> None:
    forget_opened()


def _job(tmp_path: Path, clone: str, output: str, kind: str = "package") -> Job:
    root = tmp_path / clone
    (root / "tests").mkdir(parents=True, exist_ok=True)
    (root / "tests/test_a.mojo").write_text("def main():\n    pass\n", encoding="utf-8")
    return Job(
        mojo=str(tmp_path / "no-such-mojo"), root=str(root), source="tests/test_a.mojo",
        output=str(root / ".gauntlet" / output), key=KEY, include=[], flags=[], timeout=30,
        kind=kind, out_dir=str(root / ".gauntlet"), toolchain="mojo 1.2.0",
        cache=CacheSettings(url=str(tmp_path / "shared")),
    )  # fmt: skip


def _files(target: Path) -> dict[str, tuple[Path, bool]]:
    return {"result.json": (target, False), "result.xml": (target.with_suffix(".xml"), False)}


def _settings(tmp_path: Path) -> CacheSettings:
    return CacheSettings(url=str(tmp_path / "shared"))


def test_an_artifact_in_the_cache_is_not_built(tmp_path: Path) -> None:
    made = tmp_path / "made.mojoc"
    made.write_bytes(b"precompiled package bytes")
    cache = open_cache(_settings(tmp_path), tmp_path, tmp_path / "unused", {})
    assert cache is not None
    assert cache.store("artifact", KEY, {"artifact": (made, False)})
    job = _job(tmp_path, "two", "build/pkg/a.mojoc")
    done = build_artifact(job)
    assert done == {"status": "passed", "seconds": 0.0, "output": job.output, "cached": True}
    assert Path(job.output).read_bytes() == made.read_bytes()
    assert check(Path(job.output), KEY) is Check.CURRENT  # stamped as if built here


def test_a_passing_result_in_the_cache_is_neither_compiled_nor_run(tmp_path: Path) -> None:
    first = _job(tmp_path, "one", "results/mojo/tests__test_a.mojo.json")
    case = TestCase("test_a", "tests/test_a.mojo", Status.PASSED, 0.25)
    result = FileResult("tests/test_a.mojo", KEY, (case,), 3.5, 0.25, 0, "mojo 1.2.0")
    target = Path(first.output)
    write_result(target, result)
    target.with_suffix(".xml").write_text("<testsuites/>\n", encoding="utf-8")
    shared = first.shared()
    assert shared is not None
    assert shared.store("result", KEY, _files(target))
    second = _job(tmp_path, "two", "results/mojo/tests__test_a.mojo.json")
    summary = run_test_file(second)
    assert summary["cached"] is True
    assert summary["status"] == "passed"
    assert summary["compile_s"] == 3.5  # the first machine's figures, as recorded
    assert read_result(Path(second.output)) == result
    assert Path(second.output).with_suffix(".xml").is_file()


def test_a_failing_result_is_not_taken_from_the_cache(tmp_path: Path) -> None:
    first = _job(tmp_path, "one", "results/mojo/tests__test_a.mojo.json")
    case = TestCase("test_a", "tests/test_a.mojo", Status.FAILED, 0.25, "boom")
    target = Path(first.output)
    write_result(target, FileResult("tests/test_a.mojo", KEY, (case,), 3.5, 0.25, 1))
    target.with_suffix(".xml").write_text("<testsuites/>\n", encoding="utf-8")
    shared = first.shared()
    assert shared is not None
    assert shared.store("result", KEY, _files(target))
    second = _job(tmp_path, "two", "results/mojo/tests__test_a.mojo.json")
    with pytest.raises(GauntletError):  # it compiles: the compiler is missing
        run_test_file(second)
    assert not Path(second.output).exists()
