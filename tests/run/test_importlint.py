"""The import contracts: lint-imports' report read as findings, and a planted import caught."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import gauntlet
from gauntlet.config.gates import GateSettings
from gauntlet.gates.checks import lint_gate
from gauntlet.gates.inputs import Inputs, load_lint
from gauntlet.gates.registry import GateStatus
from gauntlet.results.findings import read_findings, write_findings
from gauntlet.run.importlint import check, has_contracts, main, parse_report

REPORT = """\
Contracts: 1 kept, 1 broken.


----------------
Broken contracts
----------------

Layers
------

pkg.low is not allowed to import pkg.high:

- pkg.low.a -> pkg.high.b (l.7, l.9)

- pkg.low.c -> pkg.mid (l.3)
  pkg.mid -> pkg.high (l.4)
"""


def test_each_forbidden_import_is_a_finding_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "src" / "pkg" / "low").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "low" / "a.py").write_text("")
    found = parse_report(REPORT, tmp_path)
    assert [(f.rule, f.file, f.line) for f in found] == [
        ("Layers", "src/pkg/low/a.py", 7),
        ("Layers", "pkg.low.c", 3),
    ]
    assert found[0].message == (
        "pkg.low.a imports pkg.high.b: pkg.low is not allowed to import pkg.high"
    )
    assert "(pkg.mid -> pkg.high (l.4))" in found[1].message


def test_contracts_are_found_in_each_file_import_linter_reads(tmp_path: Path) -> None:
    assert not has_contracts(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.other]\n")
    assert not has_contracts(tmp_path)
    (tmp_path / "setup.cfg").write_text("[importlinter]\nroot_package = x\n")
    assert has_contracts(tmp_path)
    (tmp_path / "setup.cfg").unlink()
    (tmp_path / "pyproject.toml").write_text("[tool.importlinter]\nroot_package = 'x'\n")
    assert has_contracts(tmp_path)


def test_a_project_without_contracts_has_nothing_to_check(tmp_path: Path) -> None:
    found, output = check(tmp_path)
    assert found == []
    assert "no contracts configured" in output


@pytest.fixture
def gauntlet_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This gauntlet's sources and import contracts in tmp_path, importable from there."""
    source = Path(gauntlet.__file__).parent
    shutil.copytree(source, tmp_path / "src" / "gauntlet", ignore=shutil.ignore_patterns("*.pyc"))
    text = (source.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    contracts = text[text.index("[tool.importlinter]") :]
    contracts = (
        contracts[: m.start()]
        if (m := re.search(r"^\[(?!\[?tool\.importlinter)", contracts, re.M))
        else contracts
    )
    (tmp_path / "pyproject.toml").write_text(contracts, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "src"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _plant(root: Path, module: str, line: str) -> int:
    """Append ``line`` to a module of the copy; the line number it landed on."""
    path = root / "src" / "gauntlet" / module
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, line]) + "\n", encoding="utf-8")
    return len(lines) + 1


def test_gauntlet_keeps_its_contracts_and_a_planted_import_fails_lint(
    gauntlet_copy: Path,
) -> None:
    out = gauntlet_copy / "lint" / "import-linter.json"
    out.parent.mkdir()
    assert main([str(out)]) == 0
    assert read_findings(out) == ()

    upward = _plant(gauntlet_copy, "config/load.py", "import gauntlet.cli.main  # noqa")
    tool = _plant(gauntlet_copy, "graph/scan.py", "import rich  # noqa")
    assert main([str(out)]) == 1
    found = read_findings(out)
    at: dict[tuple[str, int | None], list[str]] = {}
    for f in found:
        at.setdefault((f.file, f.line), []).append(f"{f.rule}: {f.message}")
    assert any(
        m.startswith("gauntlet's subpackages import downwards only: gauntlet.config.load imports")
        and m.endswith("gauntlet.config is not allowed to import gauntlet.cli")
        for m in at["src/gauntlet/config/load.py", upward]
    )
    assert at["src/gauntlet/graph/scan.py", tool] == [
        (
            "The core never imports doit, nox, rich or argparse: "
            "gauntlet.graph.scan imports rich: gauntlet.graph is not allowed to import rich"
        )
    ]
    # modules importing config.load now reach the CLI (and argparse) too: each is named
    assert all((gauntlet_copy / f.file).is_file() and f.line for f in found)
    for clean in ("ruff.json", "ruff-format.json", "actionlint.json"):
        (out.parent / clean).write_text("[]", encoding="utf-8")
    write_findings(out.parent / "mojo-format.json", "mojo format", [])
    parts = load_lint(out.parent, gauntlet_copy / "lint.log")
    result = lint_gate(Inputs(lint=parts), GateSettings())
    assert result.status is GateStatus.FAILED
    assert result.measured == f"{len(found)} findings"
