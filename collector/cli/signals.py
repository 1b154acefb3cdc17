"""SIGTERM / SIGINT as a request to stop cleanly.

The first signal sets a `threading.Event` that the pipeline checks between items: the
batch in hand is abandoned (its transaction never began) and the cursor stays where the
stored data ends, so the next run fetches the rest. A second signal means "now": the
default action takes over and the process ends at once — still safe, since every batch
is one transaction and the next run's lock marks the dead run `interrupted`.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

log = logging.getLogger("growthmap.daemon")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextmanager
def stop_on_signals(stop: threading.Event | None = None) -> Iterator[threading.Event]:
    """Inside: SIGTERM/SIGINT set the yielded event (a second one ends the process).
    Outside the main thread (signals cannot be caught there) it only yields the event."""
    event = stop or threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield event
        return
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}

    def handle(signum: int, _frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if event.is_set():
            for sig in STOP_SIGNALS:
                signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        event.set()
        log.warning("%s received: stopping after the current item (again to stop at once)", name)

    for sig in STOP_SIGNALS:
        signal.signal(sig, handle)
    try:
        yield event
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
