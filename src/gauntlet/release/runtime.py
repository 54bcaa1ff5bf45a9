"""How a wheel with a Mojo-built extension finds the Mojo runtime on a machine without Mojo.

``mojo build --emit shared-lib`` links the extension to
``libKGENCompilerRTShared.so`` (which needs ``libMSupportGlobals.so`` and
``libAsyncRTRuntimeGlobals.so``) and gives it a ``RUNPATH`` into the
toolchain it was built with (``readelf -d``: ``…/site-packages/modular/lib``).
On another machine that folder does not exist.  Two ways out:

* ``repair``: ``auditwheel repair`` copies the three libraries into the wheel
  (``<dist>.libs/``, renamed by their digest) and points the extension's
  ``RPATH`` at them (needs ``patchelf``).  On tinyml_ext the wheel grows from
  68 KB to 905 KB and is tagged ``manylinux_2_35_x86_64`` (the runtime
  libraries use ``GLIBC_2.35``).  Installed with ``--no-deps`` into a fresh
  venv, run with an empty environment, it imports and computes, and
  ``/proc/self/maps`` shows no file under the toolchain or any ``modular``
  folder: only the wheel's own copies and the system's libc/libstdc++.
* ``declare``: the libraries stay out; the wheel requires ``mojo-compiler``
  (the PyPI distribution that installs them into ``site-packages/modular/lib``)
  and its ``RUNPATH`` becomes ``$ORIGIN/../modular/lib`` (as deep as the
  extension's package), so it loads them from the same ``site-packages``.
  Measured the same way: without that distribution the import fails (the
  package's ``__init__`` turns it into a message naming the requirement); with
  the three libraries where it installs them the extension loads them from
  there.  But it stays tagged ``linux_x86_64``, which PyPI refuses, and costs
  the user 268 MB (mojo-compiler installed) for 2.1 MB of libraries: so
  ``repair`` is the default.

The platform tag before repair is the running CPython's (``cp311-cp311``):
the extension calls the CPython API of the interpreter that loads it, and only
CPython 3.11 exists on the build machines to prove it loads; the tag claims
no other version.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

from gauntlet import runner
from gauntlet.errors import GauntletError, ToolError
from gauntlet.release.verify import find_tool

RUNTIME_DISTRIBUTION = "mojo-compiler"  # installs site-packages/modular/lib
RUNTIME_FOLDER = "modular/lib"


def platform_tag() -> str:
    """The wheel tag for an extension loaded by this CPython on this platform."""
    version = f"cp{sys.version_info.major}{sys.version_info.minor}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{version}-{version}-{platform}"


def declared_runpath(extension_package: str) -> str:
    """The ``RUNPATH`` that finds the runtime installed beside the package."""
    depth = len([p for p in extension_package.split(".") if p])
    return "$ORIGIN/" + "../" * depth + RUNTIME_FOLDER


def set_runpath(library: Path, runpath: str) -> None:
    """Rewrite ``library``'s ``RUNPATH`` in place (with patchelf)."""
    patchelf = find_tool("patchelf", "patchelf")
    done = runner.run([patchelf, "--set-rpath", runpath, str(library)], timeout=120)
    if not done.ok:
        raise ToolError(f"patchelf could not set the RUNPATH of {library}: {done.stderr[-800:]}")


def runtime_requirement(mojo_version: str) -> str:
    """The requirement that installs the Mojo runtime the extension was built against."""
    return f"{RUNTIME_DISTRIBUTION}=={mojo_version}" if mojo_version else RUNTIME_DISTRIBUTION


def repair(wheel: Path, out: Path, *, runtime_libs: Path | None, epoch: int) -> Path:
    """``auditwheel repair`` of ``wheel`` into ``out``: the repaired wheel's path."""
    find_tool("patchelf", "patchelf")
    auditwheel = find_tool("auditwheel", "auditwheel")
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    path = os.pathsep.join(p for p in (str(runtime_libs or ""), env.get("LD_LIBRARY_PATH")) if p)
    if path:
        env["LD_LIBRARY_PATH"] = path
    out.mkdir(parents=True, exist_ok=True)
    argv = [auditwheel, "repair", "--wheel-dir", str(out), str(wheel)]
    done = runner.run(argv, env=env, timeout=600)
    if not done.ok:
        tail = (done.stdout + done.stderr).strip()[-1500:]
        raise GauntletError(
            f"auditwheel repair of {wheel.name} failed (is the Mojo runtime's folder "
            f"given? runtime libs: {runtime_libs or 'none'}):\n{tail}"
        )
    made = sorted(out.glob("*.whl"))
    if len(made) != 1:
        raise GauntletError(f"auditwheel repair left {len(made)} wheels in {out}, expected 1")
    return made[0]
