"""``kill -9`` of doit's process group at random moments of a cold run, and what it leaves.

Generates a small real Mojo project in a temporary folder (a package, six
test files and one test that hangs until its 60 s timeout), runs ``doit -n 2``
on it once cold for the reference summary, then for each kill:

1. deletes the build folder (a cold run) and starts ``doit -n 2`` in a process
   group of its own, with a marker variable in its environment that every
   process it starts inherits;
2. sends ``SIGKILL`` to the whole group at a random moment of the run: every
   other kill falls in its first ``--early`` seconds, where the compilers run
   (the rest of a cold run is mostly the hanging test waiting for its timeout);
3. 5 s later counts the processes still carrying the marker (orphans) and
   lists their command names, then kills them so the next kill starts clean;
4. reads the history as ``gauntlet health`` does: is the killed run shown as
   interrupted (``-`` when the kill came before the run was recorded);
5. runs ``doit -n 2`` again to completion (the next start), counts partial
   files left anywhere in the project, and compares its ``summary.json``
   (durations left out) with the clean run's.

Prints one row per kill and the totals.  Orphans and partials must be 0 and
every summary must equal the clean one.

    python benchmarks/kill_faults.py            # 20 kills
    python benchmarks/kill_faults.py --kills 3 --seed 7
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
MARK = "KILL_FAULTS_MARK"
SUITE_MAIN = (
    "\n\ndef main() raises:\n    TestSuite.discover_tests[__functions_in_module()]().run()\n"
)


def _test(body: str) -> str:
    return textwrap.dedent(body).lstrip() + SUITE_MAIN


def project_files() -> dict[str, str]:
    """A package, six test files and a test that hangs."""
    files = {
        "pyproject.toml": '[tool.gauntlet]\nmojo-version = "1.2.0"\ntimeout = 60\n',
        "dodo.py": "from gauntlet.dodo import *  # noqa: F403\n",
        "src/calc/__init__.mojo": "from .core import add, mul\n",
        "src/calc/core.mojo": (
            "def add(a: Int, b: Int) -> Int:\n    return a + b\n\n\n"
            "def mul(a: Int, b: Int) -> Int:\n    return a * b\n"
        ),
        "tests/test_hang.mojo": _test("""
            from std.testing import TestSuite
            from std.time import sleep


            def test_hangs() raises:
                sleep(3600.0)
        """),
    }
    for n in range(1, 7):
        files[f"tests/test_calc_{n}.mojo"] = _test(f"""
            from std.testing import assert_equal, TestSuite
            from calc import add, mul


            def test_add_{n}() raises:
                assert_equal(add({n}, {n}), {2 * n})


            def test_mul_{n}() raises:
                assert_equal(mul({n}, 3), {3 * n})
        """)
    return files


def write_project(root: Path) -> None:
    for rel, text in project_files().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def doit_env(mark: str) -> dict[str, str]:
    return {**os.environ, MARK: mark, "PYTHONPATH": str(SRC), "NO_COLOR": "1"}


def start_doit(root: Path, mark: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "doit", "-n", "2"],
            cwd=root,
            env=doit_env(mark),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a CI job's shell gives it
        )


def marked(mark: str) -> dict[int, str]:
    """Processes carrying ``MARK=mark``: pid → command name."""
    found = {}
    needle = f"\0{MARK}={mark}\0".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in b"\0" + (entry / "environ").read_bytes() + b"\0":
                found[int(entry.name)] = (entry / "comm").read_text().strip()
        except OSError:
            continue
    return found


def partials(root: Path) -> list[Path]:
    """Files or folders being written: gauntlet's ``partial-<pid>-`` and older names."""
    return [
        p
        for p in root.rglob("*")
        if "partial" in p.name or (p.name.endswith(".tmp") and p.name.startswith("."))
    ]


