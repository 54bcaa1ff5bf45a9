"""The ``release`` part of the doit graph: ``doit release``.

``release:build`` (after the Mojo graph's ``build``) → one task per check
(``release:metadata``, ``release:twine``, ``release:tests``, ``release:sbom``,
``release:reproducible``) → ``release:publish:ENV`` for each environment, in
promotion order → ``release``.  The steps are :mod:`gauntlet.release.flow`'s
and :mod:`gauntlet.release.publish`'s; a task here only says when a step is
current, prints what it did, records it in the run history and turns a
failure into doit's ``TaskFailed`` (a refusal says why and what to do).

A project without ``[tool.gauntlet.release]`` gets one ``release`` task that
says so when asked for; every other task is unaffected.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from doit.exceptions import TaskError, TaskFailed

from gauntlet.adapters.release_history import history_hook
from gauntlet.delivery.events import EventKind, ReleaseEvent
from gauntlet.errors import GauntletError, ToolError
from gauntlet.health.record import record_release_event
from gauntlet.release import checks, flow, index, journal
from gauntlet.release.publish import BuiltRelease, publish
from gauntlet.run import toolchain

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from gauntlet.config.load import Config
    from gauntlet.release.manifest import Manifest

Task = dict[str, Any]
Result = dict[str, Any]


def _say(text: str) -> None:
    sys.stdout.write(f"release: {text}\n")
    sys.stdout.flush()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _event(
    release: flow.Release, kind: EventKind, outcome: str, message: str, manifest: Manifest | None
) -> ReleaseEvent:
    digests = () if manifest is None else tuple(f"{a.name} {a.sha256}" for a in manifest.artifacts)
    return ReleaseEvent(
        kind=kind,
        version=release.version,
        at=_now(),
        outcome=outcome,
        commit="" if manifest is None else manifest.commit,
        commit_time=None
        if manifest is None
        else dt.datetime.fromtimestamp(manifest.epoch, dt.timezone.utc),
        digests=digests,
        message=message,
    )


def _record(
    release: flow.Release, kind: EventKind, outcome: str, message: str, manifest: Manifest | None
) -> None:
    record_release_event(release.config, _event(release, kind, outcome, message, manifest))


def mojo_home(version: str) -> tuple[Path, ...]:
    """The Mojo toolchain's runtime folders (``modular/``), or its installation folder."""
    try:
        found = toolchain.find(version)
    except GauntletError:
        return ()
    if found is None:
        return ()
    root = found.mojo.resolve().parent.parent
    modular = tuple(sorted(root.glob("lib/python*/site-packages/modular")))
    return modular or (() if str(root) in ("/", "/usr", "/usr/local") else (root,))


def _result(ok: bool, message: str) -> Result:
    """The task's values: the reporter prints the message and fails the run on "failed"."""
    return {"status": "passed" if ok else "failed", "message": message}


def do_build(release: flow.Release) -> Result | TaskError:
    """Build the release; a failed build is the task's result, with the build's message."""
    libs = [home / "lib" for home in mojo_home(release.config.mojo_version)]
    _say(f"building {release.version} ...")
    try:
        manifest = flow.build(release, next((p for p in libs if p.is_dir()), None))
    except ToolError as exc:
        return TaskError(f"release build could not run: {exc}")
    except GauntletError as exc:
        _record(release, EventKind.BUILD, "failed", str(exc), None)
        return _result(False, f"release build failed: {exc}")
    _record(release, EventKind.BUILD, "passed", "", manifest)
    files = ", ".join(a.name for a in manifest.artifacts)
    return _result(True, f"{manifest.project} {release.version}: {files}")


def do_check(release: flow.Release, name: str) -> Result | TaskError:
    """Run one check on the build; a failed check is the task's result, naming what it found."""
    release = replace(release, mojo_home=mojo_home(release.config.mojo_version))
    if not release.manifest_path.is_file():  # the build failed and said why
        return _result(False, "not checked: there is no release build (see release:build)")
    _say(f"checking {name} ...")
    try:
        result = flow.run_check(release, name, checks.CHECKS[name])
        manifest = release.manifest()
    except GauntletError as exc:
        return TaskError(f"release check {name} could not run: {exc}")
    outcome = "passed" if result.ok else "failed"
    _record(release, EventKind.VERIFY, outcome, f"{name}: {result.summary}", manifest)
    if result.warning:
        return _result(True, f'warning (reproducible = "warn"): {result.summary}')
    if not result.ok:
        return _result(False, f"{result.summary}; see {release.report(name)}")
    return _result(True, result.summary)


