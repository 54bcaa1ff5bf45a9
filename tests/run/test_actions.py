from __future__ import annotations

from pathlib import Path

import pytest

from gauntlet.results.stamp import write_stamp
from gauntlet.run.actions import artifact_current, compile_command, compile_slot, key_file


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
