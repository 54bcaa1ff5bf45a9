"""Short names and globs on doit's command line: ``doit test:test_add``, ``doit 'test:nn/*'``.

doit selects tasks by their exact names (``test:tests/nn/test_add.mojo``) and
expands ``*`` itself with ``fnmatch`` over the whole name, so ``doit
'test:tests/nn/*'`` and ``doit 'test:*add*'`` work as they are.  What doit
cannot know is a name a person shortens: ``test_add``, ``test_add.mojo``,
``nn/test_add`` or ``test_a*``.  So for each such word of the command line
(and only those) the graph adds one task of that exact name, with no action,
that depends on every item it matches: doit then runs (or shows, forgets,
cleans) the matching items as if they had been named.  A run that names no
short word gets no extra task, and ``doit list`` never shows them.

A word matches an item when it equals, or matches as a glob, any trailing part
of the item's path, with or without the file's suffix.  A word that matches
nothing is left alone, and doit says it is not a task (exit 3).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


def spellings(item: str) -> list[str]:
    """The ways a person may shorten an item's path: every trailing part, with or without suffix."""
    parts = PurePosixPath(item).parts
    tails = ["/".join(parts[k:]) for k in range(len(parts))]
    suffix = PurePosixPath(item).suffix
    return tails + ([t[: -len(suffix)] for t in tails] if suffix else [])


def matches(word: str, item: str) -> bool:
    """Whether the short name or glob ``word`` selects the item ``item``."""
    return any(fnmatchcase(spelling, word) for spelling in spellings(item))


def requested(kind: str, argv: Sequence[str]) -> list[str]:
    """The words ``kind:WORD`` of a command line (options left out), in order, once each."""
    prefix = f"{kind}:"
    words = [arg[len(prefix) :] for arg in argv if arg.startswith(prefix) and arg != prefix]
    return list(dict.fromkeys(words))


def aliases(kind: str, items: Iterable[str], argv: Sequence[str]) -> dict[str, list[str]]:
    """``{"kind:WORD": [matching task names]}`` for the words doit cannot select itself."""
    names = list(items)
    known = {f"{kind}:{name}" for name in names}
    found: dict[str, list[str]] = {}
    for word in requested(kind, argv):
        task = f"{kind}:{word}"
        if task in known or ("*" in word and any(fnmatchcase(k, task) for k in known)):
            continue  # doit selects it by name, or expands the glob itself
        selected = [f"{kind}:{name}" for name in names if matches(word, name)]
        if selected:
            found[task] = selected
    return found
