"""`growthmap collect` as a function: lock, build connectors, run the pipeline."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from collector.config import Settings
from collector.ledger import Ledger
from collector.lock import collect_lock
from collector.pipeline import CollectOptions, Collector, ItemsHook, Progress, RunReport
from collector.progress import draft_weeks
from collector.redact import Redactor
from collector.sources import build_connector
from collector.suggest import load_ruleset, suggestions_hook
from connectors.base import Connector, Runtime, SourceConfig


def stoppable_sleep(stop: threading.Event, seconds: float) -> None:
    """A connector's wait (a retry's backoff, a rate limit's reset) that a stop ends at once:
    SIGTERM must not wait out a 15-minute rate limit."""
    if stop.wait(seconds):
        raise KeyboardInterrupt


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
        redactor=Redactor.from_env([s.token_env for s in settings.sources], env),
        stop=stop,
    )
    if options.dry_run:
        return collector.run()
    with collect_lock(ledger, wait):
        report = collector.run()
        if report.changed_moments:
            report.drafted_weeks = draft_weeks(ledger, settings, report.changed_moments, clock())
    return report
