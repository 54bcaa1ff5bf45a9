from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from gauntlet import masking, runner
from gauntlet.config.load import load_config
from gauntlet.health.rows import CaseRow, RunResults

if TYPE_CHECKING:
    from collections.abc import Iterator

GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"  # pragma: allowlist secret
# pragma: allowlist nextline secret
FINE_GRAINED = "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789"
AWS = "AKIA" + "QWERTYUIOPASDFGH"
SLACK = "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"  # pragma: allowlist secret


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    """Declared names and learned values are per process: each test starts clean."""
    yield
    masking._declared.clear()
    masking._learned.clear()


def test_names_that_look_secret() -> None:
    env = {"API_TOKEN": "s3cr3t-value", "DEPLOY_PAT": "dpat-0a9b8c7d", "PATH": "/usr/bin:/bin"}
    assert masking.secrets_in(env) == ("s3cr3t-value", "dpat-0a9b8c7d")


def test_password_of_a_url_valued_variable() -> None:
    env = {"DATABASE_URL": "postgresql://user:s3cr3t-pw@db.example/app"}  # pragma: allowlist secret
    found = masking.secrets_in(env)
    assert "s3cr3t-pw" in found
    # pragma: allowlist nextline secret
    text = "connecting as s3cr3t-pw to postgresql://user:s3cr3t-pw@db.example/app"
    assert "s3cr3t-pw" not in masking.Masker(found)(text)


def test_url_passwords_are_masked_in_any_text_whatever_their_length() -> None:
    # pragma: allowlist nextline secret
    text = "failed: redis://:pw@cache:6379/0 and https://bob:hunter2@example.org/x"
    assert masking.mask(text, ()) == (
        "failed: redis://:***@cache:6379/0 and https://bob:***@example.org/x"
    )


@pytest.mark.parametrize("token", [GITHUB, FINE_GRAINED, AWS, SLACK])
def test_provider_token_formats_whatever_the_name(token: str) -> None:
    env = {"SOMETHING": token, "PLAIN": "just an ordinary value here"}
    assert masking.secrets_in(env) == (token,)
    assert masking.Masker.for_env(env)(f"value={token}.") == "value=***."


def test_configured_names(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.gauntlet]\nsecrets = ["OPAQUE_THING"]\n', encoding="utf-8"
    )
    env = {"OPAQUE_THING": "plain-looking-value", "OTHER": "plain-looking-other"}
    assert masking.secrets_in(env) == ()
    config = load_config(tmp_path)
    assert config.secrets == ("OPAQUE_THING",)
    assert masking.secrets_in(env) == ("plain-looking-value",)


