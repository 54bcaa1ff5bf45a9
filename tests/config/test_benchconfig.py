from __future__ import annotations

import pytest
from conftest import WriteTree

from gauntlet.config.bench import BenchSettings, bench_settings
from gauntlet.config.load import load_config
from gauntlet.errors import ConfigError
from gauntlet.run.benchmeasure import WallRun


def test_defaults_and_values(write_tree: WriteTree) -> None:
    root = write_tree({"pyproject.toml": "[tool.gauntlet]\n"})
    assert bench_settings(load_config(root)) == BenchSettings()
    root = write_tree(
        {
            "pyproject.toml": """
            [tool.gauntlet]
            timeout = 60

            [tool.gauntlet.bench]
            samples = 7
            warmup = 0
            threshold = 0.1
            instructions = ["benchmarks/bench_m*.mojo"]
            fallback = true
            not-gated = ["noisy"]
            quantile = 0.1
        """
        }
    )
    settings = bench_settings(load_config(root))
    assert settings.samples == 7
    assert settings.warmup == 0
    assert settings.threshold == 0.1
    assert settings.fallback
    assert settings.not_gated == ("noisy",)
    assert settings.quantile == 0.1
    assert settings.counts_instructions("benchmarks/bench_matmul.mojo")
    assert not settings.counts_instructions("benchmarks/bench_relu.mojo")
    assert BenchSettings.from_json(settings.to_json()) == settings


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "samples = 0",
            r"pyproject\.toml:3: \[tool\.gauntlet\.bench\] 'samples': expected an integer >= 1",
        ),
        ("threshold = 5", r":3: .*'threshold': expected a fraction"),
        ("fallback = 'yes'", r":3: .*'fallback': expected true or false"),
        ("smaples = 3", r":3: .*'smaples': unknown key; known keys: samples"),
    ],
)
def test_errors_name_line_and_key_when_the_config_loads(
    write_tree: WriteTree, line: str, message: str
) -> None:
    root = write_tree({"pyproject.toml": f"[tool.gauntlet]\n[tool.gauntlet.bench]\n{line}\n"})
    with pytest.raises(ConfigError, match=message):
        load_config(root)


def test_bench_must_be_a_table(write_tree: WriteTree) -> None:
    root = write_tree({"pyproject.toml": "[tool.gauntlet]\nbench = 3\n"})
    with pytest.raises(ConfigError, match=r"pyproject\.toml:2: .*'bench': expected a table"):
        load_config(root)


def test_side_by_side_settings(write_tree: WriteTree) -> None:
    root = write_tree(
        {
            "pyproject.toml": """
            [tool.gauntlet]
            [tool.gauntlet.bench]
            pilot = 12
            max-pairs = 40
            repetitions = 3
            fixed-layout = true
            realtime = false
            python = ["benchmarks/bench_*.py"]
            """
        }
    )
    settings = bench_settings(load_config(root))
    assert (settings.plan().pilot, settings.plan().cap, settings.plan().threshold) == (12, 40, 0.05)
    how = WallRun.from_settings(settings, "/r", 9.0, "b.mojo")
    assert (how.repetitions, how.fixed_layout, how.realtime, how.timeout) == (3, True, False, 9.0)
    assert settings.python == ("benchmarks/bench_*.py",)
    assert BenchSettings.from_json(settings.to_json()) == settings


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("pilot = 3", r":3: .*'pilot': expected an integer >= 5"),
        (
            "pilot = 20\nmax-pairs = 10",
            r":4: .*'max-pairs': must be at least 'pilot' \(20\), got 10",
        ),
        ("python = 'b.py'", r":3: .*'python': expected an array of non-empty strings"),
    ],
)
def test_side_by_side_settings_errors(write_tree: WriteTree, lines: str, message: str) -> None:
    root = write_tree({"pyproject.toml": f"[tool.gauntlet]\n[tool.gauntlet.bench]\n{lines}\n"})
    with pytest.raises(ConfigError, match=message):
        load_config(root)
