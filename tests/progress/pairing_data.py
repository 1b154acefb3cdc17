"""Pairing evidence as the connectors give it (`pairing` items: the partner on a pull
request, from `Co-authored-by:` trailers) and as `growthmap add pairing --with NAME`
records it (a manual artifact titled `Paired with NAME: topic`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fakes.fixed_ledger import at
from progress_data import NOW, OWNER, suggestion

from collector.ledger import Ledger
from collector.ledger.items import record_items
from collector.ledger.models import ItemRow, ManualArtifactRow
from connectors.item import Item


def pairing(partner: str, email: str | None, ref: str, when: str, **extra: object) -> Item:
    repo, number = ref.split("#")
    key = (email or partner).split("@")[0].lower().replace(" ", "-")
    return Item(
        source="github",
        kind="pairing",
        external_id=f"{ref}:pairing:{key}",
        url=f"https://github.example/{repo}/pull/{number}",
        title=f"Paired with {partner}: change {number}",
        created_at=at(when) - timedelta(days=1),
        updated_at=at(when),
        occurred_at=at(when),
        state="merged",
        repo=repo,
        author=OWNER,
        extra={
            "platform": "github",
            "number": int(number),
            "partner": partner,
            "partner_email": email,
            "partner_login": None,
            "pull_request": ref,
            "own_change": True,
            "paired_commits": 2,
            **extra,
        },
    )


def add_pairings(ledger: Ledger, items: list[Item], mapped: dict[str, str] | None = None) -> None:
    """Store pairing items; `mapped`: external id -> skill of B the engineer accepted."""
    with ledger.write() as session:
        record_items(session, OWNER, items, NOW - timedelta(hours=1))
        ids = {r.external_id: r.id for r in session.query(ItemRow).filter_by(kind="pairing")}
        for external_id, skill in (mapped or {}).items():
            session.add(suggestion(ids[external_id], "B", skill, "accepted", 1.0, None))


def add_session(ledger: Ledger, partner: str, day: date, topic: str = "") -> None:
    """A session no commit shows, as `add pairing --with` records it."""
    title = f"Paired with {partner}: {topic}" if topic else f"Paired with {partner}"
    now = datetime(2026, 11, 25, tzinfo=UTC)
    with ledger.write() as session:
        row = ManualArtifactRow(owner=OWNER, kind="pairing", title=title, date=day, url=None)
        row.destination, row.skills, row.outcome, row.endorser = "B", ["mentoring"], None, None
        row.created_at = row.updated_at = now
        session.add(row)
