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
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from doit.exceptions import TaskError, TaskFailed

from gauntlet.adapters.release_history import history_hook
from gauntlet.delivery.events import EventKind, ReleaseEvent
from gauntlet.errors import GauntletError, ToolError
from gauntlet.health.record import record_release_event
from gauntlet.release import checks, flow, journal
from gauntlet.release.gate import RefusedError
from gauntlet.release.publish import BuiltRelease, publish
from gauntlet.run import toolchain

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from gauntlet.config.load import Config
    from gauntlet.release.manifest import Manifest

Task = dict[str, Any]


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


def _timed(what: str, work: Callable[[], tuple[bool, str]]) -> bool:
    _say(f"{what} ...")
    began = time.monotonic()
    ok, summary = work()
    _say(f"{what}: {'ok' if ok else 'FAILED'} in {time.monotonic() - began:.1f} s: {summary}")
    return ok


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


def do_build(release: flow.Release) -> TaskFailed | None:
    """Build the release; a failure is the task's, with the build's message."""
    manifest: list[Manifest] = []
    libs = [home / "lib" for home in mojo_home(release.config.mojo_version)]

    def work() -> tuple[bool, str]:
        manifest.append(flow.build(release, next((p for p in libs if p.is_dir()), None)))
        files = ", ".join(a.name for a in manifest[0].artifacts)
        return True, f"{manifest[0].project} {release.version}: {files}"

    try:
        _timed(f"build {release.version}", work)
    except GauntletError as exc:
        record_release_event(
            release.config, _event(release, EventKind.BUILD, "failed", str(exc), None)
        )
        return TaskFailed(f"release build failed: {exc}")
    record_release_event(
        release.config, _event(release, EventKind.BUILD, "passed", "", manifest[0])
    )
    return None


def do_check(release: flow.Release, name: str) -> TaskFailed | None:
    """Run one check on the build; a failed check fails its task, naming what was found."""
    found: list[flow.CheckResult] = []
    release = replace(release, mojo_home=mojo_home(release.config.mojo_version))

    def work() -> tuple[bool, str]:
        found.append(flow.run_check(release, name, checks.CHECKS[name]))
        return found[0].ok, found[0].summary

    try:
        ok = _timed(f"check {name}", work)
        manifest = release.manifest()
    except GauntletError as exc:
        return TaskFailed(f"release check {name} could not run: {exc}")
    result = found[0]
    if result.warning:
        _say(f'warning: {name}: {result.summary} (reproducible = "warn")')
    outcome = "passed" if ok else "failed"
    message = f"{name}: {result.summary}"
    record_release_event(
        release.config, _event(release, EventKind.VERIFY, outcome, message, manifest)
    )
    if not ok:
        return TaskFailed(
            f"release check {name} failed: {result.summary}; see {release.report(name)}"
        )
    return None


def published(release: flow.Release, env: str) -> bool:
    """Whether the journal says this build's files are on ``env`` and were smoke-tested."""
    try:
        manifest = release.manifest()
    except GauntletError:
        return False
    done = journal.Journal(release.folder / "journal.json").steps()
    steps = [journal.upload_step(env, a.name, a.sha256) for a in manifest.uploads]
    return bool(steps) and all(s in done for s in [*steps, journal.smoke_step(env)])


def do_publish(release: flow.Release, env: str) -> TaskFailed | TaskError | None:
    """Publish the build to ``env``: gated, approved, resumable (gauntlet.release.publish)."""
    try:
        built = BuiltRelease.of(release.config, release.version, history_hook(release.config))
        _say(f"publish {release.version} to {env} ...")
        done = publish(built, env)
    except RefusedError as exc:
        return TaskFailed(str(exc))
    except ToolError as exc:
        return TaskError(str(exc))
    except GauntletError as exc:
        return TaskFailed(str(exc))
    _say(f"{done.outcome.value}: {done.message}")
    for waiver in done.waivers:
        _say(f"waiver in force: {waiver}")
    return None


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
