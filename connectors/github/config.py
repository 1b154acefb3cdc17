"""The `[[sources]]` section of a GitHub source, and the allow-list and design-doc
matching it does (globs in the language of `pathglob`)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator

import pathglob
from connectors.base import SourceConfig
from connectors.globs import DEFAULT_DESIGN_DOC_PATHS, DesignDocPaths, OwnerNames, RepositoryNames

STREAM_NAMES = ("pull_requests", "reviews", "design_docs", "pairing", "issues")


class GitHubConfig(SourceConfig):
    """A GitHub (github.com or Enterprise Server) source.

    `base_url` is the REST root: `https://api.github.com`, or `https://HOST/api/v3` on
    Enterprise Server (GraphQL then lives at `https://HOST/api/graphql`).
    """

    type: Literal["github"]
    base_url: str = "https://api.github.com"
    token_env: str = Field(default="GITHUB_TOKEN", min_length=1)
    login: str | None = Field(
        default=None, description="whose work to collect; default: the token's own user"
    )
    repos: RepositoryNames = Field(default_factory=list, description="owner/name globs")
    orgs: OwnerNames = Field(default_factory=list, description="allow-list of owner globs")
    design_doc_paths: DesignDocPaths = Field(default_factory=lambda: [*DEFAULT_DESIGN_DOC_PATHS])
    lag_minutes: int = Field(default=10, ge=0, le=24 * 60)
    page_size: int = Field(default=100, ge=1, le=100)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must start with https:// (or http://) and name a host")
        return value.rstrip("/")

    @field_validator("streams")
    @classmethod
    def _known_streams(cls, value: list[str] | None) -> list[str] | None:
        unknown = sorted(set(value or ()) - set(STREAM_NAMES))
        if unknown:
            raise ValueError(f"unknown stream(s) {unknown}; choose from {list(STREAM_NAMES)}")
        return value

    @property
    def lag(self) -> timedelta:
        return timedelta(minutes=self.lag_minutes)

    def repo_allowed(self, name_with_owner: str) -> bool:
        """Whether a repository passes the `repos` and `orgs` allow-lists (empty = all)."""
        owner = name_with_owner.split("/", 1)[0]
        if self.orgs and not pathglob.names(self.orgs).matches(owner):
            return False
        return not self.repos or pathglob.names(self.repos).matches(name_with_owner)

    def is_design_doc(self, path: str) -> bool:
        return pathglob.paths(self.design_doc_paths).matches(path)
