"""A wheel's metadata checked for an index: version, SPDX licence and its text, links."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from gauntlet.release.metadata import check_wheel, relative_links

APACHE = "                Apache License\n          Version 2.0, January 2004\n..."
MIT = "Permission is hereby granted, free of charge, to any person ..."


def _wheel(
    folder: Path,
    *,
    version: str = "1.2.0",
    license_expression: str | None = "Apache-2.0",
    license_text: str | None = APACHE,
    description: str = "# demo\n\nSee [the docs](https://example.org/docs).\n",
) -> Path:
    path = folder / f"demo-{version}-py3-none-any.whl"
    headers = ["Metadata-Version: 2.4", "Name: demo", f"Version: {version}"]
    if license_expression:
        headers.append(f"License-Expression: {license_expression}")
    if license_text is not None:
        headers.append("License-File: LICENSE")
    headers.append("Description-Content-Type: text/markdown")
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("demo/__init__.py", "")
        wheel.writestr(
            f"demo-{version}.dist-info/METADATA", "\n".join(headers) + "\n\n" + description
        )
        if license_text is not None:
            wheel.writestr(f"demo-{version}.dist-info/licenses/LICENSE", license_text)
    return path


def test_complete_metadata_passes(tmp_path: Path) -> None:
    check = check_wheel(_wheel(tmp_path), "1.2.0")
    assert check.ok, check.problems
    assert check.to_json() == {"wheel": "demo-1.2.0-py3-none-any.whl", "ok": True, "problems": []}


def test_a_version_other_than_the_release_is_named(tmp_path: Path) -> None:
    check = check_wheel(_wheel(tmp_path, version="1.1.0"), "1.2.0")
    assert check.problems == ("Version '1.1.0', the release is '1.2.0'",)


@pytest.mark.parametrize(
    ("expression", "text", "expected"),
    [
        (None, APACHE, "no License-Expression"),
        ("Apache-2.0", None, "no License-File"),
        ("Apache-2.0", MIT, "no licence file has the text of Apache-2.0"),
        ("MIT", APACHE, "no licence file has the text of MIT"),
    ],
)
def test_licence_problems_are_named(
    tmp_path: Path, expression: str | None, text: str | None, expected: str
) -> None:
    check = check_wheel(_wheel(tmp_path, license_expression=expression, license_text=text), "1.2.0")
    assert not check.ok
    assert expected in check.problems[0]


def test_relative_links_are_named_with_their_lines(tmp_path: Path) -> None:
    description = (
        "# demo\n"
        "Read [the guide](docs/guide.md) and [a section](#usage).\n"
        "```\n[not a link](inside/a/fence.md)\n```\n"
        'A <a href="../up.html">page</a>, `[code](span.md)`, [site](https://example.org).\n'
    )
    check = check_wheel(_wheel(tmp_path, description=description), "1.2.0")
    expected = (
        "links that lead nowhere on the index page (make them absolute URLs): "
        "line 2: docs/guide.md, line 6: ../up.html"
    )
    assert check.problems == (expected,)
    assert relative_links("[x](mailto:a@example.org) [y](//cdn.example.org/a.png)") == []


def test_a_file_that_is_not_a_wheel_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    broken = tmp_path / "broken-1.0-py3-none-any.whl"
    broken.write_bytes(b"not a zip")
    check = check_wheel(broken, "1.0")
    assert not check.ok
    assert check.problems[0].startswith("not a readable wheel")
