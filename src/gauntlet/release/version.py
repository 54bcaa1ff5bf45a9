"""The version of a release, from one place: the project's pyproject or a git tag.

``version-from = "pyproject"`` reads ``[project] version`` of the released
project; ``"tag"`` reads an exact ``vX.Y.Z`` tag on ``HEAD``.  Whichever is
chosen, the other may not contradict it: a tag on ``HEAD`` whose version
differs from a static ``[project] version`` is an error naming both, so a
release is never tagged one thing and built as another.  Every version is
checked as PEP 440 (:mod:`packaging`) and returned in its normal form (the
form in the wheel's file name).
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

from gauntlet import runner
from gauntlet.errors import ConfigError, GauntletError, ToolError
from gauntlet.release.verify import RELEASE_EXTRA

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.config.release import ReleaseSettings

TAG = re.compile(r"^v(\d+(?:\.\d+)*\S*)$")


def project_table(project: Path) -> dict[str, object]:
    """The ``[project]`` table of ``project/pyproject.toml``; missing or broken raise."""
    path = project / "pyproject.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no pyproject.toml; [tool.gauntlet.release] project must name the "
            f"folder of the released package's pyproject.toml"
        ) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it: {exc}") from None
    table = data.get("project")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: no [project] table; give name and version there (PEP 621)")
    return table


def parse_version(text: str, where: str) -> str:
    """``text`` as a normalised PEP 440 version; an invalid one raises naming ``where``."""
    try:
        from packaging.version import InvalidVersion, Version
    except ImportError:  # pragma: no cover - packaging comes with the release extra
        raise ToolError(f"packaging is not installed: {RELEASE_EXTRA}") from None
    try:
        return str(Version(text))
    except InvalidVersion:
        raise ConfigError(
            f"{where}: {text!r} is not a PEP 440 version (like 1.2.0, 1.2.0rc1, 1.2.0.post1)"
        ) from None


def pyproject_version(project: Path) -> str | None:
    """The static ``[project] version`` (normalised), or ``None`` when it is dynamic."""
    table = project_table(project)
    where = f"{project / 'pyproject.toml'} [project] version"
    value = table.get("version")
    if value is None:
        dynamic = table.get("dynamic")
        if isinstance(dynamic, list) and "version" in dynamic:
            return None
        raise ConfigError(f'{where}: missing; write the version there once (version = "1.0.0")')
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string, got {value!r}")
    return parse_version(value, where)


def _git(repo: Path, *args: str) -> str:
    done = runner.run(["git", *args], cwd=repo, timeout=60)
    if not done.ok:
        raise ToolError(f"git {' '.join(args)} failed in {repo}: {done.stderr.strip()[-500:]}")
    return done.stdout


def head_tags(repo: Path) -> tuple[str, ...]:
    """The ``vX.Y.Z`` tags pointing at ``HEAD``, as versions (``v`` removed)."""
    names = _git(repo, "tag", "--points-at", "HEAD").split()
    return tuple(m.group(1) for name in names if (m := TAG.match(name)))


def commit_epoch(repo: Path) -> int:
    """The committer time of ``HEAD`` (the build's ``SOURCE_DATE_EPOCH``)."""
    try:
        return int(_git(repo, "log", "-1", "--format=%ct", "HEAD").strip())
    except ValueError:
        raise ToolError(f"{repo}: no commit at HEAD; commit before releasing") from None


def release_version(repo: Path, settings: ReleaseSettings) -> str:
    """The version being released, read from the one place the settings name."""
    project = repo / settings.project
    declared = pyproject_version(project)
    tags = sorted({parse_version(t, f"git tag v{t} at HEAD") for t in head_tags(repo)})
    if len(tags) > 1:
        raise GauntletError(
            f"{repo}: HEAD has several version tags ({', '.join('v' + t for t in tags)}); "
            f"delete all but the one being released"
        )
    tag = tags[0] if tags else None
    where = f"{project / 'pyproject.toml'} [project] version"
    if settings.version_from == "tag" and tag is None:
        raise GauntletError(
            f'{repo}: version-from = "tag" but HEAD has no vX.Y.Z tag; '
            f'tag the commit (git tag v1.2.3) or set version-from = "pyproject"'
        )
    if settings.version_from == "pyproject" and declared is None:
        raise ConfigError(
            f'{where}: dynamic, but version-from = "pyproject"; write the version there '
            f'or set version-from = "tag"'
        )
    if tag is not None and declared is not None and tag != declared:
        raise GauntletError(
            f"the version is in two places and they differ: git tag v{tag} at HEAD, "
            f"{declared} in {where}; make them agree (or move the tag)"
        )
    version = tag if settings.version_from == "tag" else declared
    if version is None:  # pragma: no cover - both cases raised above
        raise GauntletError(f"{repo}: no version found")
    return version
