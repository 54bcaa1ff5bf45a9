"""Side-by-side benchmarking: the working tree against a base revision, on one machine.

The base revision is checked out with ``git worktree add --detach`` into the
build folder, both sides' benchmark programs are compiled (each keyed by its
own content, so an unchanged benchmark is built once per side and reused),
and then measured interleaved, base and new alternately, so drift of a
shared machine affects both alike.  Instruction-count benchmarks run once per
side under callgrind.  The worktree is removed afterwards.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from gauntlet import runner, toolchain
from gauntlet.actions import Job
from gauntlet.benchconfig import BenchSettings, bench_settings
from gauntlet.benchmeasure import measure_instructions, measure_wall
from gauntlet.benchresults import Measurement
from gauntlet.config import Config, load_config
from gauntlet.errors import ResultError, ToolError
from gauntlet.plan import Step, StepKind, make_plan
from gauntlet.project import build_project
from gauntlet.scancache import ScanCache


@dataclass(frozen=True)
class SidePair:
    """One benchmark file measured on both sides (either may be missing)."""

    source: str
    base: tuple[Measurement, ...]
    new: tuple[Measurement, ...]


def _git(cwd: Path, *args: str) -> str:
    done = runner.run(["git", *args], cwd=cwd, timeout=120)
    if not done.ok:
        raise ToolError(f"git {' '.join(args)} failed in {cwd}: {done.stderr.strip()[-300:]}")
    return done.stdout.strip()


def _steps(config: Config) -> dict[str, Step]:
    project = build_project(config, ScanCache(config.out_dir / "cache" / "scan.json"))
    plan = make_plan(project, toolchain.identity(config.mojo_version))
    return {s.source: s for s in plan.of_kind(StepKind.BENCHMARK)}


def _program(
    config: Config, step: Step, mojo: str, scratch: Path, flags: list[str], side: str
) -> Path:
    job = Job(
        mojo=mojo,
        root=str(config.root),
        source=step.source,
        output="",
        key=step.key,
        include=list(config.include),
        flags=[*config.mojo_flags, *flags],
        timeout=config.timeout,
        out_dir=str(scratch),
        toolchain=toolchain.identity(config.mojo_version),
    )
    binary, error, _ = job.program("side-cg" if flags else "side")
    if error is not None:
        raise ResultError(
            f"{side}: step build of {step.source} failed, so nothing was compared: {error.message}"
        )
    return binary


def _measure(
    config: Config,
    settings: BenchSettings,
    source: str,
    binaries: list[Path],
    base_root: Path,
) -> list[tuple[Measurement, ...]]:
    if settings.counts_instructions(source):
        roots = [base_root, config.root][-len(binaries) :]
        return [
            measure_instructions(b, cwd=str(r), timeout=config.timeout, source=source)
            for b, r in zip(binaries, roots, strict=True)
        ]
    return measure_wall(
        binaries,
        cwd=str(config.root),
        timeout=config.timeout,
        samples=settings.samples,
        warmup=settings.warmup,
        source=source,
    )


def side_by_side(config: Config, revision: str, files: tuple[str, ...] = ()) -> list[SidePair]:
    """Measure each benchmark file of the working tree and of ``revision``, interleaved."""
    found = toolchain.find(config.mojo_version)
    if found is None:
        raise ToolError(f"Mojo {config.mojo_version} is not installed; run `doit toolchain`")
    mojo = str(found.mojo)
    top = Path(_git(config.root, "rev-parse", "--show-toplevel"))
    commit = _git(top, "rev-parse", "--verify", f"{revision}^{{commit}}")
    scratch = config.out_dir / "side-by-side"
    worktree = scratch / f"base-{commit[:12]}"
    if worktree.exists():
        _git(top, "worktree", "remove", "--force", str(worktree))
    scratch.mkdir(parents=True, exist_ok=True)
    _git(top, "worktree", "add", "--detach", str(worktree), commit)
    try:
        base_config = load_config(worktree / config.pyproject.relative_to(top).parent)
        settings = bench_settings(config)
        new_steps, base_steps = _steps(config), _steps(base_config)
        pairs = []
        for source in sorted(set(new_steps) | set(base_steps)):
            if files and source not in files:
                continue
            flags = (
                ["--target-cpu", settings.target_cpu]
                if settings.counts_instructions(source)
                else []
            )
            sides = [
                (base_config, base_steps.get(source)),
                (config, new_steps.get(source)),
            ]
            binaries = [
                _program(cfg, step, mojo, scratch / name, flags, label)
                for (cfg, step), name, label in zip(
                    sides,
                    ("base", "new"),
                    (f"base revision {revision}", "working tree"),
                    strict=True,
                )
                if step is not None
            ]
            measured = _measure(config, settings, source, binaries, base_config.root)
            base = measured[0] if source in base_steps else ()
            new = measured[-1] if source in new_steps else ()
            pairs.append(SidePair(source, base, new))
        return pairs
    finally:
        _git(top, "worktree", "remove", "--force", str(worktree))
        shutil.rmtree(worktree, ignore_errors=True)
