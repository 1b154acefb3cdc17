"""Connectors: one module per source, all yielding the same `Item`.

This package imports nothing from `collector` or `rules`.
"""

from connectors.base import Connector, RequestStats, Runtime, SourceConfig, Stream
from connectors.errors import (
    AuthError,
    ConfigProblem,
    ConnectorError,
    NotFound,
    RateLimited,
    SourceUnavailable,
)
from connectors.item import Item

__all__ = [
    "AuthError",
    "ConfigProblem",
    "Connector",
    "ConnectorError",
    "Item",
    "NotFound",
    "RateLimited",
    "RequestStats",
    "Runtime",
    "SourceConfig",
    "SourceUnavailable",
    "Stream",
]
