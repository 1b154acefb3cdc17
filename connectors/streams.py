"""Streams as objects: each stream owns its fetch (and the paging under it).

A connector declares its streams as `StreamReader` classes (after the Meltano SDK's
stream classes): the `Stream` it serves (name, kind, lag, whether its items show only
the window), the streams it reads after (`needs`), and `fetch(window, run)`. What one
stream reuses from another in the same run goes through the explicit `RunContext`,
never through state cached on a client.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from connectors.item import Item

SourceT = TypeVar("SourceT")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Stream:
    """One incremental feed of a source, with its own cursor.

    `lag` is how far behind writes the API's index may be: the stored cursor never
    passes the run's start minus `lag`. `partial` streams yield items that show only what
    the fetch window saw (a document's changes in the window): the pipeline hands each to
    `Connector.merge` with the stored one instead of replacing it. `needs` names streams
    of the same source whose results this one reuses: it runs after them when both run.
    """

    name: str
    kind: str
    lag: timedelta = timedelta(0)
    default_enabled: bool = True
    partial: bool = False
    needs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Window:
    """The fetch window [since, until), both aware UTC; `until` is the run's now when the
    caller asked for everything up to now."""

    since: datetime
    until: datetime

    @property
    def empty(self) -> bool:
        return self.since >= self.until


class RunContext:
    """What the streams of one source share within one run, by name and explicitly.

    A stream `put`s what it learned once it is complete; another `get`s it, or None when
    the producer did not run (or failed), and then fetches for itself. Thread-safe: the
    streams of a source may run concurrently.
    """

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._lock = threading.Lock()

    def put(self, key: str, value: object) -> None:
        with self._lock:
            self._values[key] = value

    def get(self, key: str, kind: type[T]) -> T | None:
        with self._lock:
            value = self._values.get(key)
        return value if isinstance(value, kind) else None

    def setdefault(self, key: str, value: T) -> tuple[T, bool]:
        """The value under `key`, putting `value` there first if there is none; and
        whether this call put it (for what is done once per run, whichever stream asks)."""
        with self._lock:
            found = self._values.get(key)
            if found is None:
                self._values[key] = value
                return value, True
        return found, False


class StreamReader(ABC, Generic[SourceT]):
    """One stream of a source. `source` is what the connector hands every reader (its
    HTTP client, config and owner); readers hold no state of their own across runs."""

    stream: ClassVar[Stream]

    def __init__(self, source: SourceT) -> None:
        self.source = source

    @abstractmethod
    def fetch(self, window: Window, run: RunContext) -> Iterator[Item]:
        """The stream's items updated in the window, page by page."""

    def merge(self, stored: Item, fresh: Item) -> Item:
        """What to store for an item of a `partial` stream already in the ledger."""
        return fresh
