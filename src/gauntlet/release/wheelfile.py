"""Wheels read and written byte for byte the same on every build.

A wheel the backend made is opened, changed (the Mojo extension added, the
tag and the requirements rewritten) and written again here.  What is written
depends only on the members and the epoch: entries sorted by name with the
``.dist-info`` folder last and ``RECORD`` the very last (the order wheel
writers use), every timestamp the build's ``SOURCE_DATE_EPOCH`` (at least
1980-01-01, the first date a zip can hold), permissions ``0644`` or ``0755``
(executable or not, nothing else of the source's mode), one compression level,
and ``RECORD`` computed afresh from the bytes written.
"""

from __future__ import annotations

import base64
import hashlib
import io
import stat
import time
import zipfile
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from gauntlet.errors import GauntletError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

ZIP_EPOCH_MIN = 315532800  # 1980-01-01T00:00:00Z, the earliest zip timestamp
COMPRESS_LEVEL = 6


@dataclass(frozen=True)
class Member:
    """One file of an archive: its name, bytes and whether it is executable."""

    name: str
    data: bytes
    executable: bool = False


def read_members(path: Path) -> tuple[Member, ...]:
    """The files of the zip archive at ``path`` (folders left out)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return tuple(
                Member(info.filename, archive.read(info), bool((info.external_attr >> 16) & 0o111))
                for info in archive.infolist()
                if not info.is_dir()
            )
    except (OSError, zipfile.BadZipFile) as exc:
        raise GauntletError(f"{path}: not a readable wheel: {exc}") from None


def _order(member: Member) -> tuple[bool, bool, str]:
    folder = member.name.split("/", 1)[0]
    return (folder.endswith(".dist-info"), member.name.endswith(".dist-info/RECORD"), member.name)


def zip_bytes(members: Iterable[Member], epoch: int) -> bytes:
    """The deterministic zip archive of ``members`` stamped with ``epoch``."""
    stamp = time.gmtime(max(epoch, ZIP_EPOCH_MIN))[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as out:
        for member in sorted(members, key=_order):
            info = zipfile.ZipInfo(member.name, date_time=stamp)
            mode = 0o755 if member.executable else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode above is read back
            out.writestr(info, member.data, compresslevel=COMPRESS_LEVEL)
    return buffer.getvalue()


def record_hash(data: bytes) -> str:
    """The ``sha256=…`` field of a RECORD line (URL-safe base64, no padding)."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def dist_info(members: Sequence[Member]) -> str:
    """The ``NAME-VERSION.dist-info`` folder of a wheel's members."""
    folders = {m.name.split("/", 1)[0] for m in members if "/" in m.name}
    found = sorted(f for f in folders if f.endswith(".dist-info"))
    if len(found) != 1:
        raise GauntletError(f"a wheel has one .dist-info folder, found {found or 'none'}")
    return found[0]


def with_record(members: Sequence[Member]) -> tuple[Member, ...]:
    """``members`` with their ``RECORD`` computed afresh (the old one dropped)."""
    record = f"{dist_info(members)}/RECORD"
    kept = sorted((m for m in members if m.name != record), key=_order)
    lines = [f"{m.name},{record_hash(m.data)},{len(m.data)}" for m in kept]
    lines.append(f"{record},,")
    return (*kept, Member(record, ("\n".join(lines) + "\n").encode("utf-8")))


def _edit(members: Sequence[Member], name: str, change: str) -> tuple[Member, ...]:
    if not any(m.name == name for m in members):
        raise GauntletError(f"the wheel has no {name}")
    return tuple(replace(m, data=change.encode("utf-8")) if m.name == name else m for m in members)


def _text(members: Sequence[Member], name: str) -> str:
    return next(m.data.decode("utf-8") for m in members if m.name == name)


def retag(members: Sequence[Member], tag: str) -> tuple[Member, ...]:
    """``members`` with ``WHEEL`` saying platform-specific (not purelib) and tagged ``tag``."""
    name = f"{dist_info(members)}/WHEEL"
    if name not in {m.name for m in members}:
        raise GauntletError(f"the wheel has no {name}")
    lines = [
        line
        for line in _text(members, name).splitlines()
        if not line.startswith(("Tag:", "Root-Is-Purelib:")) and line.strip()
    ]
    lines += ["Root-Is-Purelib: false", f"Tag: {tag}"]
    return _edit(members, name, "\n".join(lines) + "\n\n")


def add_requirements(members: Sequence[Member], requirements: Sequence[str]) -> tuple[Member, ...]:
    """``members`` with ``Requires-Dist`` lines added to ``METADATA`` (before its body)."""
    if not requirements:
        return tuple(members)
    name = f"{dist_info(members)}/METADATA"
    text = _text(members, name) if name in {m.name for m in members} else ""
    head, sep, body = text.partition("\n\n")
    lines = [line for line in head.splitlines() if line]
    lines += [f"Requires-Dist: {r}" for r in requirements if f"Requires-Dist: {r}" not in lines]
    return _edit(members, name, "\n".join(lines) + (sep + body if sep else "\n"))


def wheel_name(members: Sequence[Member], tag: str) -> str:
    """The file name of the wheel ``members`` make under ``tag``."""
    folder = dist_info(members)
    return f"{folder[: -len('.dist-info')]}-{tag}.whl"
