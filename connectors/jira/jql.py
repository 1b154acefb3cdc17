"""The JQL growthmap sends, and the window bounds in the Jira user's own timezone.

JQL date literals are wall-clock minutes in the timezone of the user running the
search, so an instant in UTC has to be rendered in that zone, rounded outwards to
whole minutes, before it can bound a search.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# No zone on earth is further than this from UTC; used when the user's zone is unknown.
WIDEST_OFFSET = timedelta(hours=14)

_MINUTE = timedelta(minutes=1)
_TICK = timedelta(microseconds=1)
_FORMAT = "%Y-%m-%d %H:%M"

ORDER = "ORDER BY created ASC, key ASC"


def user_zone(name: str | None) -> tzinfo | None:
    """The IANA zone Jira reports for the user, or None when missing or unknown here."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long
        return None


def _instants(wall: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """Both readings of a wall-clock time, in UTC: they differ only in a DST fold.

    In UTC because datetimes sharing a tzinfo compare by wall time, ignoring `fold`.
    """
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    return first, second


def lower_bound(since: datetime, zone: tzinfo | None) -> str:
    """A JQL literal at or before `since`, however Jira reads an ambiguous wall time."""
    if zone is None:
        # Unknown zone: a UTC wall time pulled back by the widest offset is early enough
        # in every zone; the extra results are deduplicated downstream.
        return (since.astimezone(UTC) - WIDEST_OFFSET).strftime(_FORMAT)
    wall = since.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
    for _ in range(4):  # a fold is at most a few hours; one or two steps suffice
        if max(_instants(wall, zone)) <= since:
            break
        wall -= timedelta(hours=1)
    return wall.strftime(_FORMAT)


def upper_bound(until: datetime, zone: tzinfo | None) -> str:
    """A JQL literal at or after `until` (used with `<`), so nothing before it is cut."""
    if zone is None:
        return (until.astimezone(UTC) + WIDEST_OFFSET + _MINUTE).strftime(_FORMAT)
    local = until.astimezone(zone).replace(tzinfo=None)
    wall = local.replace(second=0, microsecond=0)
    if wall < local:
        wall += _MINUTE
    for _ in range(4):
        if min(_instants(wall, zone)) >= until:
            break
        wall += timedelta(hours=1)
    return wall.strftime(_FORMAT)


def _quote(literal: str) -> str:
    return '"' + literal.replace("\\", "\\\\").replace('"', '\\"') + '"'


def who_clause(who: str) -> str:
    """`assignee was` also matches the current assignee, so it is a superset of `=`."""
    return "assignee was currentUser()" if who == "assignee_was" else "assignee = currentUser()"


def tickets_jql(
    who: str,
    since: datetime,
    until: datetime | None,
    zone: tzinfo | None,
    narrowing: str | None,
    *,
    deployment: str,
    by_status: bool = True,
) -> str:
    """The search for the owner's tickets that reached a done category in the window
    (with `by_status=False`, only those a resolution dates: for a site that refuses the
    search by status)."""
    window = (
        closed_in_window(since, until, zone, deployment)
        if by_status
        else resolved_in_window(since, until, zone)
    )
    clauses = [who_clause(who), "statusCategory = Done", window]
    if narrowing:
        clauses.append(f"({narrowing})")
    return " AND ".join(clauses) + " " + ORDER


def closed_in_window(
    since: datetime, until: datetime | None, zone: tzinfo | None, deployment: str
) -> str:
    """Tickets whose close time may fall in [since, until), for a Done-category search.

    A ticket closes at its resolution date; a workflow that never sets a resolution
    closes it when it enters a Done-category status. Cloud indexes that moment as
    `statusCategoryChangedDate`, so its search is exact. Data Center has no such field:
    `status CHANGED` in the window (or creation in it, for a ticket born in a done
    status) is the narrowest search its history index answers, a small superset (a
    move between two done statuses matches too) that the changelog dates afterwards.
    Both stay bounded by the window; neither reads every Done ticket ever.
    """
    low = _quote(lower_bound(since, zone))
    high = _quote(upper_bound(until, zone)) if until is not None else None
    resolved = _between("resolved", low, high)
    if deployment == "cloud":
        entered = _between("statusCategoryChangedDate", low, high)
    else:
        # Jira may read AFTER as strictly after: a bound a tick before `since`, rounded
        # down to its minute, is strictly before every change at or after `since`.
        after = _quote(lower_bound(since - _TICK, zone))
        changed = f"status CHANGED AFTER {after}" + (f" BEFORE {high}" if high else "")
        entered = f"({changed} OR ({_between('created', low, high)}))"
    return f"(({resolved}) OR (resolved IS EMPTY AND {entered}))"


def resolved_in_window(since: datetime, until: datetime | None, zone: tzinfo | None) -> str:
    low = _quote(lower_bound(since, zone))
    high = _quote(upper_bound(until, zone)) if until is not None else None
    return f"({_between('resolved', low, high)})"


def _between(field: str, low: str, high: str | None) -> str:
    return f"{field} >= {low}" + (f" AND {field} < {high}" if high else "")


def keys_jql(keys: list[str]) -> str:
    """Issues by key (epic summaries); keys come from Jira itself, never from the user."""
    return "key in (" + ", ".join(_quote(k) for k in keys) + ") ORDER BY key ASC"
