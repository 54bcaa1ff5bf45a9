"""The one place that builds ``gauntlet``'s argument parser, from tables of commands.

A :class:`Command` names the function that runs it, its help, a function that
adds its options, and (for ``bench``, ``history``, ``report``) a table of
subcommands built the same way.  Parsing yields the function and its keyword
arguments; argparse stops here, commands never see a ``Namespace``.

Usage errors exit 3 (the README reserves 2 for "a tool could not run").
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from gauntlet import __version__
from gauntlet.errors import ExitCode

RUN = "_run"  # the parsed arguments' key for the function to call
JSON_HELP = "print the result as JSON on stdout, and nothing else there"


@dataclass(frozen=True)
class Command:
    """One (sub)command: ``run`` (``None``: a subcommand is required), help, options."""

    run: Callable[..., int] | None
    help: str
    arguments: Callable[[argparse.ArgumentParser], None] | None = None
    subcommands: Mapping[str, Command] = field(default_factory=dict)


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with :attr:`ExitCode.USAGE`."""

    def error(self, message: str) -> NoReturn:
        """Print the usage and the problem; exit 3."""
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


def add_json(parser: argparse.ArgumentParser) -> None:
    """``--json``: the same meaning in every command that has it."""
    parser.add_argument("--json", action="store_true", dest="as_json", help=JSON_HELP)


def _add_commands(parser: argparse.ArgumentParser, table: Mapping[str, Command]) -> None:
    required = parser.get_default(RUN) is None
    depth = sum(1 for _ in parser.prog.split()) - 1
    sub = parser.add_subparsers(dest=f"_command{depth}", metavar="COMMAND", required=required)
    for name, command in table.items():
        child = sub.add_parser(name, help=command.help, description=command.help)
        if command.arguments is not None:
            command.arguments(child)
        child.set_defaults(**{RUN: command.run})
        if command.subcommands:
            _add_commands(child, command.subcommands)


def build_parser(table: Mapping[str, Command]) -> Parser:
    """The parser of ``gauntlet``: global options, then one subparser per table entry."""
    parser = Parser(
        prog="gauntlet",
        description="CI/CD orchestrator for Mojo + Python repositories. Exit codes: 0 ok, "
        "1 failed (tests, gates, regressions), 2 a tool could not run or an internal error, "
        "3 usage or configuration error, 130 interrupted, 141 output pipe closed.",
    )
    parser.add_argument("--version", action="version", version=f"gauntlet {__version__}")
    parser.add_argument(
        "--project", type=Path, default=None, help="project folder (default: nearest pyproject)"
    )
    _add_commands(parser, table)
    return parser


def parse(
    parser: argparse.ArgumentParser, argv: list[str] | None
) -> tuple[Callable[..., int], dict[str, Any]]:
    """The function to run and its keyword arguments (exits 3 on a usage error)."""
    values = vars(parser.parse_args(argv))
    run = values.pop(RUN)
    return run, {k: v for k, v in values.items() if not k.startswith("_")}
