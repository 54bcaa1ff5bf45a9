"""Generated test suites for sharding: Python test files that sleep for chosen durations."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

PYPROJECT = """\
[project]
name = "suite"
classifiers = ["Programming Language :: Python :: 3.11"]

[tool.gauntlet]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""


def module_text(seconds: float, *, skipped: bool) -> str:
    """A test module with two tests (one sleeping ``seconds``) and a test class."""
    skip = "import pytest\n\n@pytest.mark.skip(reason='generated')\n" if skipped else ""
    return (
        f"import time\n\n\n{skip}def test_sleeps():\n    time.sleep({seconds!r})\n\n\n"
        "def test_quick():\n    assert True\n\n\n"
        "class TestGroup:\n    def test_member(self):\n        assert True\n"
    )


def write_suite(root: Path, seconds: Mapping[str, float]) -> list[str]:
    """A project whose ``tests/NAME.py`` sleep ``seconds[NAME]``; return the files' paths."""
    (root / "tests").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    paths = []
    for name, value in seconds.items():
        (root / "tests" / f"{name}.py").write_text(
            module_text(value, skipped=False), encoding="utf-8"
        )
        paths.append(f"tests/{name}.py")
    return sorted(paths)
