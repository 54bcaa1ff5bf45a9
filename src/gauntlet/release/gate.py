"""What publishing requires: a passed gates verdict for exactly this tree, and the built files.

:func:`check_gate` either returns the waivers the verdict relied on (they go
into the release record) or raises :class:`RefusedError`, naming the verdict file
and what to do.  There is no switch that skips it: a waiver in
``[[tool.gauntlet.waivers]]`` is the only way past a failing gate.

*Waived to death* means the verdict no longer stands on its own: either a
waiver it relied on has expired by today (the verdict is older than its
waiver), or every gate passed only by waiver (nothing was actually checked).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.errors import ExitCode, GauntletError, ToolError
from gauntlet.gates.subject import Subject, current_subject

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.release.manifest import Manifest

PREFIX = "release refused: "


class RefusedError(GauntletError):
    """Publishing is not allowed; the message (starting ``release refused:``) says why."""

    exit_code = ExitCode.FAILED

    def __init__(self, message: str) -> None:
        super().__init__(PREFIX + message)


@dataclass(frozen=True)
class Cleared:
    """A verdict that lets the release go, and the waivers it relied on."""

    subject: Subject
    waivers: tuple[str, ...]  # "gate: reason (until DATE, where)"


def _waiver_text(waiver: dict[str, Any]) -> str:
    finding = f" [{waiver.get('finding')}]" if waiver.get("finding") else ""
    return (
        f"{waiver.get('gate')}{finding}: {waiver.get('reason')} "
        f"(until {waiver.get('expires')}, {waiver.get('where')})"
    )


def _read_verdict(path: Path) -> dict[str, Any]:
    rerun = "run `nox -s ci` (or `gauntlet gates`) on this commit"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RefusedError(f"no gates verdict at {path}; {rerun}") from None
    except (OSError, ValueError) as exc:
        raise RefusedError(f"cannot read the gates verdict {path} ({exc}); {rerun}") from None
    if not isinstance(data, dict) or not isinstance(data.get("gates"), list):
        raise RefusedError(f"{path} is not a gates verdict; {rerun}")
    return data


def _check_subject(path: Path, data: dict[str, Any], now: Subject) -> None:
    rerun = "run `nox -s ci` (or `gauntlet gates`) on this commit"
    made = Subject.from_json(data.get("subject"))
    if made is None:
        raise RefusedError(
            f"the gates verdict {path} does not say which commit it was made for; {rerun}"
        )
    if made.dirty:
        raise RefusedError(
            f"the gates verdict {path} was made on a dirty work tree "
            f"({len(made.dirty)} uncommitted changes); commit, then {rerun}"
        )
    if made.commit != now.commit:
        raise RefusedError(
            f"the gates verdict {path} is for commit {made.commit}, the work tree is at "
            f"{now.commit}; {rerun}"
        )
    if made.tree != now.tree:
        raise RefusedError(
            f"the gates verdict {path} is stale: made for commit {now.commit} with tree "
            f"{made.tree}, the tree now is {now.tree}; {rerun}"
        )


def _check_gates(path: Path, data: dict[str, Any], today: dt.date) -> tuple[str, ...]:
    gates = [g for g in data["gates"] if isinstance(g, dict)]
    no_data = [str(g.get("gate")) for g in gates if g.get("status") == "no data"]
    if no_data:
        raise RefusedError(
            f"the gates verdict {path} has gates that had no data: {', '.join(no_data)}; "
            "make their results (run `nox -s ci`) and evaluate the gates again"
        )
    failed = [
        str(g.get("gate")) for g in gates if g.get("status") not in ("passed", "warned", "waived")
    ]
    if failed or data.get("passed") is not True:
        names = ", ".join(failed or [str(f) for f in data.get("failed", [])]) or "?"
        raise RefusedError(
            f"the gates verdict {path} failed: {names}; fix them and run `nox -s ci`"
        )
    waivers = [w for w in data.get("waivers", []) if isinstance(w, dict)]
    expired = [w for w in waivers if str(w.get("expires", "")) < today.isoformat()]
    if expired:
        raise RefusedError(
            f"the gates verdict {path} is waived to death: it relied on "
            + "; ".join(_waiver_text(w) for w in expired)
            + f", expired by {today.isoformat()}; fix the cause or renew the waiver, "
            "then run `nox -s ci`"
        )
    if gates and all(g.get("status") == "waived" for g in gates):
        raise RefusedError(
            f"the gates verdict {path} is waived to death: every gate passed only by waiver "
            f"({', '.join(str(g.get('gate')) for g in gates)}); fix at least one cause"
        )
    return tuple(_waiver_text(w) for w in waivers)


def check_gate(
    repo: Path, verdict: Path, manifest: Manifest, dist: Path, today: dt.date
) -> Cleared:
    """The verdict's clearance to publish ``manifest``'s files, or :class:`RefusedError` why not."""
    now = current_subject(repo)
    if now is None:
        raise ToolError(f"{repo}: not a git work tree with a commit; a release needs one")
    if now.dirty:
        shown = ", ".join(d[3:] for d in now.dirty[:5]) + (" ..." if len(now.dirty) > 5 else "")
        raise RefusedError(
            f"the work tree {repo} is dirty ({shown}); commit or stash the changes "
            f"(and keep {repo / '.gauntlet'} out of git)"
        )
    changed = manifest.check_files(dist)
    if changed:
        raise RefusedError(
            "the release files changed since they were built: "
            + "; ".join(changed)
            + "; rebuild with `doit release`"
        )
    data = _read_verdict(verdict)
    _check_subject(verdict, data, now)
    waivers = _check_gates(verdict, data, today)
    if (manifest.commit, manifest.tree) != (now.commit, now.tree):
        raise RefusedError(
            f"the release {manifest.version} was built from commit {manifest.commit} "
            f"(tree {manifest.tree}), the work tree is at {now.commit} (tree {now.tree}); "
            "rebuild with `doit release`"
        )
    return Cleared(now, waivers)
