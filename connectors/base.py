"""The connector contract: config section, streams and `fetch`, on the one HTTP layer."""

from __future__ import annotations

import re
from abc import ABC
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator
from requests.exceptions import RequestException
from requests.models import PreparedRequest

from connectors.errors import ConfigProblem
from connectors.http import ApiRules, Limits, RequestStats, Runtime, Secrets, SourceSession
from connectors.item import Item
from connectors.streams import RunContext, Stream, StreamReader, Window

__all__ = [
    "Connector",
    "RequestStats",
    "RunContext",
    "Runtime",
    "SourceConfig",
    "Stream",
    "StreamReader",
    "Window",
]


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


class Connector(ABC):
    """A source of Items for one run. Owns no state across runs: the cursor comes in as
    `since`, and the connector is built anew for every run.

    A connector declares its streams as `readers` (`StreamReader` classes) and hands each
    the object `reader_source()` returns (its HTTP client, config, owner). `fetch` yields
    a stream's Items lazily, page by page, for items updated in [since, until) (until
    None means up to now). It never swallows an error silently: a page it cannot read
    raises a `ConnectorError`. `stats` counts every HTTP request made.
    `parallel_streams` bounds how many of this source's streams the pipeline runs at once.
    """

    type_name: ClassVar[str]
    config_model: ClassVar[type[SourceConfig]]
    readers: ClassVar[Sequence[type[StreamReader[Any]]]] = ()
    all_streams: ClassVar[Sequence[Stream]] = ()
    parallel_streams: ClassVar[int] = 1

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.readers and "all_streams" not in cls.__dict__:
            cls.all_streams = tuple(reader.stream for reader in cls.readers)

    def __init__(self, config: SourceConfig, token: str, runtime: Runtime | None = None) -> None:
        if not isinstance(config, self.config_model):
            raise TypeError(f"{type(self).__name__} needs a {self.config_model.__name__}")
        self.config = config
        self.runtime = runtime or Runtime()
        self.stats = RequestStats()
        self.run = RunContext()
        self._token = token
        self._readers: dict[str, StreamReader[Any]] = {}
        self._now: datetime | None = None

    @property
    def name(self) -> str:
        return self.config.name

    def streams(self) -> list[Stream]:
        """The streams this source collects: `streams = [...]` in config, else the defaults."""
        chosen = self.config.streams
        if chosen is None:
            return [s for s in self.all_streams if s.default_enabled]
        return [s for s in self.all_streams if s.name in chosen]

    def fetch(self, stream: str, since: datetime, until: datetime | None = None) -> Iterator[Item]:
        """Yield the stream's Items updated in the window, page by page."""
        reader = self.reader(stream)
        window = Window(since.astimezone(UTC), (until or self.run_now()).astimezone(UTC))
        if window.empty:
            return iter(())
        return reader.fetch(window, self.run)

    def run_now(self) -> datetime:
        """ "Now" for this run, taken once: every stream fetched up to now ends its window
        at the same moment, so a stream reusing another's results finds them covering its
        own window exactly (no gap of a few seconds to fetch again)."""
        if self._now is None:
            self._now = self.runtime.now()
        return self._now

    def reader(self, stream: str) -> StreamReader[Any]:
        """The stream's reader, built once per connector (one run)."""
        if stream not in self._readers:
            found = next((r for r in self.readers if r.stream.name == stream), None)
            if found is None:
                known = ", ".join(s.name for s in self.all_streams)
                raise ConfigProblem(
                    f"source {self.name!r}: {self.type_name} has no stream {stream!r}",
                    hint=f"streams are {known}",
                )
            self._readers[stream] = found(self.reader_source())
        return self._readers[stream]

    def reader_source(self) -> Any:
        """What every stream reader is handed: the connector's client, config and owner."""
        raise NotImplementedError(f"{type(self).__name__} declares no stream readers")

    def open_session(self, api: ApiRules, *, users: Sequence[str] = ()) -> SourceSession:
        """The source's one HTTP session, under its configured limits; `users` are the
        names a credential may be paired with (Basic auth), so no form of it is quoted."""
        config = self.config
        return SourceSession(
            where=f"{api.name} source {config.name!r}",
            base_url=config.base_url,
            api=api,
            limits=Limits(config.max_retries, config.max_rate_limit_wait),
            runtime=self.runtime,
            stats=self.stats,
            timeout=config.timeout,
            secrets=Secrets.of(self._token, users),
        )

    def check(self) -> str:
        """Verify credentials with one cheap request; return who the token belongs to."""
        raise NotImplementedError

    def merge(self, stream: str, stored: Item, fresh: Item) -> Item:
        """What to store for an item of a `partial` stream already in the ledger."""
        return self.reader(stream).merge(stored, fresh)

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release HTTP sessions."""

    def __repr__(self) -> str:
        # The token is deliberately absent.
        return f"<{type(self).__name__} {self.name!r}>"
