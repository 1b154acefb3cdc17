"""One `requests.Session` per source: the retry policy, request counting, timeouts and
credential hygiene in one place, for growthmap's own calls and the SDKs' alike.

python-gitlab takes the session as it is (`gitlab.Gitlab(session=...)`) and sends every
request through `Session.request`, so its REST paging gets the same policy; GitHub's and
Jira's calls go through it directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from connectors.errors import Unreachable
from connectors.http.policy import ApiRules, Limits, RetryPolicy, Verdict
from connectors.http.secrets import Secrets
from connectors.http.stats import RequestStats, Runtime

# Headers that carry a credential besides `Authorization` (which requests already drops
# when a redirect leads to another host): GitLab's token headers.
CREDENTIAL_HEADERS = ("PRIVATE-TOKEN", "JOB-TOKEN", "Private-Token")


class CountingAdapter(HTTPAdapter):
    """Counts every request sent on the wire (each retry and redirect is one)."""

    def __init__(self, stats: RequestStats, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stats = stats

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        self.stats.count(requests=1)
        return super().send(request, *args, **kwargs)


class SourceSession(requests.Session):
    """Every request made through it runs under the source's `RetryPolicy`.

    urllib3's own retries stay off (`max_retries=0`): one attempt per send, so every
    attempt is counted and every wait goes through the policy.
    """

    def __init__(
        self,
        *,
        where: str,
        base_url: str,
        api: ApiRules,
        limits: Limits,
        runtime: Runtime,
        stats: RequestStats,
        timeout: float,
        secrets: Secrets,
        pool_size: int = 10,
    ) -> None:
        super().__init__()
        self.policy = RetryPolicy(where, base_url, api, limits, runtime, stats, timeout)
        self.timeout = timeout
        self.secrets = secrets
        # Until the server has answered once, requests go one at a time: when it cannot be
        # reached at all, the streams of a source running at once learn it from one
        # request's retries instead of each trying on its own.
        self._first_answer = threading.Lock()
        self._answered = False
        self._down: Unreachable | None = None
        adapter = CountingAdapter(stats, pool_connections=pool_size, pool_maxsize=pool_size)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(  # type: ignore[override]
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)  # python-gitlab and jira set none by default
        send = super().request

        def attempt() -> requests.Response:
            return send(method, url, *args, **kwargs)

        return self._guarded(lambda: self.policy.run(attempt, url=url))

    def call(
        self,
        method: str,
        url: str,
        build: Callable[[], Mapping[str, Any]],
        *,
        what: str,
        on_retry: Callable[[Verdict], None] | None = None,
    ) -> requests.Response:
        """A request whose keyword arguments are rebuilt for each attempt by `build` (after
        `on_retry` has seen why the last one failed): GitHub shrinks a GraphQL page so."""
        send = super().request

        def attempt() -> requests.Response:
            return send(method, url, **{"timeout": self.timeout, **build()})

        return self._guarded(
            lambda: self.policy.run(attempt, url=url, what=what, on_retry=on_retry)
        )

    def _guarded(self, run: Callable[[], requests.Response]) -> requests.Response:
        if self._answered:
            return run()
        with self._first_answer:
            if self._down is not None:
                raise Unreachable(str(self._down))
            if self._answered:
                return run()
            try:
                response = run()
            except Unreachable as down:
                self._down = down
                raise
            self._answered = True
            return response

    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        """requests drops `Authorization` on a redirect to another host; drop the other
        credential headers too."""
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]
        old, new = response.request.url, prepared_request.url
        if self.should_strip_auth(old, new):  # type: ignore[no-untyped-call]
            for name in CREDENTIAL_HEADERS:
                prepared_request.headers.pop(name, None)


def quoted(text: str | None, secrets: Secrets, limit: int = 300) -> str:
    """Upstream text fit to quote in a message: a server or proxy may echo the request's
    headers in an error body, so every form of the credential is masked; and cut short."""
    cleaned = secrets.mask(" ".join((text or "").split()))
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def joined(parts: Iterable[str], secrets: Secrets) -> str:
    return "; ".join(quoted(p, secrets) for p in parts if p and p.strip())
