"""Per-MR REST requests in flight together: REST has no batched form of an MR's diffs,
approvals or notes, so with a real API's round trip (50-200 ms) a run of a thousand MRs
would spend minutes waiting one request at a time. (GraphQL batches what it can.)"""

from __future__ import annotations

import contextvars
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

WORKERS = 8  # below requests' connection pool (10), gentle on GitLab's rate limits


def ordered_map(
    fetch: Callable[[T], R], rows: Iterable[T], workers: int | None = None
) -> Iterator[tuple[T, R]]:
    """(row, fetch(row)) in the order of `rows`, with up to `workers` fetches running.

    An exception from `fetch` is raised here, at its row's turn, after the rows before it.
    Rows are read ahead lazily, never more than `2 * workers` at once (bounded memory).
    Each fetch runs in a copy of the caller's context, so its requests count for the
    caller's stream.
    """
    workers = WORKERS if workers is None else workers
    if workers <= 1:
        for row in rows:
            yield row, fetch(row)
        return
    pending: deque[tuple[T, Future[R]]] = deque()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gitlab") as pool:
        try:
            for row in rows:
                context = contextvars.copy_context()
                pending.append((row, pool.submit(context.run, fetch, row)))
                if len(pending) >= 2 * workers:
                    first, future = pending.popleft()
                    yield first, future.result()
            while pending:
                first, future = pending.popleft()
                yield first, future.result()
        finally:
            for _, future in pending:  # stopped early or failed: drop what was not started
                future.cancel()
