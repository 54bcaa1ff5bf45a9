"""DORA's four keys for a library, computed from its release events (pure functions).

A library has no deployments, only releases, so the four keys are read this way
(docs/health.md, "Delivery (DORA)"):

* A **production release** is the first ``publish`` event with outcome
  ``passed`` of a version to a production environment: those of the
  configuration with ``requires-approval = true``, or the one named
  ``production`` when none is.  Publishing a version again (a resumed upload)
  is the same release.
* **Deployment frequency**: production releases in the window per week
  (window length / 7 days, at least one week), and their count.
* **Lead time for changes**: the median, over every change of the window's
  releases, of the release's publish time minus the change's commit time.
* **Change failure rate**: the share of the window's releases that failed: the
  version was later yanked or rolled back (a ``yank``/``rollback`` event with
  outcome ``passed`` in a production environment or in none), or the next
  production release is its *hotfix* and came within ``hotfix-days``.  A hotfix
  of X.Y.Z is a release with the same epoch, major and minor and a larger micro
  (X.Y.Z' with Z' > Z; a missing part counts as 0): 1.4.2 -> 1.4.3 is, 1.4.2 ->
  1.5.0 is not.
* **Time to restore**: the median, over the window's failed releases that were
  followed by a good (not failed) production release, of the good one's publish
  time minus the failed one's.  Failed releases not yet followed by a good one
  are counted as not restored.

A figure with nothing to compute it from is ``None`` ("no data"), never 0.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gauntlet.delivery.events import EventKind, ReleaseEvent

if TYPE_CHECKING:
    from collections.abc import Iterable

DEFAULT_PRODUCTION = ("production",)
DEFAULT_HOTFIX_DAYS = 7
LAST_RELEASES = 10
NO_DATA = "no data"
_WEEK_S = 7 * 86400.0
_RELEASE = re.compile(r"^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)")


@dataclass(frozen=True)
class ReleaseLine:
    """One production release, for the table of the last releases."""

    version: str
    environment: str
    published: dt.datetime
    commit: str
    lead_time_s: float | None  # median over its changes
    failed: bool
    status: str  # "good", "yanked", "rolled back", "hotfixed by 1.4.3"


@dataclass(frozen=True)
class Delivery:
    """DORA's four keys over a window; ``None`` figures have no data."""

    since: dt.datetime
    until: dt.datetime
    production: tuple[str, ...]
    hotfix_days: int
    events: int  # release events in the whole history
    releases: int  # production releases in the window
    per_week: float | None
    lead_time_s: float | None
    changes: int  # changes the lead time is the median of
    failure_rate: float | None  # 0..1
    failed: int
    restore_s: float | None
    restored: int
    unrestored: int
    last: tuple[ReleaseLine, ...]  # newest first

    @property
    def days(self) -> float:
        """The window's length in days."""
        return (self.until - self.since).total_seconds() / 86400.0


def release_numbers(version: str) -> tuple[int, int, int, int] | None:
    """(epoch, major, minor, micro) of a PEP 440 version, or None when it is not one."""
    found = _RELEASE.match(version)
    if found is None:
        return None
    parts = [int(p) for p in found.group(2).split(".")] + [0, 0]
    return int(found.group(1) or 0), parts[0], parts[1], parts[2]


def is_hotfix(previous: str, following: str) -> bool:
    """Whether ``following`` bumps only the micro part of ``previous`` (1.4.2 -> 1.4.3)."""
    old, new = release_numbers(previous), release_numbers(following)
    return old is not None and new is not None and old[:3] == new[:3] and new[3] > old[3]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def production_releases(
    events: Iterable[ReleaseEvent], production: Iterable[str]
) -> list[ReleaseEvent]:
    """The first passed production publish of each version, oldest first."""
    envs = set(production)
    first: dict[str, ReleaseEvent] = {}
    for event in sorted(events, key=lambda e: e.at):
        published = event.kind is EventKind.PUBLISH and event.outcome == "passed"
        if published and event.environment in envs and event.version not in first:
            first[event.version] = event
    return list(first.values())


def _withdrawn(events: Iterable[ReleaseEvent], production: Iterable[str]) -> dict[str, str]:
    """Versions yanked or rolled back (in production or in no environment): how."""
    envs = {*production, ""}
    how = {EventKind.YANK: "yanked", EventKind.ROLLBACK: "rolled back"}
    return {
        e.version: how[e.kind]
        for e in sorted(events, key=lambda e: e.at)
        if e.kind in how and e.outcome == "passed" and e.environment in envs
    }


