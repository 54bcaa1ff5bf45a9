"""What the graph's tasks do: compile with Mojo, run, record results.

Each function takes one :class:`Job` (plain, picklable values: doit hands it
over as it is, to a thread or a process), writes its outputs atomically, and
returns a small JSON-able summary.  Every artifact is written next to its stamp
(:mod:`gauntlet.results.stamp`): its key and the SHA-256 of its bytes, written
last, so an interrupted build is never taken for a finished one, and an
artifact whose bytes no longer match is rebuilt with a warning, never reused.
Test binaries live in folders named by their key (a switch back to an earlier
compiler reuses them).  A program is checked against its digest before each
reuse (well under 1 ms for the sample's: ``benchmarks/cache_digests.py``).

With a shared cache (:mod:`gauntlet.cache`), a step whose artifact or program
is missing here is first looked up there by the same content key; what a step
built is uploaded when the cache is writable.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gauntlet import runner
from gauntlet.atomic import partial_tag
from gauntlet.cache.store import SharedCache, open_cache
from gauntlet.graph.testdriver import SKIP_VARIABLE, Driver, plan_driver
from gauntlet.layout import BuildDir, Layout
from gauntlet.results.driverout import DriverRun, next_start
from gauntlet.results.records import Status, TestCase
from gauntlet.results.stamp import (
    Check,
    Stamp,
    check,
    forget_failure,
    known_failure,
    record_failure,
    stamp_path,
)  # fmt: skip
from gauntlet.results.testoutput import compile_error_case
from gauntlet.run.mojocaps import Capabilities
from gauntlet.run.mojocmd import compile_command, compile_slot

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gauntlet.config.history import CacheSettings
    from gauntlet.config.load import Config
    from gauntlet.graph.plan import Step

KEEP_BINARIES = 3
KILLED = -9  # a compiler killed from outside (the OOM killer): tried again next run


_warned: set[tuple[Path, int, int]] = set()
_warned_lock = threading.Lock()


def verify(artifact: Path, key: str) -> Check:
    """Check ``artifact`` against its stamp; warn (once per file version) when corrupt."""
    found = check(artifact, key)
    if found is Check.CORRUPT:
        try:
            info = artifact.stat()
        except OSError:
            return Check.ABSENT
        with _warned_lock:
            seen = (artifact, info.st_size, info.st_mtime_ns)
            first = seen not in _warned
            _warned.add(seen)
        if first:
            sys.stderr.write(
                f"gauntlet: warning: {artifact} does not match the digest recorded in "
                f"{stamp_path(artifact).name} (truncated or altered); rebuilding it\n"
            )
    return found


def artifact_current(output: str, key: str) -> bool:
    """Up-to-date check of a build artifact: built for ``key`` and its bytes intact."""
    return verify(Path(output), key) is Check.CURRENT


@dataclass(frozen=True)
class Job:
    """One step's work as its task passes it (made by :meth:`for_step`).

    ``mojo`` is filled in when the task runs (the compiler may be installed by
    an earlier task of the same run); ``out_dir`` is the build folder.
    """

    mojo: str
    root: str
    source: str
    output: str
    key: str
    include: list[str]
    flags: list[str]
    timeout: float
    kind: str = "executable"
    out_dir: str = ""
    toolchain: str = ""
    caps: str = ""  # the compiler's capability tag (gauntlet.run.mojocaps), set with ``mojo``
    test_cwd: str = "root"  # ``file``: a test runs in its source file's folder
    cache: CacheSettings | None = None  # [tool.gauntlet.cache]; None: only if the env asks

    @classmethod
    def for_step(cls, step: Step, config: Config, toolchain: str, mojo: str = "",
                 build: BuildDir | None = None) -> Job:  # fmt: skip
        """The job of one step of the plan, for the configured project (``build``: its folder)."""
        build = build or Layout.of(config).build
        return cls(
            mojo=mojo,
            root=str(config.root),
            source=step.source,
            output=build.file_at(step.output),
            key=step.key,
            include=list(config.include),
            flags=list(config.mojo_flags),
            timeout=config.timeout,
            kind=step.kind.value,
            out_dir=str(build.path),
            toolchain=toolchain,
            test_cwd=config.test_cwd,
            cache=config.cache,
        )

    @property
    def build_dir(self) -> BuildDir:
        """The build folder this job writes into."""
        return BuildDir(Path(self.out_dir))

    def shared(self) -> SharedCache | None:
        """The shared cache this job may fetch from and upload to (None: none)."""
        return open_cache(self.cache, Path(self.root), self.build_dir.shared_cache)

    def compile(self, kind: str, target: Path, driver: Path | None = None) -> runner.Completed:
        """Run the compiler for this job's source (or its ``driver``) into ``target``."""
        caps = Capabilities.from_tag(self.caps)
        source, include = self.source, self.include
        if driver is not None:  # the driver imports what the file's own folder holds
            source = str(driver)
            include = [str((Path(self.root) / self.source).parent), *self.include]
        argv = compile_command(self.mojo, kind, source, str(target), include, self.flags, caps)
        with compile_slot() as env:
            return runner.run(
                argv, cwd=self.root, env=env, timeout=self.timeout, keep=runner.KEEP_BYTES
            )

    def compiler_output(self, done: runner.Completed, driver: Path | None = None) -> str:
        """What the compiler said, with the project root stripped from paths."""
        text = done.stdout + "\n" + done.stderr
        if driver is not None:
            text = text.replace(str(driver), self.source)
        return text.replace(self.root.rstrip("/") + "/", "")

    def driver(self) -> Driver | None:
        """The per-test driver this test file needs (gauntlet.graph.testdriver), if any."""
        try:
            text = (Path(self.root) / self.source).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        return plan_driver(text, std_prefix=Capabilities.from_tag(self.caps).std_prefix)

    def program(
        self, folder: str, driver: Driver | None = None
    ) -> tuple[Path, TestCase | None, float]:
        """The compiled program (built unless this key's binary exists), or the error."""
        key = self.key  # a driver's program is also keyed by the driver's text
        if driver is not None:
            key = hashlib.sha256(f"{key}\n{driver.source}".encode()).hexdigest()
        binary = self.build_dir.program(folder, self.source, key)
        if verify(binary, key) is Check.CURRENT:
            return binary, None, 0.0
        binary.parent.mkdir(parents=True, exist_ok=True)
        shared = self.shared()
        if shared is not None and shared.fetch(f"program:{folder}", key, {"program": binary}):
            Stamp.of(binary, key).write(binary)
            return binary, None, 0.0
        # A name private to this process and thread: two doit runs may build the same key.
        partial = binary.with_name(f"{binary.name}.{partial_tag()}{threading.get_ident()}")
        driver_file = _driver_file(binary) if driver else None
        if driver is not None and driver_file is not None:
            driver_file.parent.mkdir(exist_ok=True)
            driver_file.write_text(driver.source, encoding="utf-8")
        done = self.compile("executable", partial, driver_file)
        if not done.ok:
            partial.unlink(missing_ok=True)
            if done.timed_out or done.returncode == KILLED:
                message = f"compile timed out after {self.timeout:g} s"
                if not done.timed_out:
                    message = "the compiler was killed (SIGKILL: out of memory?)"
                error = TestCase(self.source, self.source, Status.ERROR, 0.0, message)
            else:
                # no test ran: the time is compile time (returned), not the case's
                error = compile_error_case(self.source, self.compiler_output(done, driver_file))
            return binary, error, done.duration_s
        stamp = Stamp.of(partial, key)
        partial.replace(binary)
        stamp.write(binary)
        _prune_siblings(binary)
        if shared is not None:
            shared.store(f"program:{folder}", key, {"program": (binary, True)})
        return binary, None, done.duration_s

    def run(
        self, binary: Path, env: dict[str, str] | None = None, prefix: Sequence[str] = ()
    ) -> runner.Completed:
        """Run a compiled program with the timeout, in the root or (test-cwd "file") its folder.

        ``prefix``: a command that runs the program (a tracer), before its path.
        """
        cwd = str(Path(self.root, self.source).parent) if self.test_cwd == "file" else self.root
        return runner.run(
            [*prefix, str(binary)], cwd=cwd, env=env, timeout=self.timeout, keep=runner.KEEP_BYTES
        )

    def run_driver(
        self, binary: Path, driver: Driver, prefix: Sequence[str] = ()
    ) -> list[DriverRun]:
        """Run a driver program, starting it again after each test that crashes it."""
        runs: list[DriverRun] = []
        first: int | None = 0
        while first is not None and first < len(driver.calls):
            done = self.run(binary, {**os.environ, SKIP_VARIABLE: str(first)}, prefix)
            where = str(_driver_file(binary))
            out, err = (text.replace(where, self.source) for text in (done.stdout, done.stderr))
            runs.append(
                DriverRun(out, err, done.returncode, done.duration_s, done.timed_out, first,
                          done.output_bytes, done.omitted_bytes)
            )  # fmt: skip
            first = next_start(runs[-1])
        return runs


