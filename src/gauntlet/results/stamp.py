"""Stamps: what a cached artifact was built for, and what its bytes must be.

Every artifact gauntlet stores and later reuses (precompiled packages,
executables, extension modules, test and benchmark programs) has a stamp
beside it, ``<artifact>.key``: the content key it was built for and the
SHA-256 digest and size of its bytes.  Nothing from a cache is trusted without
it: :func:`check` reads the stamp and rehashes the artifact, so a truncated or
altered file (a restored ``.gauntlet/`` cache, a full disk, a crash mid-copy)
is :attr:`Check.CORRUPT` and is rebuilt, never taken as up to date.

The stamp is JSON with a ``schema_version``.  Version 1 was the bare key on
one line, with no digest; such a stamp reads as :attr:`Check.STALE`, so an
artifact built before digests existed is rebuilt once.  A stamp is written
after its artifact is in place, so an interrupted build leaves an artifact
without a stamp, which is never reused either.

Hashing runs at about 1.6 GB/s here: the sample's 19 artifacts (3.3 MB, 0.1 to
0.2 MB each) take 2 ms together.  ``benchmarks/cache_digests.py`` prints the
figures for a built project.

A check that hashed the bytes and found them intact records in the stamp
what the artifact's ``stat`` was (``"stat"``: size, ``mtime_ns``,
``ctime_ns``, inode; taken before hashing and unchanged after).  A later
check skips the hashing only while all four still match *and* the recorded
ctime is older than the stamp file itself.  Writing the file in place changes
its ctime, and no ordinary tool can set a ctime back (``touch`` and ``cp -p``
restore the mtime, which changes the ctime); a restored cache, a copy or a
rename-over gives a new inode or ctime.  A write in the same clock tick as
the recorded stat would leave ctime and mtime unchanged (git's "racy clean"
case), so a stat is recorded only when the artifact's ctime is a tick older
than the hashing, and a stat as new as its stamp is never trusted: such
bytes are hashed again, and the stat recorded once the tick has passed.
Any mismatch means a full digest, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

from gauntlet.atomic import write_text_atomic
from gauntlet.errors import GauntletError

STAMP_VERSION = 2
_CHUNK = 1 << 20
Seen = tuple[int, int, int, int]  # an artifact's size, mtime_ns, ctime_ns and inode
_CLOCK_REALTIME_COARSE = 5  # Linux's clock of file times (the time module does not name it)


class Check(Enum):
    """What a look at one artifact and its stamp found."""

    CURRENT = "current"  # built for the key, bytes match the digest
    ABSENT = "absent"  # no artifact, or no stamp (an interrupted build)
    STALE = "stale"  # built for another key, or an old stamp without a digest
    CORRUPT = "corrupt"  # the bytes differ from the recorded digest

    @property
    def usable(self) -> bool:
        """Whether the artifact may be used as it is."""
        return self is Check.CURRENT


def stamp_path(artifact: Path) -> Path:
    """The stamp file of an artifact: ``<artifact>.key``."""
    return artifact.with_name(artifact.name + ".key")


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, hex (read in 1 MiB chunks)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Stamp:
    """The key an artifact was built for, and the digest and size of its bytes."""

    key: str
    sha256: str
    size: int
    stat: Seen | None = None  # the artifact as it was when its bytes last matched

    @classmethod
    def of(cls, artifact: Path, key: str) -> Stamp:
        """The stamp of the file ``artifact`` as it is now, for ``key``."""
        return cls(key, file_sha256(artifact), artifact.stat().st_size)

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the schema version."""
        data: dict[str, Any] = {
            "schema_version": STAMP_VERSION,
            "key": self.key,
            "sha256": self.sha256,
            "size": self.size,
        }
        if self.stat is not None:
            data["stat"] = list(self.stat)
        return data

    @classmethod
    def from_json(cls, data: object) -> Stamp:
        """Read a stamp written by :meth:`to_json` (ValueError for anything else)."""
        if not isinstance(data, dict) or data.get("schema_version") != STAMP_VERSION:
            raise ValueError("not a version 2 stamp")
        key, sha256, size = data.get("key"), data.get("sha256"), data.get("size")
        if not isinstance(key, str) or not isinstance(sha256, str) or len(sha256) != 64:
            raise ValueError("stamp without a key or a SHA-256 digest")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ValueError("stamp without a size")
        seen = data.get("stat")
        if seen is not None and not (
            isinstance(seen, list)
            and len(seen) == 4
            and all(isinstance(n, int) and not isinstance(n, bool) for n in seen)
        ):
            raise ValueError("stamp with a malformed stat")
        stat = None if seen is None else (seen[0], seen[1], seen[2], seen[3])
        return cls(key, sha256, size, stat)

    def write(self, artifact: Path) -> None:
        """Write this stamp beside ``artifact`` (atomically)."""
        write_text_atomic(stamp_path(artifact), json.dumps(self.to_json()) + "\n")


