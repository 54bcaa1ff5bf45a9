"""Real release builds: a real Mojo extension, python -m build, auditwheel, a fresh venv."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from typing import TYPE_CHECKING

import pytest
from indexes import git

from gauntlet.config.release import ReleaseSettings
from gauntlet.release.build import BuildRequest, build_release
from gauntlet.release.manifest import Manifest
from gauntlet.release.repro import check_reproducible

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.run.toolchain import Toolchain

EXTENSION = """
from std.os import abort
from std.python import PythonObject
from std.python.bindings import PythonModuleBuilder


def twice(x: PythonObject) raises -> PythonObject:
    return PythonObject(Float64(py=x) * 2.0)


@export
def PyInit_hello_ext() abi("C") -> PythonObject:
    try:
        var m = PythonModuleBuilder("hello_ext")
        m.def_function[twice]("twice", docstring="2 * x.")
        return m.finalize()
    except e:
        abort(String("failed to create Python module hello_ext: ", e))
"""
PYPROJECT = """
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "hello-mojo"
version = "0.3.0"
license = "Apache-2.0"
"""
INIT = "from hello.hello_ext import twice\n"
# What the import proves: it computes, and no library comes from the Mojo toolchain.
PROBE = """
import sys, hello
assert hello.twice(21) == 42.0
maps = {line.split()[-1] for line in open("/proc/self/maps") if ".so" in line}
print("\\n".join(sorted(maps)))
"""


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, mojo: Toolchain, offline: dict[str, str]
) -> tuple[Path, Path]:
    """A committed repository with a Python package, and its Mojo extension built."""
    repo = tmp_path_factory.mktemp("repo")
    (repo / "pkg" / "src" / "hello").mkdir(parents=True)
    (repo / "pkg" / "pyproject.toml").write_text(PYPROJECT)
    (repo / "pkg" / "src" / "hello" / "__init__.py").write_text(INIT)
    (repo / "ext").mkdir()
    (repo / "ext" / "hello_ext.mojo").write_text(EXTENSION)
    (repo / ".gitignore").write_text("build/\n*.egg-info/\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    so = repo / "build" / "hello_ext.so"
    so.parent.mkdir()
    argv = [str(mojo.mojo), "build", "--emit", "shared-lib", "ext/hello_ext.mojo", "-o", str(so)]
    subprocess.run(argv, cwd=repo, check=True, capture_output=True, timeout=600)
    return repo, so


def toolchain_libs(mojo: Toolchain) -> Path:
    return next(mojo.mojo.parent.parent.glob("lib/python3*/site-packages/modular/lib"))


def fresh_venv(where: Path, wheel: Path) -> Path:
    """A new virtual environment with ``wheel`` installed (nothing else, no Mojo)."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, timeout=300)
    pip = [str(where / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", str(wheel)]
    subprocess.run(pip, check=True, timeout=300)
    return where / "bin" / "python"


def probe(python: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin"}  # no LD_LIBRARY_PATH, nothing of the toolchain
    return subprocess.run(
        [str(python), "-c", PROBE],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_repaired_wheel_works_without_mojo_and_builds_reproducibly(
    built: tuple[Path, Path], mojo: Toolchain, tmp_path: Path
) -> None:
    repo, so = built
    settings = ReleaseSettings(project="pkg", extension_package="hello", runtime="repair")
    request = BuildRequest(repo, settings, (so,), runtime_libs=toolchain_libs(mojo))
    out = tmp_path / "release" / "0.3.0"
    manifest = build_release(request, out)
    assert manifest == Manifest.read(out / "manifest.json")
    assert (manifest.project, manifest.version, manifest.epoch) == (
        "hello-mojo",
        "0.3.0",
        1700000000,
    )
    assert [a.kind for a in manifest.artifacts] == ["sdist", "wheel"]
    wheel = out / "dist" / manifest.artifacts[1].name
    assert wheel.name.startswith("hello_mojo-0.3.0-cp311-cp311-manylinux_2_")
    assert manifest.check_files(out / "dist") == []
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "hello/hello_ext.so" in names
    assert any(n.startswith("hello_mojo.libs/libKGENCompilerRTShared-") for n in names)
    assert "# hello-mojo 0.3.0 (2023-11-14)" in (out / "changelog.md").read_text()

    python = fresh_venv(tmp_path / "venv", wheel)
    done = probe(python, tmp_path)
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.splitlines()
    assert any("hello_mojo.libs/libKGENCompilerRTShared-" in line for line in loaded)
    toolchain = str(mojo.mojo.parent.parent)
    assert [line for line in loaded if line.startswith(toolchain) or "/modular/" in line] == []

    verdict = check_reproducible(request, tmp_path / "repro", manifest.epoch)
    assert verdict.to_json()["differences"] == []
    assert verdict.reproducible
    assert sorted(verdict.compared) == sorted(a.name for a in manifest.artifacts)


@pytest.mark.slow
def test_declared_runtime_is_required_and_found_beside_the_package(
    built: tuple[Path, Path], mojo: Toolchain, tmp_path: Path
) -> None:
    repo, so = built
    settings = ReleaseSettings(project="pkg", extension_package="hello", runtime="declare")
    manifest = build_release(BuildRequest(repo, settings, (so,), mojo_version="1.2.0"), tmp_path)
    wheel = tmp_path / "dist" / manifest.artifacts[1].name
    assert wheel.name == "hello_mojo-0.3.0-cp311-cp311-linux_x86_64.whl"
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read("hello_mojo-0.3.0.dist-info/METADATA").decode()
        assert not [n for n in archive.namelist() if ".libs/" in n]
    assert "Requires-Dist: mojo-compiler==1.2.0" in metadata.splitlines()

    python = fresh_venv(tmp_path / "venv", wheel)
    missing = probe(python, tmp_path)
    assert missing.returncode == 1
    assert "libKGENCompilerRTShared.so: cannot open shared object file" in missing.stderr
    # What installing mojo-compiler puts beside the package: site-packages/modular/lib.
    site = next((tmp_path / "venv" / "lib").glob("python3*/site-packages"))
    (site / "modular" / "lib").mkdir(parents=True)
    for lib in toolchain_libs(mojo).glob("lib*Globals.so"):
        (site / "modular" / "lib" / lib.name).write_bytes(lib.read_bytes())
    runtime = toolchain_libs(mojo) / "libKGENCompilerRTShared.so"
    (site / "modular" / "lib" / runtime.name).write_bytes(runtime.read_bytes())
    found = probe(python, tmp_path)
    assert found.returncode == 0, found.stderr
    assert f"{site}/modular/lib/libKGENCompilerRTShared.so" in found.stdout.splitlines()
