"""Build a release: sdist and platform wheel with the Mojo extension, Mojo packages, changelog.

The sdist and the pure wheel come from the project's own PEP 517 backend
through ``python -m build`` in an isolated environment (sdist first, the
wheel built from the unpacked sdist, so the wheel holds only what the sdist
ships).  Isolated, because it installs the backend the project declares:
without isolation the build uses whatever setuptools the running environment
has, and here that one (65.5) rejects the sample's PEP 639 ``license``, so
``--no-isolation`` failed in 0.4 s where the isolated build took 4.1 s
(``python -m build`` on sample/python, pip's cache warm).

The Mojo extensions, already built by the doit graph (``build:NAME`` writes
``Layout.build.extension(NAME)``), go into the wheel under
``extension-package``; the wheel is retagged for the platform and its RECORD
rewritten (:mod:`gauntlet.release.wheelfile`), then given the Mojo runtime
(:mod:`gauntlet.release.runtime`).  Everything runs with
``SOURCE_DATE_EPOCH`` = the commit's time.  The result replaces
``<release>/dist`` as a whole and ``manifest.json`` is written last, after
the old one was removed: an interrupted build leaves no manifest, so nothing
half built is ever taken for a build.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet import runner
from gauntlet.atomic import partial_tag, write_bytes_atomic, write_text_atomic
from gauntlet.errors import ExitCode, GauntletError, ToolError
from gauntlet.gates.subject import current_subject
from gauntlet.release import archive, changelog, runtime, wheelfile
from gauntlet.release.manifest import Artifact, Manifest
from gauntlet.release.verify import RELEASE_EXTRA
from gauntlet.release.version import commit_epoch, project_table, release_version

if TYPE_CHECKING:
    from gauntlet.config.release import ReleaseSettings

MANIFEST = "manifest.json"
CHANGELOG = "changelog.md"
BUILD_TIMEOUT_S = 900.0


class BuildFailedError(GauntletError):
    """The project's build backend (or a step after it) failed: the release is not built."""

    exit_code = ExitCode.FAILED


@dataclass(frozen=True)
class BuildRequest:
    """What to build: the repository, its release settings and what the doit graph built."""

    repo: Path  # folder of the pyproject.toml with [tool.gauntlet.release]
    settings: ReleaseSettings
    extensions: tuple[Path, ...] = ()  # built extension modules (Layout.build.extension)
    mojo_packages: tuple[Path, ...] = ()  # built Mojo packages (Layout.build.package)
    mojo_version: str = ""  # the Mojo the extensions were built with (declare's requirement)
    runtime_libs: Path | None = None  # the toolchain's library folder (repair)
    python: str = field(default=sys.executable)  # runs `-m build`


def build_env(epoch: int) -> dict[str, str]:
    """The environment of every build step: the commit's time, no bytecode written."""
    return dict(os.environ, SOURCE_DATE_EPOCH=str(epoch), PYTHONDONTWRITEBYTECODE="1")


def _check_inputs(request: BuildRequest) -> None:
    for path in request.extensions:
        if not path.is_file():
            raise GauntletError(
                f"{path}: the Mojo extension is not built; run `doit build:{path.stem}` first"
            )
    for path in request.mojo_packages:
        if not path.is_file():
            raise GauntletError(
                f"{path}: the Mojo package is not built; run `doit build:{path.stem}` first"
            )


