"""Notifiers against a real HTTP server on 127.0.0.1: payloads, retries, redaction."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from healthdata import make_health
from webhooksink import Sink

from gauntlet.config.alerts import AlertSettings
from gauntlet.health.alerts import Alert
from gauntlet.health.notifiers import (
    ConsoleNotifier,
    GitHub,
    SlackWebhook,
    Webhook,
    build_notifiers,
    redact_url,
)

HEALTH = make_health(12)
ALERTS = [
    Alert(
        "pipeline-failed",
        "error",
        "Pipeline failed on main",
        "Run r00012 failed in lint.",
        "r00012",
    ),
    Alert("new-flaky", "warning", "New flaky test: t<T> & co", "flips 30%", "t<T> & co"),
]


@pytest.fixture
def sink_factory() -> Iterator[list[Sink]]:
    made: list[Sink] = []
    yield made
    for sink in made:
        sink.close()


def start(made: list[Sink], script: list[int | str], hang_s: float = 5.0) -> Sink:
    sink = Sink(script, hang_s)
    made.append(sink)
    return sink


def webhook(
    url: str, *, cls: type[Webhook] = Webhook, timeout: float = 5.0
) -> tuple[Webhook, list[float], list[str]]:
    sleeps: list[float] = []
    progress: list[str] = []
    hook = cls("webhook", "HOOK_URL", {"HOOK_URL": url}, timeout, sleeps.append, progress.append)
    return hook, sleeps, progress


def test_json_webhook_posts_the_last_run_and_every_alert(sink_factory: list[Sink]) -> None:
    sink = start(sink_factory, [200])
    hook, sleeps, _ = webhook(sink.url())
    delivery = hook.send(ALERTS, HEALTH)
    assert delivery.delivered
    assert delivery.tries == 1
    assert sleeps == []
    assert delivery.detail == "HTTP 200"
    (request,) = sink.requests
    assert request["headers"]["Content-Type"] == "application/json"
    payload = request["json"]
    assert payload["schema_version"] == 1
    assert payload["run"]["run_id"] == HEALTH.runs[-1].run_id
    assert payload["run"]["branch"] == HEALTH.runs[-1].branch
    assert [a["rule"] for a in payload["alerts"]] == ["pipeline-failed", "new-flaky"]
    assert payload["alerts"][1]["subject"] == "t<T> & co"
    assert payload["summary"].startswith("gauntlet: 2 alerts")


def test_slack_payload_has_text_and_blocks_with_escaped_markup(sink_factory: list[Sink]) -> None:
    sink = start(sink_factory, [200])
    hook, _, _ = webhook(sink.url("/services/T0/B0/secret"), cls=SlackWebhook)
    assert hook.send(ALERTS, HEALTH).delivered
    payload = sink.requests[0]["json"]
    assert set(payload) == {"text", "blocks"}
    assert "Pipeline failed on main" in payload["text"]
    header, first, second = payload["blocks"]
    assert header["type"] == "header"
    assert header["text"]["type"] == "plain_text"
    assert first["type"] == "section"
    assert first["text"]["type"] == "mrkdwn"
    assert "*Pipeline failed on main*" in first["text"]["text"]
    assert "t&lt;T&gt; &amp; co" in second["text"]["text"]
    assert "<T>" not in json.dumps(payload)


def test_slack_payload_caps_blocks() -> None:
    many = [Alert("coverage-drop", "warning", f"a{i}", "m") for i in range(60)]
    hook, _, _ = webhook("http://127.0.0.1:9/x", cls=SlackWebhook)
    blocks = hook.payload(many, HEALTH)["blocks"]
    assert isinstance(blocks, list)
    assert len(blocks) <= 50
    assert blocks[-1]["type"] == "context"


def test_server_errors_are_retried_with_backoff_then_delivered(sink_factory: list[Sink]) -> None:
    sink = start(sink_factory, [500, 500, 200])
    hook, sleeps, progress = webhook(sink.url())
    delivery = hook.send(ALERTS, HEALTH)
    assert delivery.delivered
    assert delivery.tries == 3
    assert len(sink.requests) == 3
    assert sleeps == [1.0, 2.0]
    assert progress[0] == "webhook: try 1 failed (HTTP 500); retrying in 1 s"


def test_an_endpoint_that_always_times_out_is_retried_three_times_then_undelivered(
    sink_factory: list[Sink],
) -> None:
    sink = start(sink_factory, ["hang"])
    hook, sleeps, _ = webhook(sink.url(), timeout=0.3)
    delivery = hook.send(ALERTS, HEALTH)
    assert delivery.status == "undelivered"
    assert not delivery.delivered
    assert delivery.tries == 4
    assert len(sink.requests) == 4
    assert sleeps == [1.0, 2.0, 4.0]
    assert "timed out" in delivery.detail


def test_a_client_error_is_not_retried(sink_factory: list[Sink]) -> None:
    sink = start(sink_factory, [404])
    hook, sleeps, _ = webhook(sink.url())
    delivery = hook.send(ALERTS, HEALTH)
    assert delivery.status == "undelivered"
    assert delivery.tries == 1
    assert sleeps == []
    assert "HTTP 404" in delivery.detail


def test_a_refused_connection_is_retried_then_undelivered() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    hook, sleeps, _ = webhook(f"http://127.0.0.1:{port}/hook")
    delivery = hook.send(ALERTS, HEALTH)
    assert delivery.status == "undelivered"
    assert delivery.tries == 4
    assert sleeps == [1.0, 2.0, 4.0]
    assert "refused" in delivery.detail.lower()


def test_secrets_in_the_url_never_reach_messages_or_records(sink_factory: list[Sink]) -> None:
    sink = start(sink_factory, [500])
    secret_url = sink.url("/hooks/T123/s3cr3t-path?token=q5ecret").replace(
        "http://",
        "http://user:pa55word@",  # pragma: allowlist secret
    )
    hook, _, progress = webhook(secret_url)
    delivery = hook.send(ALERTS, HEALTH)
    assert delivery.status == "undelivered"
    shown = json.dumps(delivery.to_json()) + "\n".join(progress)
    for secret in ("s3cr3t-path", "q5ecret", "pa55word", "user:", "T123"):
        assert secret not in shown
    assert delivery.target.startswith("http://127.0.0.1:")
    assert delivery.target.endswith("/***")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.slack.com/services/T/B/XYZ", "https://hooks.slack.com/***"),
        ("https://u:p@example.com:8443/?k=v", "https://example.com:8443/***"),
        ("https://example.com", "https://example.com"),
        ("http://example.com:notaport/x", "http://example.com/***"),
    ],
)
def test_redact_url_keeps_only_scheme_host_and_port(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_missing_or_unusable_urls_are_recorded_undelivered() -> None:
    unset = Webhook("webhook", "HOOK_URL", {}, 1.0).send(ALERTS, HEALTH)
    assert unset.status == "undelivered"
    assert unset.detail == "HOOK_URL is not set"
    ftp = Webhook("webhook", "HOOK_URL", {"HOOK_URL": "ftp://host/x"}, 1.0).send(ALERTS, HEALTH)
    assert ftp.status == "undelivered"
    assert ftp.target == "ftp://host/***"


def test_no_alerts_means_no_request(sink_factory: list[Sink]) -> None:
    sink = start(sink_factory, [200])
    hook, _, _ = webhook(sink.url())
    assert hook.send([], HEALTH).status == "skipped"
    assert sink.requests == []


def test_github_annotations_and_step_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# before\n", encoding="utf-8")
    lines: list[str] = []
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    delivery = GitHub(env, lines.append).send(ALERTS, HEALTH)
    assert delivery.delivered
    assert lines[0] == (
        "::error title=gauntlet pipeline-failed::"
        "Pipeline failed on main: Run r00012 failed in lint."
    )
    assert lines[1].startswith("::warning title=gauntlet new-flaky::New flaky test")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# before\n")
    assert "### Alerts" in text
    assert "**error**" in text


def test_github_outside_actions_is_skipped_and_a_bad_summary_is_undelivered(tmp_path: Path) -> None:
    assert GitHub({}).send(ALERTS, HEALTH).status == "skipped"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "such" / "f")}
    assert GitHub(env, lambda _: None).send(ALERTS, HEALTH).status == "undelivered"


def test_console_and_registry() -> None:
    lines: list[str] = []
    assert ConsoleNotifier(lines.append).send(ALERTS, HEALTH).delivered
    assert lines[0].startswith("ERROR    Pipeline failed on main")
    ConsoleNotifier(lines.append).send([], HEALTH)
    assert lines[-1] == "No alerts."
    settings = AlertSettings(notify=("slack", "console", "webhook", "github"))
    assert [n.name for n in build_notifiers(settings, {})] == [
        "slack",
        "console",
        "webhook",
        "github",
    ]


def test_an_invalid_url_is_not_retried_and_its_path_stays_hidden(sink_factory: list[Sink]) -> None:
    sink = start(sink_factory, [200])
    hook, sleeps, progress = webhook(sink.url("/hooks/s3cr3t path"))
    delivery = hook.send(ALERTS, HEALTH)
    assert delivery.status == "undelivered"
    assert delivery.tries == 1
    assert sleeps == []
    assert progress == []
    assert delivery.detail.startswith("unusable URL")
    assert "s3cr3t" not in delivery.detail
    assert sink.requests == []


@pytest.fixture
def echo_url() -> Iterator[str]:
    """A URL on a plain TCP service that echoes the request line back (not HTTP)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5.0)
                conn.sendall(conn.makefile("rb").readline())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/hooks/s3cr3t-path"
    stopping.set()
    thread.join()
    server.close()


def test_retry_messages_hide_the_url_an_error_quotes(echo_url: str) -> None:
    hook, sleeps, progress = webhook(echo_url)
    delivery = hook.send(ALERTS, HEALTH)
    assert delivery.status == "undelivered"
    assert sleeps == [1.0, 2.0, 4.0]
    assert len(progress) == 3
    assert progress[0].startswith("webhook: try 1 failed (POST ***")
    assert all("s3cr3t" not in line for line in progress)
    assert "s3cr3t" not in delivery.detail
