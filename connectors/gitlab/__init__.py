"""GitLab (gitlab.com or self-managed): the owner's merge requests, the reviews they gave,
the design documents they changed, who they paired with and, on request, the issues they
closed. Items mirror
the GitHub connector's shapes, with `extra.platform = "gitlab"`.

GraphQL where it has the data (the owner's MRs with diff stats, approvers and labels in
pages of 100; the reviewed MRs with their notes, several projects per request), REST
where it does not (the owner's events, `compare` for pushes, issues, MRs' diffs for
design documents), and REST for everything on an instance whose GraphQL API cannot
serve the collection (disabled, too old, or refusing the token's scope).
"""

from __future__ import annotations

from typing import Any, ClassVar

from connectors.base import Connector, Runtime, SourceConfig
from connectors.gitlab.api import GITLAB_API
from connectors.gitlab.config import GitLabConfig
from connectors.gitlab.design_docs import DesignDocs
from connectors.gitlab.merge_requests import Issues, MergeRequests
from connectors.gitlab.pairing import Pairing
from connectors.gitlab.reviews import Reviews
from connectors.gitlab.source import GitLabSource

__all__ = ["GitLabConfig", "GitLabConnector"]


class GitLabConnector(Connector):
    type_name: ClassVar[str] = "gitlab"
    config_model: ClassVar[type[SourceConfig]] = GitLabConfig
    readers = (MergeRequests, Reviews, DesignDocs, Pairing, Issues)
    # merge_requests and issues at once; reviews and design_docs after merge_requests,
    # pairing after merge_requests and reviews.
    parallel_streams: ClassVar[int] = 2

    def __init__(self, config: SourceConfig, token: str, runtime: Runtime | None = None) -> None:
        super().__init__(config, token, runtime)
        assert isinstance(config, GitLabConfig)
        pairing = any(s.name == "pairing" for s in self.streams())
        session = self.open_session(GITLAB_API)
        self._source = GitLabSource.open(config, token, session, pairing=pairing)

    def reader_source(self) -> Any:
        return self._source

    def check(self) -> str:
        return self._source.rest.owner().username

    def close(self) -> None:
        self._source.rest.close()
