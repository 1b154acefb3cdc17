"""SIGTERM / SIGINT become a stop request; the previous handlers come back afterwards."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from collector.cli.signals import stop_on_signals


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_first_signal_sets_the_stop_event_and_the_process_lives_on(signum: int) -> None:
    before = signal.getsignal(signum)
    with stop_on_signals() as stop:
        assert not stop.is_set()
        os.kill(os.getpid(), signum)
        assert stop.wait(5)
    assert signal.getsignal(signum) == before


def test_outside_the_main_thread_it_only_hands_out_the_event() -> None:
    seen: list[bool] = []

    def worker() -> None:
        with stop_on_signals() as stop:
            seen.append(stop.is_set())

    before = signal.getsignal(signal.SIGTERM)
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(5)
    assert seen == [False] and signal.getsignal(signal.SIGTERM) == before