def read_stamp(artifact: Path) -> Stamp | None:
    """The stamp of ``artifact``; None when it is missing, unreadable or of version 1."""
    try:
        return Stamp.from_json(json.loads(stamp_path(artifact).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def write_stamp(artifact: Path, key: str) -> Stamp:
    """Hash ``artifact`` and record its stamp for ``key``."""
    stamp = Stamp.of(artifact, key)
    stamp.write(artifact)
    return stamp


def _seen(info: os.stat_result) -> Seen:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def check(artifact: Path, key: str) -> Check:
    """Whether ``artifact`` may be reused for ``key``: its stamp matches and so do its bytes.

    The bytes are hashed unless the stamp records the artifact's current stat
    from a check that hashed them, older than the stamp itself (see the module).
    """
    try:
        info = artifact.stat()
        with stamp_path(artifact).open("rb") as handle:
            written = os.fstat(handle.fileno()).st_mtime_ns
            text = handle.read()
    except OSError:
        return Check.ABSENT
    try:
        stamp = Stamp.from_json(json.loads(text))
    except ValueError:
        return Check.STALE
    if stamp.key != key:
        return Check.STALE
    if info.st_size != stamp.size:
        return Check.CORRUPT
    seen = _seen(info)
    if stamp.stat == seen and seen[2] < written:
        return Check.CURRENT  # not written since its bytes matched: ctime would differ
    return _hashed(artifact, stamp, seen, written)


def settled_before() -> int:
    """A time no later than the file system's clock now, less a tick (nanoseconds).

    Linux stamps files from its coarse clock; elsewhere a file system may keep
    whole or even two seconds.  A ctime before this was set in an earlier tick
    than anything written from now on.
    """
    if sys.platform == "linux":
        return time.clock_gettime_ns(_CLOCK_REALTIME_COARSE)
    return time.time_ns() - 2_000_000_000  # type: ignore[unreachable,unused-ignore]  # pragma: no cover


def _hashed(artifact: Path, stamp: Stamp, seen: Seen, written: int) -> Check:
    """Check the bytes against the digest; record the stat they had when they match.

    The stat is recorded only when the artifact's last change is a tick older
    than the hashing: a write in place during it gets a later ctime.
    """
    settled = seen[2] < settled_before()
    try:
        if file_sha256(artifact) != stamp.sha256:
            return Check.CORRUPT
        unchanged = _seen(artifact.stat()) == seen
    except OSError:
        return Check.ABSENT
    if settled and unchanged and (stamp.stat != seen or seen[2] >= written):
        # the next check need not hash these bytes while the stat holds; a
        # read-only build folder just means hashing them again next time
        with contextlib.suppress(OSError, GauntletError):
            replace(stamp, stat=seen).write(artifact)
    return Check.CURRENT


def failure_path(artifact: Path) -> Path:
    """Where the compile error an artifact's last build gave is recorded."""
    return artifact.with_name(artifact.name + ".failed")


def record_failure(artifact: Path, key: str, failure: dict[str, str]) -> None:
    """Record that building ``artifact`` for ``key`` failed, with the compiler's words."""
    write_text_atomic(failure_path(artifact), json.dumps({"key": key, **failure}) + "\n")


def known_failure(artifact: Path, key: str) -> dict[str, str] | None:
    """The recorded failure of building ``artifact`` for this same ``key``, if any."""
    try:
        data = json.loads(failure_path(artifact).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    return {"message": str(data.get("message", "")), "detail": str(data.get("detail", ""))}


def forget_failure(artifact: Path) -> None:
    """Drop the failure record once the artifact built."""
    failure_path(artifact).unlink(missing_ok=True)
