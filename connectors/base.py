"""The connector contract: config section, runtime services, streams and `fetch`."""

from __future__ import annotations

import logging
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, ConfigDict, Field, field_validator
from requests.exceptions import RequestException
from requests.models import PreparedRequest

from connectors.item import Item


class SourceConfig(BaseModel):
    """Keys every `[[sources]]` section has. Connectors subclass it with their own keys.

    Subclasses set `type: Literal["..."]`. Unknown keys are errors (a typo must not pass
    silently).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    type: str
    base_url: str
    token_env: str = Field(min_length=1)
    enabled: bool = True
    streams: list[str] | None = None
    # Bounded: TOML takes `inf`, and the socket layer overflows on huge timeouts.
    timeout: float = Field(
        default=30.0, gt=0, le=3600, allow_inf_nan=False, description="seconds per HTTP request"
    )
    max_rate_limit_wait: float = Field(
        default=900.0,
        ge=0,
        le=24 * 3600,
        allow_inf_nan=False,
        description="longest wait for a rate limit reset, in seconds",
    )
    max_retries: int = Field(default=5, ge=0, le=20)
    private: bool = Field(
        default=False,
        description="every item of this source counts as private for `export --redact "
        "private` (a company's own Jira or GitLab, whatever the project settings say)",
    )

    @field_validator("base_url")
    @classmethod
    def _no_credentials(cls, value: str) -> str:
        # A password here would be echoed by every message that names the URL: refuse it.
        if "@" in urlsplit(value.strip()).netloc:
            raise ValueError(
                "must not hold a user name or password; the token goes in the environment "
                "variable named by token_env (change the password if it was shared)"
            )
        return value

    @field_validator("base_url")
    @classmethod
    def _sendable(cls, value: str) -> str:
        problem = _address_problem(value.strip())
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("token_env")
    @classmethod
    def _names_a_variable(cls, value: str) -> str:
        # A token pasted here would be echoed as "$<token> is not set": refuse it, unshown.
        if not _ENV_NAME.fullmatch(value) or _TOKEN_PREFIX.match(value):
            raise ValueError(
                "must name the environment variable that holds the token (such as "
                "GITHUB_TOKEN), not the token itself; if a token was written here, revoke it"
            )
        return value


def _address_problem(url: str) -> str | None:
    """Why the HTTP client could never send a request to `url`, or None: what `config
    check` must refuse so that `collect` does not fail on it with the library's error."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None  # each connector states its schemes; this only checks the address
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        return "the port must be a number from 1 to 65535"
    try:  # requests' own parsing: a bad character, an IDNA name it cannot encode
        PreparedRequest().prepare_url(url, None)
    except RequestException as exc:
        return f"is not an address the HTTP client can use ({exc})"
    host = (parts.hostname or "").rstrip(".")
    labels = host.split(".") if host.isascii() and not parts.netloc.startswith("[") else []
    # urllib3 refuses these only when it connects: an empty or over-long DNS label.
    if any(not 1 <= len(label) <= 63 for label in labels) or len(host) > 253:
        return "the host name has an empty part or one longer than 63 characters"
    return None


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOKEN_PREFIX = re.compile(r"gh[pousr]_|github_pat_|glpat-|ATATT|xox[abpr]-")


@dataclass(frozen=True, slots=True)
class Stream:
    """One incremental feed of a source, with its own cursor.

    `lag` is how far behind writes the API's index may be: the stored cursor never
    passes the run's start minus `lag`. `partial` streams yield items that show only what
    the fetch window saw (a document's changes in the window): the pipeline hands each to
    `Connector.merge` with the stored one instead of replacing it.
    """

    name: str
    kind: str
    lag: timedelta = timedelta(0)
    default_enabled: bool = True
    partial: bool = False


@dataclass
class RequestStats:
    """HTTP requests a connector made (every attempt counts) and retries among them."""

    requests: int = 0
    retries: int = 0
    rate_limit_waits: int = 0
    waited_seconds: float = 0.0

    def snapshot(self) -> RequestStats:
        return RequestStats(self.requests, self.retries, self.rate_limit_waits, self.waited_seconds)

    def since(self, earlier: RequestStats) -> RequestStats:
        return RequestStats(
            self.requests - earlier.requests,
            self.retries - earlier.retries,
            self.rate_limit_waits - earlier.rate_limit_waits,
            self.waited_seconds - earlier.waited_seconds,
        )


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Runtime:
    """Services a connector uses instead of reaching for globals, so tests can inject them."""

    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = _utcnow
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("growthmap"))


class Connector(ABC):
    """A source of Items. Owns no state: the cursor comes in as `since`.

    `fetch` yields Items lazily, page by page, for items updated in [since, until)
    (until None means up to now). It never swallows an error silently: a page it
    cannot read raises a `ConnectorError`. `stats` counts every HTTP request made.
    """

    type_name: ClassVar[str]
    config_model: ClassVar[type[SourceConfig]]
    all_streams: ClassVar[Sequence[Stream]]

    def __init__(self, config: SourceConfig, token: str, runtime: Runtime | None = None) -> None:
        self.config = config
        self.runtime = runtime or Runtime()
        self.stats = RequestStats()
        self._token = token

    @property
    def name(self) -> str:
        return self.config.name

    def streams(self) -> list[Stream]:
        """The streams this source collects: `streams = [...]` in config, else the defaults."""
        chosen = self.config.streams
        if chosen is None:
            return [s for s in self.all_streams if s.default_enabled]
        return [s for s in self.all_streams if s.name in chosen]

    @abstractmethod
    def fetch(self, stream: str, since: datetime, until: datetime | None = None) -> Iterator[Item]:
        """Yield the stream's Items updated in the window, page by page."""

    def check(self) -> str:
        """Verify credentials with one cheap request; return who the token belongs to."""
        raise NotImplementedError

    def merge(self, stream: str, stored: Item, fresh: Item) -> Item:
        """What to store for an item of a `partial` stream already in the ledger."""
        return fresh

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release HTTP sessions."""

    def __repr__(self) -> str:
        # The token is deliberately absent.
        return f"<{type(self).__name__} {self.name!r}>"


def count_requests(session: requests.Session, stats: RequestStats) -> None:
    """Count every HTTP attempt made through `session`, retries included.

    urllib3 retries happen inside the adapter, below requests' hooks, so the count is
    taken where urllib3 opens each connection attempt.
    """
    for adapter in session.adapters.values():
        _instrument_adapter(adapter, stats)


def _instrument_adapter(adapter: Any, stats: RequestStats) -> None:
    if getattr(adapter, "_growthmap_counted", False):
        return
    original_get_connection = adapter.get_connection_with_tls_context

    def get_connection_with_tls_context(*args: Any, **kwargs: Any) -> Any:
        pool = original_get_connection(*args, **kwargs)
        _instrument_pool(pool, stats)
        return pool

    adapter.get_connection_with_tls_context = get_connection_with_tls_context
    adapter._growthmap_counted = True


_COUNT_LOCK = threading.Lock()


def _instrument_pool(pool: Any, stats: RequestStats) -> None:
    if getattr(pool, "_growthmap_counted", False):
        return
    original = pool._make_request

    def _make_request(*args: Any, **kwargs: Any) -> Any:
        with _COUNT_LOCK:  # a connector may have several requests in flight (threads)
            stats.requests += 1
        return original(*args, **kwargs)

    pool._make_request = _make_request
    pool._growthmap_counted = True
