"""Finding or provisioning the configured Mojo compiler.

Mojo is a PyPI package (``mojo==X``).  gauntlet installs each version once
into its own virtual environment under a cache shared by all projects
(``$GAUNTLET_CACHE_DIR``, else ``$XDG_CACHE_HOME/gauntlet``, else
``~/.cache/gauntlet``), guarded by a lock so two runs never install at once,
and marks it complete only after the compiler answered with the right version.
An interrupted install is never taken for a finished one.

Lookup order: ``$GAUNTLET_MOJO`` (an explicit compiler; its version must
match), the provisioned cache, then ``mojo`` on ``PATH`` if its version matches.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gauntlet import runner
from gauntlet.atomic import write_text_atomic
from gauntlet.errors import ConfigError, ToolError
from gauntlet.run.mojocaps import Capabilities, capabilities

MARKER = "gauntlet-toolchain.json"
_VERSION = re.compile(r"Mojo\s+(\d[\w.+-]*)")
Echo = Callable[[str], None]


@dataclass(frozen=True)
class Toolchain:
    """A usable Mojo compiler and the version it reported."""

    mojo: Path
    version: str

    @property
    def identity(self) -> str:
        """The compiler's part of every task key."""
        return identity(self.version)

    def capabilities(self) -> Capabilities:
        """What this compiler can do (probed once per binary; see run.mojocaps)."""
        return capabilities(self.mojo, cache_dir() / "capabilities.json")


def identity(version: str) -> str:
    """Key identity of a Mojo version (the same before and after provisioning)."""
    return f"mojo {version}"


