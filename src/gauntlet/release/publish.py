"""``gauntlet release publish ENV``: the gated, approved, resumable upload of a release.

For each file of the manifest the index is read first: the same digest there
is a no-op, a different one is refused naming both, an absent one is
uploaded and read back.  An environment with ``promote-from`` takes the same
files only once they were published *and* smoke-tested there; one with
``requires-approval`` only with an approval for exactly these digests.  Each
finished step goes into the journal, so a rerun after an interruption (even
``kill -9``) continues, re-checking the index for every file.
"""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from gauntlet.config.release import credential_names
from gauntlet.errors import ToolError, UsageError
from gauntlet.layout import Layout
from gauntlet.release import index, journal
from gauntlet.release.approval import read_approval
from gauntlet.release.checks import CHECKS
from gauntlet.release.credentials import credential_for
from gauntlet.release.events import EventKind, Outcome, ReleaseEvent, append_event, event
from gauntlet.release.flow import unverified
from gauntlet.release.gate import RefusedError, check_gate
from gauntlet.release.manifest import Manifest
from gauntlet.release.rollback import set_current
from gauntlet.release.smoke import SmokeFailedError, smoke_test
from gauntlet.runner import with_retries

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from gauntlet.config.load import Config
    from gauntlet.config.release import Environment, ReleaseSettings
    from gauntlet.release.credentials import Credential


@dataclass(frozen=True)
class BuiltRelease:
    """One version of a configured project's release, and where its records go."""

    repo: Path
    settings: ReleaseSettings
    manifest: Manifest
    folder: Path  # .gauntlet/release/<version>
    verdict: Path
    root: Path  # .gauntlet/release
    on_record: Callable[[ReleaseEvent], None] | None = None  # e.g. into the run history

    @classmethod
    def of(
        cls,
        config: Config,
        version: str | None = None,
        on_record: Callable[[ReleaseEvent], None] | None = None,
    ) -> BuiltRelease:
        """The release of ``version`` (default: the newest built one) of ``config``'s project."""
        if config.release is None:
            raise UsageError(f"{config.pyproject}: no [tool.gauntlet.release] table; add one")
        repo = Layout.of(config).repo
        if version is None:
            built = sorted(repo.release.glob("*/manifest.json"), key=lambda p: p.stat().st_mtime)
            if not built:
                raise UsageError(f"{repo.release}: no release built; run `doit release` first")
            version = built[-1].parent.name
        folder = repo.release_version(version)
        manifest = Manifest.read(folder / "manifest.json")
        return cls(
            config.pyproject.parent,
            config.release,
            manifest,
            folder,
            repo.gates / "verdict.json",
            repo.release,
            on_record,
        )

    @property
    def events(self) -> Path:
        """The release record of every version."""
        return self.root / "events.jsonl"

    @property
    def journal(self) -> journal.Journal:
        """This version's journal."""
        return journal.Journal(self.folder / "journal.json")

    def environment(self, name: str) -> Environment:
        """The environment ``name``, or a usage error listing the declared ones."""
        env = self.settings.environment(name)
        if env is None:
            known = ", ".join(e.name for e in self.settings.environments) or "none"
            raise UsageError(
                f"{self.settings.where}: no release environment {name!r} (declared: {known})"
            )
        return env

    def record(self, item: ReleaseEvent) -> ReleaseEvent:
        """Append ``item`` to the release record (and hand it to ``on_record``)."""
        append_event(self.events, item)
        if self.on_record is not None:
            self.on_record(item)
        return item


def _imports(release: BuiltRelease) -> tuple[str, ...]:
    if release.settings.smoke_imports:
        return release.settings.smoke_imports
    for artifact in release.manifest.uploads:
        if artifact.kind == "wheel":
            with zipfile.ZipFile(release.folder / "dist" / artifact.name) as wheel:
                tops = {n.split("/")[0].removesuffix(".py") for n in wheel.namelist()}
            return tuple(
                sorted(
                    t
                    for t in tops
                    if ".dist-info" not in t and ".data" not in t and t.isidentifier()
                )
            )
    return ()


