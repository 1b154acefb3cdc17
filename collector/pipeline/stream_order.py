"""The order a source's streams run in: a stream after the streams it `needs`, up to the
connector's `parallel_streams` at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from connectors.streams import Stream


def run_streams(streams: Sequence[Stream], workers: int, run: Callable[[Stream], None]) -> None:
    """`run(stream)` once for each stream; a stream starts only when every stream it needs
    (among these) has finished. One worker runs them in this thread, in that order."""
    ordered = _dependency_order(streams)
    if workers <= 1 or len(ordered) <= 1:
        for stream in ordered:
            run(stream)
        return
    pending, done = list(ordered), set[str]()
    names = {s.name for s in ordered}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="stream") as pool:
        running: dict[Future[None], str] = {}
        while pending or running:
            ready = [s for s in pending if all(n in done or n not in names for n in s.needs)]
            for stream in ready[: workers - len(running)]:
                pending.remove(stream)
                running[pool.submit(run, stream)] = stream.name
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                done.add(running.pop(future))
                future.result()


def _dependency_order(streams: Sequence[Stream]) -> list[Stream]:
    """The streams in their declared order, each moved after the streams it needs."""
    names = {s.name for s in streams}
    placed: list[Stream] = []
    remaining = list(streams)
    while remaining:
        placed_names = {s.name for s in placed}
        ready = [s for s in remaining if all(n in placed_names or n not in names for n in s.needs)]
        if not ready:
            cycle = ", ".join(s.name for s in remaining)
            raise ValueError(f"streams {cycle} need each other in a cycle")
        placed.append(ready[0])
        remaining.remove(ready[0])
    return placed
