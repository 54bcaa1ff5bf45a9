"""What the graph's tasks do: compile with Mojo, run, record results.

Each function takes one :class:`Job` (plain, picklable values: doit hands it
over as it is, to a thread or a process), writes its outputs atomically, and
returns a small JSON-able summary.  A build artifact is written next to a
``.key`` file holding the content key it was made for; the key file is written
last, so an interrupted build is never taken for a finished one.  Test binaries
live in folders named by their key, which lets a switch back to an earlier
compiler reuse what it built before.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gauntlet import runner
from gauntlet.atomic import partial_tag, write_text_atomic
from gauntlet.layout import BuildDir, Layout
from gauntlet.results.junit import write_junit
from gauntlet.results.records import FileResult, Status, TestCase, write_result
from gauntlet.results.testoutput import clean, compile_error_case, parse_test_output, tail

if TYPE_CHECKING:
    from gauntlet.config.load import Config
    from gauntlet.graph.plan import Step

KEEP_BINARIES = 3
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
    mojo: str, kind: str, source: str, output: str, include: list[str], flags: list[str]
) -> list[str]:
    """The Mojo command line that builds one artifact."""
    includes = [arg for root in include for arg in ("-I", root)]
    if kind == "package":
        return [mojo, "precompile", *includes, *flags, source, "-o", output]
    emit = ["--emit", "shared-lib"] if kind == "extension" else []
    return [mojo, "build", *includes, *flags, *emit, source, "-o", output]


def key_file(output: Path) -> Path:
    """The file that records which key an artifact was built for."""
    return output.with_name(output.name + ".key")


def artifact_current(output: str, key: str) -> bool:
    """Up-to-date check of a build artifact: present and built for ``key``."""
    path = Path(output)
    try:
        return path.exists() and key_file(path).read_text(encoding="utf-8").strip() == key
    except OSError:
        return False


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

    @classmethod
    def for_step(cls, step: Step, config: Config, toolchain: str, mojo: str = "") -> Job:
        """The job of one step of the plan, for the configured project."""
        build = Layout.of(config).build
        return cls(
            mojo=mojo,
            root=str(config.root),
            source=step.source,
            output=str(build.at(step.output)),
            key=step.key,
            include=list(config.include),
            flags=list(config.mojo_flags),
            timeout=config.timeout,
            kind=step.kind.value,
            out_dir=str(build.path),
            toolchain=toolchain,
        )

    @property
    def build_dir(self) -> BuildDir:
        """The build folder this job writes into."""
        return BuildDir(Path(self.out_dir))

    def compile(self, kind: str, target: Path) -> runner.Completed:
        """Run the compiler for this job's source into ``target``."""
        argv = compile_command(self.mojo, kind, self.source, str(target), self.include, self.flags)
        with compile_slot() as env:
            return runner.run(argv, cwd=self.root, env=env, timeout=self.timeout)

    def compiler_output(self, done: runner.Completed) -> str:
        """What the compiler said, with the project root stripped from paths."""
        return (done.stdout + "\n" + done.stderr).replace(self.root.rstrip("/") + "/", "")

    def program(self, folder: str) -> tuple[Path, TestCase | None, float]:
        """The compiled program (built unless this key's binary exists), or the error."""
        binary = self.build_dir.program(folder, self.source, self.key)
        stem = binary.name
        if binary.exists():
            return binary, None, 0.0
        binary.parent.mkdir(parents=True, exist_ok=True)
        # A name private to this process and thread: two doit runs may build the same key.
        partial = binary.with_name(f"{stem}.{partial_tag()}{threading.get_ident()}")
        done = self.compile("executable", partial)
        if not done.ok:
            partial.unlink(missing_ok=True)
            if done.timed_out:
                message = f"compile timed out after {self.timeout:g} s"
                error = TestCase(self.source, self.source, Status.ERROR, done.duration_s, message)
            else:
                error = compile_error_case(self.source, self.compiler_output(done), done.duration_s)
            return binary, error, done.duration_s
        partial.replace(binary)
        _prune_siblings(binary)
        return binary, None, done.duration_s

    def run(self, binary: Path) -> runner.Completed:
        """Run a compiled program with the timeout."""
        return runner.run([str(binary)], cwd=self.root, timeout=self.timeout)


def _prune_siblings(binary: Path) -> None:
    """Keep the newest few key folders of one program; older ones are dead weight."""
    family = binary.parent.parent
    folders = sorted(
        (p for p in family.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in folders[KEEP_BINARIES:]:
        shutil.rmtree(old, ignore_errors=True)


def build_artifact(job: Job) -> dict[str, Any]:
    """Build a package, executable or extension module; report the compiler's words."""
    target = Path(job.output)
    target.parent.mkdir(parents=True, exist_ok=True)
    key_file(target).unlink(missing_ok=True)
    # The file name names a precompiled package, so build under the final name
    # in a private folder and move it into place when the compiler succeeded.
    with tempfile.TemporaryDirectory(prefix=f".{partial_tag()}", dir=target.parent) as scratch:
        partial = Path(scratch) / target.name
        done = job.compile(job.kind, partial)
        if done.ok:
            partial.replace(target)
    if not done.ok:
        why = f"timed out after {job.timeout:g} s" if done.timed_out else "failed"
        case = compile_error_case(job.source, job.compiler_output(done))
        message = f"building {job.source} {why}: {case.message}"
        return {"status": "error", "message": message, "detail": case.detail}
    write_text_atomic(key_file(target), job.key)
    return {"status": "passed", "seconds": round(done.duration_s, 3), "output": job.output}


def run_test_file(job: Job) -> dict[str, Any]:
    """Compile and run one Mojo test file; write its JSON and JUnit results."""
    binary, error, compile_s = job.program("tests")
    run_s, exit_code, output_tail = 0.0, None, ""
    if error is not None:
        cases: tuple[TestCase, ...] = (error,)
    else:
        done = job.run(binary)
        run_s, exit_code = done.duration_s, done.returncode
        cases = parse_test_output(
            job.source,
            done.stdout,
            done.stderr,
            done.returncode,
            duration_s=done.duration_s,
            timed_out=done.timed_out,
            timeout_s=job.timeout,
        )
        output_tail = tail(clean(done.stdout + "\n" + done.stderr))
    result = FileResult(
        file=job.source,
        key=job.key,
        cases=cases,
        compile_s=compile_s,
        run_s=run_s,
        exit_code=exit_code,
        toolchain=job.toolchain,
        output_tail=output_tail,
    )
    target = Path(job.output)
    write_junit(target.with_suffix(".xml"), [result], name=job.source)
    write_result(target, result)
    failures = [
        {"name": c.name, "message": c.message, "line": c.line}
        for c in result.cases
        if not c.status.ok
    ]
    return {
        "status": result.status.value,
        "counts": {s.value: result.count(s) for s in Status},
        "failures": failures[:5],
        "seconds": round(result.compile_s + result.run_s, 3),
        "output": job.output,
    }
