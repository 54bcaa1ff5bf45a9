"""The shipped JSON Schema of [tool.gauntlet]: generated from the declaration, in step with it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gauntlet.config.jsonschema import SCHEMA_FILE, generate, main, render, tool_schema
from gauntlet.config.load import parse_config
from gauntlet.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]


def tool_table(text: str) -> dict[str, Any]:
    table: dict[str, Any] = tomllib.loads(text).get("tool", {}).get("gauntlet", {})
    return table


def errors(table: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft7Validator(tool_schema("gauntlet"))
    return [e.message for e in validator.iter_errors(table)]


def test_the_shipped_file_is_the_generated_schema() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(), (
        "regenerate it: python -m gauntlet.config.jsonschema"
    )
    jsonschema.Draft7Validator.check_schema(generate())


def test_this_repository_is_valid() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert errors(tool_table(text)) == []
    parse_config(REPO / "pyproject.toml", text)  # and the loader agrees


EVERY_KEY = """
[tool.gauntlet]
root = "."
mojo-version = "0.26.1"
include = ["src"]
tests = ["tests"]
timeout = 12.5
python-tests = ["py"]
[tool.gauntlet.extensions.fastops]
source = "ext/fastops.mojo"
[tool.gauntlet.tags]
slow = ["tests/test_big*.mojo"]
[tool.gauntlet.gates]
bandit-severity = "HIGH"
stage-budgets = { tests = 300 }
missing-interpreters = "skip"
[[tool.gauntlet.waivers]]
gate = "lint"
reason = "vendored"
expires = "2027-01-31"
[tool.gauntlet.bench]
samples = 3
threshold = 0.1
[tool.gauntlet.alerts]
notify = ["console", "slack"]
slack-url-env = "TEAM_SLACK"
[tool.gauntlet.history]
url = "postgresql://ci@db/history"
stale-after = 1.5
"""


def test_a_full_configuration_is_valid_for_both() -> None:
    assert errors(tool_table(EVERY_KEY)) == []
    parse_config(Path("/p/pyproject.toml"), EVERY_KEY)


@pytest.mark.parametrize(
    "body",
    [
        "tmeout = 3",
        "timeout = 0",
        "timeout = true",
        'include = ["../out"]',
        'mojo-version = "latest"',
        "[tool.gauntlet.extensions.bad-name]\nsource = 'a.mojo'",
        "[tool.gauntlet.extensions.x]\nsrc = 'a.mojo'",
        "[tool.gauntlet.gates]\ncoverage-lin = 90",
        "[tool.gauntlet.gates]\nbandit-severity = 'severe'",
        "[tool.gauntlet.gates]\nstage-budgets = { nothing = 3 }",
        "[[tool.gauntlet.waivers]]\ngate = 'lint'\nexpires = 2027-01-01",
        "[tool.gauntlet.bench]\nsmaples = 3",
        "[tool.gauntlet.bench]\nthreshold = 5",
        "[tool.gauntlet.alerts]\nfailure-rat = 3",
        "[tool.gauntlet.alerts]\nnotify = ['email']",
        "[tool.gauntlet.alerts]\nwebhook-url-env = 'https://hooks.example.com/x'",
        "[tool.gauntlet.history]\nuri = 'h.sqlite3'",
        "[tool.gauntlet.history]\nurl = 'mysql://db/h'",
        "[tool.gauntlet.cache]\nurl = 'ftp://cache/x'",
        "[tool.gauntlet.cache]\nmode = 'sometimes'",
        "[tool.gauntlet.cache]\ntimeout = 0",
    ],
)
def test_the_schema_rejects_what_the_loader_rejects(body: str) -> None:
    text = f"[tool.gauntlet]\n{body}\n"
    assert errors(tool_table(text)) != []
    with pytest.raises(ConfigError):
        parse_config(Path("/p/pyproject.toml"), text)


def test_regenerating_writes_only_when_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "schema.json"
    assert main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render()
    assert main([str(target)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{target}: written", f"{target}: up to date"]
