"""Mojo command lines: what builds one artifact, and where a concurrent compile caches."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet.run.mojocaps import Capabilities

if TYPE_CHECKING:
    from collections.abc import Iterator

_slot_lock = threading.Lock()
_busy_slots: set[int] = set()


@contextmanager
def compile_slot() -> Iterator[dict[str, str]]:
    """Environment for one concurrent compile.

    Measured here: two `mojo build`s sharing one compilation cache serialise on
    it (two builds 15.4 s in parallel vs 15.7 s one after the other), while with
    separate caches they take 7.7 s together.  So each concurrent compile slot
    gets its own long-lived Mojo cache; slot 0 keeps the user's default one.
    """
    with _slot_lock:
        slot = next(i for i in range(len(_busy_slots) + 1) if i not in _busy_slots)
        _busy_slots.add(slot)
    try:
        if slot == 0:
            yield dict(os.environ)
        else:
            base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
            cache = Path(base) / "gauntlet-mojo-slots" / f"slot-{slot}"
            yield {**os.environ, "XDG_CACHE_HOME": str(cache)}
    finally:
        with _slot_lock:
            _busy_slots.discard(slot)


def compile_command(
    mojo: str,
    kind: str,
    source: str,
    output: str,
    include: list[str],
    flags: list[str],
    caps: Capabilities | None = None,
) -> list[str]:
    """The Mojo command line that builds one artifact, with what the compiler offers.

    Packages use ``precompile`` where it exists and ``package`` otherwise;
    programs and extensions link libm where the compiler's build does not, as
    ``mojo run`` has it (:attr:`Capabilities.link_flags`).
    """
    caps = caps or Capabilities()
    includes = [arg for root in include for arg in ("-I", root)]
    if kind == "package":
        command = "precompile" if caps.precompile else "package"
        return [mojo, command, *includes, *package_flags(flags), source, "-o", output]
    emit = ["--emit", "shared-lib"] if kind == "extension" else []
    link = [] if "-lm" in flags else list(caps.link_flags)
    return [mojo, "build", *includes, *flags, *link, *emit, source, "-o", output]


def package_flags(flags: list[str]) -> list[str]:
    """The flags a package command takes: no release's ``package``/``precompile``
    accepts ``-D`` (defines act when a program is built, so they lose nothing)."""
    kept: list[str] = []
    skip = False
    for flag in flags:
        if skip:
            skip = False
        elif flag in ("-D", "--define"):
            skip = True
        elif not flag.startswith(("-D", "--define=")):
            kept.append(flag)
    return kept
