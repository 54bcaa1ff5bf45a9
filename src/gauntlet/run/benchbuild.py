"""Compiling a project's benchmark programs outside the doit graph.

Side-by-side comparisons and the accuracy script build benchmark programs
themselves; they use the same :class:`~gauntlet.run.actions.Job` as the
``benchmark:FILE`` tasks, so every program is keyed by its content and an
unchanged one is reused.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from gauntlet.config.load import Config
from gauntlet.errors import ResultError, ToolError
from gauntlet.graph.plan import Step, StepKind
from gauntlet.run import toolchain
from gauntlet.run.actions import Job
from gauntlet.run.context import load_context


def benchmark_steps(config: Config) -> dict[str, Step]:
    """The project's benchmark steps by source file."""
    plan = load_context(config).plan
    return {s.source: s for s in plan.of_kind(StepKind.BENCHMARK)}


def mojo_path(config: Config) -> str:
    """The project's Mojo compiler (ToolError when it is not installed)."""
    found = toolchain.find(config.mojo_version)
    if found is None:
        raise ToolError(f"Mojo {config.mojo_version} is not installed; run `doit toolchain`")
    return str(found.mojo)


def build_program(
    config: Config, step: Step, mojo: str, out_dir: Path, flags: list[str], folder: str
) -> Path:
    """One benchmark program, compiled under ``out_dir`` (ResultError when it fails)."""
    job = Job.for_step(step, config, toolchain.identity(config.mojo_version), mojo)
    job = replace(job, output="", flags=[*job.flags, *flags], out_dir=str(out_dir))
    binary, error, _ = job.program(folder)
    if error is not None:
        raise ResultError(error.message)
    return binary


def build_programs(config: Config, flags: list[str], folder: str, out_dir: Path) -> dict[str, Path]:
    """Every benchmark program of the project, built (or reused) under ``out_dir``."""
    mojo = mojo_path(config)
    return {
        source: build_program(config, step, mojo, out_dir, flags, folder)
        for source, step in benchmark_steps(config).items()
    }
