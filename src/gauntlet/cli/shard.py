"""``gauntlet shard``: split the tests over a CI matrix, run one part, merge the parts.

* ``gauntlet shard --count N --json [--plan-out FILE]`` prints the matrix
  (``{"include": [{"shard": 0, "count": N}, ...]}``) and writes the plan;
* ``gauntlet shard --count N --index I [--plan FILE]`` runs shard I's part
  (from the plan file when given, else planned now from the history) into
  ``.gauntlet/shards/I/``;
* ``gauntlet shard merge DIR...`` merges the shards' folders into the
  project's results, imports each into the run history, and runs the gates
  once over the merged results.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet.cli.parser import Command, add_json
from gauntlet.config.load import load_config
from gauntlet.errors import ExitCode, GauntletError, UsageError
from gauntlet.health.record import enabled, open_project_store, run_info
from gauntlet.layout import Layout
from gauntlet.run.context import load_context
from gauntlet.shard.balance import ShardPlan, balance, read_plan, write_plan
from gauntlet.shard.durations import file_durations, python_test_files, test_files

if TYPE_CHECKING:
    import argparse

    from gauntlet.run.context import Context


def add_shard_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``gauntlet shard``."""
    parser.add_argument("--count", type=int, default=None, help="how many shards (N)")
    parser.add_argument("--index", type=int, default=None, help="run shard I (0 to N-1)")
    parser.add_argument(
        "--plan", type=Path, default=None, metavar="FILE", help="run the part this plan file names"
    )
    parser.add_argument(
        "--plan-out", type=Path, default=None, metavar="FILE", help="write the plan to FILE"
    )
    parser.add_argument(
        "--pytest-arg",
        action="append",
        default=[],
        dest="pytest_args",
        metavar="ARG",
        help="pass ARG to pytest (repeat; e.g. --pytest-arg=-m --pytest-arg='not slow')",
    )
    add_json(parser)


def add_merge_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``gauntlet shard merge``."""
    parser.add_argument("folders", type=Path, nargs="+", metavar="DIR", help="shard folders")
    parser.add_argument(
        "--no-history", action="store_false", dest="history", help="do not import the shards"
    )
    parser.add_argument("--no-gates", action="store_false", dest="gates", help="skip the gates")


def plan_now(context: Context, count: int) -> ShardPlan:
    """The plan of the project's test files, balanced by the durations in its history."""
    config = context.config
    python = python_test_files(config.pyproject)
    files = test_files((s.name for s in context.plan.tests), python)
    durations: dict[str, float] = {}
    if enabled():
        try:
            store = open_project_store(config)
        except GauntletError as exc:
            sys.stderr.write(f"gauntlet: warning: run history: {exc}; planning without it\n")
        else:
            try:
                durations = file_durations(store.db, python)
            finally:
                store.close()
    return balance(files, durations, count)


def cmd_shard(
    *,
    project: Path | None,
    count: int | None,
    index: int | None,
    plan: Path | None,
    plan_out: Path | None,
    pytest_args: list[str],
    as_json: bool,
) -> int:
    """Print the matrix (and write the plan), or run one shard's part."""
    if plan is not None and index is None:
        raise UsageError("--plan FILE is read by --index I; to write a plan, give --plan-out")
    context = load_context(project, selected=True)
    if plan is not None:
        chosen = read_plan(plan)
        if count is not None and count != chosen.count:
            raise UsageError(f"--count {count}, but {plan} is a plan of {chosen.count} shards")
    elif count is None:
        raise UsageError("give --count N (how many shards)")
    else:
        chosen = plan_now(context, count)
    if plan_out is not None:
        write_plan(chosen, plan_out)
    if index is None:
        if as_json:
            print(json.dumps(chosen.matrix()))
        else:
            for shard in chosen.shards:
                print(f"shard {shard.index}: {len(shard.items)} files, ~{shard.seconds:.1f} s")
            print(f"longest {chosen.makespan_s:.1f} s, ideal {chosen.ideal_s:.1f} s")
        return ExitCode.OK
    from gauntlet.shard.execute import run_part

    part = chosen.part(index)
    out = context.layout.repo.shard(index)
    done = run_part(context, part, chosen.count, out, pytest_args=pytest_args)
    print(
        f"shard {index} of {chosen.count}: {len(part.items)} files in {done.seconds:.1f} s; {out}"
    )
    return int(done.exit_code)


def cmd_merge(*, project: Path | None, folders: list[Path], history: bool, gates: bool,
              **_shard: object) -> int:  # fmt: skip
    """Merge the shard folders, import each into the history, then run the gates once.

    ``_shard`` holds the options of ``gauntlet shard`` itself, unused here.
    """
    from gauntlet.health.importing import import_folder
    from gauntlet.shard.merge import merge

    config = load_config(project)
    merged = merge(folders, Layout.of(config))
    for name, tests in sorted(merged.python.items()):
        print(f"{name}: {tests} tests from {len(merged.shards)} shards")
    print(f"Mojo: {merged.mojo_files} test files from {len(merged.shards)} shards")
    if history and enabled():
        store = open_project_store(config)
        try:
            for shard in merged.shards:
                done = import_folder(store, shard.path, run_info("shard", config.pyproject.parent))
                print(f"shard {shard.index}: recorded as run {done.run_id} ({done.outcome.value})")
        finally:
            store.close()
    if not gates:
        return ExitCode.OK
    from gauntlet.cli.project import run_gates

    return run_gates(config)


COMMANDS = {
    "merge": Command(
        cmd_merge,
        "merge the shards' results, record them, and run the gates once over them",
        add_merge_arguments,
    )
}
