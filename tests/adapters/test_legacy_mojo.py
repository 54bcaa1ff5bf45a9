"""End-to-end: the doit graph on a 0.26-style project, compiled by Mojo 0.26.1.

The fixture (tests/data/legacy026) is written the way 0.26 projects are:
``fn`` functions, bare standard-library imports, and a ``main()`` that calls
each test and prints ``✓ name``.  Mojo 0.26.1 has no ``mojo precompile`` (its
package command is ``mojo package``), and its ``mojo build`` does not link
libm, which ``test_angle.mojo`` needs (``atan2`` on a Float32).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from test_pipeline_mojo import executed, result, run_doit

from gauntlet.results.records import Status

if TYPE_CHECKING:
    from gauntlet.run import toolchain

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "legacy026"


@pytest.fixture
def legacy(
    tmp_path: Path, mojo_legacy: toolchain.Toolchain, monkeypatch: pytest.MonkeyPatch
) -> Path:
    root = tmp_path / "legacy026"
    shutil.copytree(FIXTURE, root)
    monkeypatch.chdir(root)
    monkeypatch.delenv("GAUNTLET_PROJECT", raising=False)
    monkeypatch.delenv("GAUNTLET_MOJO", raising=False)
    return root


def test_a_legacy_project_builds_and_passes_on_mojo_0_26(legacy: Path) -> None:
    code, record = run_doit(legacy)
    assert code == 0, record
    assert {
        "build:vecmath",
        "test:tests/test_ops.mojo",
        "test:tests/test_angle.mojo",
        "report",
    } <= executed(record)
    assert (legacy / ".gauntlet/build/pkg/vecmath.mojopkg").is_file()  # `mojo package`
    ops = result(legacy, "tests/test_ops.mojo")
    assert [(c.name, c.status) for c in ops.cases] == [
        ("test_dot", Status.PASSED),
        ("test_norm", Status.PASSED),
    ]
    assert ops.toolchain == "mojo 0.26.1.0"  # results name the compiler by its version
    angle = result(legacy, "tests/test_angle.mojo")  # links libm, as `mojo run` does
    assert [(c.name, c.status) for c in angle.cases] == [("test_right_angle", Status.PASSED)]

    code, record = run_doit(legacy)
    assert code == 0
    assert executed(record) == set()
