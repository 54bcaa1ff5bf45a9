"""Upload credentials: from named environment variables, the keyring, or GitHub OIDC.

Nothing here is ever printed or written: a :class:`Credential` hides its
password in ``repr``, values read from the environment are declared secret by
name when the configuration loads, and a token read from the keyring or minted
by trusted publishing is declared to :mod:`gauntlet.masking` the moment it
exists.

Trusted publishing follows PyPI's documented exchange: ask the index for its
audience (``GET <index>/_/oidc/audience``), ask GitHub Actions for an ID token
for that audience (``GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=...`` with
``Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN``; the job needs
``permissions: id-token: write``), and exchange it for a short-lived upload
token (``POST <index>/_/oidc/mint-token`` with ``{"token": ...}``).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from gauntlet import masking
from gauntlet.errors import ToolError, UsageError
from gauntlet.release import index
from gauntlet.release.verify import RELEASE_EXTRA

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gauntlet.config.release import Environment

TOKEN_USER = "__token__"  # noqa: S105 - the user name of API tokens, not a secret


@dataclass(frozen=True)
class Credential:
    """A user name and password for an upload (the password never shows in ``repr``)."""

    username: str
    password: str = field(repr=False)


def _json(req: urllib.request.Request, what: str) -> dict[str, Any]:
    try:
        body, _ = index.open_url(req)
        data = json.loads(body.decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise ToolError(f"{what}: {req.full_url} answered HTTP {exc.code}") from None
    except ValueError:
        raise ToolError(f"{what}: {req.full_url} did not answer JSON") from None
    if not isinstance(data, dict):
        raise ToolError(f"{what}: {req.full_url} did not answer a JSON object")
    return data


def index_origin(env: Environment) -> str:
    """``scheme://host`` of the environment's index (where its OIDC endpoints are)."""
    parts = urlsplit(env.index_url)
    return f"{parts.scheme}://{parts.netloc}"


def trusted_publishing(env: Environment, environ: Mapping[str, str]) -> Credential:
    """An upload token minted from the GitHub Actions OIDC identity of this job."""
    url, bearer = (
        environ.get("ACTIONS_ID_TOKEN_REQUEST_URL"),
        environ.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
    )
    if not url or not bearer:
        raise UsageError(
            f"environment {env.name!r} uses trusted publishing, but "
            "ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: run it "
            "in a GitHub Actions job with `permissions: id-token: write`"
        )
    masking.learn(bearer)
    origin = index_origin(env)
    where = urllib.request.Request(f"{origin}/_/oidc/audience")  # noqa: S310 - http(s) only
    audience = _json(where, "the OIDC audience")
    aud = str(audience.get("audience", ""))
    sep = "&" if "?" in url else "?"
    ask = urllib.request.Request(  # noqa: S310 - http(s) URLs given by the runner
        f"{url}{sep}audience={aud}", headers={"Authorization": f"bearer {bearer}"}
    )
    oidc = str(_json(ask, "the GitHub OIDC token").get("value", ""))
    if not oidc:
        raise ToolError("GitHub Actions gave no OIDC token (is `id-token: write` granted?)")
    masking.learn(oidc)
    mint = urllib.request.Request(  # noqa: S310 - the index URL is validated http(s)
        f"{origin}/_/oidc/mint-token",
        data=json.dumps({"token": oidc}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    token = str(_json(mint, "the trusted-publishing token").get("token", ""))
    if not token:
        raise ToolError(f"{origin}/_/oidc/mint-token minted no token")
    masking.learn(token)
    return Credential(TOKEN_USER, token)


def _from_keyring(env: Environment, username: str) -> Credential:
    try:
        import keyring  # optional: only environments that use it need it
    except ImportError:
        raise ToolError(
            f"environment {env.name!r} takes its password from the keyring, which is not "
            f"installed: {RELEASE_EXTRA}"
        ) from None
    password = keyring.get_password(env.upload, username)
    if not password:
        raise UsageError(
            f"the keyring has no password for service {env.upload} user {username!r}: "
            f"keyring set {env.upload} {username}"
        )
    masking.learn(password)
    return Credential(username, password)


def credential_for(env: Environment, environ: Mapping[str, str] | None = None) -> Credential:
    """The credential to upload to ``env``; a missing one raises naming the variable."""
    environ = os.environ if environ is None else environ
    if env.trusted_publishing:
        return trusted_publishing(env, environ)
    username = TOKEN_USER
    if env.username_env:
        username = environ.get(env.username_env, "")
        if not username:
            raise UsageError(
                f"environment {env.name!r}: the variable {env.username_env} (username-env) "
                "is not set; set it to the index user name"
            )
    if env.keyring:
        return _from_keyring(env, username)
    if not env.password_env:
        raise UsageError(
            f"environment {env.name!r} declares no credential: give password-env, keyring "
            "or trusted-publishing in its [tool.gauntlet.release.environments] table"
        )
    password = environ.get(env.password_env, "")
    if not password:
        raise UsageError(
            f"environment {env.name!r}: the variable {env.password_env} (password-env) is not "
            "set; set it to the upload password or API token (never write it in a file)"
        )
    masking.learn(password)
    return Credential(username, password)
