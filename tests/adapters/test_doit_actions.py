"""The doit tasks' up-to-date checks on stored results and cached programs (no compiler)."""

from __future__ import annotations

import inspect
import os
from typing import TYPE_CHECKING

from gauntlet.adapters.doit_actions import (
    all_current,
    check_outcomes,
    forget_verdicts,
    outcome_current,
)
from gauntlet.layout import BuildDir
from gauntlet.results.records import FileResult, Status, TestCase, write_result
from gauntlet.results.stamp import settled_before, stamp_path, write_stamp

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_a_test_with_a_corrupt_cached_program_is_not_up_to_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build = BuildDir(tmp_path / ".gauntlet")
    source, key = "tests/test_a.mojo", "f" * 64
    output = build.test_result(source)
    write_result(output, FileResult(source, key, (TestCase("test_a", source, Status.PASSED),)))
    program = build.program("tests", source, key)
    program.parent.mkdir(parents=True)
    item = ("test:" + source, str(output), key, [str(program)])

    # a passed result is current whether or not its program is still kept
    assert outcome_current("test", str(output), key, [str(program)])
    program.write_bytes(b"\x7fELF" + b"\x02" * 100_000)
    write_stamp(program, key)
    assert outcome_current("test", str(output), key, [str(program)])
    assert all_current("test", [item])

    with program.open("r+b") as handle:  # a restored cache cut the binary short
        handle.truncate(4096)
    assert stamp_path(program).exists()
    assert not outcome_current("test", str(output), key, [str(program)])
    assert not all_current("test", [item])
    failed = check_outcomes("test", [item])
    assert not isinstance(failed, dict)
    assert "1 of 1 did not pass: test:tests/test_a.mojo" in str(failed.message)
    err = capsys.readouterr().err
    assert err.count(f"gauntlet: warning: {program} does not match the digest") == 1


def test_a_build_artifact_is_judged_by_its_digest(tmp_path: Path) -> None:
    artifact = tmp_path / "pkg" / "lib.mojoc"
    artifact.parent.mkdir()
    artifact.write_bytes(b"abc" * 1000)
    write_stamp(artifact, "k")
    assert outcome_current("build", str(artifact), "k")
    artifact.write_bytes(b"abc" * 999)
    assert not outcome_current("build", str(artifact), "k")


def test_a_verdict_is_reused_only_while_every_file_it_read_is_unchanged(tmp_path: Path) -> None:
    build = BuildDir(tmp_path / ".gauntlet")
    source, key = "tests/test_a.mojo", "e" * 64
    output = build.test_result(source)
    write_result(output, FileResult(source, key, (TestCase("test_a", source, Status.PASSED),)))
    program = build.program("tests", source, key)
    program.parent.mkdir(parents=True)
    program.write_bytes(b"\x7fELF" + b"\x01" * 50_000)
    write_stamp(program, key)
    item = ("test:" + source, str(output), key, [str(program)])
    forget_verdicts()
    assert outcome_current("test", str(output), key, [str(program)])

    # same size, same mtime, other bytes: the memo sees the change (ctime), the digest rejects it
    info = program.stat()
    with program.open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00")
    os.utime(program, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert not all_current("test", [item])

    write_stamp(program, key)  # a rebuilt program: good again, then the result is altered
    assert all_current("test", [item])
    write_result(output, FileResult(source, key, (TestCase("test_a", source, Status.FAILED),)))
    assert not outcome_current("test", str(output), key, [str(program)])
    output.unlink()
    assert not all_current("test", [item])


def test_up_to_date_checks_carry_their_signature_for_doit() -> None:
    """doit inspects every task's up-to-date callable on every run; the answer is kept."""
    from doit.dependency import Dependency, SqliteDB
    from doit.task import Task

    from gauntlet.adapters import doit_actions as act
    from gauntlet.adapters import doit_tasks  # signs the report task's check
    from gauntlet.views.report import report_current

    for check in (act.toolchain_ready, act.outcome_current, act.all_current, report_current):
        assert inspect.signature(check) is inspect.signature(check)  # computed once
        assert next(iter(inspect.signature(check).parameters)) not in ("task", "values")
    # doit still calls them with the task's arguments
    task = Task("t", None, uptodate=[(act.all_current, ["test", []])])
    assert Dependency(SqliteDB, ":memory:").get_status(task, {}).status == "up-to-date"
    assert doit_tasks.DEFAULT_TASKS[-1] == "report"


def test_verdicts_kept_for_the_next_run_hold_only_while_nothing_they_read_changed(
    tmp_path: Path,
) -> None:
    from gauntlet.adapters import doit_actions as act

    build = BuildDir(tmp_path / ".gauntlet")
    source, key = "tests/test_a.mojo", "f" * 64
    output = build.test_result(source)
    write_result(output, FileResult(source, key, (TestCase("test_a", source, Status.PASSED),)))
    kept = tmp_path / "verdicts.json"
    os.utime(output, ns=(1, 1))  # sets ctime now; wait out the clock tick before checking
    settled = settled_before()
    while settled_before() <= output.stat().st_ctime_ns or settled == settled_before():
        pass
    act.load_verdicts(kept)  # none yet
    assert outcome_current("test", str(output), key)
    act.save_verdicts()
    assert str(output) in kept.read_text()

    # a new run: the kept verdict answers while the result's stat holds ...
    act.forget_verdicts()
    act.load_verdicts(kept)
    memo = ("test", str(output), key, ())
    assert memo in act._verdicts
    assert outcome_current("test", str(output), key)
    # ... and not once it changed: rewritten in place, same size and mtime, the check reads it
    info = output.stat()
    text = output.read_text()
    output.write_text(text.replace('"passed"', '"failed"'))
    os.utime(output, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert not outcome_current("test", str(output), key)

    # a garbled file is no verdict at all
    kept.write_text("{not json")
    act.forget_verdicts()
    act.load_verdicts(kept)
    assert not act._verdicts
