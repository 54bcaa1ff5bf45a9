"""News fragments rendered into the release's changelog."""

from __future__ import annotations

from pathlib import Path

import pytest

from gauntlet.errors import ConfigError
from gauntlet.release.changelog import Fragment, read_fragments, render

SAMPLE_FRAGMENTS = Path(__file__).resolve().parents[2] / "sample" / "python" / "changelog.d"


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("__", ".")).write_text(text)
    return folder


def test_fragments_are_grouped_by_type_in_a_fixed_order(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "changelog.d",
        **{
            "12__bugfix__md": "Fixed the thing.\n",
            "3__feature__md": "Added a thing.",
            "10__feature__md": "Added another.",
            "tidy__misc__md": "Tidied up.",
            "README__md": "How to write fragments (not one).",
        },
    )
    fragments = read_fragments(folder)
    assert [(f.id, f.type) for f in fragments] == [
        ("3", "feature"),
        ("10", "feature"),
        ("12", "bugfix"),
        ("tidy", "misc"),
    ]
    text = render("pkg", "1.0.0", 1700000000, fragments)
    assert text == (
        "# pkg 1.0.0 (2023-11-14)\n\n"
        "## Features\n\n- Added a thing. (#3)\n- Added another. (#10)\n\n"
        "## Bug fixes\n\n- Fixed the thing. (#12)\n\n"
        "## Other changes\n\n- Tidied up.\n"
    )


def test_no_fragments_says_so(tmp_path: Path) -> None:
    assert read_fragments(tmp_path / "absent") == ()
    assert "No significant changes." in render("pkg", "1.0.0", 0, ())


def test_multiline_fragment_stays_in_its_item() -> None:
    text = render("p", "1", 0, (Fragment("x", "doc", "line one\nline two"),))
    assert "- line one\n  line two\n" in text


@pytest.mark.parametrize("name", ["7.feat.md", "nodot.md", "7.feature.txt"])
def test_badly_named_fragment_is_named(tmp_path: Path, name: str) -> None:
    folder = write(tmp_path / "changelog.d", **{name.replace(".", "__"): "x"})
    with pytest.raises(ConfigError) as caught:
        read_fragments(folder)
    assert str(folder / name) in str(caught.value)
    assert "feature, bugfix, removal, doc, misc" in str(caught.value)


def test_empty_fragment_is_an_error(tmp_path: Path) -> None:
    folder = write(tmp_path / "c", **{"1__bugfix__md": "  \n"})
    with pytest.raises(ConfigError, match="empty news fragment"):
        read_fragments(folder)


def test_the_samples_fragments_render() -> None:
    fragments = read_fragments(SAMPLE_FRAGMENTS)
    assert {f.type for f in fragments} == {"feature", "doc"}
    assert "## Features" in render("tinyml-sample", "0.1.0", 0, fragments)
