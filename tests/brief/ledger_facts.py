"""The brief's claims recomputed from the ledger's rows by the test, independently of
the brief's code: plain queries, plain Python. What "one piece of work" and "evidence
for a skill" mean is restated here from the README: a ticket a pull request names goes
with the pull request; manual artifacts and feedback quotes are accepted evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.config import Settings
from collector.ledger.models import (
    FeedbackRow,
    ItemRow,
    ManualArtifactRow,
    SkillLevelRow,
    SuggestionRow,
)


@dataclass
class Piece:
    key: str
    kind: str
    day: date
    repo: str | None = None
    state: str = ""
    text: str = ""  # where a pull request names its tickets
    partner: str = ""
    places: dict[tuple[str, str], str] = field(default_factory=dict)  # -> status


@dataclass
class Facts:
    pieces: list[Piece]
    levels: dict[tuple[str, str], list[tuple[date | None, str]]]  # oldest first
    names: dict[str, tuple[str, str]]  # skill name -> (destination, skill)
    targets: dict[tuple[str, str], str]


def read_facts(session: Session, settings: Settings) -> Facts:
    owner, zone = settings.owner.key, settings.owner.zone
    pieces = [*_items(session, owner, zone), *_manual(session, owner), *_quotes(session, owner)]
    levels: dict[tuple[str, str], list[tuple[date | None, str]]] = {}
    names, targets = {}, {}
    for d in settings.growth_map.destinations:
        for s in d.skills:
            levels[(d.id, s.id)] = [(None, s.level)]
            names[s.name] = (d.id, s.id)
            targets[(d.id, s.id)] = s.target
    query = select(SkillLevelRow).where(SkillLevelRow.owner == owner)
    for row in session.scalars(query.order_by(SkillLevelRow.effective, SkillLevelRow.id)):
        levels.setdefault((row.destination, row.skill), []).append((row.effective, row.level))
    return Facts(pieces, levels, names, targets)


def _items(session: Session, owner: str, zone: ZoneInfo) -> list[Piece]:
    found = {}
    for row in session.scalars(select(ItemRow).where(ItemRow.owner == owner)):
        extra = row.extra or {}
        text = " ".join([row.title, row.body or "", str(extra.get("head_ref", ""))])
        found[row.id] = Piece(
            f"item:{row.external_id}",
            row.kind,
            row.occurred_at.astimezone(zone).date(),
            row.repo,
            row.state,
            text,
            str(extra.get("partner", "")),
        )
    for s in session.scalars(select(SuggestionRow).where(SuggestionRow.owner == owner)):
        if s.status in ("accepted", "suggested"):
            found[s.item_id].places[(s.destination, s.skill)] = s.status
    return list(found.values())


def _manual(session: Session, owner: str) -> list[Piece]:
    pieces = []
    for row in session.scalars(select(ManualArtifactRow).where(ManualArtifactRow.owner == owner)):
        partner = (
            row.title.removeprefix("Paired with ").split(":")[0] if row.kind == "pairing" else ""
        )
        piece = Piece(f"manual:{row.id}", row.kind, row.date, partner=partner)
        piece.places = {(row.destination or "", s): "accepted" for s in row.skills}
        pieces.append(piece)
    return pieces


def _quotes(session: Session, owner: str) -> list[Piece]:
    pieces = []
    for row in session.scalars(select(FeedbackRow).where(FeedbackRow.owner == owner)):
        if row.quote and row.skill:
            piece = Piece(f"feedback:{row.id}", "feedback", row.date)
            piece.places = {(row.destination or "", row.skill): "accepted"}
            pieces.append(piece)
    return pieces


def between(pieces: list[Piece], first: date | None, last: date | None) -> list[Piece]:
    return [
        p for p in pieces if (first is None or p.day >= first) and (last is None or p.day <= last)
    ]


def one_piece_per_work(pieces: list[Piece]) -> list[Piece]:
    """A ticket named by a pull request of the list is the same work — unless the ticket
    is accepted and no accepted pull request names it."""
    named: dict[str, bool] = {}
    for pr in (p for p in pieces if p.kind == "pull_request"):
        for ticket in (p for p in pieces if p.kind == "ticket"):
            if re.search(rf"(?i)(?<![A-Z0-9]){re.escape(ticket.key[5:])}(?![0-9])", pr.text):
                accepted = "accepted" in pr.places.values()
                named[ticket.key] = named.get(ticket.key, False) or accepted
    return [
        p
        for p in pieces
        if p.key not in named or ("accepted" in p.places.values() and not named[p.key])
    ]


def accepted_for(pieces: list[Piece], place: tuple[str, str]) -> list[Piece]:
    mine = [p for p in pieces if place in p.places]
    return [p for p in one_piece_per_work(mine) if p.places[place] == "accepted"]


def weeks(pieces: list[Piece]) -> int:
    return len({p.day.isocalendar()[:2] for p in pieces})


def level_on(facts: Facts, place: tuple[str, str], day: date) -> str:
    level = facts.levels[place][0][1]
    for effective, recorded in facts.levels[place][1:]:
        if effective is not None and effective <= day:
            level = recorded
    return level


def level_since(facts: Facts, place: tuple[str, str], day: date) -> date | None:
    since = None
    for effective, _ in facts.levels[place][1:]:
        if effective is not None and effective <= day:
            since = effective
    return since


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
