"""Locate and import the built `tinyml_ext` Mojo extension for the tests.

The module is looked up in the directory named by the environment variable
GAUNTLET_EXT_DIR, or by default in `sample/.gauntlet/build/python` (where
`doit build` puts it). A missing build is a test failure, never a skip:
a green run must mean the extension was really exercised.

With GAUNTLET_INSTALLED_WHEEL set (gauntlet sets it when the tests run against an
installed wheel) the extension is the one inside the installed `tinyml` package, imported
through the package; a module found in this source tree or its build folder
fails every test instead.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import sys
import sysconfig
from pathlib import Path
from types import ModuleType

import pytest

SAMPLE_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_EXT_DIR = SAMPLE_ROOT / ".gauntlet" / "build" / "python"
MODULE_NAME = "tinyml_ext"


def extension_dir() -> Path:
    configured = os.environ.get("GAUNTLET_EXT_DIR")
    return Path(configured).resolve() if configured else DEFAULT_EXT_DIR


def _find_built_module(directory: Path) -> Path | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = directory / f"{MODULE_NAME}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def _missing_message(directory: Path) -> str:
    return f"tinyml_ext not built: run `doit build` first (looked in {directory})"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """Fail (in the call phase, so it is reported as FAILED, not ERROR) every
    test that needs the extension when the extension has not been built."""
    directory = extension_dir()
    if installed():
        return
    if "ext" in getattr(item, "fixturenames", ()) and _find_built_module(directory) is None:
        pytest.fail(_missing_message(directory), pytrace=False)


def installed() -> bool:
    return bool(os.environ.get("GAUNTLET_INSTALLED_WHEEL"))


def _installed_extension() -> ModuleType:
    try:
        package = importlib.import_module("tinyml")
    except ImportError as exc:
        pytest.fail(f"GAUNTLET_INSTALLED_WHEEL is set but tinyml is not installed: {exc}", pytrace=False)
    module = importlib.import_module("tinyml.tinyml_ext")
    installed_at = {Path(sysconfig.get_paths()[k]).resolve() for k in ("purelib", "platlib")}
    for loaded in (package, module):
        where = Path(loaded.__file__ or "").resolve()
        if not any(where.is_relative_to(folder) for folder in installed_at):
            pytest.fail(
                f"GAUNTLET_INSTALLED_WHEEL is set but {loaded.__name__} came from {where}, not "
                f"from the installed packages; run the tests from a folder outside the source",
                pytrace=False,
            )
    return module


@pytest.fixture(scope="session")
def ext() -> ModuleType:
    if installed():
        return _installed_extension()
    directory = extension_dir()
    built = _find_built_module(directory)
    if built is None:
        # pytest_runtest_call fails the test before its body runs.
        return ModuleType(MODULE_NAME)
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
    module = importlib.import_module(MODULE_NAME)
    loaded_from = Path(module.__file__ or "").resolve()
    if loaded_from != built.resolve():
        pytest.fail(
            f"imported {MODULE_NAME} from {loaded_from}, expected {built}",
            pytrace=False,
        )
    return module
