"""The ``gauntlet`` command: a table of subcommands, each a function returning an exit code.

Expected failures (bad configuration, a missing tool, a malformed file) are
printed as one clear line and mapped to exit codes; only a bug shows a
traceback, and then a crash log is written too.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from gauntlet import __version__
from gauntlet.cli import bench as benchcli
from gauntlet.cli import dash as dashcli
from gauntlet.cli import health as healthcli
from gauntlet.config.load import load_config
from gauntlet.errors import ExitCode, GauntletError
from gauntlet.layout import Layout
from gauntlet.run import toolchain
from gauntlet.run.context import load_context


def cmd_mojo(args: argparse.Namespace) -> int:
    """Show the configured Mojo compiler; with --install, provision it when missing."""
    config = load_config(args.project)
    found = toolchain.find(config.mojo_version)
    if found is None and args.install:
        found = toolchain.provision(config.mojo_version, echo=lambda ln: print(ln, flush=True))
    if found is None:
        print(
            f"Mojo {config.mojo_version} is not installed. Run `gauntlet mojo --install` "
            "(or just `doit`, which installs it) or set GAUNTLET_MOJO to a mojo binary."
        )
        return ExitCode.TOOL_ERROR
    print(f"Mojo {found.version} at {found.mojo}")
    return ExitCode.OK


def cmd_scan(args: argparse.Namespace) -> int:
    """Print the project's Mojo files, tests, benchmarks and their dependency closures."""
    context = load_context(args.project)
    project, plan = context.project, context.plan
    if args.json:
        data = {
            "files": len(project.files),
            "diagnostics": context.diagnostics,
            "steps": [
                {"kind": s.kind.value, "name": s.name, "key": s.key, "inputs": list(s.inputs)}
                for s in plan.steps
            ],
        }
        print(json.dumps(data, indent=1))
    else:
        print(f"{len(project.files)} Mojo files, {context.parsed} parsed (the rest from cache)")
        for step in plan.steps:
            print(f"{step.kind.value:10} {step.name}  ({len(step.inputs)} files)")
            if args.verbose:
                for path in step.inputs:
                    print(f"             {path}")
        for problem in context.diagnostics:
            print(f"warning: {problem}")
    return ExitCode.OK


def cmd_report(args: argparse.Namespace) -> int:
    """Print the merged Mojo test report from the results on disk (or health: html, md)."""
    if args.kind:
        return dashcli.cmd_report_health(args)
    from gauntlet.views.console import make_console, print_summary
    from gauntlet.views.report import collect, write_report

    context = load_context(args.project)
    summary = collect(context.plan, context.layout.build)
    write_report(summary, context.layout.build)
    print_summary(summary, make_console())
    return ExitCode.OK if summary.status.ok else ExitCode.FAILED


def cmd_gates(args: argparse.Namespace) -> int:
    """Evaluate every gate over the results on disk; write the verdict and its reports."""
    import datetime as dt
    import os
    import time
    from dataclasses import replace

    from gauntlet.config.gates import MISSING_INTERPRETERS, GateSettings
    from gauntlet.config.pyversions import declared_pythons
    from gauntlet.errors import ConfigError
    from gauntlet.gates.collect import collect
    from gauntlet.gates.report import github_annotations, markdown, write_gate_junit
    from gauntlet.gates.verdict import evaluate, write_verdict
    from gauntlet.results.sarif import write_sarif
    from gauntlet.views.console import make_console, print_verdict

    config = load_config(args.project)
    settings = config.gates or GateSettings()
    override = os.environ.get("GAUNTLET_MISSING_INTERPRETERS")
    if override:
        if override not in MISSING_INTERPRETERS:
            raise ConfigError(
                f"GAUNTLET_MISSING_INTERPRETERS={override!r}: expected one of "
                + ", ".join(MISSING_INTERPRETERS)
            )
        settings = replace(settings, missing_interpreters=override)
    allowed = [t.strip() for t in os.environ.get("GAUNTLET_ALLOW_NOT_RUN", "").split(",")]
    if any(allowed):
        extra = tuple(t for t in allowed if t)
        settings = replace(settings, allow_not_run=settings.allow_not_run + extra)
    inputs = collect(config, declared_pythons(config.pyproject), now=time.time())
    verdict = evaluate(inputs, settings, dt.datetime.now(dt.timezone.utc).date())
    out = Layout.of(config).repo.gates
    repo = config.pyproject.parent
    write_verdict(out / "verdict.json", verdict)
    write_gate_junit(out / "junit-gates.xml", verdict)
    write_sarif(out / "gates.sarif", (f for r in verdict.results for f in r.findings), repo)
    summary = markdown(verdict)
    (out / "summary.md").write_text(summary, encoding="utf-8")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with Path(step_summary).open("a", encoding="utf-8") as handle:
            handle.write(summary)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in github_annotations(verdict):
            print(line, flush=True)
    print_verdict(verdict, make_console())
    print(f"verdict, SARIF, JUnit and Markdown in {out}")
    return int(verdict.exit_code)


Command = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[Command, str]] = {
    "mojo": (cmd_mojo, "show (or --install) the configured Mojo compiler"),
    "scan": (cmd_scan, "show Mojo files, tests and their dependency closures"),
    "report": (cmd_report, "the Mojo test report; `report html|md`: pipeline health"),
    "bench": (benchcli.cmd_bench, "record, compare and chart benchmark results"),
    "gates": (cmd_gates, "evaluate the quality gates over the results on disk"),
    "health": (healthcli.cmd_health, "durations, failure rates and flaky tests from run history"),
    "history": (healthcli.cmd_history, "import results into the run history, or show it"),
    "alerts": (dashcli.cmd_alerts, "evaluate the alert rules on the run history and notify"),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one subparser per command."""
    parser = argparse.ArgumentParser(
        prog="gauntlet", description="CI/CD orchestrator for Mojo + Python repositories"
    )
    parser.add_argument("--version", action="version", version=f"gauntlet {__version__}")
    parser.add_argument(
        "--project", type=Path, default=None, help="project folder (default: nearest pyproject)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text)
        if name == "mojo":
            command.add_argument("--install", action="store_true", help="install if missing")
        if name == "scan":
            command.add_argument("--json", action="store_true", help="machine-readable output")
            command.add_argument("-v", "--verbose", action="store_true", help="list closures")
        if name == "bench":
            benchcli.add_arguments(command)
        if name == "report":
            dashcli.add_report_arguments(command)
        if name == "alerts":
            dashcli.add_alerts_arguments(command)
        if name == "health":
            healthcli.add_health_arguments(command)
        if name == "history":
            healthcli.add_history_arguments(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gauntlet`` console script."""
    args = build_parser().parse_args(argv)
    func, _ = COMMANDS[args.command]
    try:
        return int(func(args))
    except GauntletError as exc:
        print(f"gauntlet: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("gauntlet: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception:  # a bug: keep the evidence  # noqa: BLE001
        log = Path.cwd() / "gauntlet-crash.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        traceback.print_exc()
        print(f"gauntlet: internal error; details in {log}", file=sys.stderr)
        return int(ExitCode.TOOL_ERROR)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
