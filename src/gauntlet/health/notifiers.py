"""Where alerts go: the console, GitHub annotations and step summary, JSON and Slack webhooks.

Each notifier returns a :class:`Delivery` instead of raising: a webhook that
cannot be reached is retried after 1 s, 2 s and 4 s (at most 3 retries) and then
recorded as undelivered, and alerting never fails the pipeline.  Webhook
URLs come from environment variables and are secrets: only their scheme and
host are ever shown or recorded (:func:`redact_url`).
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from gauntlet import __version__
from gauntlet.results.workflowcmd import escape_data, escape_property
from gauntlet.runner import mask, with_retries

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from gauntlet.config.alerts import AlertSettings
    from gauntlet.health.alerts import Alert
    from gauntlet.health.model import Health

SLACK_BLOCKS = 45  # Slack accepts at most 50 blocks per message


@dataclass(frozen=True)
class Delivery:
    """What became of one notifier's message; never holds a secret."""

    notifier: str
    status: str  # "delivered" | "undelivered" | "skipped"
    target: str = ""  # redacted
    tries: int = 0
    detail: str = ""

    @property
    def delivered(self) -> bool:
        """The message reached its destination."""
        return self.status == "delivered"

    def to_json(self) -> dict[str, object]:
        """The JSON form in ``alerts.json``."""
        return {
            "notifier": self.notifier,
            "status": self.status,
            "delivered": self.delivered,
            "target": self.target,
            "tries": self.tries,
            "detail": self.detail,
        }


class Notifier(Protocol):
    """Sends a batch of alerts somewhere."""

    name: str

    def send(self, alerts: Sequence[Alert], health: Health) -> Delivery:
        """Deliver ``alerts``; report, never raise, when that is impossible."""
        ...


def redact_url(url: str) -> str:
    """``scheme://host[:port]/***``: user, password, path, query and fragment hidden."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or "?"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    hidden = "/***" if (parts.path not in ("", "/") or parts.query or parts.fragment) else ""
    return f"{parts.scheme or '?'}://{host}{port}{hidden}"


def _secret_parts(url: str) -> list[str]:
    parts = urllib.parse.urlsplit(url)
    pieces = [url, parts.path, parts.query, parts.fragment, parts.username, parts.password]
    return [p for p in pieces if p and len(p) > 1]


class _RetryableError(Exception):
    """A failure worth another try: a timeout, a refused connection, a 5xx or 429."""


def _subject(alerts: Sequence[Alert], health: Health) -> str:
    last = health.last_run
    where = f" on {last.branch} (run {last.run_id})" if last else ""
    return f"gauntlet: {len(alerts)} alert{'s' * (len(alerts) != 1)}{where}"


@dataclass
class Webhook:
    """POSTs JSON to a URL taken from an environment variable."""

    name: str
    url_env: str
    env: Mapping[str, str]
    timeout: float
    sleep: Callable[[float], None] = time.sleep
    progress: Callable[[str], None] = print  # retry messages

    def payload(self, alerts: Sequence[Alert], health: Health) -> dict[str, object]:
        """The generic JSON document: the last run and every alert."""
        last = health.last_run
        return {
            "schema_version": 1,
            "source": f"gauntlet {__version__}",
            "summary": _subject(alerts, health),
            "generated": health.generated.isoformat(),
            "run": None
            if last is None
            else {
                "run_id": last.run_id,
                "commit": last.commit,
                "branch": last.branch,
                "outcome": last.outcome.value,
                "started": last.started.isoformat(),
            },
            "alerts": [a.to_json() for a in alerts],
        }

    def send(self, alerts: Sequence[Alert], health: Health) -> Delivery:
        """POST the payload with retries; the outcome, never an exception."""
        url = self.env.get(self.url_env, "").strip()
        if not url:
            return Delivery(self.name, "undelivered", detail=f"{self.url_env} is not set")
        target = redact_url(url)
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            return Delivery(self.name, "undelivered", target, detail="not an http(s) URL")
        if not alerts:
            return Delivery(self.name, "skipped", target, detail="no alerts")
        body = json.dumps(self.payload(alerts, health)).encode("utf-8")
        tries = 0

        def attempt() -> int:
            nonlocal tries
            tries += 1
            return self._post(url, body)

        def retrying(number: int, exc: BaseException, delay: float) -> None:
            reason = mask(str(exc), _secret_parts(url))
            self.progress(f"{self.name}: try {number} failed ({reason}); retrying in {delay:g} s")

        try:
            status = with_retries(attempt, (_RetryableError,), sleep=self.sleep, on_retry=retrying)
        except (_RetryableError, OSError, ValueError) as exc:
            detail = mask(str(exc), _secret_parts(url))
            return Delivery(self.name, "undelivered", target, tries, detail)
        return Delivery(self.name, "delivered", target, tries, f"HTTP {status}")

    def _post(self, url: str, body: bytes) -> int:
        request = urllib.request.Request(  # noqa: S310 - the scheme was checked above
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": f"gauntlet/{__version__}"},
        )
        try:
            # The scheme is http or https (checked in send): no file:// or custom schemes.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310
                return int(response.status)
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 or exc.code == 429:
                raise _RetryableError(f"HTTP {exc.code}") from None
            raise ValueError(f"HTTP {exc.code}; the endpoint refused the message") from None
        except http.client.InvalidURL as exc:  # no retry can mend the URL
            raise ValueError(f"unusable URL: {exc}") from None
        except (OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            raise _RetryableError(
                f"timed out after {self.timeout:g} s" if _timed_out(exc) else str(reason)
            ) from None


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError)


def _slack_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class SlackWebhook(Webhook):
    """A Slack incoming webhook (or anything that takes Slack's ``text`` + ``blocks``)."""

    def payload(self, alerts: Sequence[Alert], health: Health) -> dict[str, object]:
        """Slack's message format: a fallback ``text`` and one section block per alert."""
        icon = {"error": ":red_circle:", "warning": ":warning:"}
        blocks: list[dict[str, object]] = [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": _subject(alerts, health)[:150]},
            }
        ]
        for alert in alerts[:SLACK_BLOCKS]:
            title, message = _slack_text(alert.title), _slack_text(alert.message)
            text = f"{icon.get(alert.level, '')} *{title}*\n{message}"
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}})
        if len(alerts) > SLACK_BLOCKS:
            rest = len(alerts) - SLACK_BLOCKS
            blocks.append(
                {"type": "context", "elements": [{"type": "mrkdwn", "text": f"and {rest} more"}]}
            )
        lines = [f"{a.level}: {a.title}" for a in alerts]
        return {
            "text": _slack_text(_subject(alerts, health) + "\n" + "\n".join(lines)),
            "blocks": blocks,
        }