def _driver_file(binary: Path) -> Path:
    return binary.parent / "driver" / f"{binary.name}.mojo"


def _prune_siblings(binary: Path) -> None:
    """Keep the newest few key folders of one program; older ones are dead weight."""
    family = binary.parent.parent
    folders = sorted(
        (p for p in family.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in folders[KEEP_BINARIES:]:
        shutil.rmtree(old, ignore_errors=True)


def build_artifact(job: Job) -> dict[str, Any]:
    """Build a package, executable or extension module; report the compiler's words.

    A compile error is recorded with the key it was made for: while the key is
    the same, the same error is reported again without compiling (the inputs,
    compiler and flags it covers are unchanged); a timeout is never recorded."""
    target = Path(job.output)
    known = known_failure(target, job.key)
    if known is not None:
        return {**known, "status": "error", "unchanged": True}
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp_path(target).unlink(missing_ok=True)
    shared = job.shared()
    if shared is not None and shared.fetch("artifact", job.key, {"artifact": target}):
        forget_failure(target)
        Stamp.of(target, job.key).write(target)
        return {"status": "passed", "seconds": 0.0, "output": job.output, "cached": True}
    # The file name names a precompiled package, so build under the final name
    # in a private folder and move it into place when the compiler succeeded.
    stamp: Stamp | None = None
    with tempfile.TemporaryDirectory(prefix=f".{partial_tag()}", dir=target.parent) as scratch:
        partial = Path(scratch) / target.name
        if job.kind == "package":
            # The package command names its output's ending (.mojoc or .mojopkg).
            partial = partial.with_suffix(Capabilities.from_tag(job.caps).package_suffix)
        done = job.compile(job.kind, partial)
        if done.ok:
            stamp = Stamp.of(partial, job.key)
            partial.replace(target)
    if stamp is None:
        why = f"timed out after {job.timeout:g} s" if done.timed_out else "failed"
        case = compile_error_case(job.source, job.compiler_output(done))
        failure = {"message": f"building {job.source} {why}: {case.message}", "detail": case.detail}
        if not done.timed_out and done.returncode != KILLED:  # not a verdict on the inputs
            record_failure(target, job.key, failure)
        return {"status": "error", **failure}
    forget_failure(target)
    stamp.write(target)
    if shared is not None:
        shared.store("artifact", job.key, {"artifact": (target, job.kind != "package")})
    return {"status": "passed", "seconds": round(done.duration_s, 3), "output": job.output}
