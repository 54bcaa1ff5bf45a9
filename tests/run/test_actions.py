from __future__ import annotations

from pathlib import Path

import pytest

from gauntlet.errors import ToolError
from gauntlet.layout import BuildDir
from gauntlet.results.records import read_result
from gauntlet.results.stamp import stamp_path as key_file
from gauntlet.results.stamp import write_stamp
from gauntlet.run.actions import Job, artifact_current
from gauntlet.run.mojocmd import compile_command, compile_slot
from gauntlet.run.testfile import run_test_file


def test_concurrent_compiles_get_their_own_mojo_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with compile_slot() as first, compile_slot() as second, compile_slot() as third:
        assert first["XDG_CACHE_HOME"] == str(tmp_path)  # slot 0: the user's own cache
        assert second["XDG_CACHE_HOME"] == str(tmp_path / "gauntlet-mojo-slots" / "slot-1")
        assert third["XDG_CACHE_HOME"] == str(tmp_path / "gauntlet-mojo-slots" / "slot-2")
    with compile_slot() as again:
        assert again["XDG_CACHE_HOME"] == str(tmp_path)  # slots are given back


def test_defines_reach_programs_but_not_the_package_command() -> None:
    flags = ["-D", "ASSERT=all", "-DFAST", "--define=X=1", "--disable-warnings"]
    package = compile_command("mojo", "package", "p", "p.mojoc", [], flags)
    assert package == ["mojo", "precompile", "--disable-warnings", "p", "-o", "p.mojoc"]
    program = compile_command("mojo", "executable", "t.mojo", "t", [], flags)
    assert program[2:7] == flags


def test_compile_commands() -> None:
    assert compile_command("mojo", "package", "src/p", "out/p.mojoc", ["src"], ["-O3"]) == [
        "mojo",
        "precompile",
        "-I",
        "src",
        "-O3",
        "src/p",
        "-o",
        "out/p.mojoc",
    ]
    assert compile_command("mojo", "extension", "e.mojo", "e.so", ["a", "b"], []) == [
        "mojo",
        "build",
        "-I",
        "a",
        "-I",
        "b",
        "--emit",
        "shared-lib",
        "e.mojo",
        "-o",
        "e.so",
    ]
    assert compile_command("mojo", "executable", "m.mojo", "m", [], []) == [
        "mojo",
        "build",
        "m.mojo",
        "-o",
        "m",
    ]


def test_artifact_current_needs_the_artifact_and_its_key(tmp_path: Path) -> None:
    artifact = tmp_path / "lib.mojoc"
    assert not artifact_current(str(artifact), "k")
    artifact.write_bytes(b"x")
    assert not artifact_current(str(artifact), "k")  # no key file: an interrupted build
    key_file(artifact).write_text("k\n", encoding="utf-8")  # the key alone, no digest
    assert not artifact_current(str(artifact), "k")  # made before digests: rebuilt once
    write_stamp(artifact, "k")
    assert artifact_current(str(artifact), "k")
    assert not artifact_current(str(artifact), "other")


def test_truncated_artifact_with_an_intact_key_file_is_not_current(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    artifact = tmp_path / "pkg" / "lib.mojoc"
    artifact.parent.mkdir()
    artifact.write_bytes(b"\x7fELF" + b"\x01" * 50_000)
    write_stamp(artifact, "k")
    assert artifact_current(str(artifact), "k")
    with artifact.open("r+b") as handle:
        handle.truncate(20_000)
    assert key_file(artifact).exists()
    assert not artifact_current(str(artifact), "k")
    assert not artifact_current(str(artifact), "k")
    err = capsys.readouterr().err
    assert err.count(f"gauntlet: warning: {artifact} does not match the digest") == 1


def test_a_cached_program_is_reused_only_while_it_matches_its_digest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "a" * 64
    out_dir = tmp_path / ".gauntlet"
    job = Job(
        mojo="/nonexistent/mojo",  # any compile attempt shows as a ToolError
        root=str(tmp_path),
        source="tests/test_x.mojo",
        output=str(out_dir / "results/mojo/tests__test_x.mojo.json"),
        key=key,
        include=[],
        flags=[],
        timeout=30.0,
        out_dir=str(out_dir),
    )
    binary = BuildDir(out_dir).program("tests", "tests/test_x.mojo", key)
    binary.parent.mkdir(parents=True)
    binary.write_bytes(b"#!/bin/sh\necho PASS\n" + b"#" * 4000)
    write_stamp(binary, key)
    assert job.program("tests") == (binary, None, 0.0)  # intact: reused, no compile
    with binary.open("r+b") as handle:
        handle.truncate(100)
    with pytest.raises(ToolError, match="cannot start /nonexistent/mojo"):
        job.program("tests")  # corrupt: rebuilt, never run
    assert f"{binary} does not match the digest" in capsys.readouterr().err
    key_file(binary).unlink()
    with pytest.raises(ToolError, match="cannot start /nonexistent/mojo"):
        job.program("tests")  # no stamp (an interrupted or older build): rebuilt


def test_a_test_printing_megabytes_is_kept_bounded_and_marked_truncated(tmp_path: Path) -> None:
    key = "b" * 64
    out_dir = tmp_path / ".gauntlet"
    job = Job(
        mojo="/nonexistent/mojo",  # the program is cached: nothing compiles
        root=str(tmp_path),
        source="tests/test_loud.mojo",
        output=str(out_dir / "results/mojo/tests__test_loud.mojo.json"),
        key=key,
        include=[],
        flags=[],
        timeout=60.0,
        out_dir=str(out_dir),
    )
    binary = BuildDir(out_dir).program("tests", "tests/test_loud.mojo", key)
    binary.parent.mkdir(parents=True)
    script = "#!/bin/sh\necho '    PASS [ 0.001 ] test_first'\n"
    script += "yes 0123456789abcdef0123456789 | head -n 300000\n"  # 8 MB
    script += "echo '    PASS [ 0.001 ] test_last'\n"
    binary.write_text(script, encoding="utf-8")
    binary.chmod(0o755)
    write_stamp(binary, key)
    values = run_test_file(job)
    assert values["status"] == "passed"
    result = read_result(Path(job.output))
    assert [c.name for c in result.cases] == ["test_first", "test_last"]  # head and tail kept
    total = 2 * len("    PASS [ 0.001 ] test_first\n") - 1 + 300_000 * 27
    assert result.extra["output_bytes"] == total
    assert total - 2 * 1024 * 1024 < result.extra["omitted_bytes"] < total - 2 * 1024 * 1024 + 100
    assert result.output_tail.startswith(
        f"[output truncated: {result.extra['omitted_bytes']} of {total} bytes not kept]\n"
    )
