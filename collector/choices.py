"""Filter options checked against what exists: a typo must not read as "nothing found"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.core.errors import UsageError
from collector.ledger.models import ItemRow, SuggestionRow


def check_known(option: str, given: Iterable[str], known: Iterable[str]) -> None:
    """UsageError (exit 2) for the first value of `option` that is not in `known`."""
    choices = sorted(set(known))
    for value in given:
        if value in choices:
            continue
        close = difflib.get_close_matches(value, choices, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise UsageError(
            f"{option} {value!r} is unknown; {hint}known: {', '.join(choices) or 'none'}"
        )


def stored_sources(session: Session, owner: str) -> set[str]:
    """Source names the owner's items carry (a renamed or removed source's items stay)."""
    query = select(ItemRow.source).where(ItemRow.owner == owner).distinct()
    return set(session.scalars(query))


def suggested_rules(session: Session, owner: str) -> set[str]:
    """Rule ids the owner's suggestions name (rules since removed from the files too)."""
    query = select(SuggestionRow.rules).where(SuggestionRow.owner == owner)
    found: set[str] = set()
    for rules in session.scalars(query.execution_options(yield_per=1000)):
        found.update(rules or ())
    return found
