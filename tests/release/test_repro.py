"""Build twice, compare byte for byte, and name what differs inside the archives."""

from __future__ import annotations

import gzip
import io
import tarfile
import time
from typing import TYPE_CHECKING

from gauntlet.release.archive import normal_sdist
from gauntlet.release.repro import ONLY_FIRST, ONLY_SECOND, compare, member_diff
from gauntlet.release.wheelfile import Member, zip_bytes

if TYPE_CHECKING:
    from pathlib import Path

EPOCH = 1700000000


def sdist(path: Path, files: dict[str, bytes], *, mtime: int, gzip_time: int) -> Path:
    """A tar.gz stamped the way a backend stamps it (file mtimes, gzip header time)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as out:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.uid, info.uname = len(data), mtime, 1000, "builder"
            out.addfile(info, io.BytesIO(data))
    path.write_bytes(gzip.compress(raw.getvalue(), mtime=gzip_time))
    return path


def dist(folder: Path, **files: bytes) -> Path:
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_identical_builds_are_reproducible(tmp_path: Path) -> None:
    wheel = zip_bytes([Member("p/__init__.py", b"x")], EPOCH)
    first = dist(tmp_path / "a", **{"p-1-py3-none-any.whl": wheel, "p.mojoc": b"pkg"})
    second = dist(tmp_path / "b", **{"p-1-py3-none-any.whl": wheel, "p.mojoc": b"pkg"})
    verdict = compare(first, second, EPOCH)
    assert verdict.reproducible
    assert verdict.to_json() == {
        "schema_version": 1,
        "reproducible": True,
        "epoch": EPOCH,
        "compared": ["p-1-py3-none-any.whl", "p.mojoc"],
        "differences": [],
    }
    assert verdict.summary() == "reproducible: 2 artifacts the same in both builds"


def test_a_differing_wheel_names_its_differing_members(tmp_path: Path) -> None:
    same = Member("p/__init__.py", b"x")
    a = zip_bytes([same, Member("p/ext.so", b"one"), Member("p/old.py", b"")], EPOCH)
    b = zip_bytes([same, Member("p/ext.so", b"two"), Member("p/new.py", b"")], EPOCH)
    verdict = compare(dist(tmp_path / "a", **{"p.whl": a}), dist(tmp_path / "b", **{"p.whl": b}), 0)
    assert not verdict.reproducible
    assert [d.to_json() for d in verdict.differences] == [
        {
            "artifact": "p.whl",
            "members": ["p/ext.so", f"p/new.py {ONLY_SECOND}", f"p/old.py {ONLY_FIRST}"],
        }
    ]
    assert "  p.whl: p/ext.so, p/new.py" in verdict.summary()


def test_a_member_stamped_differently_is_named(tmp_path: Path) -> None:
    a = zip_bytes([Member("p/a.py", b"x")], EPOCH)
    b = zip_bytes([Member("p/a.py", b"x")], EPOCH + 3600)
    assert member_diff(
        dist(tmp_path / "a", **{"p.whl": a}) / "p.whl",
        dist(tmp_path / "b", **{"p.whl": b}) / "p.whl",
    ) == ("p/a.py",)


def test_sdists_as_backends_write_them_differ_and_their_normal_form_does_not(
    tmp_path: Path,
) -> None:
    files = {"p-1/PKG-INFO": b"Name: p\n", "p-1/p/__init__.py": b"x = 1\n"}
    now = int(time.time())
    first = sdist(tmp_path / "first.tar.gz", files, mtime=now, gzip_time=now)
    second = sdist(tmp_path / "second.tar.gz", files, mtime=now + 5, gzip_time=now + 5)
    assert first.read_bytes() != second.read_bytes()
    assert member_diff(first, second) == ("p-1/PKG-INFO", "p-1/p/__init__.py")
    normal = normal_sdist(first, EPOCH)
    assert normal == normal_sdist(second, EPOCH)
    (tmp_path / "n.tar.gz").write_bytes(normal)
    with tarfile.open(tmp_path / "n.tar.gz") as archive:
        infos = archive.getmembers()
        assert [i.name for i in infos] == sorted(files)
        assert {(i.mtime, i.uid, i.uname, i.mode) for i in infos} == {(EPOCH, 0, "", 0o644)}
        assert archive.extractfile("p-1/p/__init__.py").read() == b"x = 1\n"  # type: ignore[union-attr]


def test_an_artifact_missing_from_one_build_is_a_difference(tmp_path: Path) -> None:
    verdict = compare(dist(tmp_path / "a", x=b"1", y=b"2"), dist(tmp_path / "b", x=b"1"), EPOCH)
    assert [d.to_json() for d in verdict.differences] == [
        {"artifact": "y", "members": [ONLY_FIRST]}
    ]
    assert verdict.compared == ("x",)


def test_a_plain_file_that_differs_has_no_members(tmp_path: Path) -> None:
    verdict = compare(
        dist(tmp_path / "a", **{"p.mojoc": b"1"}), dist(tmp_path / "b", **{"p.mojoc": b"2"}), EPOCH
    )
    assert verdict.differences[0].members == ()
    assert "same members, packed differently" in verdict.summary()


def test_nothing_built_is_not_reproducible(tmp_path: Path) -> None:
    verdict = compare(dist(tmp_path / "a"), dist(tmp_path / "b"), EPOCH)
    assert not verdict.reproducible
    assert verdict.summary() == "not reproducible: nothing was built to compare"
