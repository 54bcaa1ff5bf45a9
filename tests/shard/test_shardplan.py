"""The split of test files over shards: balance, fallback, determinism, the plan file."""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING

import pytest

from gauntlet.errors import UsageError
from gauntlet.shard.balance import (
    NO_HISTORY_S,
    ShardPlan,
    TestFile,
    balance,
    read_plan,
    write_plan,
)

if TYPE_CHECKING:
    from pathlib import Path


def _suite(count: int, seed: int) -> tuple[list[TestFile], dict[str, float]]:
    rng = random.Random(seed)  # noqa: S311 - seeded test data, not a secret
    files = [TestFile("python", f"tests/test_{i:03}.py") for i in range(count)]
    files += [TestFile("mojo", f"tests/test_{i:03}.mojo") for i in range(count // 4)]
    durations = {f.key: round(rng.lognormvariate(0.0, 0.8), 3) for f in files}
    return files, durations


@pytest.mark.parametrize("seed", range(5))
def test_the_longest_shard_is_within_ten_percent_of_the_ideal(seed: int) -> None:
    files, durations = _suite(200, seed)
    plan = balance(files, durations, 4)
    assert plan.total_s == pytest.approx(sum(durations.values()))
    assert plan.makespan_s <= 1.1 * plan.ideal_s
    placed = [p.file for s in plan.shards for p in s.items]
    assert sorted(placed) == sorted(files)  # every file exactly once


def test_longest_first_onto_the_least_loaded_shard() -> None:
    files = [TestFile("python", n) for n in ("a", "b", "c", "d", "e")]
    durations = {
        "python:a": 5.0,
        "python:b": 4.0,
        "python:c": 3.0,
        "python:d": 3.0,
        "python:e": 2.0,
    }
    plan = balance(files, durations, 2)
    assert [s.paths("python") for s in plan.shards] == [("a", "d"), ("b", "c", "e")]
    assert [s.seconds for s in plan.shards] == [8.0, 9.0]


def test_files_without_history_take_the_median_of_the_known_ones() -> None:
    files = [TestFile("python", n) for n in ("a", "b", "c", "new")]
    durations = {"python:a": 1.0, "python:b": 3.0, "python:c": 10.0}
    plan = balance(files, durations, 2)
    assert plan.fallback_s == 3.0
    new = next(p for s in plan.shards for p in s.items if p.file.path == "new")
    assert (new.seconds, new.known) == (3.0, False)


def test_with_no_history_every_file_takes_one_second_and_they_spread_evenly() -> None:
    files = [TestFile("mojo", f"t{i}.mojo") for i in range(9)]
    plan = balance(files, {}, 3)
    assert plan.fallback_s == NO_HISTORY_S
    assert [len(s.items) for s in plan.shards] == [3, 3, 3]


def test_the_same_inputs_give_the_same_plan_whatever_their_order() -> None:
    files, durations = _suite(60, 7)
    for f in files[::3]:  # ties: many equal durations
        durations[f.key] = 1.0
    first = balance(files, durations, 4)
    shuffled = list(reversed(files))
    second = balance(shuffled, dict(reversed(list(durations.items()))), 4)
    assert second.to_json() == first.to_json()


def test_the_matrix_is_what_github_actions_reads() -> None:
    plan = balance([TestFile("python", "a")], {}, 3)
    matrix = json.loads(json.dumps(plan.matrix()))
    assert matrix == {"include": [{"shard": i, "count": 3} for i in range(3)]}
    assert [len(s.items) for s in plan.shards] == [1, 0, 0]


def test_a_plan_file_reads_back_the_same_parts(tmp_path: Path) -> None:
    files, durations = _suite(40, 1)
    plan = balance(files, durations, 4)
    write_plan(plan, tmp_path / "out" / "plan.json")
    again = read_plan(tmp_path / "out" / "plan.json")
    assert again == plan
    changed = balance(files, dict.fromkeys(durations, 1.0), 4)  # the history moved on
    assert changed.part(2) != plan.part(2)
    assert again.part(2) == plan.part(2)


def test_bad_counts_indexes_and_plan_files_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="at least 1 shard"):
        balance([], {}, 0)
    with pytest.raises(UsageError, match="shards 0 to 1"):
        balance([], {}, 2).part(2)
    with pytest.raises(UsageError, match="no such shard plan"):
        read_plan(tmp_path / "absent.json")
    (tmp_path / "bad.json").write_text('{"schema_version": 1, "count": 2}', encoding="utf-8")
    with pytest.raises(UsageError, match=r"bad\.json: not a shard plan"):
        read_plan(tmp_path / "bad.json")
    data = balance([], {}, 2).to_json()
    data["shards"] = data["shards"][:1]
    assert ShardPlan.from_json(balance([], {}, 1).to_json(), "x").count == 1
    with pytest.raises(UsageError, match="not 0 to 1"):
        ShardPlan.from_json(data, "plan.json")
