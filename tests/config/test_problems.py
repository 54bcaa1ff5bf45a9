"""Every table is checked when the configuration loads, and every problem is reported at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from gauntlet.config.load import load_config
from gauntlet.errors import ConfigError, ExitCode

if TYPE_CHECKING:
    from conftest import WriteTree

SEVERAL = """\
[tool.gauntlet]
tmeout = 3
include = "src"

[tool.gauntlet.gates]
coverage-lin = 90

[tool.gauntlet.bench]
samples = 0

[tool.gauntlet.alerts]
failure-rat = 3

[tool.gauntlet.history]
stale-after = "2h"

[[tool.gauntlet.waivers]]
gate = "lint"
reasn = "x"
expires = 2026-12-31
"""


def test_several_problems_in_different_tables_are_one_error_listing_all(
    write_tree: WriteTree,
) -> None:
    root = write_tree({"pyproject.toml": SEVERAL})
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    where = root / "pyproject.toml"
    assert str(caught.value).splitlines() == [
        f"{where}:2: [tool.gauntlet] 'tmeout': unknown key (did you mean 'timeout'?)",
        (
            f"{where}:3: [tool.gauntlet] 'include': expected an array of non-empty strings, "
            "got 'src' (string)"
        ),
        (
            f"{where}:6: [tool.gauntlet.gates] 'coverage-lin': unknown key "
            "(did you mean 'coverage-line'?)"
        ),
        f"{where}:9: [tool.gauntlet.bench] 'samples': expected an integer >= 1, got 0 (integer)",
        (
            f"{where}:12: [tool.gauntlet.alerts] 'failure-rat': unknown key "
            "(did you mean 'failure-rate'?)"
        ),
        (
            f"{where}:15: [tool.gauntlet.history] 'stale-after': expected a number of hours "
            "above 0, got '2h' (string)"
        ),
        f"{where}:19: [[tool.gauntlet.waivers]] #1 'reasn': unknown key (did you mean 'reason'?)",
        (
            f"{where}:17: [[tool.gauntlet.waivers]] #1 'reason': missing; a waiver needs why the "
            "failure is acceptable for now"
        ),
    ]
    assert caught.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            "[tool.gauntlet.alerts]\nbrnch = 'main'",
            r":3: \[tool.gauntlet.alerts\] 'brnch': unknown key \(did you mean 'branch'\?\)",
        ),
        (
            "[tool.gauntlet.history]\nulr = 'h.sqlite3'",
            r":3: \[tool.gauntlet.history\] 'ulr': unknown key \(did you mean 'url'\?\)",
        ),
        ("alerts = 3", r":2: \[tool.gauntlet\] 'alerts': expected a table, got 3"),
    ],
)
def test_a_typo_in_alerts_or_history_is_caught_at_load(
    write_tree: WriteTree, table: str, message: str
) -> None:
    root = write_tree({"pyproject.toml": f"[tool.gauntlet]\n{table}\n"})
    with pytest.raises(ConfigError, match=message):
        load_config(root)


def test_a_missing_root_is_listed_with_the_other_problems(write_tree: WriteTree) -> None:
    root = write_tree({"pyproject.toml": "[tool.gauntlet]\nroot = 'gone'\ntimeout = 0\n"})
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    lines = str(caught.value).splitlines()
    assert [line.split(": ")[1] for line in lines] == [
        "[tool.gauntlet] 'timeout'",
        "[tool.gauntlet] 'root'",
    ]
