"""The steps of ``doit release`` before anything leaves the machine: build, then checks.

Each step is content-keyed like every task of the graph, and a key is never
taken on trust:

* the build is current when its manifest exists, was made for the tree in
  front of it (``gates.subject``'s content key) with the same inputs (the
  release settings, the built Mojo extensions and packages, gauntlet's
  version), and every file in ``dist/`` still has the digest it was built
  with;
* a check is current when its report (``checks/NAME.json``) passed and names
  the digest of the manifest it checked.  A failed check is run again.

The doit tasks (:mod:`gauntlet.adapters.doit_release`) and ``gauntlet
release`` both run these functions; neither knows how a step works.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import gauntlet
from gauntlet.atomic import write_text_atomic
from gauntlet.errors import ConfigError, GauntletError
from gauntlet.gates.subject import current_subject
from gauntlet.layout import Layout
from gauntlet.release.build import MANIFEST, BuildRequest, build_release
from gauntlet.release.manifest import Manifest
from gauntlet.release.version import release_version
from gauntlet.results.stamp import file_sha256

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.config.load import Config
    from gauntlet.config.release import ReleaseSettings
    from gauntlet.layout import BuildDir

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Release:
    """One version of the configured project's release, and where it is kept."""

    config: Config
    settings: ReleaseSettings
    version: str
    folder: Path  # .gauntlet/release/<version>
    mojo_home: tuple[Path, ...] = ()  # the Mojo toolchain: a verified wheel loads nothing there

    @property
    def repo(self) -> Path:
        """The repository (the folder of pyproject.toml)."""
        return self.config.pyproject.parent

    @property
    def dist(self) -> Path:
        """The built files."""
        return self.folder / "dist"

    @property
    def manifest_path(self) -> Path:
        """The build's manifest (written last)."""
        return self.folder / MANIFEST

    def report(self, check: str) -> Path:
        """One check's report."""
        return self.folder / "checks" / f"{check}.json"

    def manifest(self) -> Manifest:
        """The build's manifest; a missing or broken one raises naming it."""
        return Manifest.read(self.manifest_path)

    def request(self, runtime_libs: Path | None = None) -> BuildRequest:
        """What the build is made from: the project and the Mojo graph's outputs."""
        build = Layout.of(self.config).build
        return BuildRequest(
            repo=self.repo,
            settings=self.settings,
            extensions=tuple(build.extension(e.name) for e in self.config.extensions),
            mojo_packages=tuple(built_package(build, n) for n in self.settings.mojo_packages),
            mojo_version=self.config.mojo_version,
            runtime_libs=runtime_libs,
        )


def built_package(build: BuildDir, name: str) -> Path:
    """The Mojo package ``name`` as the graph built it: ``.mojoc`` (``mojo precompile``,
    1.x) or ``.mojopkg`` (``mojo package``, 0.26 and older); the newer when both exist."""
    found = [build.package(name, suffix) for suffix in (".mojoc", ".mojopkg")]
    made = [p for p in found if p.is_file()]
    return max(made, key=lambda p: p.stat().st_mtime) if made else found[0]


def open_release(config: Config) -> Release:
    """The release of ``config``'s project at the version its one source gives."""
    settings = config.release
    if settings is None:
        raise ConfigError(
            f"{config.pyproject}: no [tool.gauntlet.release] table; add one to release "
            "(the keys are in docs/release.md)"
        )
    version = release_version(config.pyproject.parent, settings)
    return Release(config, settings, version, Layout.of(config).repo.release_version(version))


# -- the build -----------------------------------------------------------------------


def build_key(release: Release) -> str:
    """The content key of the build's inputs (the tree is checked apart: the manifest's)."""
    request = release.request()
    inputs = [*request.extensions, *request.mojo_packages]
    digest = hashlib.sha256()
    parts = {
        "gauntlet": gauntlet.__version__,
        "settings": asdict(release.settings),
        "inputs": {str(p): file_sha256(p) if p.is_file() else None for p in inputs},
    }
    digest.update(json.dumps(parts, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _key_path(release: Release) -> Path:
    return release.folder / "build.key"


def build_current(release: Release) -> bool:
    """Whether the build on disk was made from exactly this tree and these inputs."""
    try:
        manifest = release.manifest()
        key = _key_path(release).read_text(encoding="utf-8").strip()
    except (GauntletError, OSError):
        return False
    subject = current_subject(release.repo)
    return (
        subject is not None
        and manifest.tree == subject.tree
        and key == build_key(release)
        and not manifest.check_files(release.dist)
    )


def build(release: Release, runtime_libs: Path | None = None) -> Manifest:
    """Build the release (sdist, platform wheel, Mojo packages, changelog, manifest)."""
    _key_path(release).unlink(missing_ok=True)
    manifest = build_release(release.request(runtime_libs), release.folder)
    write_text_atomic(_key_path(release), build_key(release) + "\n")
    return manifest


# -- the checks ----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """What one check found: passed or not, a summary line, and its JSON details."""

    ok: bool
    summary: str
    details: dict[str, Any]
    warning: bool = False  # passed by the configuration's leave ("warn"), not on its merits


Check = Callable[[Release, Manifest], CheckResult]


def manifest_key(manifest: Manifest) -> str:
    """The digest a check's report names: of the manifest's content."""
    return hashlib.sha256(json.dumps(manifest.to_json(), sort_keys=True).encode()).hexdigest()


def check_current(release: Release, name: str) -> bool:
    """Whether check ``name`` passed on the build that is on disk now."""
    try:
        return not unverified(release.folder, release.manifest(), (name,))
    except GauntletError:
        return False


def unverified(folder: Path, manifest: Manifest, names: Iterable[str]) -> list[str]:
    """Of the checks ``names``, those that did not pass on exactly ``manifest``'s build."""
    wanted = manifest_key(manifest)
    missing = []
    for name in names:
        try:
            data = json.loads((folder / "checks" / f"{name}.json").read_text(encoding="utf-8"))
            if not (data["ok"] is True and data["manifest"] == wanted):
                missing.append(f"{name} ({'another build' if data['ok'] else 'failed'})")
        except (OSError, ValueError, KeyError, TypeError):
            missing.append(f"{name} (not run)")
    return missing


def run_check(release: Release, name: str, check: Check) -> CheckResult:
    """Run one check on the build on disk and write its report."""
    manifest = release.manifest()
    problems = manifest.check_files(release.dist)
    if problems:
        result = CheckResult(False, "the built files changed: " + "; ".join(problems), {})
    else:
        result = check(release, manifest)
    report = {
        "schema_version": SCHEMA_VERSION,
        "check": name,
        "ok": result.ok,
        "warning": result.warning,
        "summary": result.summary,
        "manifest": manifest_key(manifest),
        "details": result.details,
    }
    write_text_atomic(release.report(name), json.dumps(report, indent=1) + "\n")
    return result