def summary(root: Path) -> Any:
    """The run's summary.json without times (nor the slowest list they order), or None."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: strip(v) for k, v in value.items() if not k.endswith("_s") and k != "slowest"
            }
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    path = root / ".gauntlet" / "results" / "summary.json"
    try:
        return strip(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def killed_run_outcome(root: Path) -> str:
    """The newest run's outcome as a reader of the history sees it."""
    sys.path.insert(0, str(SRC))
    from gauntlet.health.store import open_store

    history = root / ".gauntlet" / "history.sqlite3"
    if not history.exists():
        return "-"
    store = open_store(history)
    try:
        runs = store.health().runs
    finally:
        store.close()
    return runs[-1].outcome.value if runs else "-"


def full_run(root: Path, mark: str, log: Path) -> float:
    started = time.monotonic()
    process = start_doit(root, mark, log)
    process.wait(timeout=900)
    return time.monotonic() - started


def one_kill(root: Path, number: int, at: float, clean: Any, log: Path) -> dict[str, Any]:
    shutil.rmtree(root / ".gauntlet", ignore_errors=True)  # cold
    mark = uuid.uuid4().hex
    doit = start_doit(root, mark, log)
    finished_first = False
    try:
        doit.wait(timeout=at)
        finished_first = True
    except subprocess.TimeoutExpired:
        os.killpg(doit.pid, signal.SIGKILL)
        doit.wait()
    time.sleep(5.0)
    left = marked(mark)
    for pid in left:  # so the next kill starts clean
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    shown = killed_run_outcome(root)
    before = len(partials(root))
    next_s = full_run(root, uuid.uuid4().hex, log)
    after = partials(root)
    return {
        "kill": number,
        "at_s": at,
        "finished_first": finished_first,
        "orphans": len(left),
        "orphan_names": sorted(set(left.values())),
        "shown": shown,
        "partials_before": before,
        "partials_after": len(after),
        "same_summary": summary(root) == clean and clean is not None,
        "next_s": next_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--early", type=float, default=12.0, help="seconds of compiling that every other kill hits"
    )
    parser.add_argument("--keep", action="store_true", help="keep the project folder")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = Path(tempfile.mkdtemp(prefix="gauntlet-kill-faults-"))
    root = base / "project"
    write_project(root)
    log = base / "doit.log"
    try:
        clean_s = full_run(root, uuid.uuid4().hex, log)
        clean = summary(root)
        print(f"project: {root}; clean cold run {clean_s:.1f} s")
        if clean is None:
            sys.exit(f"the clean run wrote no summary; see {log}")
        header = (
            f"{'kill':>4} {'at (s)':>7} {'orphans':>7} {'shown as':>11} {'partials':>8} "
            f"{'left':>4} {'same summary':>12} {'next (s)':>8}  orphan names"
        )
        print(header)
        rows = []
        for number in range(1, args.kills + 1):
            end = min(args.early, clean_s) if number % 2 else clean_s
            row = one_kill(root, number, rng.uniform(0.5, end), clean, log)
            rows.append(row)
            at = f"{row['at_s']:.1f}" + ("*" if row["finished_first"] else "")
            print(
                f"{number:>4} {at:>7} {row['orphans']:>7} {row['shown']:>11} "
                f"{row['partials_before']:>8} {row['partials_after']:>4} "
                f"{'yes' if row['same_summary'] else 'NO':>12} {row['next_s']:>8.1f}  "
                f"{', '.join(row['orphan_names'])}",
                flush=True,
            )
        print(
            f"totals: {len(rows)} kills, "
            f"{sum(r['finished_first'] for r in rows)} runs finished before their kill (*), "
            f"{sum(r['orphans'] for r in rows)} orphans, "
            f"{sum(r['partials_after'] for r in rows)} partials left after the next start "
            f"({sum(r['partials_before'] for r in rows)} before it), "
            f"{sum(r['same_summary'] for r in rows)}/{len(rows)} next summaries equal the clean "
            f"one, {sum(r['shown'] == 'interrupted' for r in rows)} killed runs read as "
            "interrupted"
        )
    finally:
        if args.keep:
            print(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
