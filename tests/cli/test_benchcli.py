from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest
from conftest import WriteTree

from gauntlet.cli.main import main


def table(values: list[float]) -> str:
    lines = ["| name | met (ms) | iters |", "| --- | --- | --- |"]
    return "\n".join(["Running matmul", *lines, *(f"| matmul | {v} | 100 |" for v in values)])


def samples(centre: float, seed: int) -> list[float]:
    rng = random.Random(seed)  # noqa: S311 - seeded test data
    return [round(centre * (1 + rng.gauss(0, 0.01)), 5) for _ in range(10)]


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


@pytest.fixture
def project(write_tree: WriteTree, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_tree({"pyproject.toml": "[tool.gauntlet]\n", "benchmarks/bench_m.mojo": ""})
    monkeypatch.setenv("GAUNTLET_MACHINE", "test-machine")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "one")
    return root


def record(root: Path, name: str, values: list[float], *extra: str) -> int:
    out = root / f"{name}.txt"
    out.write_text(table(values))
    argv = ["--project", str(root), "bench", "record", str(out), "--source", "bench_m.mojo"]
    return main([*argv, "--results", str(root / f"{name}.json"), *extra])


def test_record_compare_with_stored_baseline_and_history(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    commit = git(project, "rev-parse", "HEAD")
    assert record(project, "r1", samples(1.0, 1)) == 0
    assert record(project, "r2", samples(1.0, 2), "--commit", "second") == 0
    assert record(project, "r3", samples(1.25, 3), "--commit", "third") == 0
    capsys.readouterr()
    base = ["--project", str(project), "bench", "compare"]
    assert main([*base, str(project / "r2.json")]) == 0
    assert "no significant change" in capsys.readouterr().out
    report = project / "report.json"
    md = project / "report.md"
    code = main(
        [*base, str(project / "r3.json"), "--json-file", str(report), "--markdown", str(md)]
    )
    assert code == 1
    data = json.loads(report.read_text())
    assert data["regressions"] == ["matmul"]
    assert data["base"] == "second"
    assert "| matmul |" in md.read_text()
    assert main([*base, str(project / "r3.json"), "--not-gated", "matmul"]) == 0
    assert main([*base, str(project / "r3.json"), str(project / "r1.json")]) == 1
    capsys.readouterr()

    svg = project / "h.svg"
    history = ["--project", str(project), "bench", "history"]
    assert main([*history, "matmul", "--json", "--svg", str(svg)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["commit"] for p in data["points"]] == [commit, "second", "third"]
    assert svg.read_text().count("<circle") == 3


def test_compare_without_baseline_reports_new_baselines(project: Path) -> None:
    assert record(project, "r1", samples(1.0, 1)) == 0
    report = project / "report.json"
    argv = ["--project", str(project), "bench", "compare", str(project / "r1.json")]
    assert main([*argv, "--json-file", str(report)]) == 0
    data = json.loads(report.read_text())
    assert data["verdicts"]["new baseline"] == 1
    assert data["base"] == "no baseline"


def test_results_from_another_machine_are_refused_unless_forced(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert record(project, "r1", samples(1.0, 1)) == 0
    monkeypatch.setenv("GAUNTLET_MACHINE", "elsewhere")
    assert record(project, "r2", samples(1.0, 2)) == 0
    argv = ["--project", str(project), "bench", "compare", str(project / "r2.json")]
    assert main([*argv, str(project / "r1.json")]) == 2
    assert "not comparable" in capsys.readouterr().err
    assert main([*argv, str(project / "r1.json"), "--any-machine"]) == 0


def test_renamed_benchmark_is_new_and_removed_not_a_regression(project: Path) -> None:
    assert record(project, "r1", samples(1.0, 1)) == 0
    out = project / "renamed.txt"
    out.write_text(table(samples(2.0, 2)).replace("| matmul |", "| matmul_v2 |"))
    argv = ["--project", str(project), "bench", "record", str(out), "--source", "bench_m.mojo"]
    assert main([*argv, "--results", str(project / "r2.json")]) == 0
    report = project / "report.json"
    compare = ["--project", str(project), "bench", "compare", str(project / "r2.json")]
    assert main([*compare, "--json-file", str(report)]) == 0
    verdicts = {b["name"]: b["verdict"] for b in json.loads(report.read_text())["benchmarks"]}
    assert verdicts == {"matmul_v2": "new baseline", "matmul": "removed"}


def test_malformed_output_names_file_and_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = project / "bad.txt"
    out.write_text("| name | met (ms) |\n|---|---|\n| matmul | 1.0")
    assert main(["--project", str(project), "bench", "record", str(out)]) == 2
    assert f"{out}:3: truncated table row" in capsys.readouterr().err


def test_history_of_unknown_benchmark(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(project), "bench", "history", "x"]) == 2
    assert "no benchmark history" in capsys.readouterr().err
    assert record(project, "r1", samples(1.0, 1)) == 0
    assert main(["--project", str(project), "bench", "history", "x"]) == 2
    assert "known: matmul" in capsys.readouterr().err


def test_history_marks_the_change_point_with_its_commit(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for run in range(12):
        centre = 1.0 if run < 6 else 1.3
        assert record(project, f"r{run}", samples(centre, run), "--commit", f"commit{run:02}") == 0
    capsys.readouterr()
    assert main(["--project", str(project), "bench", "history", "matmul"]) == 0
    lines = capsys.readouterr().out.splitlines()
    marked = [line for line in lines if "<- change point" in line]
    assert len(marked) == 1
    assert "commit06" in marked[0]


def test_compare_usage_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(project), "bench", "compare"]) == 3
    assert "give a NEW results file" in capsys.readouterr().err
    assert record(project, "r1", samples(1.0, 1)) == 0
    argv = ["--project", str(project), "bench", "compare", str(project / "r1.json")]
    assert main([*argv, str(project / "r1.json"), "--threshold", "10%"]) == 0
    with pytest.raises(SystemExit):
        main([*argv, "--threshold", "150%"])
    missing = project / "missing.txt"
    assert main(["--project", str(project), "bench", "record", str(missing)]) == 2
    assert "cannot read benchmark output" in capsys.readouterr().err


def test_stored_comparison_feeds_the_benchmarks_gate(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gauntlet.config.gates import GateSettings
    from gauntlet.config.load import load_config
    from gauntlet.gates.collect import collect
    from gauntlet.gates.measured import benchmarks_gate
    from gauntlet.gates.registry import GateStatus

    results = project / ".gauntlet" / "results"
    latest = results / "bench" / "bench_m.samples.json"
    latest.parent.mkdir(parents=True)
    report = results / "bench-comparison.json"
    compare = [
        "--project",
        str(project),
        "bench",
        "compare",
        "--stored",
        "--json-file",
        str(report),
    ]

    def run(values: list[float]) -> tuple[int, GateStatus, str]:
        out = project / "out.txt"
        out.write_text(table(values))
        argv = ["--project", str(project), "bench", "record", str(out), "--source", "bench_m.mojo"]
        assert main([*argv, "--results", str(latest)]) == 0
        code = main(compare)
        gate = benchmarks_gate(collect(load_config(project), [], now=0.0, env={}), GateSettings())
        return code, gate.status, f"{gate.measured} | {gate.message}"

    assert run(samples(1.0, 1)) == (
        0,
        GateStatus.PASSED,
        "new baseline | 1 benchmarks recorded; later runs are compared with them",
    )
    assert json.loads(report.read_text())["schema_version"] == 2
    assert run(samples(1.0, 2)) == (0, GateStatus.PASSED, "1 compared, 0 regressions | ")
    code, status, text = run(samples(1.25, 3))
    assert (code, status) == (1, GateStatus.FAILED)
    assert text.startswith("1 regressions | matmul: +2")
    wild = [1.0, 3.0, 0.5, 2.0, 1.2, 0.7, 2.5, 1.1, 0.9, 1.8]
    code, status, text = run(wild)
    assert (code, status) == (0, GateStatus.WARNED)
    assert text.startswith("1 inconclusive | matmul: too noisy: a slowdown up to +")
    assert "1 inconclusive (too noisy to tell)" in capsys.readouterr().out


def test_stored_comparison_needs_results(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(project), "bench", "compare", "--stored"]) == 2
    assert "run `doit benchmark` first" in capsys.readouterr().err


def test_compare_json_prints_only_the_report_on_stdout(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert record(project, "r1", samples(1.0, 1)) == 0
    assert record(project, "r2", samples(1.0, 2)) == 0
    capsys.readouterr()
    argv = ["--project", str(project), "bench", "compare", str(project / "r2.json")]
    assert main([*argv, str(project / "r1.json"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdicts"]["no significant change"] == 1
