"""Is a wheel's metadata complete for a package index?

``twine check`` says whether the description renders; this says whether what
the index shows is right:

* the version is the release's version (one place: see ``release.version``);
* the licence is an SPDX expression (PEP 639 ``License-Expression``), its
  licence files are in the wheel, and for the common identifiers the file's
  text is that licence (a file saying "MIT" under ``Apache-2.0`` is refused);
* every link of the description works on the index page: the page is shown
  away from the repository, so a relative link (``docs/x.md``) leads nowhere.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import compat32
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from email.message import Message
    from pathlib import Path

# Phrases every copy of a licence's text holds (whitespace folded), by SPDX identifier.
LICENSE_TEXTS = {
    "Apache-2.0": ("apache license version 2.0",),
    "MIT": ("permission is hereby granted, free of charge",),
    "BSD-3-Clause": ("neither the name of", "redistributions in binary form"),
    "BSD-2-Clause": ("redistributions in binary form",),
    "GPL-3.0-only": ("gnu general public license", "version 3"),
    "GPL-3.0-or-later": ("gnu general public license", "version 3"),
    "MPL-2.0": ("mozilla public license", "2.0"),
}
# [text](target) and <a href="target">, outside code spans.
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|href=[\"']([^\"']+)[\"']")
_ABSOLUTE = re.compile(r"^([a-z][a-z0-9+.-]*:|#|//)", re.IGNORECASE)


@dataclass(frozen=True)
class MetadataCheck:
    """What is wrong with one wheel's metadata (nothing when ``ok``)."""

    wheel: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Nothing is wrong."""
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {"wheel": self.wheel, "ok": self.ok, "problems": list(self.problems)}


def _folded(text: str) -> str:
    return " ".join(text.lower().split())


def relative_links(description: str) -> list[str]:
    """``line N: target`` of every link that would not work on an index page."""
    found = []
    fence = False
    for number, line in enumerate(description.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if fence:
            continue
        code_free = re.sub(r"`[^`]*`", "", line)
        for match in _LINK.finditer(code_free):
            target = match.group(1) or match.group(2)
            if not _ABSOLUTE.match(target):
                found.append(f"line {number}: {target}")
    return found


def _read(wheel: zipfile.ZipFile) -> tuple[Message, str]:
    names = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    if len(names) != 1:
        raise ValueError("no single .dist-info/METADATA")
    folder = names[0].rsplit("/", 1)[0]
    return BytesParser(policy=compat32).parsebytes(wheel.read(names[0])), folder


def _license_problems(meta: Message, wheel: zipfile.ZipFile, folder: str) -> list[str]:
    expression = meta.get("License-Expression")
    if not expression:
        return ['no License-Expression: declare `license = "<SPDX expression>"` (PEP 639)']
    files = meta.get_all("License-File") or []
    if not files:
        return [f"License-Expression {expression!r} but no License-File: add `license-files`"]
    problems = []
    texts = []
    for name in files:
        try:
            raw = wheel.read(f"{folder}/licenses/{name}")
        except KeyError:
            problems.append(f"License-File {name!r} is not in the wheel")
            continue
        texts.append(_folded(raw.decode("utf-8", "replace")))
    phrases = LICENSE_TEXTS.get(expression.strip())
    if phrases and texts and not any(all(p in t for p in phrases) for t in texts):
        problems.append(
            f"no licence file has the text of {expression} "
            f"(looked for: {'; '.join(phrases)}) in {', '.join(files)}"
        )
    return problems


def check_wheel(path: Path, version: str) -> MetadataCheck:
    """The problems of ``path``'s metadata for a release of ``version``."""
    try:
        with zipfile.ZipFile(path) as wheel:
            meta, folder = _read(wheel)
            problems = _license_problems(meta, wheel, folder)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        return MetadataCheck(path.name, (f"not a readable wheel: {exc}",))
    if meta.get("Version") != version:
        problems.insert(0, f"Version {meta.get('Version')!r}, the release is {version!r}")
    description = meta.get_payload()
    if not isinstance(description, str) or not description.strip():
        problems.append("no description: set `readme` in [project]")
    else:
        links = relative_links(description)
        if links:
            problems.append(
                "links that lead nowhere on the index page (make them absolute URLs): "
                + ", ".join(links)
            )
    return MetadataCheck(path.name, tuple(problems))
