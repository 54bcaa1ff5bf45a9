"""The one small error hierarchy and the exit codes it maps to.

A failing test or gate is a *result*, never an exception: these errors are
for the cases where gauntlet cannot do its work (bad configuration, a tool
that is missing or crashed).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes shared by every entry point."""

    OK = 0
    FAILED = 1
    TOOL_ERROR = 2
    USAGE = 3
    INTERRUPTED = 130
    PIPE_CLOSED = 141  # 128 + SIGPIPE: the reader went away (``gauntlet scan | head -1``)


class GauntletError(Exception):
    """Base of every expected failure; the message says what to do next."""

    exit_code = ExitCode.TOOL_ERROR


class ConfigError(GauntletError):
    """The project configuration is invalid; the message names the key."""

    exit_code = ExitCode.USAGE


class UsageError(GauntletError):
    """The command line asks for something impossible; the message says what to give."""

    exit_code = ExitCode.USAGE


class ToolError(GauntletError):
    """An external tool (Mojo, git, pip) is missing or could not run."""

    exit_code = ExitCode.TOOL_ERROR


class ResultError(GauntletError):
    """A results file on disk is missing or malformed; the message names it."""

    exit_code = ExitCode.TOOL_ERROR


class OutputError(ToolError, OSError):
    """An output folder cannot take a file: read-only, full, or not a folder; it is named.

    Also an ``OSError`` (with the ``errno`` it came from), so code that already
    treats a failed write as a warning keeps doing so, with this clearer message.
    """
