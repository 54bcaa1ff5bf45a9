from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from gauntlet.bench.history import HistoryStore
from gauntlet.bench.records import BenchResults, Environment, Measurement
from gauntlet.errors import ResultError
from gauntlet.views.benchplot import history_svg

if TYPE_CHECKING:
    from pathlib import Path

HERE = Environment("ci-1", "cpu", 2, "Linux", "mojo 1.2.0")
THERE = Environment("ci-2", "cpu", 2, "Linux", "mojo 1.2.0")


def run(when: float, value: float, env: Environment = HERE, source: str = "b.mojo") -> BenchResults:
    return BenchResults(
        source, env, (Measurement("a", (value, value * 1.01, value * 0.99)),), f"c{when:g}", when
    )


def test_append_and_read_back_per_machine(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h")
    for when, value in ((2.0, 1.2), (1.0, 1.0), (3.0, 1.3)):
        store.append(run(when, value))
    store.append(run(4.0, 9.0, THERE))
    points = store.series("a", HERE.fingerprint)
    assert [(p.commit, p.median) for p in points] == [("c1", 1.0), ("c2", 1.2), ("c3", 1.3)]
    assert [p.median for p in store.series("a", THERE.fingerprint)] == [9.0]
    assert set(store.fingerprints()) == {HERE.fingerprint, THERE.fingerprint}
    assert store.names(HERE.fingerprint) == ("a",)


def test_cut_short_last_line_is_skipped(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    path = store.append(run(1.0, 1.0))
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"schema_version": 2, "sou')
    assert len(store.load(HERE.fingerprint)) == 1


def test_bad_line_in_the_middle_names_file_and_line(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    path = store.append(run(1.0, 1.0))
    with path.open("a", encoding="utf-8") as handle:
        handle.write("garbage\n")
    store.append(run(2.0, 1.0))
    with pytest.raises(ResultError, match=rf"{path.name}:2: not a JSON line"):
        store.load(HERE.fingerprint)


def test_missing_history_is_empty(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "none")
    assert store.fingerprints() == ()
    assert store.load("x") == ()


def test_svg_marks_points_and_change_points(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    for i in range(6):
        store.append(run(float(i), 1.0 if i < 3 else 2.0))
    points = store.series("a", HERE.fingerprint)
    svg = history_svg("a <x>", points, (3,))
    assert svg.startswith("<svg")
    assert svg.count("<circle") == 6
    assert svg.count('class="change"') == 1
    assert "a &lt;x&gt;" in svg
    assert history_svg("empty", ()).count("<circle") == 0
