"""GitLab (gitlab.com or self-managed) on python-gitlab: the owner's merge requests,
the reviews they gave, the design documents they changed and, on request, the issues
they closed. Items mirror the GitHub connector's shapes, with `extra.platform = "gitlab"`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import ClassVar

from connectors.base import Connector, Runtime, SourceConfig, Stream
from connectors.errors import ConfigProblem
from connectors.gitlab.client import GitLabClient
from connectors.gitlab.config import GitLabConfig
from connectors.gitlab.design_docs import fetch_design_docs, merge_design_docs
from connectors.gitlab.merge_requests import fetch_issues, fetch_merge_requests
from connectors.gitlab.reviews import fetch_reviews
from connectors.item import Item

__all__ = ["GitLabConfig", "GitLabConnector"]

Fetcher = Callable[[GitLabClient, datetime, datetime | None], Iterator[Item]]
FETCHERS: dict[str, Fetcher] = {
    "merge_requests": fetch_merge_requests,
    "reviews": fetch_reviews,
    "design_docs": fetch_design_docs,
    "issues": fetch_issues,
}


class GitLabConnector(Connector):
    type_name: ClassVar[str] = "gitlab"
    config_model: ClassVar[type[SourceConfig]] = GitLabConfig
    all_streams: ClassVar[tuple[Stream, ...]] = (
        Stream("merge_requests", "pull_request"),
        Stream("reviews", "review"),
        # A run sees a document's changes in its window only: merged with the stored item.
        Stream("design_docs", "design_doc", partial=True),
        Stream("issues", "ticket", default_enabled=False),
    )

    def __init__(self, config: SourceConfig, token: str, runtime: Runtime | None = None) -> None:
        if not isinstance(config, GitLabConfig):
            raise TypeError("GitLabConnector needs a GitLabConfig")
        super().__init__(config, token, runtime)
        self._client = GitLabClient(config, token, self.runtime, self.stats)

    def fetch(self, stream: str, since: datetime, until: datetime | None = None) -> Iterator[Item]:
        fetcher = FETCHERS.get(stream)
        if fetcher is None:
            raise ConfigProblem(
                f"source {self.name}: GitLab has no stream {stream!r}",
                hint=f"streams are {', '.join(FETCHERS)}",
            )
        return fetcher(self._client, since, until)

    def check(self) -> str:
        return self._client.owner().username

    def merge(self, stream: str, stored: Item, fresh: Item) -> Item:
        return merge_design_docs(stored, fresh) if stream == "design_docs" else fresh

    def close(self) -> None:
        self._client.close()
