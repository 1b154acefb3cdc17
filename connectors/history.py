"""Items that aggregate history (a design document and the changes that touched it) as two
collect windows saw them, merged so that stored history only grows.

A run sees only the changes in its window: a `--since 7d` after a year's collect must not
shrink what the year's run stored. Streams of such items are `partial` and their readers'
`merge(stored, fresh)` keeps every change either window saw, once (the fresh version of a
change wins), the earliest first date, and the title read from the document over a file
name fallback. GitHub and GitLab both keep a document's changes as a list of mappings
with a `ref` and an ISO `at`; each names its own keys (`HistoryKeys`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from connectors.item import Item


@dataclass(frozen=True)
class HistoryKeys:
    """Where an item keeps its history: `changes` (in `extra`, and in `raw` when the raw
    payload holds it too), the first and latest change times (ISO, in `extra`), and the
    state that, once either window saw it, the document keeps (GitLab's "added", GitHub's
    "merged")."""

    changes: str
    first: str
    latest: str
    sticky_state: str


def change_time(change: Mapping[str, Any]) -> datetime | None:
    value = change.get("at")
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def change_order(change: Mapping[str, Any]) -> tuple[datetime, str]:
    """Time, then ref: one order for a document's changes however they were gathered."""
    at = change_time(change) or datetime.min.replace(tzinfo=UTC)
    return at, str(change.get("ref"))


def ordered_changes(*lists: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The changes of every list, once per ref (a later list's version wins), in order."""
    by_ref: dict[str, dict[str, Any]] = {}
    for changes in lists:
        for change in changes:
            by_ref[str(change.get("ref"))] = dict(change)
    return sorted(by_ref.values(), key=change_order)


def merge_history(stored: Item, fresh: Item, keys: HistoryKeys) -> Item:
    """One document as two windows saw it (see the module's docstring)."""
    changes = ordered_changes(stored.extra.get(keys.changes, ()), fresh.extra.get(keys.changes, ()))
    times = sorted(t for t in map(change_time, changes) if t is not None)
    if not times:
        return fresh
    raw = dict(fresh.raw)
    if keys.changes in raw:
        raw[keys.changes] = changes
    sticky = keys.sticky_state in (stored.state, fresh.state)
    return replace(
        fresh,
        title=better_title(stored, fresh),
        created_at=times[0],
        updated_at=times[-1],
        occurred_at=times[-1],
        state=keys.sticky_state if sticky else fresh.state,
        extra={
            **stored.extra,
            **fresh.extra,
            keys.changes: changes,
            keys.first: times[0].isoformat(),
            keys.latest: times[-1].isoformat(),
        },
        raw=raw,
    )


def better_title(stored: Item, fresh: Item) -> str:
    """The fresh title, unless it is only the file name and the stored one was read from
    the document (a window that saw no landed change could not read its heading)."""
    fallback = PurePosixPath(fresh.path or "").name
    return stored.title if fresh.title == fallback and stored.title else fresh.title
