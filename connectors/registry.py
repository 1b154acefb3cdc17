"""Source types by name, from the `growthmap.connectors` entry-point group.

growthmap declares its own three in pyproject.toml; a connector plugin (an in-house
system, a test double) is any installed distribution that declares more in the same
group, `TYPE = "module:Class"`, and is found through `importlib.metadata` like them.

A type's module is imported only when a config names the type, so one SDK's import cost
is paid only when used, and a plugin that fails to import breaks nothing but the sources
of its own type: `connector_class` raises `PluginFailed`, naming the entry point and
the error. The built-in types win over a plugin that reuses their names.
"""

from __future__ import annotations

import importlib
from importlib.metadata import EntryPoint, entry_points

from connectors.base import Connector

GROUP = "growthmap.connectors"
_OWN_DISTRIBUTION = "growthmap"

# Types added in this process (`register`), e.g. a test double; they win over entry points.
_REGISTERED: dict[str, str] = {}


class PluginFailed(Exception):
    """A source type's entry point cannot be loaded, or is not a Connector class."""

    def __init__(self, entry: EntryPoint, reason: str) -> None:
        self.type_name = entry.name
        origin = f", from {entry.dist.name}" if entry.dist is not None else ""
        super().__init__(
            f"the connector plugin for type {entry.name!r} (entry point "
            f"{entry.name} = {entry.value} in {GROUP}{origin}) cannot be used: {reason}"
        )


def register(type_name: str, target: str) -> None:
    """Add a source type ("module:Class") to this process, e.g. a test double."""
    _REGISTERED[type_name] = target


def _entry_points() -> dict[str, EntryPoint]:
    """Each type's entry point: growthmap's own first, then the first plugin on sys.path.
    Not cached: reading the metadata takes milliseconds, and sys.path may change."""
    found: dict[str, EntryPoint] = {}
    for entry in entry_points(group=GROUP):
        own = entry.dist is not None and entry.dist.name == _OWN_DISTRIBUTION
        if entry.name not in found or own:
            found[entry.name] = entry
    return found


def source_types() -> list[str]:
    return sorted({*_entry_points(), *_REGISTERED})


def connector_class(type_name: str) -> type[Connector]:
    """The connector class for a source type; KeyError for an unknown type, PluginFailed
    for one whose plugin cannot be loaded."""
    if type_name in _REGISTERED:
        module_name, _, attr = _REGISTERED[type_name].partition(":")
        registered: type[Connector] = getattr(importlib.import_module(module_name), attr)
        return registered
    entry = _entry_points()[type_name]
    try:
        loaded = entry.load()
    except Exception as exc:  # any error of a foreign module: reported, never a traceback
        raise PluginFailed(entry, f"{type(exc).__name__}: {exc}") from exc
    if not (isinstance(loaded, type) and issubclass(loaded, Connector)):
        raise PluginFailed(entry, f"{entry.value} is not a subclass of connectors.base.Connector")
    return loaded
