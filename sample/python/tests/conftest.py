"""Locate and import the built `tinyml_ext` Mojo extension for the tests.

The module is looked up in the directory named by the environment variable
GAUNTLET_EXT_DIR, or by default in `sample/.gauntlet/build/python` (where
`doit build` puts it). A missing build is a test failure, never a skip:
a green run must mean the extension was really exercised.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import sys
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
    if "ext" in getattr(item, "fixturenames", ()) and _find_built_module(directory) is None:
        pytest.fail(_missing_message(directory), pytrace=False)


@pytest.fixture(scope="session")
def ext() -> ModuleType:
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
