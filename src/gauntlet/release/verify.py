"""What the verification steps share: progress lines, a wheel's contents, the fresh venv.

The installed wheel is verified in a virtual environment made for it alone,
with ``uv venv`` and ``uv pip install`` rather than ``python -m venv`` and pip:
measured here (``benchmarks/release_venv.py``: the test wheel plus pytest from a
local wheelhouse, 5 runs each, on a busy 2-core machine) the pair's median is
0.15-0.28 s with uv against 12.8-15.1 s with venv + pip (which includes ensurepip
installing pip into every new venv).  uv is already what the nox sessions use, so
it costs no new tool.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet import runner
from gauntlet.errors import GauntletError, ToolError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    Echo = Callable[[str], None]

SCHEMA_VERSION = 1
INSTALL_TIMEOUT_S = 900.0
_LIB = re.compile(r"^[^/]+\.libs/[^/]+\.so(\.[^/]*)?$")  # what auditwheel bundles
_METADATA = re.compile(r"[^/]+\.dist-info/METADATA")
_MODULE_FILE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\.py|\.[^/]*\.so|\.so)?")


@contextmanager
def step(echo: Echo, what: str) -> Iterator[None]:
    """Print one line when ``what`` starts and one when it ends, with its seconds."""
    echo(f"{what} ...")
    started = time.monotonic()
    outcome = "failed after"
    try:
        yield
        outcome = "done in"
    finally:
        echo(f"{what}: {outcome} {time.monotonic() - started:.1f} s")


RELEASE_EXTRA = "pip install 'mojo-gauntlet[release]'"  # every tool a release runs


def find_tool(name: str, package: str) -> str:
    """The path of program ``name`` (on PATH or beside this Python); a missing one is a
    ToolError naming the pip install."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        raise ToolError(f"{name} not found: {RELEASE_EXTRA} (or pip install {package})")
    return found


def tail(text: str, lines: int = 15) -> str:
    """The last ``lines`` lines of a tool's output, for a message."""
    return "\n".join(text.strip().splitlines()[-lines:])


@dataclass(frozen=True)
class WheelInfo:
    """What verification needs to know of a wheel: its name, modules and bundled libraries."""

    path: Path
    name: str
    version: str
    top_level: tuple[str, ...]  # the importable top-level modules and packages
    libs: tuple[tuple[str, str], ...]  # (path in the wheel, sha256) of bundled .so files


def read_wheel(path: Path) -> WheelInfo:
    """Read ``path``'s metadata and file list; a file that is no wheel raises naming it."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            info = next((n for n in names if _METADATA.fullmatch(n)), None)
            if info is None:
                raise GauntletError(f"{path}: no *.dist-info/METADATA; not a wheel")
            meta = HeaderParser().parsestr(archive.read(info).decode("utf-8"))
            dist_info = info[: -len("METADATA")]
            listed = dist_info + "top_level.txt"
            top = archive.read(listed).decode("utf-8").split() if listed in names else []
            # what top_level.txt leaves out: an extension module added after the backend
            # built the wheel (a Mojo extension at the top level), or no top_level.txt
            heads = {n.split("/")[0] for n in names if ".dist-info/" not in n}
            top += [m.group(1) for h in heads if (m := _MODULE_FILE.fullmatch(h))]
            libs = [
                (n, hashlib.sha256(archive.read(n)).hexdigest())
                for n in sorted(names)
                if _LIB.match(n)
            ]
    except (OSError, zipfile.BadZipFile, KeyError, UnicodeDecodeError) as exc:
        raise GauntletError(f"{path}: cannot read the wheel ({exc}); rebuild it") from None
    if not meta.get("Name") or not meta.get("Version"):
        raise GauntletError(f"{path}: its METADATA has no Name or Version; rebuild it")
    return WheelInfo(
        path, str(meta["Name"]), str(meta["Version"]), tuple(sorted(set(top))), tuple(libs)
    )


@dataclass(frozen=True)
class VerifyEnv:
    """A fresh virtual environment holding one wheel and what its tests need."""

    root: Path
    wheel: Path
    problem: str = ""  # why installing failed; "" when the wheel is installed

    @property
    def ok(self) -> bool:
        """The wheel is installed."""
        return not self.problem

    @property
    def python(self) -> Path:
        """The environment's interpreter."""
        return self.root / "bin" / "python"

    @property
    def site_packages(self) -> Path:
        """Where the environment installs distributions."""
        found = sorted(self.root.glob("lib/python*/site-packages"))
        return found[0] if found else self.root / "lib" / "site-packages"


def clean_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without what would import from elsewhere (PYTHONPATH...)."""
    drop = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONSAFEPATH")
    return {k: v for k, v in (os.environ if env is None else env).items() if k not in drop}


def create_env(
    folder: Path,
    wheel: Path,
    requires: Sequence[str] = (),
    *,
    wheelhouse: Path | None = None,
    python: str = sys.executable,
    echo: Echo = print,
    timeout: float = INSTALL_TIMEOUT_S,
) -> VerifyEnv:
    """A new venv at ``folder`` (an old one is removed) with ``wheel`` and ``requires`` installed.

    With ``wheelhouse``, nothing comes from an index (``--no-index --find-links``).
    A failed install is the result's ``problem``, not an exception; a missing
    uv is a ToolError.
    """
    uv = find_tool("uv", "uv")
    if not wheel.is_file():
        raise GauntletError(f"{wheel}: no such wheel; build the release first (`doit release`)")
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    env = clean_env()
    with step(echo, f"verification venv: {folder.name} with {wheel.name}"):
        made = runner.run(
            [uv, "venv", "--quiet", "--python", python, str(folder)], env=env, timeout=timeout
        )
        if not made.ok:
            return VerifyEnv(folder, wheel, f"`uv venv` failed:\n{tail(made.stderr)}")
        source = ["--no-index", "--find-links", str(wheelhouse)] if wheelhouse else []
        argv = [
            uv,
            "pip",
            "install",
            "--quiet",
            "--python",
            str(folder / "bin" / "python"),
            *source,
        ]
        done = runner.run([*argv, str(wheel), *requires], env=env, timeout=timeout)
    if not done.ok:
        what = " ".join([wheel.name, *requires])
        why = "timed out" if done.timed_out else tail(done.stderr + done.stdout)
        return VerifyEnv(folder, wheel, f"installing {what} failed:\n{why}")
    return VerifyEnv(folder, wheel)
