"""Which tasks rerun after an edit, against the ground truth from the compiler.

On a scratch copy of a gauntlet project (default: the sample), after a run that
brings everything up to date, this script makes four edits, one at a time, and
runs `doit` after each, reading the executed tasks from the run record:

1. a content edit of one leaf library module (a function body changes);
2. an edit of one test file;
3. a comment-only edit of the same leaf module;
4. a pure `touch` (mtime only) of it.

Ground truth for "which tests and benchmarks can this file affect" comes from
the real compiler, not from gauntlet's import graph: the leaf module is given a
syntax error and every test and benchmark file is compiled with `mojo build`;
the ones that fail to compile are the ones whose build reads that file.

    python benchmarks/affected_sets.py [--project DIR] [--leaf src/pkg/mod.mojo]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gauntlet.config.load import load_config
from gauntlet.graph.plan import StepKind, make_plan
from gauntlet.graph.project import build_project
from gauntlet.run import toolchain

HERE = Path(__file__).resolve().parent.parent


def run_doit(project: Path) -> set[str]:
    """Run doit on the project; the set of tasks that executed."""
    subprocess.run(
        [sys.executable, "-m", "doit", "-n", "2"],
        cwd=project,
        check=False,
        capture_output=True,
        text=True,
    )
    out_dir = load_config(project).out_dir
    record = json.loads((out_dir / "runs" / "last-doit-run.json").read_text(encoding="utf-8"))
    return {t["name"] for t in record["tasks"] if t["status"] == "executed"}


def items(names: set[str]) -> list[str]:
    """Only per-file test and benchmark tasks, sorted."""
    return sorted(n for n in names if n.startswith(("test:", "benchmark:")))


def compiler_truth(project: Path, leaf: str) -> list[str]:
    """Tests and benchmarks that no longer compile when ``leaf`` has a syntax error."""
    config = load_config(project)
    mojo = toolchain.ensure(config.mojo_version)
    plan = make_plan(build_project(config), toolchain.identity(config.mojo_version))
    path = config.root / leaf
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\nthis is not mojo (((\n", encoding="utf-8")
    broken = []
    try:
        with tempfile.TemporaryDirectory() as out:
            for step in plan.of_kind(StepKind.TEST) + plan.of_kind(StepKind.BENCHMARK):
                argv = [
                    str(mojo.mojo),
                    "build",
                    *(a for r in config.include for a in ("-I", r)),
                    step.source,
                    "-o",
                    os.path.join(out, "bin"),
                ]
                done = subprocess.run(argv, cwd=config.root, capture_output=True, check=False)
                if done.returncode != 0:
                    prefix = "test" if step.kind is StepKind.TEST else "benchmark"
                    broken.append(f"{prefix}:{step.name}")
    finally:
        path.write_text(original, encoding="utf-8")
    return sorted(broken)


def closure_set(project: Path, path: str) -> list[str]:
    """Tasks whose dependency closure (gauntlet's rule) contains ``path``."""
    config = load_config(project)
    plan = make_plan(build_project(config), toolchain.identity(config.mojo_version))
    return sorted(
        f"{s.kind.value}:{s.name}"
        for s in plan.steps
        if s.kind in (StepKind.TEST, StepKind.BENCHMARK) and path in s.inputs
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", type=Path, default=HERE)
    parser.add_argument("--leaf", default="src/tinynn/metrics.mojo")
    parser.add_argument("--test", default="tests/test_shape.mojo")
    args = parser.parse_args()
    source = load_config(args.project.resolve())
    with tempfile.TemporaryDirectory(prefix="gauntlet-affected-") as scratch:
        project = Path(scratch) / "project"
        shutil.copytree(source.root, project, ignore=shutil.ignore_patterns("__pycache__"))
        text = source.pyproject.read_text(encoding="utf-8").replace('root = "sample"', 'root = "."')
        (project / "pyproject.toml").write_text(text, encoding="utf-8")
        (project / "dodo.py").write_text("from gauntlet.dodo import *  # noqa: F403\n")
        started = time.perf_counter()
        first = run_doit(project)
        print(
            f"bring up to date: {len(first)} task(s) ran in {time.perf_counter() - started:.0f} s"
        )
        print(f"no-op check: {items(run_doit(project))} executed")

        leaf = project / args.leaf
        truth = compiler_truth(project, args.leaf)
        closure = closure_set(project, args.leaf)
        original = leaf.read_text(encoding="utf-8")
        leaf.write_text(
            original + "\n\ndef edited_marker() -> Int:\n    return 1\n", encoding="utf-8"
        )
        rerun = items(run_doit(project))
        print(f"\n1. content edit of leaf module {args.leaf}")
        print(f"   reran:                     {rerun}")
        print(f"   closure (gauntlet's rule): {closure}")
        print(f"   compiler ground truth:     {truth}")
        missed = sorted(set(truth) - set(rerun))
        extra = sorted(set(rerun) - set(truth))
        print(f"   reran == closure: {rerun == closure}")
        print(f"   missed (would be unsound): {missed or 'none'}")
        print(f"   reran although the compiler never read the file: {extra or 'none'}")

        test = project / args.test
        test.write_text(test.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        print(f"\n2. edit of test file {args.test}")
        print(f"   reran: {items(run_doit(project))}")

        leaf.write_text(leaf.read_text(encoding="utf-8") + "\n# comment only\n", encoding="utf-8")
        print(f"\n3. comment-only edit of {args.leaf}")
        print(f"   reran: {items(run_doit(project))}")

        later = time.time() + 10
        os.utime(leaf, (later, later))
        print(f"\n4. touch (mtime only) of {args.leaf}")
        print(f"   reran: {items(run_doit(project))}")


if __name__ == "__main__":
    main()
