"""Release archives opened as members, and the sdist in its normal form.

setuptools writes an sdist with each file's own mtime and the builder's user
and group, and gzip stamps its header with the time of writing, so two
builds of one commit differ though every file inside is the same (measured
on the sample: see :mod:`gauntlet.release.repro`).  :func:`normal_sdist`
writes the same files again the way :mod:`gauntlet.release.wheelfile` writes
wheels: sorted, every mtime the build's epoch, owner ``0:0`` without names,
mode ``0644``/``0755``, and a gzip header without a name or time.
"""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from typing import TYPE_CHECKING

from gauntlet.errors import GauntletError

if TYPE_CHECKING:
    from pathlib import Path


def _tar_info(source: tarfile.TarInfo, epoch: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(source.name)
    info.type = source.type
    info.size = source.size if source.isfile() else 0
    info.linkname = source.linkname
    info.mtime = epoch
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    executable = source.isdir() or bool(source.mode & 0o111)
    info.mode = 0o755 if executable else 0o644
    return info


def normal_sdist(path: Path, epoch: int) -> bytes:
    """The bytes of the sdist at ``path`` in the normal form described above."""
    raw = io.BytesIO()
    try:
        with tarfile.open(path, "r:gz") as source:
            members = sorted(source.getmembers(), key=lambda m: m.name)
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as out:
                for member in members:
                    data = source.extractfile(member) if member.isfile() else None
                    out.addfile(_tar_info(member, epoch), data)
    except (OSError, tarfile.TarError) as exc:
        raise GauntletError(f"{path}: not a readable sdist: {exc}") from None
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return packed.getvalue()


def members(path: Path) -> dict[str, bytes]:
    """The files of a wheel (zip) or sdist (tar.gz) by name, with their bytes.

    A member's entry also carries what the archive records beside its bytes
    (time, mode, owner), so two archives whose files are equal but stamped
    differently still show which members differ.
    """
    found: dict[str, bytes] = {}
    try:
        if path.name.endswith((".whl", ".zip")):
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    meta = f"{info.date_time} {info.external_attr:o}".encode()
                    found[info.filename] = meta + b"\0" + archive.read(info)
        elif path.name.endswith((".tar.gz", ".tgz")):
            with tarfile.open(path, "r:gz") as archive:
                for member in archive.getmembers():
                    stream = archive.extractfile(member) if member.isfile() else None
                    meta = (
                        f"{member.mtime} {member.mode:o} {member.uid}:{member.gid} "
                        f"{member.uname}:{member.gname} {member.type!r}"
                    ).encode()
                    found[member.name] = meta + b"\0" + (stream.read() if stream else b"")
    except (OSError, zipfile.BadZipFile, tarfile.TarError) as exc:
        raise GauntletError(f"{path}: cannot open the archive: {exc}") from None
    return found
