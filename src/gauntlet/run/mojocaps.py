"""What a Mojo compiler can do, asked of the compiler itself.

Mojo releases differ in ways that change gauntlet's commands, and the version
string does not say which (a nightly or a patch release may move either way),
so each compiler is probed once and the answer is kept in the shared cache,
keyed by the binary's path, size and modification time:

* the package command: ``mojo precompile pkg -o X.mojoc`` (1.x) or
  ``mojo package pkg -o X.mojopkg`` (0.26 and older; 1.2.0 still accepts
  ``package`` as a deprecated alias, but only with a ``.mojoc`` output).
  Probed by ``mojo precompile --help`` exiting 0;
* the standard library's names: ``std.testing`` (1.x, and 0.26.1 too) and the
  bare ``testing`` (0.26 and older; 1.2.0 rejects it, 0.25.7 has only it).  Probed with
  ``mojo doc`` on a one-line file, which parses and type-checks without
  code generation;
* ``TestSuite`` in the ``testing`` module;
* which of ``pkg/a.mojo`` and ``pkg/a/__init__.mojo`` a module ``pkg.a``
  is when both exist: always the folder on 1.2.0; on 0.26.1 and 0.25.7
  whichever the folder's listing names first (``readdir`` order, so it
  depends on the file system, not on the names; docs/dependencies.md).
  Probed with ``mojo doc`` on a package where the file of a submodule is
  listed before its folder: the compiler that then reads the file takes
  the listing order;
* whether ``mojo build`` links libm.  ``mojo run`` executes in a process that
  already has libm loaded, so a program calling a libm function the compiler
  does not inline (``atan2f``, ``fmaxf``, ...) runs there, but on 0.26.1 its
  ``mojo build`` fails: "undefined reference to symbol
  'atan2f@@GLIBC_2.2.5' ... libm.so.6: error adding symbols: DSO missing from
  command line".  1.2.0 links libm itself.  Probed by building a four-line
  program that calls ``atan2`` on a ``Float32``; where it fails that way,
  every program and extension is linked with :data:`LINK_FLAGS`, which makes
  the build behave like ``mojo run`` (the same program then builds, 1.65 s,
  and prints what ``mojo run`` prints).

Answers, probed: 1.2.0 ``precompile+std+testsuite``; 0.26.1
``package+std+bare+testsuite+link-lm+listing-order``; 0.25.7
``package+bare+testsuite+listing-order``.  The probe took 5.1 s (0.25.7),
6.1 s (0.26.1) and 6.3 s (1.2.0) on this machine (2 shared cores; 16-18 s when
it was busier), once per binary; a cached answer costs a ``stat`` and a JSON read.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from gauntlet import runner
from gauntlet.atomic import write_text_atomic

LINK_FLAGS = ("-Xlinker", "-lm")  # what a build needs to link like `mojo run` (no libm)
_LIBM_PROBE = """from {std}math import atan2
from {std}sys import argv

def main():
    var x = Float32(len(argv()))
    print(atan2(x, x))
