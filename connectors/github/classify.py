"""What only GitHub does, for the one retry policy of `connectors.http`.

- Primary rate limit: 403/429 with `x-ratelimit-remaining: 0`; wait until `x-ratelimit-reset`.
- Secondary limits: 403/429 with `retry-after`, or a "secondary rate limit" message without
  it (then the policy backs off from a minute, doubling, as GitHub asks).
- GraphQL answers its limits with HTTP 200 and `errors[].type == "RATE_LIMITED"`, which no
  status code shows: a primary limit unless it has the secondary form.
- GraphQL 200 with `errors` and `data: null`: the query timed out on GitHub's side; retried
  with a smaller page, as after a 502/504 on a big page.
- REST search answering `incomplete_results: true` (its own timeout): asked again.
- Budgets per GitHub resource (core, search, graphql): one emptied budget never stalls
  requests to another.
Everything else (5xx, Retry-After on 429, bodies cut short) is `classify_common`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from connectors.http import (
    ApiRules,
    Verdict,
    budget_reset,
    classify_common,
    header,
    reset_wait,
    retry_after,
)

_LIMIT_STATUSES = frozenset({403, 429})


def classify(response: requests.Response, now: datetime) -> Verdict:
    status = response.status_code
    if status in _LIMIT_STATUSES:
        limit = _rest_limit(response, now)
        if limit is not None:
            return limit
    if 200 <= status < 300 and "json" in response.headers.get("Content-Type", ""):
        try:
            body = response.json() if response.content else {}
        except ValueError:
            return Verdict(retry=True, reason="a JSON body cut short")
        found = _body_verdict(body, response.headers, now)
        if found is not None:
            return found
        return _budget(response, now)
    return classify_common(response, now)


def bucket(url: str) -> str:
    """The GitHub resource whose budget a request spends (`x-ratelimit-resource` names
    the same ones): GraphQL, search (code search has its own) and core REST."""
    path = urlsplit(url).path
    if path.endswith("/graphql"):
        return "graphql"
    if "/search/code" in path:
        return "code_search"
    return "search" if "/search/" in path else "core"


GITHUB = ApiRules("GitHub", classify, bucket)


def _rest_limit(response: requests.Response, now: datetime) -> Verdict | None:
    headers = response.headers
    message = str(_json(response).get("message") or "").lower()
    emptied = header(headers, "x-ratelimit-remaining") == "0"
    secondary = "secondary rate limit" in message
    asked = retry_after(headers, now)
    if emptied and not secondary:
        wait = asked if asked is not None else reset_wait(header(headers, "x-ratelimit-reset"), now)
        return Verdict(rate_limited=True, wait=wait, reason="primary rate limit")
    if secondary or asked is not None or "rate limit" in message or response.status_code == 429:
        return Verdict(rate_limited=True, wait=asked, reason="secondary rate limit")
    return None  # a plain 403: the caller's to translate (a scope, SSO, a private repo)


def _body_verdict(body: Any, headers: Mapping[str, str], now: datetime) -> Verdict | None:
    if not isinstance(body, dict):
        return None
    if body.get("incomplete_results") is True:
        return Verdict(retry=True, reason="GitHub's search answered with incomplete results")
    errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    if not errors:
        return None
    if any("RATE_LIMIT" in str(e.get("type") or "").upper() for e in errors):
        return _graphql_limit(errors, headers, now)
    if "data" in body and body["data"] is None:
        # GitHub's answer to a query that ran out of time: a smaller page may fit.
        reason = "GraphQL answered without data: " + messages(errors)
        return Verdict(retry=True, reason=reason, smaller_page=True)
    return None


def _graphql_limit(
    errors: list[dict[str, Any]], headers: Mapping[str, str], now: datetime
) -> Verdict:
    asked = retry_after(headers, now)
    text = " ".join(str(e.get("message") or "") + str(e.get("type") or "") for e in errors)
    if asked is not None or "secondary" in text.lower():
        return Verdict(rate_limited=True, wait=asked, reason="GraphQL secondary rate limit")
    wait = reset_wait(header(headers, "x-ratelimit-reset"), now)
    return Verdict(rate_limited=True, wait=wait, reason="GraphQL rate limit")


def _budget(response: requests.Response, now: datetime) -> Verdict:
    """An emptied budget, under the resource GitHub names for it (else the URL's)."""
    named = header(response.headers, "x-ratelimit-resource")
    return Verdict(budget_reset=budget_reset(response.headers, now), budget_bucket=named)


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def messages(errors: list[dict[str, Any]]) -> str:
    return "; ".join(str(e.get("message", "?")) for e in errors)
