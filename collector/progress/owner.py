"""Whom the growth map and the exports are about, by name."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.config import Settings
from collector.ledger.models import ItemRow

_LOGIN_FIELDS = ("login", "username")  # GitHub's and GitLab's "whose work to collect"


def display_name(session: Session, settings: Settings) -> str:
    """The config's `[owner] name`; else the login the sources collect for (as configured,
    else the author of most of the owner's pull requests: the token's own user); else the
    owner key, which only names rows in the ledger."""
    if settings.owner.name.strip():
        return settings.owner.name.strip()
    for source in settings.sources:
        for field in _LOGIN_FIELDS:
            value = getattr(source, field, None)
            if isinstance(value, str) and value.strip():
                return value.strip()
    count = func.count(ItemRow.id)
    author = session.scalar(
        select(ItemRow.author)
        .where(
            ItemRow.owner == settings.owner.key,
            ItemRow.kind == "pull_request",
            ItemRow.author.is_not(None),
        )
        .group_by(ItemRow.author)
        .order_by(count.desc(), ItemRow.author)
        .limit(1)
    )
    return author or settings.owner.key
