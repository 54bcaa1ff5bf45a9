"""``gauntlet report html|md`` and ``gauntlet alerts``: the run history shown and announced.

The commands read one :class:`~gauntlet.health.model.Health` through
:func:`load_health`, the single place that knows where the history lives.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet.cli.parser import Command
from gauntlet.config.load import load_config
from gauntlet.errors import ExitCode, ToolError
from gauntlet.health.store import DEFAULT_WINDOW_RUNS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from gauntlet.config.load import Config
    from gauntlet.health.model import Health

DEFAULT_RUNS = DEFAULT_WINDOW_RUNS


def load_health(config: Config, *, last_runs: int | None, days: float | None) -> Health:
    """The project's health over the last ``last_runs`` runs or ``days`` days.

    With neither, the last :data:`DEFAULT_RUNS` runs.
    """
    from gauntlet.health.record import open_project_store, project_health

    store = open_project_store(config)
    try:
        health = project_health(store, config, last_runs, days)
    finally:
        store.close()
    if not health.runs:
        raise ToolError(
            f"no runs recorded in the run history ({store.name}) for this window; "
            "`doit` and `nox -s ci` record runs"
        )
    return health


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """``[-o FILE] [--runs N | --days D]`` of ``report html|md``."""
    parser.add_argument("-o", "--output", type=Path, help="where to write the page or Markdown")
    add_window_arguments(parser)


def add_alerts_arguments(parser: argparse.ArgumentParser) -> None:
    """``alerts [--dry-run] [--runs N] [--days D]``."""
    parser.add_argument(
        "--dry-run", action="store_true", help="show the alerts and their targets, send nothing"
    )
    add_window_arguments(parser)


def _positive(kind: type[int] | type[float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if value <= 0:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value

    return parse


def add_window_arguments(parser: argparse.ArgumentParser) -> None:
    """``[--runs N | --days D]``, the window of ``health``, ``report html|md`` and ``alerts``.

    Both are ``None`` when neither is given; the history then covers the last
    :data:`DEFAULT_RUNS` runs.
    """
    window = parser.add_mutually_exclusive_group()
    window.add_argument(
        "--runs",
        type=_positive(int),
        default=None,
        help=f"the last N runs (default {DEFAULT_RUNS})",
    )
    window.add_argument(
        "--days", type=_positive(float), default=None, help="the runs of the last D days"
    )


def _health(config: Config, runs: int | None, days: float | None) -> Health:
    from gauntlet.views.console import make_console

    with make_console(stderr=True).status("Reading the run history…"):
        return load_health(config, last_runs=runs, days=days)


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn a failure to write ``path`` into a clear error."""
    try:
        yield
    except OSError as exc:
        raise ToolError(f"cannot write {path}: {exc.strerror or exc}") from None


def cmd_report_html(
    *, project: Path | None, output: Path | None, runs: int | None, days: float | None
) -> int:
    """Write the HTML dashboard of the run history."""
    from gauntlet.gates.collect import results_dir
    from gauntlet.views.dashboard import write_html

    config = load_config(project)
    health = _health(config, runs, days)
    started = time.perf_counter()
    out = output or results_dir(config) / "health.html"
    with writing(out):
        write_html(health, out, title=f"Pipeline health · {config.pyproject.parent.name}")
    size = out.stat().st_size / 1024
    took = time.perf_counter() - started
    print(f"dashboard of {health.window_runs} runs in {out} ({size:.0f} KiB, {took:.2f} s)")
    return ExitCode.OK


def cmd_report_md(
    *, project: Path | None, output: Path | None, runs: int | None, days: float | None
) -> int:
    """Print (or write) the Markdown summary of the run history."""
    from gauntlet.atomic import write_text_atomic
    from gauntlet.views.healthmd import render_markdown

    health = _health(load_config(project), runs, days)
    text = render_markdown(health)
    if output:
        with writing(output):
            write_text_atomic(output, text)
        print(f"Markdown summary of {health.window_runs} runs in {output}")
    else:
        print(text, end="")
    return ExitCode.OK


REPORT_COMMANDS = {
    "html": Command(cmd_report_html, "the HTML dashboard of the run history", add_output_arguments),
    "md": Command(cmd_report_md, "the Markdown summary of the run history", add_output_arguments),
}


def cmd_alerts(*, project: Path | None, dry_run: bool, runs: int | None, days: float | None) -> int:
    """Evaluate the alert rules on the current health and notify; never fails on delivery."""
    from gauntlet.gates.collect import results_dir
    from gauntlet.health.alerts import ALERTS_FILE, alert_settings, evaluate, write_record
    from gauntlet.health.notifiers import ConsoleNotifier, build_notifiers, redact_url
    from gauntlet.views.console import make_console

    config = load_config(project)
    settings = alert_settings(config)
    health = _health(config, runs, days)
    alerts = evaluate(health, settings)
    console = make_console(stderr=True)

    def echo(line: str) -> None:
        console.print(line, markup=False)

    notifiers = build_notifiers(
        settings, os.environ, echo=lambda line: print(line, flush=True), progress=echo
    )
    if dry_run:
        ConsoleNotifier(print).send(alerts, health)
        targets = {"webhook": settings.webhook_url_env, "slack": settings.slack_url_env}
        for notifier in notifiers:
            env = targets.get(notifier.name)
            url = os.environ.get(env, "") if env else ""
            where = f" at {redact_url(url)}" if url else (f" ({env} is not set)" if env else "")
            print(f"would notify {notifier.name}{where}: {len(alerts)} alerts")
        return ExitCode.OK
    deliveries = [notifier.send(alerts, health) for notifier in notifiers]
    record = results_dir(config) / ALERTS_FILE
    try:
        write_record(record, health, alerts, deliveries)
    except OSError as exc:  # alerting never fails the pipeline
        echo(f"gauntlet: cannot record deliveries in {record}: {exc.strerror or exc}")
    for d in deliveries:
        if d.status == "undelivered":
            echo(f"gauntlet: {d.notifier} not delivered ({d.detail}); recorded in {record}")
    return ExitCode.OK
