"""`growthmap collect` as a function: lock, build connectors, run the pipeline, draft the
weeks that changed. `summary` says a run in words, for cron and the log file."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from collector.config import Settings
from collector.core.credentials import Redactor
from collector.ledger import Ledger
from collector.ledger.locks import collect_lock
from collector.ledger.queries import stored_sources
from collector.ledger.runs import cursors
from collector.pipeline import CollectOptions, Collector, ItemsHook, Progress, RunReport
from collector.pipeline.sources import build_connector
from collector.pipeline.suggest import load_ruleset, suggestions_hook
from collector.progress import draft_weeks
from connectors.base import Connector, Runtime, SourceConfig

log = logging.getLogger("growthmap")


def stoppable_sleep(stop: threading.Event, seconds: float) -> None:
    """A connector's wait (a retry's backoff, a rate limit's reset) that a stop ends at once:
    SIGTERM must not wait out a 15-minute rate limit."""
    if stop.wait(seconds):
        raise KeyboardInterrupt


def warn_of_renamed_sources(settings: Settings, ledger: Ledger) -> None:
    """Items are stored under their source's name: a source collected for the first time
    while the ledger holds items of a name the config lost is most likely a rename, which
    would store everything again. Said once, on that first run, with the way back."""
    configured = {s.name for s in settings.sources}
    with ledger.read() as session:
        started = {c.source for c in cursors(session, ledger.owner)}
        orphans = sorted(stored_sources(session, ledger.owner) - configured)
    first_time = sorted(s.name for s in settings.sources if s.enabled and s.name not in started)
    if orphans and first_time:
        log.warning(
            "source %s is collected for the first time, and the ledger holds items of "
            "source %s, which the config no longer names. If that source was renamed, "
            "its items will be stored again under the new name: put the old name back "
            "(the name is part of each item's identity)",
            ", ".join(map(repr, first_time)),
            ", ".join(map(repr, orphans)),
        )


def run_collect(
    settings: Settings,
    ledger: Ledger,
    options: CollectOptions,
    *,
    env: Mapping[str, str],
    progress: Progress,
    wait: float = 0.0,
    runtime: Runtime | None = None,
    on_items: ItemsHook | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    stop: threading.Event | None = None,
) -> RunReport:
    """Collect every selected source into the ledger; the report says what happened."""
    stop = stop or threading.Event()
    runtime = runtime or Runtime(sleep=functools.partial(stoppable_sleep, stop))
    # Rules are validated before any network call: bad rule files exit 2 at once.
    ruleset = load_ruleset(settings)
    on_items = on_items or suggestions_hook(settings, ruleset, ledger.owner, clock)

    def factory(source: SourceConfig) -> Connector:
        return build_connector(source, env, runtime)

    collector = Collector(
        settings=settings,
        ledger=ledger,
        factory=factory,
        options=options,
        progress=progress,
        on_items=on_items,
        clock=clock,
        redactor=Redactor.for_settings(settings, env),
        stop=stop,
    )
    warn_of_renamed_sources(settings, ledger)
    if options.dry_run:
        return collector.run()
    with collect_lock(ledger, wait):
        report = collector.run()
        if report.changed_moments:
            report.drafted_weeks = draft_weeks(ledger, settings, report.changed_moments, clock())
    return report
