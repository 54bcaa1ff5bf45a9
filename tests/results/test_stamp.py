from __future__ import annotations

import json
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
