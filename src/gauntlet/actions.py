"""What the graph's tasks do: compile with Mojo, run, record results.

Each function takes plain arguments (so parallel workers can receive it),
writes its outputs atomically, and returns a small JSON-able summary.  A
build artifact is written next to a ``.key`` file holding the content key it
was made for; the key file is written last, so an interrupted build is never
taken for a finished one.  Test binaries live in folders named by their key,
which lets a switch back to an earlier compiler reuse what it built before.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from gauntlet import runner
from gauntlet.atomic import write_text_atomic
from gauntlet.benchfile import BenchRun, parse_bench_output, write_bench
from gauntlet.junit import write_junit
from gauntlet.results import FileResult, Status, TestCase, write_result
from gauntlet.testoutput import clean, compile_error_case, parse_test_output, tail

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


def _include_args(include: list[str]) -> list[str]:
    return [arg for root in include for arg in ("-I", root)]


def _relative(output: str, root: str) -> str:
    """Compiler output with the project root stripped from paths."""
    return output.replace(root.rstrip("/") + "/", "")


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


def compile_command(
    mojo: str, kind: str, source: str, output: str, include: list[str], flags: list[str]
) -> list[str]:
    """The Mojo command line that builds one artifact."""
    if kind == "package":
        return [mojo, "precompile", *_include_args(include), *flags, source, "-o", output]
    emit = ["--emit", "shared-lib"] if kind == "extension" else []
    return [mojo, "build", *_include_args(include), *flags, *emit, source, "-o", output]


def build_artifact(
    *,
    mojo: str,
    root: str,
    kind: str,
    source: str,
    output: str,
    key: str,
    include: list[str],
    flags: list[str],
    timeout: float,
) -> dict[str, Any]:
    """Build a package, executable or extension module; fail with the compiler's words."""
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    key_file(target).unlink(missing_ok=True)
    # The file name names a precompiled package, so build under the final name
    # in a private folder and move it into place when the compiler succeeded.
    with tempfile.TemporaryDirectory(prefix=".partial-", dir=target.parent) as scratch:
        partial = Path(scratch) / target.name
        argv = compile_command(mojo, kind, source, str(partial), include, flags)
        with compile_slot() as env:
            done = runner.run(argv, cwd=root, env=env, timeout=timeout)
        if done.ok:
            os.replace(partial, target)
    if not done.ok:
        why = f"timed out after {timeout:g} s" if done.timed_out else "failed"
        case = compile_error_case(source, _relative(done.stdout + "\n" + done.stderr, root))
        return {
            "status": "error",
            "message": f"building {source} {why}: {case.message}",
            "detail": case.detail,
        }
    write_text_atomic(key_file(target), key)
    return {"status": "passed", "seconds": round(done.duration_s, 3), "output": output}


def _compile_binary(
    mojo: str,
    root: str,
    source: str,
    binary: Path,
    include: list[str],
    flags: list[str],
    timeout: float,
) -> tuple[TestCase | None, float]:
    """Compile a test or benchmark program unless this key's binary exists."""
    if binary.exists():
        return None, 0.0
    binary.parent.mkdir(parents=True, exist_ok=True)
    # A name private to this process and thread: two doit runs may build the same key.
    partial = binary.with_name(f"{binary.name}.{os.getpid()}-{threading.get_ident()}.partial")
    argv = compile_command(mojo, "executable", source, str(partial), include, flags)
    with compile_slot() as env:
        done = runner.run(argv, cwd=root, env=env, timeout=timeout)
    if not done.ok:
        partial.unlink(missing_ok=True)
    if done.timed_out:
        message = f"compile timed out after {timeout:g} s"
        return TestCase(source, source, Status.ERROR, done.duration_s, message), done.duration_s
    if not done.ok:
        output = _relative(done.stdout + "\n" + done.stderr, root)
        return compile_error_case(source, output, done.duration_s), done.duration_s
    os.replace(partial, binary)
    _prune_siblings(binary)
    return None, done.duration_s


