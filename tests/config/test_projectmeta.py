"""Declared Python versions, the project's name, and its pinned dependency set."""

from __future__ import annotations

import sys
from pathlib import Path

from gauntlet.config.pyversions import declared_pythons, project_name
from gauntlet.run.depset import dependency_set


def test_declared_pythons_come_from_classifiers(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[project]\nname = "demo"\nclassifiers = [\n'
        ' "Programming Language :: Python :: 3.12",\n'
        ' "Programming Language :: Python :: 3.10",\n'
        ' "Programming Language :: Python :: 3",\n'
        ' "License :: OSI Approved",\n]\n'
    )
    assert declared_pythons(path) == ["3.10", "3.12"]
    assert project_name(path) == "demo"


def test_without_classifiers_the_running_python_is_declared(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("not toml [")
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert declared_pythons(path) == [running]
    assert project_name(path) == tmp_path.name


def test_dependency_set_follows_installed_requirements() -> None:
    deps = dependency_set("pytest")
    assert "pluggy" in deps
    assert "iniconfig" in deps
    assert "pytest" not in deps
    assert dependency_set("no-such-distribution-anywhere") == {}
