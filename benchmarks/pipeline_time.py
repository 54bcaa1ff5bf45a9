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
   Python edit reverted first): the doit tasks that ran against the steps whose
   content key the edit changed (its dependants).

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

from affected_tests import edit_body

from gauntlet.config.load import load_config
from gauntlet.graph.plan import make_plan
from gauntlet.graph.project import build_project
from gauntlet.run import toolchain

REPO = Path(__file__).resolve().parent.parent
LOGS = Path(tempfile.gettempdir()) / "gauntlet-pipeline-time-logs"  # each run's output
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
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"ci-{time.strftime('%H%M%S')}.log"
    log.write_text(done.stdout + done.stderr, encoding="utf-8")
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


def step_keys(clone: Path) -> dict[str, str]:
    """The content key of every step of the sample's doit graph, by its doit task name."""
    config = load_config(clone / "sample")
    plan = make_plan(build_project(config), toolchain.identity(config.mojo_version))
    task = {"test": "test", "benchmark": "benchmark", "python-benchmark": "benchmark"}
    return {f"{task.get(s.kind.value, 'build')}:{s.name}": s.key for s in plan.steps}


def show(label: str, run: Run, cold: float) -> None:
    """Print one run's figures against the cold run."""
    print(f"{label}: {run.seconds:.0f} s ({run.seconds / cold:.0%} of cold), exit {run.exit}")
    print(f"   stages: {run.stages}")
    print(f"   Python tests that ran: {len(run.python_tests)}")


def python_edit(clone: Path, module: str, cold_s: float, figures: dict[str, object]) -> None:
    """Step 3: a function body of ``module`` edited on a branch, the pull-request option."""
    path = clone / module
    original = path.read_text(encoding="utf-8")
    subprocess.run(["git", "checkout", "-qb", "feature"], cwd=clone, check=True)
    edit_body(path)  # a function body changes, as in a pull request
    pr = ci(clone, GAUNTLET_AFFECTED="1")
    figures["python_edit"] = asdict(pr)
    show(f"3. after editing {module} on a branch, pull-request option", pr, cold_s)
    for choice in sorted((clone / ".gauntlet/results/python").glob("affected-*.json")):
        data = json.loads(choice.read_text(encoding="utf-8"))
        figures[choice.stem] = data
        covering = data.get("tests_by_changed_module", {}).get(module, [])
        print(f"   {choice.name}: {data.get('reason')}")
        print(f"   selected {len(data.get('selected', []))} of {data.get('collected')}")
        print(f"   tests whose coverage included {module}: {len(covering)}")
        for name in covering:
            print(f"      {name}")
    print("   tests that ran:")
    for name in pr.python_tests:
        print(f"      {name}")
    path.write_text(original, encoding="utf-8")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=clone, check=True)


def mojo_edit(clone: Path, module: str, cold_s: float, figures: dict[str, object]) -> None:
    """Step 4: a function appended to the sample's Mojo ``module``; what reran."""
    path = clone / "sample" / module
    before = step_keys(clone)
    path.write_text(
        path.read_text(encoding="utf-8") + "\n\ndef edited_marker() -> Int:\n    return 1\n",
        encoding="utf-8",
    )
    edited = ci(clone)
    figures["mojo_edit"] = asdict(edited)
    show(f"4. after editing sample/{module}", edited, cold_s)
    after = step_keys(clone)
    dependants = sorted(n for n, key in after.items() if before.get(n) != key)
    ran = sorted(t for t in edited.doit if t.split(":")[0] in ("build", "test", "benchmark"))
    print(f"   build, test and benchmark tasks that ran: {ran}")
    print(f"   steps whose content key the edit changed:  {dependants}")
    print(f"   only its dependants: {ran == dependants}")
    print(f"   all doit tasks that ran: {edited.doit}")


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
        print(f"fresh clone of {head}; load {os.getloadavg()[0]:.1f}; output in {LOGS}")
        figures: dict[str, object] = {"commit": head}
        cold = ci(clone)
        figures["cold"] = asdict(cold)
        show("1. cold", cold, cold.seconds)
        again = ci(clone)
        figures["unchanged"] = asdict(again)
        show("2. rerun, nothing changed", again, cold.seconds)
        python_edit(clone, args.module, cold.seconds, figures)
        mojo_edit(clone, args.mojo_module, cold.seconds, figures)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
