from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from gauntlet.config.load import Config, load_config, parse_config
from gauntlet.errors import ConfigError, ExitCode

if TYPE_CHECKING:
    from pathlib import Path


def _parse(tmp_path: Path, body: str) -> Config:
    path = tmp_path / "pyproject.toml"
    text = "[project]\nname = 'x'\n\n" + body
    path.write_text(text, encoding="utf-8")
    return parse_config(path, text)


def test_defaults_need_no_table(tmp_path: Path) -> None:
    config = _parse(tmp_path, "")
    assert config.root == tmp_path.resolve()
    assert config.mojo_version == "1.2.0"
    assert config.include == ("src",)
    assert config.tests == ("tests",)
    assert config.benchmarks == ("benchmarks",)
    assert config.timeout == 300.0
    assert config.out_dir == tmp_path.resolve() / ".gauntlet"


def test_every_key_is_read(tmp_path: Path) -> None:
    config = _parse(
        tmp_path,
        """
[tool.gauntlet]
root = "proj"
mojo-version = "0.26.1"
include = ["lib", "vendor/"]
packages = ["lib/core"]
tests = ["checks"]
benchmarks = ["perf"]
executables = ["app/main.mojo"]
exclude = ["**/gen_*.mojo"]
timeout = 12
mojo-flags = ["-O3"]
build-dir = "out"
skip-tags = ["slow"]
python-tests = ["py"]

[tool.gauntlet.extensions.fastops]
source = "ext/fastops.mojo"

[tool.gauntlet.tags]
slow = ["checks/test_big*.mojo"]
needs-data = ["checks/test_data.mojo"]
""",
    )
    assert config.root == (tmp_path / "proj").resolve()
    assert config.mojo_version == "0.26.1"
    assert config.include == ("lib", "vendor")
    assert config.packages == ("lib/core",)
    assert config.executables == ("app/main.mojo",)
    assert config.timeout == 12.0
    assert config.mojo_flags == ("-O3",)
    assert config.out_dir == (tmp_path / "proj" / "out").resolve()
    assert config.extensions[0].name == "fastops"
    assert config.extensions[0].source == "ext/fastops.mojo"
    assert config.tags_for("checks/test_big_model.mojo") == frozenset({"slow"})
    assert config.tags_for("checks/test_data.mojo") == frozenset({"needs-data"})
    assert config.tags_for("checks/test_other.mojo") == frozenset()
    assert config.skip_tags == ("slow",)
    assert config.python_tests == ("py",)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('timeout = "soon"', r"pyproject.toml:5: \[tool.gauntlet\] 'timeout': expected a positive"),
        ("timeout = -1", "'timeout': expected a positive number of seconds, got -1"),
        ("timeout = true", "'timeout': expected a positive number"),
        ('include = "src"', "'include': expected an array of non-empty strings"),
        ("include = [1]", "'include': expected an array of non-empty strings"),
        ('mojo-version = "latest"', "'mojo-version': expected a version string"),
        ('tests = ["../elsewhere"]', "'tests': expected paths inside the project"),
        ("tmeout = 3", "'tmeout': unknown key \\(did you mean 'timeout'\\?\\)"),
        ("zzz = 3", "'zzz': unknown key; known keys: root, mojo-version"),
        ("tags = 3", "'tags': expected a table, got 3"),
        ('tags = { slow = "x" }', r"\[tool.gauntlet.tags\] 'slow': expected an array"),
        ("extensions = 3", "'extensions': expected a table"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, body: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected) as caught:
        _parse(tmp_path, f"[tool.gauntlet]\n{body}\n")
    assert caught.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[tool.gauntlet.extensions.x]\nsrc = 'a.mojo'\n", "'src': unknown key"),
        ("[tool.gauntlet.extensions.x]\n", "'source': missing"),
        ("[tool.gauntlet.extensions.x]\nsource = 3\n", "'source': expected a path string, got 3"),
        ("[tool.gauntlet.extensions.bad-name]\nsource = 'a.mojo'\n", "not a valid Python module"),
        ("[tool.gauntlet.extensions]\nx = 3\n", "'x': expected a table with 'source'"),
    ],
)
def test_bad_extensions(tmp_path: Path, body: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        _parse(tmp_path, body)


def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"pyproject.toml: not valid TOML: .*line 4"):
        _parse(tmp_path, "[tool.gauntlet\n")


def test_gauntlet_must_be_a_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[tool.gauntlet\] must be a table"):
        _parse(tmp_path, "[tool]\ngauntlet = 3\n")


def test_load_config_searches_upwards(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.gauntlet]\ntimeout = 9\n", encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert load_config(deep).timeout == 9.0


def test_missing_pyproject(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no pyproject\.toml"):
        load_config(tmp_path / "nowhere")


def test_missing_root_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.gauntlet]\nroot = 'gone'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject.toml:2: .*'root': folder .*gone does not"):
        load_config(tmp_path)


def test_unreadable_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path)
