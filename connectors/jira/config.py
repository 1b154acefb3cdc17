"""The `[[sources]]` section of a Jira source."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from connectors.base import SourceConfig

_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)


class JiraFields(BaseModel):
    """Custom fields by name ("Story Points") or id ("customfield_10016").

    Unset ones are looked up by name from `/field`; a field the site lacks is skipped.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    story_points: str | None = Field(default=None, min_length=1)
    sprint: str | None = Field(default=None, min_length=1)
    epic_link: str | None = Field(default=None, min_length=1)


class JiraConfig(SourceConfig):
    """A Jira Cloud site or a Jira Server / Data Center instance."""

    type: Literal["jira"]
    base_url: str = Field(description="https://SITE.atlassian.net or the Data Center URL")
    token_env: str = Field(default="JIRA_TOKEN", min_length=1)
    email: str | None = Field(
        default=None, min_length=3, description="the account's email; required for Jira Cloud"
    )
    deployment: Literal["cloud", "server"] | None = Field(
        default=None, description="detected from serverInfo when unset"
    )
    who: Literal["assignee", "assignee_was"] = "assignee"
    jql: str | None = Field(default=None, description="extra JQL clause that narrows the search")
    fields: JiraFields = JiraFields()
    page_size: int = Field(default=100, ge=1, le=1000)

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http(s) URL such as https://SITE.atlassian.net")
        if parts.query or parts.fragment:
            raise ValueError("must not carry a query or fragment")
        return value.strip().rstrip("/")

    @field_validator("email")
    @classmethod
    def _check_email(cls, value: str | None) -> str | None:
        # The address goes into the Basic auth header, which HTTP carries as Latin-1:
        # anything else could not be sent at all.
        if value is None:
            return None
        value = value.strip()
        if not value.isascii() or any(c.isspace() for c in value):
            raise ValueError(
                "must be the Atlassian account's e-mail address, such as ada@example.com, "
                "in plain ASCII without spaces (it travels in the login header)"
            )
        return value

    @field_validator("jql")
    @classmethod
    def _check_jql(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value:
            raise ValueError("must not be empty (leave it out to search every project)")
        if _ORDER_BY.search(value):
            # The connector orders the results itself so that pages do not shift.
            raise ValueError("must not contain ORDER BY; growthmap sets the order itself")
        return value

    @model_validator(mode="after")
    def _cloud_needs_email(self) -> JiraConfig:
        if self.deployment == "cloud" and not self.email:
            raise ValueError(
                "email is required for Jira Cloud (API tokens authenticate with email + token)"
            )
        return self
