"""Side-by-side benchmarking: the working tree against a base revision, on one machine.

The base revision is checked out with ``git worktree add --detach`` into the
build folder, both sides' benchmark programs are compiled (each keyed by its
own content, so an unchanged benchmark is built once per side and reused),
and then measured interleaved, base and new alternately, so drift of a
shared machine affects both alike; :mod:`gauntlet.bench.paired` chooses how
many pairs (a pilot, then as many as the noise needs, up to a cap).
Instruction-count benchmarks run once per side under callgrind.  The
worktree is removed afterwards.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from gauntlet import runner
from gauntlet.bench.paired import Sides, measure_until_decided
from gauntlet.bench.records import Measurement
from gauntlet.config.bench import BenchSettings, bench_settings
from gauntlet.config.load import Config, load_config
from gauntlet.errors import ResultError, ToolError
from gauntlet.graph.plan import Step
from gauntlet.layout import Layout
from gauntlet.run.benchbuild import benchmark_steps, build_program, mojo_path
from gauntlet.run.benchmeasure import WallRun, measure_instructions, measure_wall


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


def _program(
    config: Config, step: Step, mojo: str, scratch: Path, flags: list[str], side: str
) -> Path:
    try:
        return build_program(config, step, mojo, scratch, flags, "side-cg" if flags else "side")
    except ResultError as exc:
        raise ResultError(
            f"{side}: step build of {step.source} failed, so nothing was compared: {exc}"
        ) from None


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
    how = WallRun.from_settings(settings, str(config.root), config.timeout, source)
    if len(binaries) == 1:  # only one side has this file: nothing to pair
        return measure_wall(binaries, how, samples=settings.samples, warmup=settings.warmup)
    measure_wall(binaries, how, samples=0, warmup=settings.warmup)  # once, before any pair

    def draw(rounds: int) -> Sides:
        base, new = measure_wall(binaries, how, samples=rounds)
        return base, new

    return list(measure_until_decided(draw, settings.plan()))


def side_by_side(config: Config, revision: str, files: tuple[str, ...] = ()) -> list[SidePair]:
    """Measure each benchmark file of the working tree and of ``revision``, interleaved."""
    mojo = mojo_path(config)
    top = Path(_git(config.root, "rev-parse", "--show-toplevel"))
    commit = _git(top, "rev-parse", "--verify", f"{revision}^{{commit}}")
    scratch = Layout.of(config).build.side_by_side
    worktree = scratch / f"base-{commit[:12]}"
    if worktree.exists():
        _git(top, "worktree", "remove", "--force", str(worktree))
    scratch.mkdir(parents=True, exist_ok=True)
    _git(top, "worktree", "add", "--detach", str(worktree), commit)
    try:
        base_config = load_config(worktree / config.pyproject.relative_to(top).parent)
        settings = bench_settings(config)
        new_steps, base_steps = benchmark_steps(config), benchmark_steps(base_config)
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
