"""The release version comes from one place: the pyproject or an exact tag at HEAD."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from indexes import git

from gauntlet.config.release import ReleaseSettings
from gauntlet.errors import ConfigError, ExitCode, GauntletError
from gauntlet.release.version import commit_epoch, head_tags, release_version

if TYPE_CHECKING:
    from pathlib import Path


def repo_with(tmp_path: Path, project: str | None, *, tag: str = "") -> Path:
    """A git repository whose package lives in ``pkg/`` with ``project`` as its [project]."""
    (tmp_path / "pkg").mkdir()
    if project is not None:
        (tmp_path / "pkg" / "pyproject.toml").write_text(f"[project]\n{project}\n")
    (tmp_path / "README").write_text("x\n")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    if tag:
        git(tmp_path, "tag", tag)
    return tmp_path


def settings(source: str = "pyproject") -> ReleaseSettings:
    return ReleaseSettings(project="pkg", version_from=source)


def test_version_from_the_pyproject_is_normalised(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, 'name = "p"\nversion = "1.2.0-RC1"')
    assert release_version(repo, settings()) == "1.2.0rc1"


def test_version_from_the_tag_at_head(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, 'name = "p"\ndynamic = ["version"]', tag="v2.0.1")
    assert head_tags(repo) == ("2.0.1",)
    assert release_version(repo, settings("tag")) == "2.0.1"


def test_tag_and_pyproject_that_agree_are_one_version(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, 'name = "p"\nversion = "2.0.1"', tag="v2.0.1")
    assert release_version(repo, settings("tag")) == "2.0.1"
    assert release_version(repo, settings("pyproject")) == "2.0.1"


@pytest.mark.parametrize("source", ["pyproject", "tag"])
def test_tag_and_pyproject_that_differ_name_both(tmp_path: Path, source: str) -> None:
    repo = repo_with(tmp_path, 'name = "p"\nversion = "1.0.0"', tag="v1.0.1")
    with pytest.raises(GauntletError) as caught:
        release_version(repo, settings(source))
    assert "git tag v1.0.1 at HEAD" in str(caught.value)
    assert "1.0.0 in " in str(caught.value)
    assert "pyproject.toml [project] version" in str(caught.value)


def test_tag_source_without_a_tag_at_head(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, 'name = "p"\nversion = "1.0.0"')
    git(repo, "tag", "release-1")  # not vX.Y.Z: not a version tag
    with pytest.raises(GauntletError, match=r"HEAD has no vX\.Y\.Z tag"):
        release_version(repo, settings("tag"))


def test_invalid_version_is_named(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, 'name = "p"\nversion = "one point two"')
    with pytest.raises(ConfigError) as caught:
        release_version(repo, settings())
    assert "'one point two' is not a PEP 440 version" in str(caught.value)
    assert caught.value.exit_code == ExitCode.USAGE


def test_missing_version(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, 'name = "p"')
    with pytest.raises(ConfigError, match=r"\[project\] version: missing; write the version"):
        release_version(repo, settings())


def test_dynamic_version_needs_the_tag_source(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, 'name = "p"\ndynamic = ["version"]')
    with pytest.raises(ConfigError, match='dynamic, but version-from = "pyproject"'):
        release_version(repo, settings())


def test_no_pyproject_in_the_project_folder(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, None)
    with pytest.raises(ConfigError) as caught:
        release_version(repo, settings())
    assert str(repo / "pkg" / "pyproject.toml") in str(caught.value)
    assert "no pyproject.toml" in str(caught.value)


def test_commit_epoch_is_the_committer_time(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, 'name = "p"\nversion = "1.0"')
    assert commit_epoch(repo) == 1700000000
