from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from gauntlet.bench.records import MetricKind
from gauntlet.errors import ResultError, ToolError
from gauntlet.run.benchmeasure import (
    PROGRAM,
    WallRun,
    bencher_functions,
    callgrind_total,
    measure_instructions,
    measure_wall,
    realtime_prefix,
)

ADDR_NO_RANDOMIZE = 0x0040000


def program(folder: Path, name: str, body: str) -> Path:
    """A real executable: a shell script that counts its runs in a file."""
    path = folder / name
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


TABLE = """
n=$(cat {count} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {count}
echo "Running a"
echo "| name | met (ms) | iters |"
echo "| --- | --- | --- |"
echo "| a | $n | 10 |"
echo "{tag} $n" >> {log}
"""


def test_warmup_is_dropped_and_programs_interleave(tmp_path: Path) -> None:
    log = tmp_path / "order.log"
    a = program(tmp_path, "a", TABLE.format(count=tmp_path / "a.n", tag="A", log=log))
    b = program(tmp_path, "b", TABLE.format(count=tmp_path / "b.n", tag="B", log=log))
    first, second = measure_wall(
        [a, b], WallRun(str(tmp_path), 30, "bench_a.mojo"), samples=3, warmup=1
    )
    assert first[0].samples == (2.0, 3.0, 4.0)  # run 1 was the warm-up
    assert second[0].samples == (2.0, 3.0, 4.0)
    assert first[0].iters == 10
    assert log.read_text().replace("\n", " ").strip() == "A 1 B 1 A 2 B 2 A 3 B 3 A 4 B 4"


def test_failing_program_names_the_benchmark(tmp_path: Path) -> None:
    bad = program(tmp_path, "bad", "echo boom >&2; exit 3\n")
    with pytest.raises(ResultError, match=r"bench_bad\.mojo: exited with code 3: boom"):
        measure_wall([bad], WallRun(str(tmp_path), 30, "bench_bad.mojo"), samples=1)


REPEATED = """
echo "| name | met (ms) | iters | throughput (GElems/s) |"
echo "| --- | --- | --- | --- |"
echo "| a | 3.0 | 10 | 1.0 |"
echo "| a | 2.0 | 10 | 1.5 |"
echo "| a | 2.5 | 10 | 1.2 |"
echo "$@" > {args}
cat /proc/self/personality > {personality}
"""


def test_best_repetition_is_the_sample(tmp_path: Path) -> None:
    args, personality = tmp_path / "args", tmp_path / "personality"
    script = program(tmp_path, "r", REPEATED.format(args=args, personality=personality))
    how = WallRun(str(tmp_path), 30, "bench_r.mojo", repetitions=3, fixed_layout=True)
    ((time, rate),) = measure_wall([script], how, samples=2)
    assert time.samples == (2.0, 2.0)  # the fastest repetition of each run
    assert rate.kind is MetricKind.THROUGHPUT
    assert rate.samples == (1.5, 1.5)  # the highest throughput
    assert args.read_text().split() == ["-r", "3"]
    if shutil.which("setarch"):
        assert int(personality.read_text(), 16) & ADDR_NO_RANDOMIZE


def test_realtime_runs_under_fifo_scheduling_where_permitted(tmp_path: Path) -> None:
    policy = tmp_path / "policy"
    script = program(
        tmp_path,
        "p",
        'echo "| name | met (ms) | iters |"; echo "| --- | --- | --- |"; echo "| a | 1 | 1 |"\n'
        f"chrt -p $$ > {policy}\n",
    )
    how = WallRun(str(tmp_path), 30, "bench_p.mojo", realtime=True)
    measure_wall([script], how, samples=1)
    if realtime_prefix():
        assert "SCHED_FIFO" in policy.read_text()
        assert how.argv(script)[:3] == [*realtime_prefix()]
    else:  # not permitted here: the program runs as it is
        assert how.argv(script) == [str(script)]


def test_callgrind_file_parsing(tmp_path: Path) -> None:
    text = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nsummary: 524752979\n"
    assert callgrind_total(text, "cg.out") == 524752979
    with pytest.raises(ResultError, match=r"cg\.out: callgrind output has no"):
        callgrind_total("events: Ir\n", "cg.out")
    annotated = (
        "191,123,710 (36.42%)  ???:bench_activations::bench_tanh(::Bencher) [/x/act]\n"
        " 46,467,445 ( 8.86%)  ???:bench_activations::bench_relu(::Bencher) [/x/act]\n"
        " 99,999,999 (19.00%)  ???:tinytensor::random::rand_normal(::SIMD) [/x/act]\n"
    )
    assert bencher_functions(annotated) == {"bench_tanh": 191123710, "bench_relu": 46467445}


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_callgrind_counts_a_real_program(tmp_path: Path) -> None:
    found = measure_instructions(Path("/bin/true"), cwd=str(tmp_path), timeout=60, source="t")
    assert found[0].name == PROGRAM
    assert found[0].kind is MetricKind.INSTRUCTIONS
    assert found[0].samples[0] > 1000


def test_missing_valgrind_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolError, match=r"apt-get install valgrind.*fallback = true"):
        measure_instructions(Path("/bin/true"), cwd=os.fspath(tmp_path), timeout=5, source="t")
