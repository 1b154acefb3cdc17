"""`config check --online`: one cheap authenticated request per source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from collector.core.credentials import Redactor
from collector.pipeline.sources import MissingToken, build_connector
from connectors.base import SourceConfig
from connectors.errors import ConnectorError


@dataclass(frozen=True)
class OnlineCheck:
    source: str
    ok: bool
    message: str


def check_sources(sources: list[SourceConfig], env: Mapping[str, str]) -> list[OnlineCheck]:
    """Whether each enabled source answers with its token (and, for Jira, its JQL)."""
    redact = Redactor.for_sources(sources, env)
    results = []
    for source in (s for s in sources if s.enabled):
        try:
            connector = build_connector(source, env)
        except (MissingToken, ConnectorError) as exc:
            results.append(OnlineCheck(source.name, False, redact(_text(exc))))
            continue
        try:
            who = connector.check()
            results.append(OnlineCheck(source.name, True, f"authenticated as {who}"))
        except ConnectorError as exc:
            results.append(OnlineCheck(source.name, False, redact(exc.user_message())))
        finally:
            connector.close()
    return results


def _text(exc: Exception) -> str:
    return exc.user_message() if isinstance(exc, ConnectorError) else str(exc)