def _statuses(releases: list[ReleaseEvent], withdrawn: dict[str, str], days: int) -> list[str]:
    statuses = []
    for i, release in enumerate(releases):
        after = releases[i + 1] if i + 1 < len(releases) else None
        if release.version in withdrawn:
            statuses.append(withdrawn[release.version])
        elif (
            after is not None
            and is_hotfix(release.version, after.version)
            and after.at - release.at <= dt.timedelta(days=days)
        ):
            statuses.append(f"hotfixed by {after.version}")
        else:
            statuses.append("good")
    return statuses


def delivery(
    events: Iterable[ReleaseEvent],
    *,
    since: dt.datetime,
    until: dt.datetime,
    production: Iterable[str] = DEFAULT_PRODUCTION,
    hotfix_days: int = DEFAULT_HOTFIX_DAYS,
) -> Delivery:
    """The four keys over the releases published in ``[since, until]``.

    ``events`` is the whole history: a release of the window may be yanked or
    hotfixed, or restored, by an event after it.
    """
    events = list(events)
    production = tuple(sorted(set(production)))
    releases = production_releases(events, production)
    statuses = _statuses(releases, _withdrawn(events, production), hotfix_days)
    failed = [s != "good" for s in statuses]
    chosen = [i for i, r in enumerate(releases) if since <= r.at <= until]
    leads = [
        (releases[i].at - change).total_seconds()
        for i in chosen
        for change in releases[i].change_times
    ]
    restores: list[float] = []
    for i in (i for i in chosen if failed[i]):
        good = next((j for j in range(i + 1, len(releases)) if not failed[j]), None)
        if good is not None:
            restores.append((releases[good].at - releases[i].at).total_seconds())
    window_s = (until - since).total_seconds()
    lines = [
        ReleaseLine(
            r.version,
            r.environment,
            r.at,
            r.commit,
            _median([(r.at - c).total_seconds() for c in r.change_times]),
            failed[i],
            statuses[i],
        )
        for i, r in ((i, releases[i]) for i in chosen)
    ]
    bad = sum(failed[i] for i in chosen)
    return Delivery(
        since=since,
        until=until,
        production=production,
        hotfix_days=hotfix_days,
        events=len(events),
        releases=len(chosen),
        # a window shorter than a week counts as one: 1 release in an hour is not 168 a week
        per_week=len(chosen) / max(window_s / _WEEK_S, 1.0) if chosen and window_s > 0 else None,
        lead_time_s=_median(leads),
        changes=len(leads),
        failure_rate=bad / len(chosen) if chosen else None,
        failed=bad,
        restore_s=_median(restores),
        restored=len(restores),
        unrestored=bad - len(restores),
        last=tuple(reversed(lines[-LAST_RELEASES:])),
    )


def span(seconds: float) -> str:
    """A duration for people: ``45 min``, ``5.0 h``, ``3.2 d``."""
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


KEYS = ("Deployment frequency", "Lead time for changes", "Change failure rate", "Time to restore")


def figures(found: Delivery | None) -> tuple[tuple[str, str], ...]:
    """The four keys as (name, text) lines, the same in every report (None: no releases)."""
    if found is None:
        return tuple((key, f"{NO_DATA} (no release recorded)") for key in KEYS)
    window = f"{found.days:.0f} days"
    none = f"{NO_DATA} (no production release in the last {window})"
    rate = found.failure_rate
    restore = (
        NO_DATA
        if found.restore_s is None
        else f"median {span(found.restore_s)} over {found.restored} restore(s)"
    )
    if found.unrestored:
        restore += f"; {found.unrestored} failed release(s) not restored yet"
    return (
        (
            KEYS[0],
            f"{found.per_week:.2f} per week ({found.releases} production release(s) in {window})"
            if found.per_week is not None
            else none,
        ),
        (
            KEYS[1],
            f"median {span(found.lead_time_s)} over {found.changes} change(s)"
            if found.lead_time_s is not None
            else NO_DATA,
        ),
        (
            KEYS[2],
            f"{rate:.0%} ({found.failed} of {found.releases} release(s))"
            if rate is not None
            else NO_DATA,
        ),
        (KEYS[3], restore),
    )


def release_rows(found: Delivery | None) -> tuple[tuple[str, str, str, str, str], ...]:
    """The last production releases as (version, environment, published, lead time, status)."""
    if found is None:
        return ()
    return tuple(
        (
            r.version,
            r.environment,
            r.published.strftime("%Y-%m-%d %H:%M"),
            NO_DATA if r.lead_time_s is None else span(r.lead_time_s),
            r.status,
        )
        for r in found.last
    )