def backend_build(request: BuildRequest, out: Path, epoch: int) -> tuple[Path, Path]:
    """The sdist and the wheel of the project by its own backend, in ``out``."""
    project = request.repo / request.settings.project
    argv = [request.python, "-m", "build", "--outdir", str(out), str(project)]
    done = runner.run(argv, cwd=project, env=build_env(epoch), timeout=BUILD_TIMEOUT_S)
    output = (done.stdout + done.stderr).strip()
    if not done.ok and "No module named build" in output:
        raise ToolError(f"python -m build: not installed; {RELEASE_EXTRA}")
    if not done.ok:
        tail = "\n".join(output.splitlines()[-30:])
        why = "timed out" if done.timed_out else f"exit {done.returncode}"
        raise BuildFailedError(f"the build backend failed on {project} ({why}):\n{tail}")
    sdists, wheels = sorted(out.glob("*.tar.gz")), sorted(out.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        raise BuildFailedError(
            f"{project}: the backend made {len(sdists)} sdists and "
            f"{len(wheels)} wheels, expected one of each"
        )
    return sdists[0], wheels[0]


def platform_wheel(request: BuildRequest, wheel: Path, work: Path, epoch: int) -> Path:
    """``wheel`` with the extensions inside, retagged, with the Mojo runtime handled."""
    settings = request.settings
    members = list(wheelfile.read_members(wheel))
    if not request.extensions:
        return wheel
    folder = settings.extension_package.replace(".", "/")
    for extension in request.extensions:
        copy = work / "ext" / extension.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(extension, copy)
        if settings.runtime == "declare":
            runtime.set_runpath(copy, runtime.declared_runpath(settings.extension_package))
        name = f"{folder}/{extension.name}" if folder else extension.name
        members = [m for m in members if m.name != name]
        members.append(wheelfile.Member(name, copy.read_bytes(), executable=True))
    tag = runtime.platform_tag()
    changed = wheelfile.retag(members, tag)
    if settings.runtime == "declare":
        need = runtime.runtime_requirement(request.mojo_version)
        changed = wheelfile.add_requirements(changed, [need])
    tagged = work / "tagged" / wheelfile.wheel_name(changed, tag)
    write_bytes_atomic(tagged, wheelfile.zip_bytes(wheelfile.with_record(changed), epoch))
    if settings.runtime == "declare":
        return tagged
    repaired = runtime.repair(
        tagged, work / "repaired", runtime_libs=request.runtime_libs, epoch=epoch
    )
    again = wheelfile.with_record(wheelfile.read_members(repaired))  # its order and stamps
    write_bytes_atomic(repaired, wheelfile.zip_bytes(again, epoch))
    return repaired


def build_into(request: BuildRequest, dist: Path, epoch: int) -> tuple[str, tuple[Artifact, ...]]:
    """Build every artifact into the empty folder ``dist``: the distribution name, artifacts."""
    _check_inputs(request)
    work = dist.parent / f".work.{partial_tag()}{dist.name}"
    try:
        sdist, wheel = backend_build(request, work / "backend", epoch)
        made = platform_wheel(request, wheel, work, epoch)
        dist.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(dist / sdist.name, archive.normal_sdist(sdist, epoch))
        shutil.copyfile(made, dist / made.name)
        artifacts = [
            Artifact.of(dist / sdist.name, "sdist"),
            Artifact.of(dist / made.name, "wheel"),
        ]
        for package in request.mojo_packages:
            shutil.copyfile(package, dist / package.name)
            artifacts.append(Artifact.of(dist / package.name, "mojo-package"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    name = str(project_table(request.repo / request.settings.project).get("name", ""))
    return name, tuple(artifacts)


def build_release(request: BuildRequest, out: Path, *, epoch: int | None = None) -> Manifest:
    """Build the release into ``out`` (``Layout.repo.release_version(version)``).

    Writes ``out/dist/``, ``out/changelog.md`` and, last, ``out/manifest.json``.
    """
    settings = request.settings
    version = release_version(request.repo, settings)
    subject = current_subject(request.repo)
    if subject is None:
        raise GauntletError(f"{request.repo}: not a git work tree with a commit; commit first")
    when = commit_epoch(request.repo) if epoch is None else epoch
    (out / MANIFEST).unlink(missing_ok=True)
    fresh = out / f".dist.{partial_tag()}"
    try:
        name, artifacts = build_into(request, fresh, when)
        notes = changelog.read_fragments(request.repo / settings.changelog)
        text = changelog.render(name, version, when, notes)
        old = out / f".old.{partial_tag()}"
        if (out / "dist").exists():
            (out / "dist").rename(old)
        fresh.rename(out / "dist")
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    write_text_atomic(out / CHANGELOG, text)
    manifest = Manifest(name, version, subject.commit, subject.tree, when, artifacts)
    manifest.write(out / MANIFEST)
    return manifest
