"""Source types by name. Modules load lazily so one SDK's import cost is paid only when used."""

from __future__ import annotations

import importlib

from connectors.base import Connector

_TYPES: dict[str, str] = {
    "github": "connectors.github:GitHubConnector",
    "gitlab": "connectors.gitlab:GitLabConnector",
    "jira": "connectors.jira:JiraConnector",
}


def register(type_name: str, target: str) -> None:
    """Add a source type ("module:Class"), e.g. an in-house connector or a test double."""
    _TYPES[type_name] = target


def source_types() -> list[str]:
    return sorted(_TYPES)


def connector_class(type_name: str) -> type[Connector]:
    """The connector class for a source type; KeyError for an unknown type."""
    module_name, _, attr = _TYPES[type_name].partition(":")
    cls: type[Connector] = getattr(importlib.import_module(module_name), attr)
    return cls
