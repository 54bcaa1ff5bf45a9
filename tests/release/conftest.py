"""What the release tests share: a wheelhouse, so no build or install reaches an index.

Tests talk to 127.0.0.1 only.  An isolated PEP 517 build installs its backend
with pip, and the verification environments install the test requirements
with uv; both are pointed at a folder of wheels repacked from this
environment's own distributions (setuptools, pytest and what they need).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from verifydata import wheelhouse

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

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
