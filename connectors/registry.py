"""Source types by name. Modules load lazily so one SDK's import cost is paid only when used.

Plugin hook: the environment variable GROWTHMAP_CONNECTOR_PLUGINS adds source types
without code changes, as comma-separated `type=module:Class` entries (the module must be
importable, e.g. via PYTHONPATH). An in-house connector, or a test double in a
subprocess, registers itself this way.
"""

from __future__ import annotations

import importlib
import os

from connectors.base import Connector

_TYPES: dict[str, str] = {
    "github": "connectors.github:GitHubConnector",
    "gitlab": "connectors.gitlab:GitLabConnector",
    "jira": "connectors.jira:JiraConnector",
}


PLUGINS_ENV = "GROWTHMAP_CONNECTOR_PLUGINS"


def register(type_name: str, target: str) -> None:
    """Add a source type ("module:Class"), e.g. an in-house connector or a test double."""
    _TYPES[type_name] = target


def plugins(value: str | None = None) -> dict[str, str]:
    """The types named in $GROWTHMAP_CONNECTOR_PLUGINS (or `value`); ValueError if malformed."""
    text = os.environ.get(PLUGINS_ENV, "") if value is None else value
    found: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        name, _, target = entry.partition("=")
        module_name, _, attr = target.strip().partition(":")
        if not name.strip() or not module_name or not attr:
            raise ValueError(
                f"{PLUGINS_ENV}: {entry!r} is not TYPE=module:Class "
                "(e.g. acme=acme_src:AcmeConnector)"
            )
        found[name.strip()] = target.strip()
    return found


def _types() -> dict[str, str]:
    return {**_TYPES, **plugins()}


def source_types() -> list[str]:
    return sorted(_types())


def connector_class(type_name: str) -> type[Connector]:
    """The connector class for a source type; KeyError for an unknown type."""
    module_name, _, attr = _types()[type_name].partition(":")
    cls: type[Connector] = getattr(importlib.import_module(module_name), attr)
    return cls