def cache_dir() -> Path:
    """The cache shared by every project on this machine."""
    explicit = os.environ.get("GAUNTLET_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "gauntlet"


def toolchain_dir(version: str) -> Path:
    """Where a provisioned Mojo version lives."""
    return cache_dir() / "toolchains" / f"mojo-{version}"


def version_matches(reported: str, wanted: str) -> bool:
    """``1.2.0`` matches a reported ``1.2.0`` or ``1.2.0.1``; not ``1.2.01``."""
    return reported == wanted or reported.startswith(wanted + ".")


def probe_version(mojo: Path) -> str:
    """Ask a compiler for its version (``Mojo 1.2.0 (2016d0cd)`` → ``1.2.0``)."""
    done = runner.run([str(mojo), "--version"], timeout=120)
    found = _VERSION.search(done.stdout + done.stderr)
    if not done.ok or not found:
        output = (done.stdout + done.stderr).strip()[-300:] or "no output"
        raise ToolError(f"{mojo} --version failed (exit {done.returncode}): {output}")
    return found.group(1)


def _probe_cached(mojo: Path) -> str:
    """``probe_version`` memoised by the binary's path, size and mtime."""
    stat = mojo.stat()
    memo = cache_dir() / "probes.json"
    fingerprint = f"{mojo.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    try:
        known = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    if isinstance(known.get(fingerprint), str):
        return str(known[fingerprint])
    version = probe_version(mojo)
    known[fingerprint] = version
    write_text_atomic(memo, json.dumps(known))
    return version


def _provisioned(version: str) -> Toolchain | None:
    folder = toolchain_dir(version)
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        mojo = folder / str(marker["mojo"])
        reported = str(marker["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Toolchain(mojo, reported) if mojo.exists() else None


def _wrong_version(where: str, found: str, wanted: str) -> ToolError:
    return ToolError(
        f"{where} is Mojo {found}, but [tool.gauntlet] mojo-version is {wanted}. "
        f"Unset it to let gauntlet install Mojo {wanted} (`gauntlet mojo --install`), "
        "or change mojo-version."
    )


def find(version: str) -> Toolchain | None:
    """The configured compiler if it is already available, else None."""
    explicit = os.environ.get("GAUNTLET_MOJO")
    if explicit:
        mojo = Path(explicit)
        if not mojo.is_file():
            raise ToolError(f"GAUNTLET_MOJO={explicit} does not exist; point it at a mojo binary")
        found = _probe_cached(mojo)
        if not version_matches(found, version):
            raise _wrong_version(f"GAUNTLET_MOJO={explicit}", found, version)
        return Toolchain(mojo, found)
    provisioned = _provisioned(version)
    if provisioned is not None:
        return provisioned
    on_path = shutil.which("mojo")
    if on_path:
        found = _probe_cached(Path(on_path))
        if version_matches(found, version):
            return Toolchain(Path(on_path), found)
    return None


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _install_commands(folder: Path, version: str) -> list[list[str]]:
    python = str(folder / "bin" / "python")
    uv = shutil.which("uv")
    if uv:
        return [
            [uv, "venv", "--quiet", "--python", sys.executable, str(folder)],
            [uv, "pip", "install", "--python", python, f"mojo=={version}"],
        ]
    return [
        [sys.executable, "-m", "venv", str(folder)],
        [python, "-m", "pip", "install", "--disable-pip-version-check", f"mojo=={version}"],
    ]


def provision(
    version: str,
    echo: Echo = print,
    *,
    timeout: float = 1800,
    sleep: Callable[[float], None] = time.sleep,
) -> Toolchain:
    """Install Mojo ``version`` into the shared cache (once), and return it."""
    if os.environ.get("GAUNTLET_NO_PROVISION"):
        raise ToolError(
            f"Mojo {version} is not installed and GAUNTLET_NO_PROVISION is set. "
            f"Install it with `pip install mojo=={version}` and set GAUNTLET_MOJO to its "
            "`mojo` binary, or unset GAUNTLET_NO_PROVISION."
        )
    folder = toolchain_dir(version)
    with _locked(folder.parent / f".mojo-{version}.lock"):
        ready = _provisioned(version)
        if ready is not None:
            return ready
        if folder.exists():
            echo(f"removing an unfinished Mojo {version} install in {folder}")
            shutil.rmtree(folder)
        echo(f"installing Mojo {version} into {folder} (about 700 MB, once per machine)...")
        for argv in _install_commands(folder, version):
            name = Path(argv[0]).name

            def attempt(argv: list[str] = argv) -> runner.Completed:
                done = runner.run(argv, timeout=timeout, on_line=lambda ln: echo(f"  {ln}"))
                if not done.ok:
                    _refuse_unknown_version(done, version)
                    raise ToolError(_install_failure(argv, done, version))
                return done

            def retrying(number: int, exc: BaseException, delay: float, name: str = name) -> None:
                echo(f"{name} failed (try {number}); retrying in {delay:g} s: {str(exc)[-200:]}")

            try:
                runner.with_retries(attempt, (ToolError,), on_retry=retrying, sleep=sleep)
            except ConfigError:
                shutil.rmtree(folder, ignore_errors=True)  # no such release: leave nothing
                raise
        mojo = folder / "bin" / "mojo"
        found = probe_version(mojo)
        if not version_matches(found, version):
            raise _wrong_version(f"the installed {mojo}", found, version)
        write_text_atomic(folder / MARKER, json.dumps({"mojo": "bin/mojo", "version": found}))
        echo(f"Mojo {found} ready: {mojo}")
        return Toolchain(mojo, found)


# How pip and uv say that no release matches, and how they say the index was
# not reached (pip says "no matching distribution" for both; the second wins).
_UNRESOLVABLE = ("no matching distribution", "could not find a version", "there is no version of")
_NETWORK = (
    "failed to fetch", "error sending request", "connection refused", "connecterror",
    "newconnectionerror", "name resolution", "name or service not known", "timed out",
    "network is unreachable", "max retries exceeded", "sslerror", "connect error",
)  # fmt: skip


def _release(version: str) -> str:
    """``0.26.1.0`` and ``0.26.1`` name the same release (PEP 440)."""
    parts = version.split(".")
    while len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return ".".join(parts)


def available_versions() -> list[str]:
    """The ``mojo`` releases the configured package index lists, newest first (as pip shows).

    Empty when the index cannot say.
    """

    def order(version: str) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", version))

    from gauntlet.run import pyindex  # urllib.request: only when looking up releases

    return sorted(pyindex.releases("mojo"), key=order, reverse=True)


def _refuse_unknown_version(done: runner.Completed, version: str) -> None:
    """A resolver's "no such release" is final (ConfigError, never retried).

    Only when the index answered with other releases: an index that lists no
    ``mojo`` at all, or that was not reached, is retried as a network failure.
    """
    said = (done.stdout + done.stderr).lower()
    if not any(m in said for m in _UNRESOLVABLE) or any(m in said for m in _NETWORK):
        return
    releases = available_versions()
    if not releases or _release(version) in {_release(r) for r in releases}:
        return
    raise ConfigError(
        f"Mojo {version} does not exist on PyPI (the configured package index); available: "
        f"{', '.join(releases)}. Set [tool.gauntlet] mojo-version to one of them."
    )


def _install_failure(argv: list[str], done: runner.Completed, version: str) -> str:
    output = (done.stdout + done.stderr).strip().splitlines()[-5:]
    why = "timed out" if done.timed_out else f"exit {done.returncode}"
    return (
        f"installing Mojo {version} failed ({' '.join(argv[:3])}...: {why}): "
        + " | ".join(output)
        + f". Check network access to the package index, or install `mojo=={version}` "
        "yourself and set GAUNTLET_MOJO to its `mojo` binary."
    )


def ensure(version: str, echo: Echo = print) -> Toolchain:
    """The configured compiler, provisioning it first when it is missing."""
    return find(version) or provision(version, echo)