def _upload_all(
    release: BuiltRelease,
    env: Environment,
    credential: Callable[[], Credential],
    sleep: Callable[[float], None],
) -> int:
    """Upload what the index lacks; the number of files uploaded."""
    manifest, uploaded = release.manifest, 0

    def files() -> dict[str, str]:
        return with_retries(
            lambda: index.index_files(env.index_url, manifest.project),
            (index.UnreachableError,),
            sleep=sleep,
        )

    present = files()
    for artifact in manifest.uploads:
        step = journal.upload_step(env.name, artifact.name, artifact.sha256)
        there = present.get(artifact.name)
        if there is None:
            path = release.folder / "dist" / artifact.name
            key = credential()
            with_retries(
                partial(index.upload, env.upload, path, key),
                (index.UnreachableError,),
                sleep=sleep,
            )
            uploaded += 1
            there = files().get(artifact.name)
            if there is None:
                raise RefusedError(
                    f"{env.index_url} does not list {artifact.name} after its upload"
                )
        if there != artifact.sha256:
            raise RefusedError(
                f"{env.index_url} already has {artifact.name} with sha256 "
                f"{there or '(none given)'}, "
                f"this release's file has sha256 {artifact.sha256}; a published version cannot "
                "change: release a new version"
            )
        if not release.journal.done(step):
            release.journal.record(step)
    return uploaded


def _require(release: BuiltRelease, env: Environment) -> None:
    missing = unverified(release.folder, release.manifest, CHECKS)
    if missing:
        raise RefusedError(
            f"the build in {release.folder} is not verified: {', '.join(missing)}; "
            "run `doit release` (it checks the build before it publishes)"
        )
    done = release.journal
    if env.promote_from and not done.done(journal.smoke_step(env.promote_from)):
        raise RefusedError(
            f"{env.name} takes the files of {env.promote_from}, where version "
            f"{release.manifest.version} is not published and smoke-tested yet: "
            f"run `gauntlet release publish {env.promote_from}` first"
        )
    if env.requires_approval:
        approval = read_approval(release.folder, env.name)
        where = release.folder / "approvals" / f"{env.name}.json"
        if approval is None:
            raise RefusedError(
                f"{env.name} requires an approval and there is none ({where}): "
                f"run `gauntlet release approve {env.name} --by NAME`"
            )
        if not approval.matches(release.manifest):
            raise RefusedError(
                f"the approval {where} (by {approval.by}, {approval.time}) is for other files: "
                + ", ".join(f"{n} {d}" for n, d in approval.artifacts)
                + "; these are "
                + ", ".join(f"{a.name} {a.sha256}" for a in release.manifest.uploads)
                + "; approve them again"
            )
        if not done.done(journal.approval_step(env.name)):
            done.record(journal.approval_step(env.name))


def publish(
    release: BuiltRelease,
    name: str,
    *,
    environ: Mapping[str, str] | None = None,
    today: dt.date | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ReleaseEvent:
    """Publish ``release`` to environment ``name``; refusals are recorded, then raised."""
    env = release.environment(name)
    manifest = release.manifest
    waivers: tuple[str, ...] = ()
    try:
        cleared = check_gate(
            release.repo,
            release.verdict,
            manifest,
            release.folder / "dist",
            today or dt.datetime.now(dt.timezone.utc).date(),
        )
        waivers = cleared.waivers
        _require(release, env)
        cache: list[Credential] = []

        def credential() -> Credential:
            if not cache:
                cache.append(credential_for(env, environ))
            return cache[0]

        uploaded = _upload_all(release, env, credential, sleep)
        smoke = journal.smoke_step(env.name)
        if not release.journal.done(smoke):
            hide = credential_names(release.settings)
            smoke_test(env.index_url, manifest.project, manifest.version, _imports(release), hide)
            release.journal.record(smoke)
            uploaded = uploaded or -1  # a publish finished now, even when the files were there
    except RefusedError as exc:
        release.record(
            event(EventKind.REFUSAL, name, manifest, Outcome.REFUSED, str(exc), waivers=waivers)
        )
        raise
    except (ToolError, SmokeFailedError) as exc:  # unreachable, or a failed smoke test
        release.record(event(EventKind.PUBLISH, name, manifest, Outcome.ERROR, str(exc)))
        raise
    set_current(release.root, env.name, manifest.version)
    outcome = Outcome.PUBLISHED if uploaded else Outcome.NO_OP
    text = f"{manifest.project} {manifest.version} on {env.name} ({env.index_url})"
    return release.record(event(EventKind.PUBLISH, name, manifest, outcome, text, waivers=waivers))
