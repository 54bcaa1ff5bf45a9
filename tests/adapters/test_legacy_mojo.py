"""End-to-end: the doit graph on a 0.26-style project, compiled by Mojo 0.26.1 and 0.25.7.

The fixture (tests/data/legacy026) is written the way 0.26 projects are:
``fn`` functions, bare standard-library imports, and a ``main()`` that calls
each test and prints ``✓ name``.  Mojo 0.26.1 has no ``mojo precompile`` (its
package command is ``mojo package``), and its ``mojo build`` does not link
libm, which ``test_angle.mojo`` needs (``atan2`` on a Float32).  Mojo 0.25.7,
the newest 0.25.x, also has only ``mojo package`` and knows only the bare
standard-library names; its ``mojo build`` links libm.  The same fixture runs
on both, with ``mojo-version`` set to the release under test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import LEGACY_MOJO_VERSIONS
from doitrun import executed, result, run_doit

from gauntlet.results.records import Status
from gauntlet.run import toolchain

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "legacy026"


@pytest.fixture(params=LEGACY_MOJO_VERSIONS)
def legacy_release(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, str]:
    version = str(request.param)
    toolchain.ensure(version)  # installed into the shared cache on first use
    root = tmp_path / "legacy026"
    shutil.copytree(FIXTURE, root)
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('"0.26.1.0"', f'"{version}"'), encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.delenv("GAUNTLET_PROJECT", raising=False)
    monkeypatch.delenv("GAUNTLET_MOJO", raising=False)
    return root, version


def test_a_legacy_project_builds_and_passes_on_mojo_0_26_and_0_25(
    legacy_release: tuple[Path, str],
) -> None:
    legacy, version = legacy_release
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
    assert ops.toolchain == f"mojo {version}"  # results name the compiler by its version
    angle = result(legacy, "tests/test_angle.mojo")  # links libm, as `mojo run` does
    assert [(c.name, c.status) for c in angle.cases] == [("test_right_angle", Status.PASSED)]

    code, record = run_doit(legacy)
    assert code == 0
    assert executed(record) == set()
