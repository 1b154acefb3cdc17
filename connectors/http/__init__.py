"""The one HTTP layer every connector stands on (and nothing else in `connectors`).

- `SourceSession`: one `requests.Session` per source; retries, rate-limit waits, request
  counting, timeouts and credential headers handled the same for every API;
- `ApiRules` / `Verdict`: the small part each API supplies (what is transient, what is
  a rate limit, how long it asks to wait);
- `RequestStats` / `counting_into`: one meaning of requests, retries and waits;
- `follow`: the one paging loop; `Secrets` / `quoted`: no credential quoted back.
"""

from connectors.http.classify import (
    TRANSIENT_STATUSES,
    budget_reset,
    classify_common,
    limit_wait,
)
from connectors.http.paging import MAX_PAGES, follow
from connectors.http.policy import OK, ApiRules, Limits, RetryPolicy, Verdict
from connectors.http.secrets import MASK, Credential, Secrets
from connectors.http.session import SourceSession, joined, quoted
from connectors.http.stats import RequestStats, Runtime, counting_into
from connectors.http.waits import header, reset_wait, retry_after

__all__ = [
    "MASK",
    "MAX_PAGES",
    "OK",
    "TRANSIENT_STATUSES",
    "ApiRules",
    "Credential",
    "Limits",
    "RequestStats",
    "RetryPolicy",
    "Runtime",
    "Secrets",
    "SourceSession",
    "Verdict",
    "budget_reset",
    "classify_common",
    "counting_into",
    "follow",
    "header",
    "joined",
    "limit_wait",
    "quoted",
    "reset_wait",
    "retry_after",
]