def published(release: flow.Release, env: str) -> bool:
    """Whether this build's files are on ``env``, read back from the index, and smoke-tested.

    The journal says what was done; the index is asked as well, so an index
    that lost a file (or one replaced by another) is published to again.
    """
    settings = release.settings.environment(env)
    try:
        manifest = release.manifest()
        done = journal.Journal(release.folder / "journal.json").steps()
    except GauntletError:
        return False
    steps = [journal.upload_step(env, a.name, a.sha256) for a in manifest.uploads]
    if (
        settings is None
        or not steps
        or not all(s in done for s in [*steps, journal.smoke_step(env)])
    ):
        return False
    try:
        there = index.index_files(settings.index_url, manifest.project)
    except GauntletError:
        return False  # the publish task says why
    return all(there.get(a.name) == a.sha256 for a in manifest.uploads)


def do_publish(release: flow.Release, env: str) -> Result | TaskError:
    """Publish the build to ``env``: gated, approved, resumable (gauntlet.release.publish)."""
    _say(f"publishing {release.version} to {env} ...")
    try:
        built = BuiltRelease.of(release.config, release.version, history_hook(release.config))
        done = publish(built, env)
    except ToolError as exc:
        return TaskError(str(exc))
    except GauntletError as exc:  # a refusal (it says why), or a failed smoke test
        return _result(False, str(exc))
    waivers = "".join(f"\n      waiver in force: {w}" for w in done.waivers)
    return _result(True, f"{done.outcome.value}: {done.message}{waivers}")


def _in_order(release: flow.Release) -> list[str]:
    """The environments, each after the one it promotes from."""
    ordered: list[str] = []
    pending = list(release.settings.environments)
    while pending:
        ready = [e for e in pending if not e.promote_from or e.promote_from in ordered]
        if not ready:  # a cycle: the configuration check names promote-from problems
            ordered.extend(e.name for e in pending)
            break
        for env in ready:
            ordered.append(env.name)
            pending.remove(env)
    return ordered


def _unavailable(message: str) -> Iterator[Task]:
    def fail() -> TaskFailed:
        return TaskFailed(message)

    yield {"basename": "release", "doc": "Build, verify and publish a release", "actions": [fail]}


def release_tasks(config: Config) -> Iterator[Task]:
    """The tasks of ``doit release`` for ``config``'s project."""
    if config.release is None:
        yield from _unavailable(
            f"{config.pyproject}: no [tool.gauntlet.release] table; add one to release "
            "(docs/release.md)"
        )
        return
    try:
        release = flow.open_release(config)
    except GauntletError as exc:
        yield from _unavailable(f"release: {exc}")
        return
    yield {
        "basename": "release:build",
        "doc": f"Build {release.version}: sdist, wheel with the Mojo extensions, Mojo packages",
        "actions": [(do_build, [release])],
        "uptodate": [(flow.build_current, [release])],
        "task_dep": ["build"],
        "verbosity": 2,
    }
    names = [f"release:{name}" for name in checks.CHECKS]
    for name in checks.CHECKS:
        yield {
            "basename": f"release:{name}",
            "doc": f"Check the release build: {name}",
            "actions": [(do_check, [release, name])],
            "uptodate": [(flow.check_current, [release, name])],
            "task_dep": ["release:build"],
            "verbosity": 2,
        }
    publishes = []
    for env in _in_order(release):
        before = release.settings.environment(env)
        source = (
            [f"release:publish:{before.promote_from}"] if before and before.promote_from else []
        )
        publishes.append(f"release:publish:{env}")
        yield {
            "basename": f"release:publish:{env}",
            "doc": f"Publish the verified build to {env} (gated; resumable)",
            "actions": [(do_publish, [release, env])],
            "uptodate": [(published, [release, env])],
            "task_dep": ["release:build", *names, *source],
            "verbosity": 2,
        }
    yield {
        "basename": "release",
        "doc": "Build, verify and publish a release (every release:* task)",
        "actions": None,
        "task_dep": ["release:build", *names, *publishes],
    }
