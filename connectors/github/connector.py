"""The GitHub connector: PRs authored, reviews given, design docs, pairing, and (opt-in)
issues closed."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from connectors.base import Connector, Runtime, Stream
from connectors.github.classify import GITHUB
from connectors.github.config import GitHubConfig
from connectors.github.source import GitHubSource
from connectors.github.streams import DesignDocs, Issues, Pairing, PullRequests, Reviews
from connectors.github.transport import GitHubTransport


class GitHubConnector(Connector):
    """Collects one engineer's GitHub work on the source's one HTTP session (retries and
    rate limits are the session's; GitHub's classifier is in `classify`). Each stream is
    a reader in `streams`; design_docs reuses what pull_requests read in the same run."""

    type_name = "github"
    config_model = GitHubConfig
    readers = (PullRequests, Reviews, DesignDocs, Pairing, Issues)
    # GitHub asks integrators not to send many requests at once (secondary limits weigh
    # concurrency); a source's streams run three at a time at most, a small bound.
    parallel_streams: ClassVar[int] = 3

    def __init__(self, config: GitHubConfig, token: str, runtime: Runtime | None = None) -> None:
        super().__init__(config, token, runtime)
        self.config: GitHubConfig = config
        self._transport = GitHubTransport(config, self.open_session(GITHUB), token)
        pairing = any(s.name == "pairing" for s in self.streams())
        self._source = GitHubSource(self.name, config, self._transport, pairing=pairing)

    def streams(self) -> list[Stream]:
        # Every stream reads GitHub's search index (or contributions), which lags writes.
        return [replace(s, lag=self.config.lag) for s in super().streams()]

    def reader_source(self) -> GitHubSource:
        return self._source

    def check(self) -> str:
        """One request: the token's own login (it must work even when `login` is set)."""
        return self._source.check()

    def close(self) -> None:
        self._transport.close()
