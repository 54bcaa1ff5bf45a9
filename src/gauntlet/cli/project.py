"""``gauntlet mojo``, ``scan``, ``report`` and ``gates``: the Mojo project and its results."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from gauntlet.cli.parser import add_json
from gauntlet.config.load import load_config
from gauntlet.errors import ExitCode
from gauntlet.layout import Layout
from gauntlet.run import toolchain
from gauntlet.run.context import load_context

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from gauntlet.config.load import Config


def add_mojo_arguments(parser: argparse.ArgumentParser) -> None:
    """``mojo [--install]``."""
    parser.add_argument("--install", action="store_true", help="install if missing")


def add_scan_arguments(parser: argparse.ArgumentParser) -> None:
    """``scan [--json] [-v]``."""
    add_json(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="list closures")


def cmd_mojo(*, project: Path | None, install: bool) -> int:
    """Show the configured Mojo compiler; with ``install``, provision it when missing."""
    config = load_config(project)
    found = toolchain.find(config.mojo_version)
    if found is None and install:
        found = toolchain.provision(config.mojo_version, echo=lambda ln: print(ln, flush=True))
    if found is None:
        print(
            f"Mojo {config.mojo_version} is not installed. Run `gauntlet mojo --install` "
            "(or just `doit`, which installs it) or set GAUNTLET_MOJO to a mojo binary."
        )
        return ExitCode.TOOL_ERROR
    print(f"Mojo {found.version} at {found.mojo}")
    return ExitCode.OK


def cmd_scan(*, project: Path | None, as_json: bool, verbose: bool) -> int:
    """Print the project's Mojo files, tests, benchmarks and their dependency closures."""
    context = load_context(project)
    found, plan = context.project, context.plan
    if as_json:
        data = {
            "files": len(found.files),
            "diagnostics": context.diagnostics,
            "steps": [
                {"kind": s.kind.value, "name": s.name, "key": s.key, "inputs": list(s.inputs)}
                for s in plan.steps
            ],
        }
        print(json.dumps(data, indent=1))
        return ExitCode.OK
    print(f"{len(found.files)} Mojo files, {context.parsed} parsed (the rest from cache)")
    for step in plan.steps:
        print(f"{step.kind.value:10} {step.name}  ({len(step.inputs)} files)")
        if verbose:
            for path in step.inputs:
                print(f"             {path}")
    for problem in context.diagnostics:
        print(f"warning: {problem}")
    return ExitCode.OK


def cmd_report(*, project: Path | None) -> int:
    """Print the merged Mojo test report from the results on disk; exit 1 on a failure."""
    from gauntlet.views.console import make_console, print_summary
    from gauntlet.views.report import collect, write_report

    context = load_context(project)
    summary = collect(context.plan, context.layout.build)
    write_report(summary, context.layout.build)
    print_summary(summary, make_console())
    return ExitCode.OK if summary.status.ok else ExitCode.FAILED


def cmd_gates(*, project: Path | None) -> int:
    """Evaluate every gate over the results on disk; write the verdict and its reports."""
    return run_gates(load_config(project))


def run_gates(config: Config) -> int:
    """The gates over ``config``'s results on disk (``gauntlet gates``, the shards' fan-in)."""
    import datetime as dt
    import time

    from gauntlet.config.pyversions import declared_pythons
    from gauntlet.gates.collect import collect
    from gauntlet.gates.environ import gate_settings
    from gauntlet.gates.report import github_annotations, publish
    from gauntlet.gates.subject import current_subject
    from gauntlet.gates.verdict import evaluate
    from gauntlet.results.coverage import Coverage
    from gauntlet.views.console import make_console, print_verdict

    settings = gate_settings(config, os.environ)
    inputs = collect(config, declared_pythons(config.pyproject), now=time.time())
    subject = current_subject(config.pyproject.parent)
    verdict = evaluate(inputs, settings, dt.datetime.now(dt.timezone.utc).date(), subject=subject)
    out = Layout.of(config).repo.gates
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    mojo_coverage = inputs.mojo_coverage if isinstance(inputs.mojo_coverage, Coverage) else None
    publish(verdict, out, config.pyproject.parent, summary, inputs.tools_ran, mojo_coverage)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in github_annotations(verdict):
            print(line, flush=True)
    print_verdict(verdict, make_console())
    print(f"verdict, SARIF, JUnit and Markdown in {out}")
    return int(verdict.exit_code)