@dataclass
class GitHub:
    """``::error``/``::warning`` annotations and a section in ``$GITHUB_STEP_SUMMARY``."""

    env: Mapping[str, str]
    echo: Callable[[str], None] = print
    name: str = "github"

    def send(self, alerts: Sequence[Alert], health: Health) -> Delivery:
        """Print the annotations and append the summary, on GitHub Actions only."""
        del health
        if self.env.get("GITHUB_ACTIONS") != "true":
            return Delivery(self.name, "skipped", detail="not running on GitHub Actions")
        for alert in alerts:
            title = escape_property(f"gauntlet {alert.rule}")
            self.echo(
                f"::{alert.level} title={title}::{escape_data(alert.title + ': ' + alert.message)}"
            )
        summary = self.env.get("GITHUB_STEP_SUMMARY", "")
        if summary and alerts:
            from pathlib import Path

            rows = "".join(f"- **{a.level}** {a.title}: {a.message}\n" for a in alerts)
            try:
                with Path(summary).open("a", encoding="utf-8") as handle:
                    handle.write(f"\n### Alerts\n\n{rows}")
            except OSError as exc:
                return Delivery(self.name, "undelivered", detail=f"step summary: {exc.strerror}")
        return Delivery(self.name, "delivered", tries=1, detail=f"{len(alerts)} annotations")


@dataclass
class ConsoleNotifier:
    """Alerts as lines on the console."""

    echo: Callable[[str], None] = print
    name: str = "console"

    def send(self, alerts: Sequence[Alert], health: Health) -> Delivery:
        """Print one line per alert (or that there are none)."""
        del health
        if not alerts:
            self.echo("No alerts.")
        for alert in alerts:
            self.echo(f"{alert.level.upper():8} {alert.title}: {alert.message}")
        return Delivery(self.name, "delivered", tries=1, detail=f"{len(alerts)} alerts")


def build_notifiers(
    settings: AlertSettings,
    env: Mapping[str, str],
    *,
    echo: Callable[[str], None] = print,
    progress: Callable[[str], None] = print,
    sleep: Callable[[float], None] | None = None,
) -> list[Notifier]:
    """The notifiers ``notify`` names, in its order.

    ``echo`` shows alerts and annotations; ``progress`` shows webhook retries;
    ``sleep`` waits between tries (``time.sleep`` as it is at this call).
    """
    wait = sleep or time.sleep
    made: dict[str, Callable[[], Notifier]] = {
        "console": lambda: ConsoleNotifier(echo),
        "github": lambda: GitHub(env, echo),
        "webhook": lambda: Webhook(
            "webhook", settings.webhook_url_env, env, settings.timeout, wait, progress
        ),
        "slack": lambda: SlackWebhook(
            "slack", settings.slack_url_env, env, settings.timeout, wait, progress
        ),
    }
    return [made[kind]() for kind in settings.notify]