"""


@dataclass(frozen=True)
class Capabilities:
    """The answers of one compiler (see the module docstring)."""

    precompile: bool = True
    std_prefix: bool = True
    bare_stdlib: bool = False
    testsuite: bool = True
    links_libm: bool = True
    listing_order: bool = False

    @property
    def link_flags(self) -> tuple[str, ...]:
        """Flags every program and extension build needs to link like ``mojo run``."""
        return () if self.links_libm else LINK_FLAGS

    @property
    def tag(self) -> str:
        """The capability set as it enters every task key."""
        names = [
            "precompile" if self.precompile else "package",
            *(["std"] if self.std_prefix else []),
            *(["bare"] if self.bare_stdlib else []),
            *(["testsuite"] if self.testsuite else []),
            *([] if self.links_libm else ["link-lm"]),
            *(["listing-order"] if self.listing_order else []),
        ]
        return "+".join(names)

    @property
    def package_suffix(self) -> str:
        """The file name ending the package command requires."""
        return ".mojoc" if self.precompile else ".mojopkg"

    @classmethod
    def from_tag(cls, tag: str) -> Capabilities:
        """The capabilities a :attr:`tag` names (the default set for an empty tag)."""
        if not tag:
            return cls()
        names = set(tag.split("+"))
        return cls(
            "precompile" in names,
            "std" in names,
            "bare" in names,
            "testsuite" in names,
            "link-lm" not in names,
            "listing-order" in names,
        )


def _compiles(mojo: Path, source: str, folder: Path) -> bool:
    """Does ``mojo doc`` (parse and type-check, no code generation) accept ``source``?"""
    probe = folder / "gauntlet_probe.mojo"
    probe.write_text(source, encoding="utf-8")
    done = runner.run(
        [str(mojo), "doc", str(probe), "-o", str(folder / "probe.json")], cwd=folder, timeout=120
    )
    return done.ok


def _links_libm(mojo: Path, std: str, folder: Path) -> bool:
    probe = folder / "gauntlet_libm.mojo"
    probe.write_text(_LIBM_PROBE.format(std=std), encoding="utf-8")
    done = runner.run(
        [str(mojo), "build", str(probe), "-o", str(folder / "libm")], cwd=folder, timeout=300
    )
    return done.ok or "DSO missing" not in done.stdout + done.stderr


def _takes_listing_order(mojo: Path, folder: Path) -> bool:
    """Does the compiler read ``s.mojo`` over ``s/__init__.mojo`` when it is listed first?"""
    package = folder / "gauntlet_pkg"
    package.mkdir()
    (package / "__init__.mojo").write_text("", encoding="utf-8")
    for number in range(16):  # until a file is listed before its folder
        name = f"m{number}"
        module, folder_init = package / f"{name}.mojo", package / name / "__init__.mojo"
        if number % 2:  # both creation orders: some file systems list by it
            folder_init.parent.mkdir()
        module.write_text("def from_file():\n    pass\n", encoding="utf-8")
        folder_init.parent.mkdir(exist_ok=True)
        folder_init.write_text("", encoding="utf-8")
        listing = [entry.name for entry in os.scandir(package)]
        if listing.index(f"{name}.mojo") < listing.index(name):
            return _compiles(mojo, f"from gauntlet_pkg.{name} import from_file\n", folder)
    return False  # never listed that way here: the order cannot matter on this file system


def probe(mojo: Path) -> Capabilities:
    """Ask the compiler (five checks and one small build)."""
    precompile = runner.run([str(mojo), "precompile", "--help"], timeout=60).ok
    with tempfile.TemporaryDirectory(prefix="gauntlet-probe-") as scratch:
        folder = Path(scratch)
        std_prefix = _compiles(mojo, "from std.testing import assert_equal\n", folder)
        bare = _compiles(mojo, "from testing import assert_equal\n", folder)
        module = "std.testing" if std_prefix else "testing"
        testsuite = _compiles(mojo, f"from {module} import TestSuite\n", folder)
        libm = _links_libm(mojo, "std." if std_prefix else "", folder)
        listing = _takes_listing_order(mojo, folder)
    return Capabilities(precompile, std_prefix, bare, testsuite, libm, listing)


def capabilities(mojo: Path, cache: Path) -> Capabilities:
    """:func:`probe`, memoised in ``cache`` (a JSON file) by the binary's identity."""
    info = mojo.stat()
    fingerprint = f"{mojo.resolve()}:{info.st_size}:{info.st_mtime_ns}"
    try:
        known = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    entry = known.get(fingerprint)
    if isinstance(entry, dict) and set(entry) == set(asdict(Capabilities())):
        return Capabilities(**{k: bool(v) for k, v in entry.items()})  # else: probe anew
    found = probe(mojo)
    known[fingerprint] = asdict(found)
    write_text_atomic(cache, json.dumps(known))
    return found
