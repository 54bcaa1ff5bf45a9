"""``gauntlet release``: publish ENV, approve ENV, rollback VERSION, status.

A refusal prints one line starting ``release refused:`` and exits 1; an
index that cannot be reached (after retries) exits 2 with ``could not
reach ...``; a usage or configuration problem exits 3.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

from gauntlet.adapters.release_history import history_hook
from gauntlet.cli.parser import Command, add_json
from gauntlet.config.load import load_config
from gauntlet.errors import ExitCode
from gauntlet.layout import Layout
from gauntlet.release.approval import VIA, approve
from gauntlet.release.events import EventKind, Outcome, event
from gauntlet.release.gate import RefusedError
from gauntlet.release.publish import BuiltRelease, publish
from gauntlet.release.rollback import read_current, rollback

if TYPE_CHECKING:
    import argparse
    from pathlib import Path


def _who() -> str:
    return os.environ.get("GITHUB_ACTOR") or os.environ.get("USER") or ""


def add_publish_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``gauntlet release publish``."""
    parser.add_argument("env", metavar="ENV", help="the environment to publish to")
    parser.add_argument("--version", dest="version", default=None, help="default: the newest build")


def add_approve_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``gauntlet release approve``."""
    add_publish_arguments(parser)
    parser.add_argument("--by", required=True, help="who approves (a name, or $GITHUB_ACTOR)")
    parser.add_argument("--note", default="", help="why, or a ticket")
    parser.add_argument("--via", choices=VIA, default="cli", help="where the approval was given")


def add_rollback_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``gauntlet release rollback``."""
    parser.add_argument("version", metavar="VERSION", help="the bad version")
    parser.add_argument("--reason", required=True, help="why it is taken back")
    parser.add_argument("--by", default=None, help="who (default: $GITHUB_ACTOR or $USER)")


def cmd_publish(*, project: Path | None, env: str, version: str | None) -> int:
    """Publish the release's files to ``env``."""
    config = load_config(project)
    release = BuiltRelease.of(config, version, history_hook(config))
    try:
        done = publish(release, env)
    except RefusedError as exc:
        sys.stderr.write(f"{exc}\n")
        return int(ExitCode.FAILED)
    sys.stdout.write(f"{done.outcome.value}: {done.message}\n")
    for waiver in done.waivers:
        sys.stdout.write(f"  waiver in force: {waiver}\n")
    return int(ExitCode.OK)


def cmd_approve(
    *, project: Path | None, env: str, version: str | None, by: str, note: str, via: str
) -> int:
    """Record an approval of the release's files for ``env``."""
    config = load_config(project)
    release = BuiltRelease.of(config, version, history_hook(config))
    release.environment(env)
    made = approve(release.folder, env, release.manifest, by, via, note)
    text = f"approved by {by} via {via}" + (f": {note}" if note else "")
    release.record(event(EventKind.APPROVAL, env, release.manifest, Outcome.APPROVED, text, by=by))
    sys.stdout.write(f"{env}: {release.manifest.version} {text} ({made.time}), for:\n")
    for name, digest in made.artifacts:
        sys.stdout.write(f"  {name} sha256:{digest}\n")
    return int(ExitCode.OK)


def cmd_rollback(*, project: Path | None, version: str, reason: str, by: str | None) -> int:
    """Mark ``version`` yanked; the previous good version becomes current."""
    config = load_config(project)
    record = history_hook(config)
    for done in rollback(Layout.of(config).repo.release, version, by or _who(), reason):
        record(done)
        sys.stdout.write(f"{done.env}: {done.message}\n")
    return int(ExitCode.OK)


def cmd_status(*, project: Path | None, as_json: bool) -> int:
    """Each environment's current version, and the yanked ones."""
    root = Layout.of(load_config(project)).repo.release
    data = read_current(root)
    if as_json:
        sys.stdout.write(json.dumps(data, indent=1, sort_keys=True) + "\n")
        return int(ExitCode.OK)
    for env, version in sorted(data["envs"].items()):
        sys.stdout.write(f"{env}: {version or 'none'}\n")
    for version, why in sorted(data["yanked"].items()):
        sys.stdout.write(f"yanked {version}: {why['reason']} (by {why['by']}, {why['time']})\n")
    return int(ExitCode.OK)


def _add_status(parser: argparse.ArgumentParser) -> None:
    add_json(parser)


COMMANDS = {
    "publish": Command(
        cmd_publish, "publish the built release to ENV (gated)", add_publish_arguments
    ),
    "approve": Command(cmd_approve, "approve the built files for ENV", add_approve_arguments),
    "rollback": Command(
        cmd_rollback, "yank VERSION, make the previous one current", add_rollback_arguments
    ),
    "status": Command(cmd_status, "the current version of each environment", _add_status),
}
