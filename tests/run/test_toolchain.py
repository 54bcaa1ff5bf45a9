from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from gauntlet.errors import ToolError
from gauntlet.run import toolchain


def _fake_mojo(folder: Path, version: str, calls: Path | None = None) -> Path:
    script = folder / "mojo"
    log = f"echo called >> {calls}\n" if calls else ""
    script.write_text(f"#!/bin/sh\n{log}echo 'Mojo {version} (fake)'\n", encoding="utf-8")
    script.chmod(0o755)
    return script


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("GAUNTLET_CACHE_DIR", str(cache))
    monkeypatch.delenv("GAUNTLET_MOJO", raising=False)
    monkeypatch.delenv("GAUNTLET_NO_PROVISION", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    return cache


def test_cache_dir_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GAUNTLET_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert toolchain.cache_dir() == tmp_path / "xdg" / "gauntlet"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert toolchain.cache_dir() == Path.home() / ".cache" / "gauntlet"
    assert toolchain.identity("1.2.0") == "mojo 1.2.0"


def test_version_matching() -> None:
    assert toolchain.version_matches("1.2.0", "1.2.0")
    assert toolchain.version_matches("0.26.1.0", "0.26.1")
    assert not toolchain.version_matches("1.2.01", "1.2.0")
    assert not toolchain.version_matches("0.26.1", "1.2.0")


def test_explicit_compiler_of_the_right_version_is_probed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = tmp_path / "calls"
    mojo = _fake_mojo(tmp_path, "1.2.0", calls)
    monkeypatch.setenv("GAUNTLET_MOJO", str(mojo))
    found = toolchain.find("1.2.0")
    assert found == toolchain.Toolchain(mojo, "1.2.0")
    assert toolchain.find("1.2.0") == found
    assert calls.read_text().count("called") == 1  # memoised by path, size and mtime


def test_explicit_compiler_of_the_wrong_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAUNTLET_MOJO", str(_fake_mojo(tmp_path, "0.26.1")))
    with pytest.raises(
        ToolError,
        match=r"is Mojo 0\.26\.1, but \[tool\.gauntlet\] mojo-version "
        r"is 1\.2\.0\. Unset it to let gauntlet install",
    ):
        toolchain.find("1.2.0")


def test_explicit_compiler_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAUNTLET_MOJO", "/no/such/mojo")
    with pytest.raises(ToolError, match="does not exist; point it at a mojo binary"):
        toolchain.find("1.2.0")


def test_broken_compiler_reports_its_output(tmp_path: Path) -> None:
    script = tmp_path / "mojo"
    script.write_text("#!/bin/sh\necho 'libfoo.so missing' >&2\nexit 127\n", encoding="utf-8")
    script.chmod(0o755)
    with pytest.raises(ToolError, match=r"--version failed \(exit 127\): libfoo.so missing"):
        toolchain.probe_version(script)


def test_mojo_on_path_is_used_only_with_the_right_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_mojo(bin_dir, "1.2.0")
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    assert toolchain.find("1.2.0") == toolchain.Toolchain(bin_dir / "mojo", "1.2.0")
    assert toolchain.find("0.26.1") is None


def test_no_provision_says_how_to_get_mojo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAUNTLET_NO_PROVISION", "1")
    assert toolchain.find("1.2.0") is None
    with pytest.raises(ToolError, match=r"Install it with `pip install mojo==1\.2\.0`"):
        toolchain.ensure("1.2.0")


def _wheel(folder: Path, version: str, prints: str) -> None:
    """A minimal wheel named `mojo` whose `mojo` script prints a version."""
    folder.mkdir(parents=True, exist_ok=True)
    info = f"mojo-{version}.dist-info"
    files = {
        "fakemojo/__init__.py": f"def main():\n    print('Mojo {prints} (fake)')\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: mojo\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
        f"{info}/entry_points.txt": "[console_scripts]\nmojo = fakemojo:main\n",
    }
    record = "".join(f"{name},,\n" for name in [*files, f"{info}/RECORD"])
    with zipfile.ZipFile(folder / f"mojo-{version}-py3-none-any.whl", "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
        wheel.writestr(f"{info}/RECORD", record)


def _local_index(monkeypatch: pytest.MonkeyPatch, wheels: Path) -> None:
    for prefix in ("PIP", "UV"):
        monkeypatch.setenv(f"{prefix}_NO_INDEX", "1")
        monkeypatch.setenv(f"{prefix}_FIND_LINKS", str(wheels))


@pytest.mark.slow
def test_provision_installs_once_and_recovers_from_an_interrupted_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path
) -> None:
    _wheel(tmp_path / "wheels", "1.2.0", "1.2.0")
    _local_index(monkeypatch, tmp_path / "wheels")
    half_done = toolchain.toolchain_dir("1.2.0")
    half_done.mkdir(parents=True)
    (half_done / "leftover").write_text("partial", encoding="utf-8")
    lines: list[str] = []
    found = toolchain.ensure("1.2.0", echo=lines.append)
    assert found.version == "1.2.0"
    assert found.mojo == half_done / "bin" / "mojo"
    assert not (half_done / "leftover").exists()
    assert any("removing an unfinished Mojo 1.2.0 install" in line for line in lines)
    assert any("installing Mojo 1.2.0" in line for line in lines)
    marker = json.loads((half_done / toolchain.MARKER).read_text())
    assert marker == {"mojo": "bin/mojo", "version": "1.2.0"}
    lines.clear()
    assert toolchain.ensure("1.2.0", echo=lines.append) == found
    assert lines == []  # already there: nothing installed, nothing printed


@pytest.mark.slow
def test_provision_refuses_a_package_that_reports_another_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _wheel(tmp_path / "wheels", "1.2.0", "9.9.9")
    _local_index(monkeypatch, tmp_path / "wheels")
    with pytest.raises(ToolError, match=r"the installed .*/bin/mojo is Mojo 9\.9\.9"):
        toolchain.provision("1.2.0", echo=lambda _: None)
    assert not (toolchain.toolchain_dir("1.2.0") / toolchain.MARKER).exists()


@pytest.mark.slow
def test_provision_retries_with_backoff_then_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "empty").mkdir()
    _local_index(monkeypatch, tmp_path / "empty")
    sleeps: list[float] = []
    lines: list[str] = []
    with pytest.raises(ToolError, match=r"installing Mojo 1\.2\.0 failed .*set GAUNTLET_MOJO"):
        toolchain.provision("1.2.0", echo=lines.append, sleep=sleeps.append)
    assert sleeps == [1.0, 2.0, 4.0]
    assert sum("retrying in" in line for line in lines) == 3
