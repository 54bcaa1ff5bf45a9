"""Which values are secret, and replacing them with ``***`` in text.

A value of the environment is secret when any of these says so:

* its variable's name looks secret (``*TOKEN*``, ``*SECRET*``, ``*PASSWORD*``, ...);
* its variable is named in ``[tool.gauntlet] secrets`` (see :func:`declare_names`);
* it is a URL with a password (between ``:`` and ``@`` in its user part): the
  password and the whole URL are secret;
* it has the shape of a provider's token (GitHub, AWS, Slack, Stripe, GitLab,
  PyPI, npm, JWT, private keys, ...), as recognised by the regular-expression
  plugins of `detect-secrets <https://github.com/Yelp/detect-secrets>`_.

A process may also declare a value secret by printing the GitHub Actions
workflow command ``::add-mask::VALUE``: from then on the value is masked in
everything this process captures, as GitHub's runner does in its log.

Values shorter than :data:`MIN_LENGTH` (8) characters are never masked by
value: masking ``admin`` or ``true`` would star out ordinary words everywhere.
A URL's password is masked inside any URL of any text whatever its length
(``scheme://user:***@host``), so a short database password is still hidden
where it is printed as part of its URL.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from gauntlet.atomic import write_bytes_atomic
from gauntlet.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

MIN_LENGTH = 8
MASK = "***"
SECRET_NAME = re.compile(
    r"(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE|CREDENTIAL|WEBHOOK|_PAT$|^PAT_)", re.I
)
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]*:)[^\s/@]+(?=@)")
_ADD_MASK = re.compile(r"^::add-mask::(.*?)\r?$", re.M)
# Formats detect-secrets 1.5 does not know yet (GitHub's fine-grained tokens).
_EXTRA_FORMATS = (re.compile(r"github_pat_[A-Za-z0-9_]{22,}"),)
# detect-secrets plugins that recognise things that are not credentials.
_NOT_CREDENTIALS = frozenset({"IPPublicDetector"})

_lock = threading.Lock()
_declared: set[str] = set()  # variable names from [tool.gauntlet] secrets
_learned: set[str] = set()  # values declared by ::add-mask::


def declare_names(names: Iterable[str]) -> None:
    """Treat the values of these environment variables as secret in this process."""
    with _lock:
        _declared.update(names)


def learn(value: str) -> None:
    """Mask ``value`` in everything captured from now on (``::add-mask::``)."""
    value = value.strip()
    if len(value) >= MIN_LENGTH:
        with _lock:
            _learned.add(value)


def learn_from(text: str) -> None:
    """Learn the values of every ``::add-mask::VALUE`` line of ``text``."""
    if "::add-mask::" in text:
        for found in _ADD_MASK.finditer(text):
            learn(found.group(1))


@lru_cache(maxsize=1)
def token_formats() -> tuple[re.Pattern[str], ...]:
    """The regular expressions of detect-secrets' provider plugins (loaded on first use).

    detect-secrets is a dependency of gauntlet, so it is missing only where
    gauntlet runs from a source tree without its dependencies: the nox process
    of ``nox -s ci``, which records what its sessions (which have it) already
    masked.  There values are still masked by name, URL and declaration, and a
    warning says once that provider formats are not recognised.
    """
    try:
        from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
        from detect_secrets.plugins.base import RegexBasedDetector
    except ImportError:
        sys.stderr.write(
            "gauntlet: warning: detect-secrets is not installed in this environment; "
            "secrets are masked by name, URL and declaration only, not by provider "
            "format (install gauntlet's dependencies: pip install 'detect-secrets>=1.5')\n"
        )
        return _EXTRA_FORMATS

    found: list[re.Pattern[str]] = []
    plugins: list[type] = list(get_mapping_from_secret_type_to_class().values())
    for plugin in plugins:
        if issubclass(plugin, RegexBasedDetector) and plugin.__name__ not in _NOT_CREDENTIALS:
            found.extend(getattr(plugin, "denylist", ()))  # a class attribute of each plugin
    return (*found, *_EXTRA_FORMATS)


def _url_password(value: str) -> str | None:
    if "://" not in value or "@" not in value:
        return None
    try:
        password = urlsplit(value.strip()).password
    except ValueError:
        return None
    return password or None


def _secret_parts(name: str, value: str, declared: frozenset[str]) -> Iterator[str]:
    password = _url_password(value)
    if password is not None:
        yield from (password, unquote(password), value)
    if name in declared or SECRET_NAME.search(name):
        yield value
        return
    for pattern in token_formats():
        found = pattern.search(value)
        if found is not None:
            yield found.group(0)
            yield value
            return


def secrets_in(env: Mapping[str, str], names: Iterable[str] = ()) -> tuple[str, ...]:
    """The secret values of ``env`` (see the module's rules), each once, in env order."""
    with _lock:
        declared = frozenset((*_declared, *names))
    seen: dict[str, None] = {}
    for name, value in env.items():
        for part in _secret_parts(name, value, declared):
            if len(part.strip()) >= MIN_LENGTH:
                seen.setdefault(part, None)
    return tuple(seen)


def mask(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret value in ``text`` and every URL's password with ``***``."""
    ordered = sorted(set(secrets), key=len, reverse=True)
    for secret in ordered:
        if secret:
            text = text.replace(secret, MASK)
    if "..." in text or "\u2026" in text:
        text = _mask_truncated(text, ordered)
    if "://" in text:
        text = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    return text


def _mask_truncated(text: str, secrets: list[str]) -> str:
    """Mask the ends of secrets cut short by an ellipsis, as pytest's reprs cut long strings."""
    for secret in secrets:
        for size in range(len(secret) - 1, MIN_LENGTH - 1, -1):
            for dots in ("...", "\u2026"):
                text = text.replace(secret[:size] + dots, MASK + dots)
                text = text.replace(dots + secret[-size:], dots + MASK)
    return text


@dataclass(frozen=True)
class Masker:
    """Masks one environment's secrets and every value learned by ``::add-mask::``."""

    secrets: tuple[str, ...]

    @classmethod
    def for_env(cls, env: Mapping[str, str] | None = None) -> Masker:
        """The masker of ``env`` (default: this process's environment)."""
        return cls(secrets_in(os.environ if env is None else env))

    def __call__(self, text: str) -> str:
        """``text`` masked, after learning its own ``::add-mask::`` lines."""
        learn_from(text)
        with _lock:
            learned = tuple(_learned)
        return mask(text, (*self.secrets, *learned))

    def data(self, value: Any) -> Any:
        """A JSON-like value with every string in it masked (dict keys included)."""
        return mask_data(self, value)


class EnvMasker:
    """A :class:`Masker` of an environment that looks for its secrets only when needed.

    Finding the secrets runs detect-secrets' formats over every value (tens of
    milliseconds, most of a no-op run's output budget).  Every secret is a
    part of some value of at least ``MIN_LENGTH`` characters (or a URL
    password, decoded), and so is every end of one that ``mask`` cuts at an
    ellipsis; so a text that shares no ``MIN_LENGTH``-character run with any
    value or decoded password holds none, and is masked for learned values
    and URL passwords only.  The first text that does share one finds them.
    """

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = dict(os.environ if env is None else env)
        grams: set[str] = set()
        for value in self._env.values():
            password = _url_password(value)
            for text in (value, unquote(password) if password else ""):
                grams.update(text[i : i + MIN_LENGTH] for i in range(len(text) - MIN_LENGTH + 1))
        self._grams = frozenset(grams)
        self._found: Masker | None = None

    def searched(self) -> bool:
        """Whether a text has needed the environment's secrets (so they were looked for)."""
        return self._found is not None

    def _could_hold(self, text: str) -> bool:
        grams = self._grams
        return any(text[i : i + MIN_LENGTH] in grams for i in range(len(text) - MIN_LENGTH + 1))

    def __call__(self, text: str) -> str:
        """``text`` masked, after learning its own ``::add-mask::`` lines."""
        if self._found is None and self._could_hold(text):
            self._found = Masker.for_env(self._env)
        if self._found is not None:
            return self._found(text)
        learn_from(text)
        with _lock:
            learned = tuple(_learned)
        return mask(text, learned)

    def data(self, value: Any) -> Any:
        """A JSON-like value with every string in it masked (dict keys included)."""
        return mask_data(self, value)


def mask_data(masker: Callable[[str], str], value: Any) -> Any:
    """A JSON-like value with every string in it masked by ``masker`` (dict keys too)."""
    if isinstance(value, str):
        return masker(value)
    if isinstance(value, dict):
        return {mask_data(masker, k): mask_data(masker, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_data(masker, v) for v in value]
    return value


def mask_file(path: Path) -> bool:
    """Mask a file another program wrote (pytest's JUnit XML); whether it changed."""
    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return False
    masked = Masker.for_env()(text)
    if masked == text:
        return False
    write_bytes_atomic(path, masked.encode("utf-8", errors="surrogateescape"))
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gauntlet.masking FILE...``: mask files another program wrote.

    The nox sessions run it inside their environment, where gauntlet's
    dependencies (detect-secrets) are installed; the nox process has only nox.
    """
    files = list(sys.argv[1:] if argv is None else argv)
    if not files:
        raise UsageError("usage: python -m gauntlet.masking FILE...")
    for name in files:
        mask_file(Path(name))
    return 0


if __name__ == "__main__":  # pragma: no cover
    from gauntlet.entry import run_entry

    run_entry(main, prog="gauntlet.masking")
