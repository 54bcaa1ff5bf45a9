"""``nox -s ci`` of this repository: cold, rerun unchanged, and after one edit of each kind.

On a fresh clone of the repository's HEAD (the Mojo toolchain and package
caches of this machine are used as they are), in one run:

1. cold: ``nox -s ci`` on the fresh clone;
2. rerun with nothing changed (goal ≤ 60 s);
3. after editing one Python module of ``src/`` (a function body, on a branch:
   the main branch always runs everything), with the pull-request option
   ``GAUNTLET_AFFECTED=1`` (goal ≤ 25 % of cold): the tests that ran, and
   those whose recorded coverage included the module;
4. after editing one module of the sample's Mojo code (a function appended; the
   Python edit reverted first): the doit tasks that ran against the tasks whose
   dependency closure holds the module.

Each figure is printed with its ratio to the cold run, with each stage's time
and whether it was reused.  The environment is ``.ci/run``'s (CI, skipped
missing interpreters, pip-audit allowed not to run, the time gate warning).

    python benchmarks/pipeline_time.py [--module src/gauntlet/...py]
        [--mojo-module src/tinynn/metrics.mojo] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from xml.etree import ElementTree

from affected_sets import closure_set
from affected_tests import edit_body

REPO = Path(__file__).resolve().parent.parent
ENV = {
    "CI": "true",
    "GAUNTLET_MISSING_INTERPRETERS": "skip",
    "GAUNTLET_ALLOW_NOT_RUN": "pip-audit",
    "GAUNTLET_TIME_OVER_BUDGET": "warn",
    "NOX_DOWNLOAD_PYTHON": "never",
}


@dataclass
class Run:
    """One ``nox -s ci``: what it took and what ran."""

    seconds: float
    exit: int
    stages: dict[str, str]  # stage -> "reused" or its seconds
    python_tests: list[str]
    doit: list[str]  # executed doit tasks


def ci(clone: Path, **extra: str) -> Run:
    """Run ``nox -s ci`` in ``clone`` with ``.ci/run``'s environment (and ``extra``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAUNTLET_", "VIRTUAL_ENV"))}
    env.update(ENV, **extra)
    env["PATH"] = os.pathsep.join([env.get("PATH", ""), "/usr/sbin", "/sbin"])
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "nox", "-s", "ci"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    results = clone / ".gauntlet" / "results"
    (clone.parent / f"ci-{int(time.time())}.log").write_text(done.stdout + done.stderr)
    record = json.loads((results / "pipeline.json").read_text(encoding="utf-8"))
    reused = {
        line.split(":")[0].split()[-1]
        for line in done.stdout.splitlines() + done.stderr.splitlines()
        if ": up to date (" in line
    }
    stages = {
        t["name"]: "reused" if t["name"] in reused else f"{t['ended_at'] - t['started_at']:.0f} s"
        for t in record["timings"]
        if t.get("ended_at")
    }
    tests = []
    for junit in sorted((results / "python").glob("junit-python-*.xml")):
        root = ElementTree.parse(junit).getroot()  # noqa: S314 - our own pytest's file
        tests += [f"{c.get('classname')}::{c.get('name')}" for c in root.iter("testcase")]
    doit = clone / "sample" / ".gauntlet" / "runs" / "last-doit-run.json"
    tasks = []
    if doit.is_file():
        record = json.loads(doit.read_text(encoding="utf-8"))
        tasks = [t["name"] for t in record["tasks"] if t["status"] == "executed"]
    return Run(seconds, done.returncode, stages, tests, tasks)


def show(label: str, run: Run, cold: float) -> None:
    """Print one run's figures against the cold run."""
    print(f"{label}: {run.seconds:.0f} s ({run.seconds / cold:.0%} of cold), exit {run.exit}")
    print(f"   stages: {run.stages}")
    print(f"   Python tests that ran: {len(run.python_tests)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--module", default="src/gauntlet/views/benchplot.py")
    parser.add_argument("--mojo-module", default="src/tinynn/metrics.mojo")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="gauntlet-pipeline-") as scratch:
        clone = Path(scratch) / "gauntlet"
        subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
        print(f"fresh clone of {head}; load {os.getloadavg()[0]:.1f}")
        figures: dict[str, object] = {"commit": head}
        cold = ci(clone)
        figures["cold"] = asdict(cold)
        cold_s = cold.seconds
        show("1. cold", cold, cold_s)

        again = ci(clone)
        figures["unchanged"] = asdict(again)
        show("2. rerun, nothing changed", again, cold_s)

        module = clone / args.module
        original = module.read_text(encoding="utf-8")
        subprocess.run(["git", "checkout", "-qb", "feature"], cwd=clone, check=True)
        edit_body(module)  # a function body changes, as in a pull request
        pr = ci(clone, GAUNTLET_AFFECTED="1")
        figures["python_edit"] = asdict(pr)
        show(f"3. after editing {args.module} on a branch, pull-request option", pr, cold_s)
        for choice in sorted((clone / ".gauntlet/results/python").glob("affected-*.json")):
            data = json.loads(choice.read_text(encoding="utf-8"))
            figures[choice.stem] = data
            covering = data.get("tests_by_changed_module", {}).get(args.module, [])
            print(f"   {choice.name}: {data.get('reason')}")
            print(f"   selected {len(data.get('selected', []))} of {data.get('collected')}")
            print(f"   tests whose coverage included {args.module}: {len(covering)}")
            for name in covering:
                print(f"      {name}")
        print("   tests that ran:")
        for name in pr.python_tests:
            print(f"      {name}")
        module.write_text(original, encoding="utf-8")
        subprocess.run(["git", "checkout", "-q", "main"], cwd=clone, check=True)

        mojo = clone / "sample" / args.mojo_module
        mojo.write_text(
            mojo.read_text(encoding="utf-8") + "\n\ndef edited_marker() -> Int:\n    return 1\n",
            encoding="utf-8",
        )
        edited = ci(clone)
        figures["mojo_edit"] = asdict(edited)
        show(f"4. after editing sample/{args.mojo_module}", edited, cold_s)
        ran = sorted(t for t in edited.doit if t.startswith(("test:", "benchmark:")))
        closure = closure_set(clone / "sample", args.mojo_module)
        print(f"   test and benchmark tasks that ran: {ran}")
        print(f"   its dependants (closure):          {closure}")
        print(f"   only its dependants: {ran == closure}")
        print(f"   all doit tasks that ran: {edited.doit}")
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