def test_add_mask_lines_mask_the_value_from_then_on() -> None:
    code = (
        "import sys\n"
        "print('::add-mask::value-declared-secret', file=sys.stderr)\n"
        "print('the value is value-declared-secret')\n"
    )
    done = runner.run([sys.executable, "-c", code], env={"PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "the value is ***"
    assert "value-declared-secret" not in done.stderr
    later = runner.run([sys.executable, "-c", "print('again value-declared-secret')"])
    assert later.stdout.strip() == "again ***"


def test_add_mask_while_streaming() -> None:
    seen: list[str] = []
    code = "print('::add-mask::streamed-secret-1'); print('x streamed-secret-1 y')"
    done = runner.run([sys.executable, "-u", "-c", code], on_line=seen.append)
    assert seen == ["::add-mask::***", "x *** y"]
    assert "streamed-secret-1" not in done.stdout


def test_short_values_and_common_words_are_not_masked() -> None:
    env = {
        "DB_PASSWORD": "admin",  # too short to mask by value  # pragma: allowlist secret
        "API_TOKEN": "true",
        "HOME": "/home/someone",
        "LANG": "en_US.UTF-8",
        "GIT_AUTHOR_NAME": "Jane Developer",
        "CI": "true",
        "SERVER_URL": "https://example.org/path",  # a URL without a password
        "PUBLIC_IP": "8.8.8.8",
    }
    assert masking.secrets_in(env) == ()
    text = "admin true passed in the test suite for Jane Developer at https://example.org/path"
    assert masking.Masker.for_env(env)(text) == text
    assert masking.Masker(())(text) == text


def test_masking_data_and_history_rows() -> None:
    hide = masking.Masker((GITHUB,))
    assert hide.data({"a": [GITHUB, 1], GITHUB: None}) == {"a": ["***", 1], "***": None}
    results = RunResults(cases=(CaseRow("suite", f"t[{GITHUB}]", "failed", 0.1, f"got {GITHUB}"),))
    case = results.masked(hide).cases[0]
    assert (case.name, case.message) == ("t[***]", "got ***")


def test_mask_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_VALUE", AWS)
    report = tmp_path / "junit.xml"
    report.write_text(f"<system-out>key {AWS}</system-out>", encoding="utf-8")
    assert masking.mask_file(report)
    assert report.read_text(encoding="utf-8") == "<system-out>key ***</system-out>"
    assert not masking.mask_file(report)
    assert not masking.mask_file(tmp_path / "missing.xml")


def test_ends_of_secrets_cut_short_by_an_ellipsis() -> None:
    hide = masking.Masker(("dpl-7Hq2Zr9Wm4Kx", AWS))
    text = "assert 'dpl-7Hq2Zr9W...RTYUIOPASDFGH' == 'x'; dpl-7Hq\u2026 ok..."
    assert hide(text) == "assert '***...***' == 'x'; dpl-7Hq\u2026 ok..."


def test_mask_files_from_the_command_line(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    report.write_text(f"<system-out>key {AWS}</system-out>", encoding="utf-8")
    env = {**os.environ, "SOME_VALUE": AWS, "PYTHONPATH": str(Path(masking.__file__).parents[1])}
    command = [sys.executable, "-m", "gauntlet.masking"]
    done = subprocess.run([*command, str(report)], env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert report.read_text(encoding="utf-8") == "<system-out>key ***</system-out>"
    usage = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert usage.returncode == 3
    assert "usage: python -m gauntlet.masking FILE" in usage.stderr


def test_without_detect_secrets_values_are_masked_by_name_and_a_warning_says_so() -> None:
    # The nox process of `nox -s ci` runs gauntlet from its source tree with nox alone.
    code = (
        "import sys; sys.modules['detect_secrets'] = None\n"
        "from gauntlet import masking\n"
        "env = {'DEPLOY_PAT': 'dpl-7Hq2Zr9Wm4Kx', 'STORAGE_ID': sys.argv[1]}\n"
        "hide = masking.Masker(masking.secrets_in(env))\n"
        "masking.Masker(masking.secrets_in(env))\n"
        "print(hide('pat dpl-7Hq2Zr9Wm4Kx id ' + sys.argv[1]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(masking.__file__).parents[1])}
    done = subprocess.run(
        [sys.executable, "-c", code, AWS], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"pat *** id {AWS}\n"  # by name only: the AWS shape needs detect-secrets
    assert done.stderr.count("detect-secrets is not installed") == 1


def test_the_env_masker_finds_secrets_only_for_a_text_that_could_hold_one() -> None:
    # pragma: allowlist nextline secret
    env = {"SOMETHING": GITHUB, "DATABASE_URL": "postgresql://u:p%40ss-w0rd%21x@db/app"}
    hide = masking.EnvMasker(env)
    line = "gauntlet: 0 task(s) ran, 815 up to date"
    assert hide(line) == line
    assert not hide.searched()  # detect-secrets' formats were not needed
    # pragma: allowlist nextline secret
    assert hide("see https://x:hunter2@h/ ok") == "see https://x:***@h/ ok"
    assert hide(f"token {GITHUB}.") == "token ***."
    assert hide.searched()
    assert hide(f"cut: {GITHUB[:12]}...") == "cut: ***..."
    assert hide("decoded p@ss-w0rd!x here") == "decoded *** here"
    assert hide.data({"k": [f"x{GITHUB}"]}) == {"k": ["x***"]}


def test_the_env_masker_masks_what_the_masker_masks() -> None:
    env = {"SOMETHING": AWS, "API_TOKEN": "s3cr3t-value", "PLAIN": "/usr/bin:/bin"}
    texts = [f"a {AWS} b", "s3cr3t-value", f"...{AWS[-9:]}", "nothing here", "/usr/bin:/bin"]
    for text in texts:
        assert masking.EnvMasker(env)(text) == masking.Masker.for_env(env)(text)
