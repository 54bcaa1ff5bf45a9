"""Gathering the gates' inputs from the results directory, git and the environment.

This is the one impure step before the gates: it reads files, asks git which
lines changed since the base revision, and looks at the clock.  Everything
after it (gates, waivers, verdict, reports) is a function of its value.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from typing import TYPE_CHECKING

from gauntlet import runner
from gauntlet.errors import ToolError
from gauntlet.gates.environ import coverage_expected
from gauntlet.gates.inputs import (
    BenchData,
    Inputs,
    Missing,
    load,
    load_lint,
    read_bench,
    read_unaffected,
)
from gauntlet.graph.discover import declared_benchmarks
from gauntlet.layout import Layout
from gauntlet.results.audit import read_pip_audit
from gauntlet.results.coverage import DIFF_OPTIONS, Coverage, parse_diff, read_coverage
from gauntlet.results.findings import read_bandit, read_mypy, read_secrets
from gauntlet.results.junitread import TestRun, read_junit
from gauntlet.results.pipeline import read_pipeline

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from gauntlet.config.load import Config


def results_dir(config: Config) -> Path:
    """The repository's results directory: ``<repo>/.gauntlet/results``."""
    return Layout.of(config).repo.results


def _mojo_output(layout: Layout) -> str:
    """Where to look when a doit result is missing (pytest and doit print to the console)."""
    return f"the output of `nox -s mojo` and {layout.build.last_doit_run}"


def changed_lines(repo: Path, base: str) -> dict[str, frozenset[int]] | None:
    """Lines added or changed since the merge base with ``base``; None without a base."""
    try:
        found = runner.run(["git", "merge-base", base, "HEAD"], cwd=repo, timeout=60)
    except ToolError:
        return None
    if found.returncode != 0:
        return None
    diff = runner.run(
        ["git", *DIFF_OPTIONS, found.stdout.strip(), "--"],
        cwd=repo,
        timeout=120,
    )
    if diff.returncode != 0:
        raise ToolError(f"git diff against {base} failed in {repo}: {diff.stderr.strip()}")
    return parse_diff(diff.stdout)


def skipped_pythons(report: Path) -> set[str] | None:
    """Python versions nox skipped for a missing interpreter, from its ``--report`` JSON."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        sessions = data["sessions"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    skipped = set()
    for entry in sessions:
        if not isinstance(entry, dict) or entry.get("result") != "skipped":
            continue
        if "interpreter" not in str(entry.get("reason", "")):
            continue
        for signature in entry.get("signatures", []):
            match = re.search(r"-(\d+\.\d+)$", str(signature))
            if match:
                skipped.add(match.group(1))
    return skipped


def _on_ci(env: Mapping[str, str]) -> bool:
    return env.get("CI", "").lower() not in ("", "0", "false", "no")


def _bench(config: Config, layout: Layout, mojo_output: str) -> BenchData | Missing | None:
    """Raw benchmark runs; None only when the project declares no benchmarks at all."""
    folder = layout.build.bench_results
    if folder.is_dir():
        reader = lambda p: read_bench(p, layout.repo.bench_comparison)  # noqa: E731
        return load("doit (benchmarks)", folder, mojo_output, reader)
    declared = declared_benchmarks(config)
    if not declared:
        return None
    more = f" and {len(declared) - 1} more" if len(declared) > 1 else ""
    return Missing(
        "doit (benchmarks)",
        str(folder),
        mojo_output,
        f"the project declares benchmarks ({declared[0]}{more}) but they wrote no results "
        f"({folder} is missing); run `doit benchmark` or `nox -s bench`",
    )


def _mojo_coverage(
    config: Config, layout: Layout, env: Mapping[str, str]
) -> Coverage | Missing | None:
    """The Mojo coverage report; None when nobody measured it and nobody asked to."""
    path = layout.build.mojo_coverage / "coverage.json"
    if not path.exists() and not coverage_expected(config, env):
        return None
    return load("doit (Mojo coverage)", path, "the output of `doit coverage`", read_coverage)


def collect(
    config: Config,
    pythons: Sequence[str],
    now: float,
    env: Mapping[str, str] | None = None,
) -> Inputs:
    """Read every result the gates need; what is missing becomes :class:`Missing`."""
    env = os.environ if env is None else env
    settings = config.gates
    base = env.get("GAUNTLET_BASE") or (settings.base if settings else "origin/main")
    layout = Layout.of(config)
    repo, mojo_output = layout.repo, _mojo_output(layout)
    python_runs: list[TestRun | Missing] = []
    missing_pythons = []
    skipped = skipped_pythons(repo.nox_report("tests"))
    for version in pythons:
        path = repo.python / f"junit-python-{version}.xml"
        if skipped is not None:
            not_found = version in skipped
        else:
            not_found = shutil.which(f"python{version}") is None
        if not_found and not path.is_file():
            missing_pythons.append(version)
            continue
        python_runs.append(
            load(f"pytest (Python {version})", path, f"`nox -s tests-{version}`", read_junit)
        )
    if config.python_tests:
        path = repo.python / "junit-extensions.xml"
        python_runs.append(load("pytest (extensions)", path, mojo_output, read_junit))
    mojo = load("doit (Mojo tests)", layout.build.junit_mojo, mojo_output, read_junit)
    bench = _bench(config, layout, mojo_output)
    pipeline = read_pipeline(repo.results)
    return Inputs(
        python_tests=tuple(python_runs),
        missing_pythons=tuple(missing_pythons),
        mojo_tests=mojo,
        coverage=load(
            "coverage",
            repo.python / "coverage.json",
            "the output of `nox -s tests`",
            read_coverage,
        ),
        mojo_coverage=_mojo_coverage(config, layout, env),
        changed=changed_lines(config.pyproject.parent, base),
        base=base,
        lint=load_lint(repo.lint, repo.log("lint")),
        types=load("mypy", repo.types / "mypy.json", repo.log("typecheck"), read_mypy),
        bandit=load("bandit", repo.security / "bandit.json", repo.log("security"), read_bandit),
        secrets=load(
            "detect-secrets", repo.security / "secrets.json", repo.log("security"), read_secrets
        ),
        audit=load(
            "pip-audit", repo.security / "pip-audit.json", repo.log("security"), read_pip_audit
        ),
        bench=bench,
        elapsed_s=pipeline.elapsed(now) if pipeline else None,
        cpu_s=pipeline.cpu_seconds if pipeline else None,
        stage_times=pipeline.stages if pipeline else (),
        on_ci=_on_ci(env),
        unaffected=tuple(
            u for v in pythons if (u := read_unaffected(repo.affected(v), v)) is not None
        ),
    )
