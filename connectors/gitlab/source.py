"""What every GitLab stream reader is handed: the REST and GraphQL clients on the
source's one session, its config, and the run-scoped project lookups."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from connectors.gitlab.client import GitLabClient, Skipped, instance_url
from connectors.gitlab.config import GitLabConfig
from connectors.gitlab.graphql import GitLabGraphQL
from connectors.gitlab.normalize import Project, project_allowed
from connectors.http import Runtime, SourceSession
from connectors.streams import RunContext

PROJECTS_KEY = "gitlab.projects"


@dataclass
class GitLabSource:
    config: GitLabConfig
    rest: GitLabClient
    graphql: GitLabGraphQL
    pairing: bool = False  # the pairing stream runs: merge_requests reads commits too

    @classmethod
    def open(
        cls, config: GitLabConfig, token: str, session: SourceSession, *, pairing: bool = False
    ) -> GitLabSource:
        rest = GitLabClient(config, token, session)
        url = instance_url(config.base_url) + "/api/graphql"
        graphql = GitLabGraphQL(session, url, {"PRIVATE-TOKEN": token})
        return cls(config, rest, graphql, pairing)

    @property
    def runtime(self) -> Runtime:
        return self.rest.session.policy.runtime

    @property
    def where(self) -> str:
        return self.rest.where

    def allowed(self, project_path: str) -> bool:
        return project_allowed(project_path, self.config.groups, self.config.projects)

    def projects(self, run: RunContext) -> Projects:
        """The run's project lookups, shared by every stream (each project read once)."""
        found, _ = run.setdefault(PROJECTS_KEY, Projects(self))
        return found

    def warn_skip(self, what: str, skip: Skipped) -> None:
        self.runtime.logger.warning(
            "%s: skipping %s, which the token cannot read (%s)", self.where, what, skip
        )


class Projects:
    """Project metadata (path, web address, visibility, default branch) over REST, read
    once per project per run; None with a warning when the token cannot read one."""

    def __init__(self, source: GitLabSource) -> None:
        self.source = source
        self._found: dict[int, Mapping[str, Any] | None] = {}
        self._lock = threading.Lock()

    def raw(self, project_id: int) -> Mapping[str, Any] | None:
        with self._lock:
            if project_id not in self._found:
                self._found[project_id] = self._read(project_id)
            return self._found[project_id]

    def known(self, rows: Mapping[int, Mapping[str, Any]], *, missing: Sequence[int]) -> None:
        """Projects read another way (GraphQL, many at once); `missing` ones the token
        cannot read: each said once, as a REST lookup's 404 would be."""
        with self._lock:
            for project_id, row in rows.items():
                self._found.setdefault(project_id, row)
            unseen = [p for p in missing if p not in self._found]
            self._found.update(dict.fromkeys(unseen))
        for project_id in unseen:
            self.source.warn_skip(f"project {project_id}", Skipped("not found over GraphQL"))

    def _read(self, project_id: int) -> Mapping[str, Any] | None:
        try:
            return self.source.rest.get(f"/projects/{project_id}", what=f"project {project_id}")
        except Skipped as skip:
            self.source.warn_skip(f"project {project_id}", skip)
            return None

    def of(self, project_id: Any, reference: str | None = None) -> Project:
        """Where an MR or issue lives: its path from `references.full` (else the project's
        own), never from the shape of a URL; web address and visibility from the project."""
        found = self.raw(int(project_id)) if project_id is not None else None
        found = found or {}
        path = reference or str(found.get("path_with_namespace") or project_id)
        web = found.get("web_url")
        visibility = found.get("visibility")
        return Project(
            path=path,
            web_url=str(web) if web else None,
            visibility=str(visibility) if isinstance(visibility, str) else None,
        )
