from __future__ import annotations

import json
import os
import shutil
import time
from typing import TYPE_CHECKING

from gauntlet.results.stamp import (
    STAMP_VERSION,
    Check,
    Stamp,
    check,
    file_sha256,
    read_stamp,
    stamp_path,
    write_stamp,
)

if TYPE_CHECKING:
    from pathlib import Path


def test_a_stamp_records_key_digest_and_size(tmp_path: Path) -> None:
    artifact = tmp_path / "pkg.mojoc"
    artifact.write_bytes(b"\x7fELF" + bytes(range(256)) * 40)
    stamp = write_stamp(artifact, "k1")
    assert stamp_path(artifact) == tmp_path / "pkg.mojoc.key"
    data = json.loads(stamp_path(artifact).read_text(encoding="utf-8"))
    assert data == {
        "schema_version": STAMP_VERSION,
        "key": "k1",
        "sha256": file_sha256(artifact),
        "size": artifact.stat().st_size,
    }
    assert read_stamp(artifact) == stamp == Stamp.from_json(data)
    assert check(artifact, "k1") is Check.CURRENT
    assert check(artifact, "k2") is Check.STALE


def test_truncated_or_altered_bytes_are_corrupt(tmp_path: Path) -> None:
    artifact = tmp_path / "test_x"
    payload = bytes(range(256)) * 64
    artifact.write_bytes(payload)
    write_stamp(artifact, "k")
    artifact.write_bytes(payload[: len(payload) // 2])  # truncated
    assert check(artifact, "k") is Check.CORRUPT
    artifact.write_bytes(payload[:-1] + b"\x00")  # same size, one byte changed
    assert check(artifact, "k") is Check.CORRUPT
    assert not check(artifact, "k").usable
    artifact.write_bytes(payload)
    assert check(artifact, "k").usable


def test_missing_pieces_and_old_stamps_are_never_current(tmp_path: Path) -> None:
    artifact = tmp_path / "lib.so"
    assert check(artifact, "k") is Check.ABSENT  # nothing built
    artifact.write_bytes(b"lib")
    assert check(artifact, "k") is Check.ABSENT  # an interrupted build: no stamp
    stamp_path(artifact).write_text("k\n", encoding="utf-8")  # version 1: the bare key
    assert check(artifact, "k") is Check.STALE
    assert read_stamp(artifact) is None
    for garbled in ('{"schema_version": 2, "key": "k"}', "[1, 2]", "{", '"k"'):
        stamp_path(artifact).write_text(garbled, encoding="utf-8")
        assert check(artifact, "k") is Check.STALE, garbled
    write_stamp(artifact, "k")
    artifact.unlink()
    assert check(artifact, "k") is Check.ABSENT


def _unchanged_since_checked(artifact: Path) -> None:
    """Check until the stamp records the artifact's stat and a check trusts it."""
    for _ in range(200):
        assert check(artifact, "k") is Check.CURRENT
        data = json.loads(stamp_path(artifact).read_text(encoding="utf-8"))
        info = artifact.stat()
        seen = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
        if data.get("stat") == seen and seen[2] < stamp_path(artifact).stat().st_mtime_ns:
            return
        time.sleep(0.01)  # the clock tick of the artifact's last change has not passed
    raise AssertionError("the stamp never recorded the artifact's stat")


def test_a_checked_artifact_is_not_hashed_again_while_its_stat_holds(tmp_path: Path) -> None:
    artifact = tmp_path / "test_x"
    artifact.write_bytes(b"\x7fELF" + bytes(range(256)) * 8)
    write_stamp(artifact, "k")
    assert "stat" not in json.loads(stamp_path(artifact).read_text(encoding="utf-8"))
    _unchanged_since_checked(artifact)
    # a stamp whose digest no longer matches is still CURRENT: the bytes were not read
    data = json.loads(stamp_path(artifact).read_text(encoding="utf-8"))
    stamp_path(artifact).write_text(json.dumps({**data, "sha256": "0" * 64}), encoding="utf-8")
    assert check(artifact, "k") is Check.CURRENT
    found = read_stamp(artifact)
    assert found is not None
    assert found.sha256 == "0" * 64  # and it was not rewritten


def test_an_artifact_rewritten_in_place_with_size_and_mtime_restored_is_corrupt(
    tmp_path: Path,
) -> None:
    artifact = tmp_path / "test_x"
    payload = bytes(range(256)) * 16
    artifact.write_bytes(payload)
    write_stamp(artifact, "k")
    _unchanged_since_checked(artifact)
    before = artifact.stat()
    time.sleep(0.02)  # a later clock tick, as any later edit has
    with artifact.open("r+b") as handle:  # same inode, same size, one byte changed
        handle.write(b"\xff")
    os.utime(artifact, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime restored
    after = artifact.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    assert after.st_ctime_ns != before.st_ctime_ns
    assert check(artifact, "k") is Check.CORRUPT
    # a copy with every time preserved (cp -p) is a new inode: hashed, found intact
    artifact.write_bytes(payload)
    _unchanged_since_checked(artifact)
    copy = tmp_path / "copy"
    shutil.copy2(artifact, copy)
    shutil.copy2(stamp_path(artifact), stamp_path(copy))
    copy.write_bytes(payload[:-1] + b"\x01")
    os.utime(copy, ns=(before.st_atime_ns, artifact.stat().st_mtime_ns))
    assert check(copy, "k") is Check.CORRUPT
