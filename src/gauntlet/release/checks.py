"""The checks of a release build, in the order ``doit release`` runs them.

* ``metadata``: each wheel's metadata is complete for an index;
* ``twine``: ``twine check --strict`` on the sdist and wheels;
* ``tests``: the project's Python tests against the wheel installed in a
  fresh environment, run from a folder without the source, and then the
  wheel's modules imported with no Mojo in reach (the libraries the process
  loaded are read: none may come from the Mojo toolchain);
* ``sbom``: a CycloneDX SBOM of the release and what it installs with;
* ``reproducible``: one more build with the same epoch, compared byte for
  byte (``reproducible = "warn"`` lets a difference pass, said as a warning).

``tests`` and ``sbom`` share one verification environment, made once per
build (``verify/venv``, keyed by the manifest).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gauntlet.release.flow import CheckResult, Release, manifest_key
from gauntlet.release.installed import installed_tests
from gauntlet.release.metadata import check_wheel
from gauntlet.release.nomojo import import_without_mojo
from gauntlet.release.repro import check_reproducible
from gauntlet.release.sbom import write_sbom
from gauntlet.release.twinecheck import twine_check
from gauntlet.release.verify import VerifyEnv, create_env

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from gauntlet.release.manifest import Manifest


def _verify(release: Release) -> Path:
    return release.folder / "verify"


def _wheel(release: Release, manifest: Manifest) -> Path:
    wheels = [a for a in manifest.artifacts if a.kind == "wheel"]
    if not wheels:
        msg = f"{release.manifest_path}: the build has no wheel"
        raise ValueError(msg)
    return release.dist / wheels[0].name


def venv(release: Release, manifest: Manifest) -> VerifyEnv:
    """The verification environment of this build: made once, reused by later checks."""
    folder = _verify(release) / "venv"
    stamp = _verify(release) / "venv.key"
    wheel = _wheel(release, manifest)
    key = manifest_key(manifest)
    python = folder / "bin" / "python"
    if python.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return VerifyEnv(folder, wheel)
    stamp.unlink(missing_ok=True)
    env = create_env(folder, wheel, release.settings.test_requires)
    if env.ok:
        stamp.write_text(key, encoding="utf-8")
    return env


def check_metadata(release: Release, manifest: Manifest) -> CheckResult:
    """Each wheel's metadata is complete for an index (:mod:`gauntlet.release.metadata`)."""
    wheels = [a for a in manifest.artifacts if a.kind == "wheel"]
    found = [check_wheel(release.dist / a.name, manifest.version) for a in wheels]
    problems = [f"{c.wheel}: {p}" for c in found for p in c.problems]
    summary = "; ".join(problems) if problems else f"{len(found)} wheel(s) complete for an index"
    details = {"wheels": [c.to_json() for c in found]}
    return CheckResult(bool(found) and not problems, summary if found else "no wheel", details)


def check_twine(release: Release, manifest: Manifest) -> CheckResult:
    """``twine check --strict`` on what goes to the index."""
    files = [release.dist / a.name for a in manifest.uploads]
    report = twine_check(files, _verify(release))
    bad = [f"{name}: {'; '.join(found)}" for name, found in report.problems.items()]
    summary = "; ".join(bad) or report.output or f"{len(files)} files pass"
    return CheckResult(report.ok, summary, report.to_json())


def _tests(release: Release) -> tuple[Path, ...]:
    config = release.config
    if release.settings.tests:
        return tuple(release.repo / t for t in release.settings.tests)
    return tuple(config.root / t for t in config.python_tests)


def check_tests(release: Release, manifest: Manifest) -> CheckResult:
    """The installed wheel's tests, from outside the source; then its import without Mojo."""
    env = venv(release, manifest)
    tests = _tests(release)
    if not tests:
        return CheckResult(
            False, "no Python tests to run against the wheel: set [tool.gauntlet.release] tests", {}
        )
    ran = installed_tests(env, tests, _verify(release), source_tree=release.repo)
    alone = import_without_mojo(env, release.mojo_home, _verify(release))
    details = {"installed": ran.to_json(), "without_mojo": alone.to_json()}
    if not ran.ok:
        counts = f"{ran.failed + ran.errors} of {ran.total} tests failed"
        return CheckResult(False, "; ".join([counts, *ran.problems, *ran.failures]), details)
    if not alone.ok:
        return CheckResult(False, "; ".join(alone.failures), details)
    passed = f"{ran.total - ran.skipped} tests passed against the installed wheel"
    return CheckResult(True, f"{passed} ({ran.skipped} skipped); it imports without Mojo", details)


def check_sbom(release: Release, manifest: Manifest) -> CheckResult:
    """The CycloneDX SBOM of the release and what it installs with."""
    env = venv(release, manifest)
    files = [release.dist / a.name for a in manifest.artifacts]
    result = write_sbom(env, files, _verify(release), epoch=manifest.epoch)
    summary = "; ".join(result.problems) or f"{result.components} components in {result.path}"
    return CheckResult(result.ok, summary, result.to_json())


def check_reproducible_build(release: Release, manifest: Manifest) -> CheckResult:
    """Build once more with the same epoch and compare with the release's files."""
    work = release.folder / ".rebuild"
    verdict = check_reproducible(release.request(), work, manifest.epoch, against=release.dist)
    warn = not verdict.reproducible and release.settings.reproducible == "warn"
    return CheckResult(verdict.reproducible or warn, verdict.summary(), verdict.to_json(), warn)


CHECKS: dict[str, Callable[[Release, Manifest], CheckResult]] = {
    "metadata": check_metadata,
    "twine": check_twine,
    "tests": check_tests,
    "sbom": check_sbom,
    "reproducible": check_reproducible_build,
}
