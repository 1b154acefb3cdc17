"""What GitLab adds to the one HTTP layer: its classifier.

REST needs nothing of its own: `classify_common` already reads GitLab's 429 (`Retry-After`
or `RateLimit-Reset` in epoch seconds), its 5xx, bodies cut short and
`RateLimit-Remaining: 0`. GraphQL adds one case. A query GitLab refuses as too complex
comes back as HTTP 200 with an error ("Query has complexity of 300, which exceeds max
complexity of 250"), and a query that timed out as 503: both are asked again at once
with a smaller page (`Verdict.smaller_page`), which the caller shrinks in `on_retry`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

import requests

from connectors.http import ApiRules, Verdict, classify_common

GRAPHQL_PATH = "/api/graphql"
TOO_COMPLEX = re.compile(r"exceeds max complexity", re.IGNORECASE)
# Server-side timeouts of a heavy GraphQL query; a smaller page is the documented advice.
TIMED_OUT = frozenset({502, 503, 504})


def classify(response: requests.Response, now: datetime) -> Verdict:
    verdict = classify_common(response, now)
    if not is_graphql(response):
        return verdict
    if response.status_code in TIMED_OUT:
        return replace(verdict, smaller_page=True)
    if response.status_code == 200 and not verdict.again and too_complex(response):
        return replace(
            verdict, retry=True, wait=0.0, smaller_page=True, reason="a GraphQL query too complex"
        )
    return verdict


def is_graphql(response: requests.Response) -> bool:
    return urlsplit(response.url or "").path.endswith(GRAPHQL_PATH)


def too_complex(response: requests.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    errors = body.get("errors") if isinstance(body, dict) else None
    return any(
        isinstance(e, dict) and TOO_COMPLEX.search(str(e.get("message", ""))) for e in errors or ()
    )


GITLAB_API = ApiRules("GitLab", classify)
