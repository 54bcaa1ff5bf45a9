"""Wheels written deterministically: order, stamps, modes, RECORD, tag, requirements."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from typing import TYPE_CHECKING

import pytest

from gauntlet.errors import GauntletError
from gauntlet.release.wheelfile import (
    Member,
    add_requirements,
    read_members,
    record_hash,
    retag,
    wheel_name,
    with_record,
    zip_bytes,
)

if TYPE_CHECKING:
    from pathlib import Path

DI = "pkg-1.0.dist-info"
MEMBERS = (
    Member(f"{DI}/WHEEL", b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n"),
    Member(f"{DI}/METADATA", b"Metadata-Version: 2.4\nName: pkg\nVersion: 1.0\n\nThe body.\n"),
    Member("pkg/__init__.py", b"x = 1\n"),
    Member("pkg/ext.so", b"\x7fELF fake", executable=True),
    Member(f"{DI}/RECORD", b"stale"),
)


def test_same_members_in_any_order_give_the_same_bytes() -> None:
    first = zip_bytes(MEMBERS, 1700000000)
    assert zip_bytes(reversed(MEMBERS), 1700000000) == first
    assert zip_bytes(MEMBERS, 1700003600) != first  # the stamp is the epoch


def test_entries_sorted_dist_info_last_with_fixed_stamps_and_modes(tmp_path: Path) -> None:
    path = tmp_path / "w.whl"
    path.write_bytes(zip_bytes(with_record(MEMBERS), 1700000000))
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == [
        "pkg/__init__.py",
        "pkg/ext.so",
        f"{DI}/METADATA",
        f"{DI}/WHEEL",
        f"{DI}/RECORD",
    ]
    assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}
    modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in infos}
    assert modes["pkg/ext.so"] == 0o755
    assert modes["pkg/__init__.py"] == 0o644
    assert read_members(path)[1] == Member("pkg/ext.so", b"\x7fELF fake", executable=True)


def test_epoch_before_1980_is_clamped(tmp_path: Path) -> None:
    path = tmp_path / "w.whl"
    path.write_bytes(zip_bytes(MEMBERS[:1], 0))
    with zipfile.ZipFile(path) as archive:
        assert archive.infolist()[0].date_time == (1980, 1, 1, 0, 0, 0)


def test_record_is_computed_from_the_bytes() -> None:
    members = with_record(MEMBERS)
    record = members[-1]
    assert record.name == f"{DI}/RECORD"
    lines = record.data.decode().splitlines()
    digest = base64.urlsafe_b64encode(hashlib.sha256(b"x = 1\n").digest()).rstrip(b"=").decode()
    assert "pkg/__init__.py,sha256=" + digest + ",6" in lines
    assert lines[-1] == f"{DI}/RECORD,,"
    assert len(lines) == 5  # four files and RECORD itself, the stale one dropped
    empty = "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"  # pragma: allowlist secret
    assert record_hash(b"") == empty


def test_retag_marks_platform_wheel() -> None:
    changed = retag(MEMBERS, "cp311-cp311-linux_x86_64")
    wheel = next(m for m in changed if m.name.endswith("WHEEL")).data.decode()
    assert wheel == (
        "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n\n"
    )
    assert wheel_name(changed, "cp311-cp311-linux_x86_64") == (
        "pkg-1.0-cp311-cp311-linux_x86_64.whl"
    )


def test_requirements_go_into_the_metadata_headers() -> None:
    changed = add_requirements(MEMBERS, ["mojo-compiler==1.2.0"])
    metadata = next(m for m in changed if m.name.endswith("METADATA")).data.decode()
    assert metadata == (
        "Metadata-Version: 2.4\nName: pkg\nVersion: 1.0\n"
        "Requires-Dist: mojo-compiler==1.2.0\n\nThe body.\n"
    )
    again = add_requirements(changed, ["mojo-compiler==1.2.0"])
    assert again == changed


def test_a_wheel_without_one_dist_info_is_refused() -> None:
    with pytest.raises(GauntletError, match=r"one \.dist-info folder, found none"):
        with_record((Member("pkg/a.py", b""),))


def test_an_unreadable_wheel_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.whl"
    path.write_bytes(b"not a zip")
    with pytest.raises(GauntletError, match=r"broken\.whl: not a readable wheel"):
        read_members(path)
