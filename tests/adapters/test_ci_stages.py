"""``nox -s ci``: stages reused by the content of their inputs and tools, others side by side."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import run_nox

pytestmark = pytest.mark.slow

NOXFILE = """
import os
import time
from pathlib import Path

import nox

from gauntlet.noxsessions import ci

__all__ = ["ci"]
PARTS = {"lint": "lint", "typecheck": "types", "security": "security", "tests": "python"}


def stage(session, name):
    with open(os.environ["RAN"], "a") as ran:
        ran.write(name + "\\n")
    time.sleep(float(os.environ.get("NAP", "0")))
    if Path(f"fail-{name}").exists():
        session.error(f"{name} failed")
    if name in PARTS:
        out = Path(".gauntlet/results") / PARTS[name]
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{name}.json").write_text("[]")


for _name in ("lint", "typecheck", "security", "tests", "mojo", "gates", "health"):
    globals()[_name] = nox.session(name=_name, venv_backend="none")(
        lambda session, _n=_name: stage(session, _n)
    )
"""


def _git(project: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)


def _tools(project: Path, stage: str, version: str) -> Path:
    """A nox environment of ``stage`` holding one tool at ``version`` (what the key names)."""
    env = project / ".nox" / stage
    site = env / "lib" / "python3.11" / "site-packages"
    for old in site.glob("*.dist-info"):
        old.rmdir()
    (site / f"tool-{version}.dist-info").mkdir(parents=True)
    (env / "pyvenv.cfg").write_text("version = 3.11\n", encoding="utf-8")
    return env


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "0"\n', "utf-8")
    (root / "noxfile.py").write_text(textwrap.dedent(NOXFILE), encoding="utf-8")
    (root / "mod.py").write_text("X = 1\n", encoding="utf-8")
    (root / ".gitignore").write_text(".nox/\n.gauntlet/\n", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    for stage in ("lint", "typecheck", "security", "tests"):
        _tools(root, stage, "1.0")
    return root


def ci(project: Path, **extra: str) -> tuple[list[str], str]:
    """One ``nox -s ci``: the stages that ran, and what it printed."""
    ran = project.parent / "ran.txt"
    ran.write_text("", encoding="utf-8")
    done = run_nox(project, "ci", 300, RAN=str(ran), GAUNTLET_HISTORY="off", **extra)
    output = done.stdout + done.stderr
    assert done.returncode in (0, 1), output
    return sorted(ran.read_text(encoding="utf-8").split()), output


def test_unchanged_stages_are_reused_and_changed_ones_run(project: Path) -> None:
    ran, _ = ci(project)
    assert ran == ["gates", "lint", "mojo", "security", "tests", "typecheck"]
    ran, output = ci(project)
    assert ran == ["gates", "mojo"]  # no environment, no key: the doit graph decides itself
    for stage in ("lint", "typecheck", "security", "tests"):
        assert f"{stage}: up to date" in output
    assert (project / ".gauntlet/results/types/typecheck.json").is_file()  # restored
    # A Python file: every stage reads it.  A README: all but typecheck.
    (project / "mod.py").write_text("X = 2\n", encoding="utf-8")
    assert ci(project)[0] == ["gates", "lint", "mojo", "security", "tests", "typecheck"]
    # A Mojo source: the mojo stage builds and tests it; the Python tests do not read it.
    (project / "lib.mojo").write_text("def f() -> Int:\n    return 1\n", encoding="utf-8")
    assert ci(project)[0] == ["gates", "lint", "mojo", "security"]
    (project / "README.md").write_text("notes\n", encoding="utf-8")
    assert ci(project)[0] == ["gates", "lint", "mojo", "security", "tests"]
    # Another tool version in the lint environment.
    _tools(project, "lint", "2.0")
    assert ci(project)[0] == ["gates", "lint", "mojo"]
    _tools(project, "lint", "1.0")  # back to the tools of a kept entry
    assert ci(project)[0] == ["gates", "mojo"]
    # A kept result altered on disk is not trusted.
    entries = (project / ".gauntlet/cache/stages/security").glob("*/files/security/security.json")
    kept = max(entries, key=lambda p: p.stat().st_mtime)  # the entry of the current inputs
    kept.write_text('[{"forged": true}]', encoding="utf-8")
    ran, output = ci(project)
    assert ran == ["gates", "mojo", "security"]
    assert "does not match its digest; running security" in output


def test_the_doit_graph_results_in_the_same_folder_are_left_alone(project: Path) -> None:
    # The Mojo project is the repository: doit's results share .gauntlet/results.
    kept = project / ".gauntlet/results/mojo/test__a.mojo.json"
    kept.parent.mkdir(parents=True)
    kept.write_text("{}", encoding="utf-8")
    stale = project / ".gauntlet/results/lint/old.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("[]", encoding="utf-8")
    ci(project)
    assert kept.is_file()  # a content-keyed result: never thrown away by ci
    assert not stale.exists()


def test_a_failed_stage_is_never_reused(project: Path) -> None:
    (project / "fail-typecheck").write_text("", encoding="utf-8")
    ran, output = ci(project)
    assert "typecheck" in ran
    assert "stage failed: typecheck" in output
    ran, output = ci(project)
    assert ran == ["gates", "mojo", "typecheck"]
    assert "stage failed: typecheck" in output


def test_stages_run_side_by_side(project: Path) -> None:
    _, output = ci(project, GAUNTLET_CI_JOBS="3", NAP="1")
    record = json.loads((project / ".gauntlet/results/pipeline.json").read_text("utf-8"))
    spans = {t["name"]: (t["started_at"], t["ended_at"]) for t in record["timings"]}
    stages = [spans[name] for name in ("lint", "typecheck", "security", "tests", "mojo")]
    overlapping = sum(
        1 for a in stages for b in stages if a is not b and a[0] < b[1] and b[0] < a[1]
    )
    assert overlapping >= 2, spans
    assert spans["gates"][0] >= max(end for _, end in stages)  # the gates wait for all
    assert "──── tests ────" in output  # each stage's output printed whole, under its name
