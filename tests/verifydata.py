"""Real wheels for the release verification tests, built in tmp_path without a network.

``tiny_project`` writes a small setuptools project (flat layout: the package
``tinypkg`` sits beside ``tests/``, so a naive ``python -m pytest tests`` run
from the project would import the tree, not the wheel) whose extension
``tinypkg._native`` is compiled with gcc against ``libhelper.so``.  ``rpath``
links it to the helper where it was built (an absolute RUNPATH, like a wheel
that needs the Mojo toolchain); ``bundled`` ships the helper in
``tinypkg.libs/`` with RUNPATH ``$ORIGIN/../tinypkg.libs`` (what auditwheel
repair makes).  ``wheelhouse`` repacks distributions installed in this
interpreter as wheels, so the venvs install from local files only.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

HELPER_C = "int helper_answer(void) { return 42; }\n"
NATIVE_C = """
#define PY_SSIZE_T_CLEAN
#include <Python.h>
int helper_answer(void);
static PyObject *answer(PyObject *self, PyObject *args) {
    return PyLong_FromLong(helper_answer());
}
static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "42"}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};
PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
"""
SETUP_PY = """
from setuptools import Extension, setup
setup(ext_modules=[Extension(
    "tinypkg._native", ["tinypkg/_native.c"], libraries=["helper"],
    library_dirs=[{libdir!r}], runtime_library_dirs=[{runpath!r}],
)])
"""
PYPROJECT = """
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "tinypkg"
version = "1.0.0"
description = "A tiny package with a compiled extension"
readme = "README.md"
license = {{text = "MIT"}}
dependencies = ["packaging>=20"]

[tool.setuptools]
packages = ["tinypkg"]
"""
README = "# tinypkg\n\nA tiny package.\n"
TESTS = """
import os
import tinypkg

def test_answer():
    assert tinypkg.answer() == 42

def test_installed_wheel_is_named():
    assert os.environ["GAUNTLET_INSTALLED_WHEEL"].endswith(".whl")
"""


def _run(argv: list[str], cwd: Path) -> None:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}"


def tiny_project(root: Path, *, native: str = "bundled", readme: str = README) -> Path:
    """Write the project into ``root`` (and its helper library into ``root/helper``)."""
    helper = root / "helper"
    helper.mkdir(parents=True)
    (helper / "helper.c").write_text(HELPER_C, encoding="utf-8")
    _run(["gcc", "-shared", "-fPIC", "-o", "libhelper.so", "helper.c"], helper)
    project = root / "project"
    (project / "tinypkg").mkdir(parents=True)
    (project / "tests").mkdir()
    (project / "pyproject.toml").write_text(PYPROJECT.format(), encoding="utf-8")
    (project / "README.md").write_text(readme, encoding="utf-8")
    (project / "tests" / "test_tiny.py").write_text(TESTS.lstrip(), encoding="utf-8")
    init = "from tinypkg._native import answer\n"
    (project / "tinypkg" / "__init__.py").write_text(init, encoding="utf-8")
    (project / "tinypkg" / "_native.c").write_text(NATIVE_C, encoding="utf-8")
    runpath = str(helper) if native == "rpath" else "$ORIGIN/../tinypkg.libs"
    setup = SETUP_PY.format(libdir=str(helper), runpath=runpath)
    (project / "setup.py").write_text(textwrap.dedent(setup), encoding="utf-8")
    return project


def build(project: Path, *, bundle: bool = True) -> tuple[Path, Path]:
    """Build the sdist and wheel of ``project`` into ``project/dist``: (sdist, wheel)."""
    code = "from setuptools import build_meta as b; b.build_sdist('dist'); b.build_wheel('dist')"
    _run([sys.executable, "-c", code], project)
    sdist = next((project / "dist").glob("*.tar.gz"))
    wheel = next((project / "dist").glob("*.whl"))
    if bundle:
        add_to_wheel(wheel, "tinypkg.libs/libhelper.so", project.parent / "helper/libhelper.so")
    return sdist, wheel


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}\n"


def add_to_wheel(wheel: Path, name: str, source: Path) -> None:
    """Add ``source`` to ``wheel`` as ``name``, with its RECORD line."""
    with zipfile.ZipFile(wheel) as archive:
        items = {i.filename: archive.read(i) for i in archive.infolist()}
    record = next(n for n in items if n.endswith(".dist-info/RECORD"))
    data = source.read_bytes()
    items[name] = data
    items[record] = items[record] + _record_line(name, data).encode()
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for item, content in items.items():
            archive.writestr(item, content)


def _closure(names: list[str]) -> list[metadata.Distribution]:
    found: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        dist = metadata.distribution(name)
        found[name] = dist
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return list(found.values())


def wheelhouse(folder: Path, names: list[str]) -> Path:
    """Wheels of the installed distributions ``names`` and what they need, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    skip = ("INSTALLER", "REQUESTED", "direct_url.json", "RECORD")
    for dist in _closure(names):
        files = [
            f
            for f in dist.files or []
            if not str(f).startswith("..")
            and "__pycache__" not in str(f)
            and not str(f).endswith(skip)
        ]
        stem = f"{canonicalize_name(dist.metadata['Name']).replace('-', '_')}-{dist.version}"
        record = next(str(f) for f in dist.files or [] if str(f).endswith(".dist-info/RECORD"))
        lines = []
        with zipfile.ZipFile(folder / f"{stem}-py3-none-any.whl", "w") as archive:
            for file in files:
                data = Path(str(file.locate())).read_bytes()
                archive.writestr(str(file), data)
                lines.append(_record_line(str(file), data))
            archive.writestr(record, "".join(lines) + f"{record},,\n")
    return folder


# -- builds and installs that reach no index (tests talk to 127.0.0.1 only) -----------
# An isolated PEP 517 build installs its backend with pip, and the verification
# environments install the test requirements with uv; both are pointed at wheels
# repacked from this environment's own distributions.

OFFLINE_NEEDS = ["setuptools", "pytest", "packaging"]


@pytest.fixture(scope="session")
def local_wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels of setuptools, pytest, packaging and their requirements."""
    return wheelhouse(tmp_path_factory.mktemp("wheelhouse"), OFFLINE_NEEDS)


def offline_env(wheels: Path) -> dict[str, str]:
    """Variables that make pip take packages from ``wheels`` only."""
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}


@pytest.fixture(scope="module")
def offline(local_wheels: Path) -> Iterator[dict[str, str]]:
    """This module's builds install their backend from :func:`local_wheels` only."""
    variables = offline_env(local_wheels)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in variables.items():
            patch.setenv(name, value)
        yield variables