def _prune_siblings(binary: Path) -> None:
    """Keep the newest few key folders of one program; older ones are dead weight."""
    family = binary.parent.parent
    folders = sorted(
        (p for p in family.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in folders[KEEP_BINARIES:]:
        shutil.rmtree(old, ignore_errors=True)


def binary_path(out_dir: str, folder: str, source: str, key: str) -> Path:
    """Where the compiled program of a test or benchmark lives, by key."""
    slug = source.replace("/", "__")
    return Path(out_dir) / "build" / folder / slug / key[:20] / PurePosixPath(source).stem


def run_test_file(
    *,
    mojo: str,
    root: str,
    out_dir: str,
    source: str,
    output: str,
    key: str,
    include: list[str],
    flags: list[str],
    timeout: float,
    toolchain: str,
) -> dict[str, Any]:
    """Compile and run one Mojo test file; write its JSON and JUnit results."""
    binary = binary_path(out_dir, "tests", source, key)
    error, compile_s = _compile_binary(mojo, root, source, binary, include, flags, timeout)
    run_s, exit_code, output_tail = 0.0, None, ""
    if error is not None:
        cases: tuple[TestCase, ...] = (error,)
    else:
        done = runner.run([str(binary)], cwd=root, timeout=timeout)
        run_s, exit_code = done.duration_s, done.returncode
        cases = parse_test_output(
            source,
            done.stdout,
            done.stderr,
            done.returncode,
            duration_s=done.duration_s,
            timed_out=done.timed_out,
            timeout_s=timeout,
        )
        output_tail = tail(clean(done.stdout + "\n" + done.stderr))
    result = FileResult(
        file=source,
        key=key,
        cases=cases,
        compile_s=compile_s,
        run_s=run_s,
        exit_code=exit_code,
        toolchain=toolchain,
        output_tail=output_tail,
    )
    target = Path(output)
    write_junit(target.with_suffix(".xml"), [result], name=source)
    write_result(target, result)
    return _summary(result)


def _summary(result: FileResult) -> dict[str, Any]:
    counts = {s.value: result.count(s) for s in Status}
    failures = [
        {"name": c.name, "message": c.message, "line": c.line}
        for c in result.cases
        if not c.status.ok
    ]
    return {
        "status": result.status.value,
        "counts": counts,
        "failures": failures[:5],
        "seconds": round(result.compile_s + result.run_s, 3),
    }


def run_benchmark_file(
    *,
    mojo: str,
    root: str,
    out_dir: str,
    source: str,
    output: str,
    key: str,
    include: list[str],
    flags: list[str],
    timeout: float,
    toolchain: str,
) -> dict[str, Any]:
    """Compile and run one Mojo benchmark; store its raw results as JSON."""
    binary = binary_path(out_dir, "bench", source, key)
    error, _ = _compile_binary(mojo, root, source, binary, include, flags, timeout)
    started = time.time()
    if error is not None:
        run = BenchRun(
            source,
            key,
            toolchain,
            started,
            ok=False,
            message=error.message,
            raw_output=error.detail,
        )
    else:
        done = runner.run([str(binary)], cwd=root, timeout=timeout)
        stdout = clean(done.stdout)
        rows, problems = parse_bench_output(stdout, source)
        message = ""
        if done.timed_out:
            message = f"timed out after {timeout:g} s and was killed"
        elif not done.ok:
            message = f"exited with code {done.returncode}: {tail(clean(done.stderr), 5)}"
        elif problems:
            message = "; ".join(problems)
        elif not rows:
            message = "printed no benchmark table (call dump_report() at the end of main)"
        run = BenchRun(
            source,
            key,
            toolchain,
            started,
            ok=not message,
            message=message,
            rows=rows,
            raw_output=stdout,
            seconds=done.duration_s,
        )
    write_bench(Path(output), run)
    return {
        "status": "passed" if run.ok else "error",
        "message": run.message,
        "benchmarks": len(run.rows),
    }
