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
  bare ``testing`` (0.26 and older; 1.2.0 rejects it).  Probed with
  ``mojo doc`` on a one-line file, which parses and type-checks without
  code generation;
* ``TestSuite`` in the ``testing`` module;
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

Measured on this machine (2 shared cores): the probe took 18.0 s on 0.26.1.0
and 15.9 s on 1.2.0, once per binary; a cached answer costs one ``stat`` and
a JSON read.
"""

from __future__ import annotations

import json
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
        )


def _compiles(mojo: Path, source: str, folder: Path) -> bool:
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


def probe(mojo: Path) -> Capabilities:
    """Ask the compiler (four checks and one small build)."""
    precompile = runner.run([str(mojo), "precompile", "--help"], timeout=60).ok
    with tempfile.TemporaryDirectory(prefix="gauntlet-probe-") as scratch:
        folder = Path(scratch)
        std_prefix = _compiles(mojo, "from std.testing import assert_equal\n", folder)
        bare = _compiles(mojo, "from testing import assert_equal\n", folder)
        module = "std.testing" if std_prefix else "testing"
        testsuite = _compiles(mojo, f"from {module} import TestSuite\n", folder)
        libm = _links_libm(mojo, "std." if std_prefix else "", folder)
    return Capabilities(precompile, std_prefix, bare, testsuite, libm)


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
