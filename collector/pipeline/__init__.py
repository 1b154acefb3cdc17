"""The collect loop: sources concurrently, streams in dependency order (some at once),
items in batches.

Invariants kept here (docs/architecture.md, 2, 5, 6 and 8): a stream's cursor advances
only in the transaction that stores its last batch, to the run's start minus the
stream's lag, and only when the fetched window covers everything since the old cursor;
one source failing never stops the others; items stream through in bounded batches; a
`partial` stream's items are merged with their stored versions, never replace them.

Beside the loop: `sources` (a source's connector, with its token), `stream_order` (which
streams run when), `suggest` (the rules engine's glue: rule files loaded, items
evaluated, suggestions reconciled) and `online_check` (`config check --online`).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from collector.config import Settings
from collector.core.credentials import Redactor
from collector.core.errors import ExitCode
from collector.ledger import Ledger
from collector.ledger.items import UpsertResult, item_key, record_items, stored_items
from collector.ledger.runs import (
    StreamRecord,
    get_cursor,
    record_cursor,
    record_run_end,
    record_run_start,
    record_run_stream,
)
from collector.pipeline.sources import MissingToken, select_sources
from collector.pipeline.stream_order import run_streams
from connectors.base import Connector, SourceConfig, Stream
from connectors.errors import AuthError, ConnectorError, Unreachable
from connectors.http import RequestStats, counting_into
from connectors.item import Item

log = logging.getLogger("growthmap.collect")

FULL_HISTORY_START = datetime(2008, 1, 1, tzinfo=UTC)
ALL_STREAMS = "*"
# An item's fields that hold text from the server (its identity stays as it is).
_TEXT = ("url", "title", "body", "repo", "path", "author", "labels", "paths", "extra", "raw")


@dataclass(frozen=True)
class CollectOptions:
    since: datetime | None = None
    until: datetime | None = None
    sources: tuple[str, ...] = ()
    full: bool = False
    dry_run: bool = False
    trigger: str = "cli"


class Progress(Protocol):
    def stream_started(self, source: str, stream: str, since: datetime) -> None: ...
    def items_fetched(self, source: str, stream: str, count: int) -> None: ...
    def stream_finished(self, record: StreamRecord) -> None: ...


class SilentProgress:
    def stream_started(self, source: str, stream: str, since: datetime) -> None:
        pass

    def items_fetched(self, source: str, stream: str, count: int) -> None:
        pass

    def stream_finished(self, record: StreamRecord) -> None:
        pass


# Called inside the write transaction of every batch with the new and changed items;
# returns how many new suggestions it made (the rules engine plugs in here).
ItemsHook = Callable[[Session, list[tuple[int, Item]]], int]
ConnectorFactory = Callable[[SourceConfig], Connector]
# (stored, fresh) -> what to store, for streams whose items show only their window
Merge = Callable[[Item, Item], Item]


@dataclass
class RunReport:
    started_at: datetime
    run_id: int | None = None
    finished_at: datetime | None = None
    records: list[StreamRecord] = field(default_factory=list)
    new_suggestions: int = 0
    interrupted: bool = False
    # occurred_at of every new or changed item: the weeks whose log entry needs drafting
    changed_moments: set[datetime] = field(default_factory=set)
    drafted_weeks: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.interrupted and all(r.status == "ok" for r in self.records)

    @property
    def exit_code(self) -> ExitCode:
        if self.interrupted:
            return ExitCode.INTERRUPTED
        return ExitCode.OK if self.ok else ExitCode.SOURCE_FAILED

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        return "ok" if self.ok else "failed"


@dataclass
class Collector:
    """One collection run over the selected sources."""

    settings: Settings
    ledger: Ledger
    factory: ConnectorFactory
    options: CollectOptions = field(default_factory=CollectOptions)
    progress: Progress = field(default_factory=SilentProgress)
    on_items: ItemsHook | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    redactor: Redactor = field(default_factory=Redactor)
    stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> RunReport:
        sources = select_sources(self.settings.sources, self.options.sources)
        report = RunReport(started_at=self.clock())
        report.run_id = self._start_run(report.started_at)
        with ThreadPoolExecutor(
            max_workers=max(1, len(sources)), thread_name_prefix="collect"
        ) as pool:
            futures = [pool.submit(self._collect_source, s, report) for s in sources]
            try:
                for future in futures:
                    future.result()
            except KeyboardInterrupt:
                self.stop.set()
                report.interrupted = True
                pool.shutdown(wait=True)
        report.finished_at = self.clock()
        self._finish_run(report)
        return report

    def _start_run(self, started_at: datetime) -> int | None:
        if self.options.dry_run:
            return None
        options = {
            "since": self.options.since.isoformat() if self.options.since else None,
            "until": self.options.until.isoformat() if self.options.until else None,
            "sources": list(self.options.sources),
            "full": self.options.full,
        }
        with self.ledger.write() as session:
            return record_run_start(
                session, self.ledger.owner, started_at, options, self.options.trigger
            )

    def _finish_run(self, report: RunReport) -> None:
        if report.run_id is None:
            return
        assert report.finished_at is not None
        with self.ledger.write() as session:
            record_run_end(
                session, report.run_id, report.finished_at, report.status, int(report.exit_code)
            )

    def _collect_source(self, source: SourceConfig, report: RunReport) -> None:
        try:
            connector = self.factory(source)
        except (MissingToken, ConnectorError) as exc:
            status = "skipped" if isinstance(exc, MissingToken) else "failed"
            self._record(report, _failed(source.name, ALL_STREAMS, status, self._message(exc)))
            return
        try:
            self._collect_streams(connector, report)
        finally:
            connector.close()

    def _collect_streams(self, connector: Connector, report: RunReport) -> None:
        fatal: list[str] = []  # set by the first stream that finds the source down

        def run(stream: Stream) -> None:
            if self.stop.is_set():  # streams left out: the run did not complete
                report.interrupted = True
                self._record(report, _failed(connector.name, stream.name, *NOT_RUN))
                return
            if fatal:
                self._record(report, _failed(connector.name, stream.name, "failed", fatal[0]))
                return
            record, source_down = self._collect_stream(connector, stream, report)
            self._record(report, record)
            if source_down and record.error:  # bad credentials or no connection: the rest
                fatal.append(record.error)  # would fail alike

        run_streams(connector.streams(), connector.parallel_streams, run)

    def _collect_stream(
        self, connector: Connector, stream: Stream, report: RunReport
    ) -> tuple[StreamRecord, bool]:
        with self.ledger.read() as session:
            cursor = get_cursor(session, self.ledger.owner, connector.name, stream.name)
        since, new_cursor = self.window(cursor, stream, report.started_at)
        self.progress.stream_started(connector.name, stream.name, since)
        spent, started = RequestStats(), time.monotonic()
        outcome = _StreamOutcome()
        with counting_into(spent):  # this stream's requests, even with others running
            self._fetch_and_store(connector, stream, (since, new_cursor), report, outcome)
        record = StreamRecord(
            source=connector.name,
            stream=stream.name,
            status=outcome.status,
            new=outcome.totals.new,
            updated=outcome.totals.updated,
            unchanged=outcome.totals.unchanged,
            requests=spent.requests,
            retries=spent.retries,
            error=outcome.error or (INTERRUPTED_NOTE if outcome.interrupted else None),
            window_since=since,
            window_until=self.options.until,
            duration_s=round(time.monotonic() - started, 3),
            waited_s=round(spent.waited_seconds, 3),
        )
        return record, outcome.source_down

    def _fetch_and_store(
        self,
        connector: Connector,
        stream: Stream,
        window: tuple[datetime, datetime | None],
        report: RunReport,
        outcome: _StreamOutcome,
    ) -> None:
        since, new_cursor = window
        totals, pending = outcome.totals, outcome.pending
        merge = functools.partial(connector.merge, stream.name) if stream.partial else None
        try:
            items = connector.fetch(stream.name, since, self.options.until)
            for batch in self._batches(items, connector.name, stream.name):
                self._store(pending, totals, report, merge=merge)
                pending[:] = batch
            # The cursor moves in the transaction that stores the stream's last batch.
            cursor_after = (connector.name, stream.name, new_cursor)
            self._store(pending, totals, report, cursor=cursor_after, merge=merge)
            pending.clear()
        except KeyboardInterrupt:  # raised between items once the run is asked to stop
            outcome.interrupted = report.interrupted = True
        except ConnectorError as exc:
            outcome.error = self._message(exc)
            outcome.source_down = isinstance(exc, (AuthError, Unreachable))
        except Exception as exc:  # a bug must not stop the other sources
            log.debug("unexpected error in %s/%s", connector.name, stream.name, exc_info=True)
            outcome.error = self._message(exc, prefix=f"unexpected error ({type(exc).__name__}): ")
        if (outcome.error or outcome.interrupted) and pending:  # keep what was read; the
            self._store(pending, totals, report, merge=merge)  # cursor stays

    def window(
        self, cursor: datetime | None, stream: Stream, run_start: datetime
    ) -> tuple[datetime, datetime | None]:
        """(since, cursor to store on success or None to leave the cursor as it is)."""
        overlap = self.settings.collect.overlap
        if self.options.full:
            since = FULL_HISTORY_START
        elif self.options.since is not None:
            since = self.options.since
        elif cursor is not None:
            since = cursor - overlap
        else:
            since = run_start - timedelta(days=self.settings.collect.first_run_days)
        covers_to_now = self.options.until is None and not self.options.dry_run
        covers_from_cursor = cursor is None or since <= cursor
        if covers_to_now and covers_from_cursor:
            return since, run_start - stream.lag
        return since, None

    def _batches(self, items: Iterable[Item], source: str, stream: str) -> Iterable[list[Item]]:
        size = self.settings.collect.batch_size
        batch: list[Item] = []
        for item in items:
            if item.source != source:
                raise ValueError(f"connector yielded an item of source {item.source!r}")
            batch.append(self._scrubbed(item))
            self.progress.items_fetched(source, stream, 1)
            if len(batch) >= size or self.stop.is_set():
                yield batch
                batch = []
            if self.stop.is_set():  # what was read is stored first (see _collect_stream)
                raise KeyboardInterrupt
        if batch:
            yield batch

    def _store(
        self,
        batch: Sequence[Item],
        totals: UpsertResult,
        report: RunReport,
        cursor: tuple[str, str, datetime | None] | None = None,
        merge: Merge | None = None,
    ) -> None:
        if not batch and (cursor is None or cursor[2] is None):
            return
        now = self.clock()
        if self.options.dry_run:
            with self.ledger.read() as session:
                batch = self._merged(session, batch, merge)
                totals.add(record_items(session, self.ledger.owner, batch, now, dry_run=True))
            return
        with self.ledger.write() as session:
            batch = self._merged(session, batch, merge)
            result = record_items(session, self.ledger.owner, batch, now)
            made = self.on_items(session, result.changed) if self.on_items and result.changed else 0
            if cursor is not None and cursor[2] is not None:
                record_cursor(
                    session, self.ledger.owner, cursor[0], cursor[1], cursor[2], report.run_id, now
                )
        with self._lock:
            report.new_suggestions += made
            report.changed_moments.update(item.occurred_at for _, item in result.changed)
        totals.add(UpsertResult(result.new, result.updated, result.unchanged))

    def _merged(self, session: Session, batch: Sequence[Item], merge: Merge | None) -> list[Item]:
        """A partial stream's items merged with their stored versions, in the transaction
        that stores them."""
        if merge is None or not batch:
            return list(batch)
        stored = stored_items(session, self.ledger.owner, batch)
        return [
            merge(stored[key], item) if (key := item_key(item)) in stored else item
            for item in batch
        ]

    def _record(self, report: RunReport, record: StreamRecord) -> None:
        if report.run_id is not None:
            with self.ledger.write() as session:
                record_run_stream(session, report.run_id, record, self.redactor)
        with self._lock:
            report.records.append(record)
        self.progress.stream_finished(record)

    def _scrubbed(self, item: Item) -> Item:
        """The item with no credential in it: a server that echoes requests may write the
        Authorization header into a page it serves as well as into its errors."""
        if not self.redactor.knows_credentials:
            return item
        text = json.dumps([item.normalized(), item.raw], default=str, ensure_ascii=False)
        if not self.redactor.holds_credential(text):
            return item
        scrub = self.redactor.scrub
        return dataclasses.replace(item, **{name: scrub(getattr(item, name)) for name in _TEXT})

    def _message(self, exc: BaseException, prefix: str = "") -> str:
        text = exc.user_message() if isinstance(exc, ConnectorError) else str(exc)
        return self.redactor(prefix + text)


@dataclass
class _StreamOutcome:
    """How one stream's fetch ended, and what it read but has not stored yet."""

    totals: UpsertResult = field(default_factory=UpsertResult)
    pending: list[Item] = field(default_factory=list)
    error: str | None = None
    source_down: bool = False
    interrupted: bool = False

    @property
    def status(self) -> str:
        return "failed" if self.error else "interrupted" if self.interrupted else "ok"


INTERRUPTED_NOTE = "interrupted: what was read is stored; the next run fetches the rest"
NOT_RUN = ("interrupted", "not run: the run was interrupted first")


def _failed(source: str, stream: str, status: str, message: str) -> StreamRecord:
    return StreamRecord(
        source=source,
        stream=stream,
        status=status,
        new=0,
        updated=0,
        unchanged=0,
        requests=0,
        retries=0,
        error=message,
        window_since=None,
        window_until=None,
        duration_s=0.0,
    )
