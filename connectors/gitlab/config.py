"""The `[[sources]]` section of a GitLab source."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from connectors.base import SourceConfig
from connectors.globs import DEFAULT_DESIGN_DOC_PATHS, DesignDocPaths, GroupPaths, ProjectPaths


class GitLabConfig(SourceConfig):
    """gitlab.com or a self-managed GitLab; the token is a personal access token (read_api)."""

    type: Literal["gitlab"]
    base_url: str = Field(
        default="https://gitlab.com",
        pattern=r"^https?://[^\s/]+(/[^\s]*)?$",
        description="the instance's web address, without /api/v4",
    )
    token_env: str = Field(default="GITLAB_TOKEN", min_length=1)
    username: str | None = Field(
        default=None, min_length=1, description="whose work to collect; default: the token's user"
    )
    groups: GroupPaths = Field(
        default_factory=list, description="globs of group paths; empty with projects = all"
    )
    projects: ProjectPaths = Field(
        default_factory=list, description="globs of project paths (group/sub/project)"
    )
    design_doc_paths: DesignDocPaths = Field(default_factory=lambda: [*DEFAULT_DESIGN_DOC_PATHS])
    page_size: int = Field(default=100, ge=1, le=100)
