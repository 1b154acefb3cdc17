"""Record and read feedback sessions (`growthmap feedback add|list`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.core.choices import closest
from collector.core.errors import UsageError
from collector.core.settings_model import LEVEL_NAMES, GrowthMap
from collector.core.textsafe import clean
from collector.core.timeparse import shown
from collector.ledger.models import FeedbackRow

RUBRIC = (
    ("went_well", "What went well"),
    ("challenging", "What was challenging"),
    ("improve", "What to improve next sprint"),
    ("support", "What support I need"),
)


@dataclass(frozen=True)
class FeedbackFields:
    """A session as given on the command line (text not yet trimmed)."""

    date: date
    giver: str
    went_well: str | None = None
    challenging: str | None = None
    improve: str | None = None
    support: str | None = None
    skill: str | None = None  # `skill-id` or `DEST/skill-id`
    level: str | None = None
    quote: str | None = None


def record_feedback(
    session: Session, owner: str, growth_map: GrowthMap, given: FeedbackFields, now: datetime
) -> FeedbackRow:
    """Store a session; UsageError (exit 2) for a skill, destination or level the map does
    not have, naming the closest one, or a quote without its skill and level."""
    text = {f.name: _text(getattr(given, f.name)) for f in fields(given) if f.name != "date"}
    if not text["giver"]:
        raise UsageError("--from needs who gave the feedback")
    destination, skill, level = _quote_target(growth_map, text)
    if not any(text[name] for name, _ in RUBRIC) and not text["quote"]:
        raise UsageError(
            "a session needs at least one of --went-well, --challenging, --improve, "
            "--support or a --quote"
        )
    row = FeedbackRow(
        owner=owner,
        date=given.date,
        giver=text["giver"],
        went_well=text["went_well"],
        challenging=text["challenging"],
        improve=text["improve"],
        support=text["support"],
        destination=destination,
        skill=skill,
        level=level,
        quote=text["quote"],
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _quote_target(
    growth_map: GrowthMap, text: dict[str, str | None]
) -> tuple[str | None, str | None, str | None]:
    """(destination, skill, level) of the quote: all three options together, or none."""
    given = {"--skill": text["skill"], "--level": text["level"], "--quote": text["quote"]}
    if not any(given.values()):
        return None, None, None
    missing = [option for option, value in given.items() if not value]
    if missing:
        raise UsageError(
            "a quote tied to a skill takes --skill, --level and --quote together; "
            f"missing: {', '.join(missing)}"
        )
    assert text["skill"] and text["level"]
    level = text["level"].upper()
    if level not in LEVEL_NAMES:
        raise UsageError(f"--level {shown(text['level'])} is not N, P or E")
    destination, skill = resolve_skill_ref(growth_map, text["skill"], option="--skill")
    return destination, skill, level


def resolve_skill_ref(growth_map: GrowthMap, ref: str, *, option: str) -> tuple[str, str]:
    """`skill-id` or `DEST/skill-id` to (destination, skill); a UsageError naming the
    closest skill of the map (by id or name) when it has no such one."""
    dest, _, skill = ref.strip().rpartition("/")
    refs = {(d.id, s.id): s.name for d in growth_map.destinations for s in d.skills}
    found = [key for key in refs if key[1] == skill and (not dest or key[0] == dest)]
    if len(found) == 1:
        return found[0]
    if found:
        options = " or ".join(f"{d}/{s}" for d, s in found)
        raise UsageError(f"{option} {shown(ref)} is in several destinations: write {options}")
    if not refs:
        raise UsageError(
            f"{option} {shown(ref)}: the growth map has no skills yet "
            "(add [[growth_map.destinations.skills]] to the config)"
        )
    lacks = "no such skill"
    if dest and dest not in {d.id for d in growth_map.destinations}:
        lacks = f"no destination {shown(dest)}"
    near_dest, near_skill = _closest_skill(ref, refs)
    raise UsageError(
        f"{option} {shown(ref)}: the growth map has {lacks}; the closest is "
        f"{near_dest}/{near_skill} ({clean(refs[(near_dest, near_skill)])})"
    )


def _closest_skill(ref: str, refs: dict[tuple[str, str], str]) -> tuple[str, str]:
    """The skill whose `DEST/id`, id or name is most like `ref`."""
    spellings: dict[str, tuple[str, str]] = {}
    for (dest, skill), name in sorted(refs.items()):
        for spelling in (f"{dest}/{skill}", skill, name):
            spellings.setdefault(spelling, (dest, skill))
    return spellings[closest(ref, list(spellings))]


def list_feedback(session: Session, owner: str) -> list[FeedbackRow]:
    """Every session, newest first (one every week or two: no paging)."""
    query = (
        select(FeedbackRow)
        .where(FeedbackRow.owner == owner)
        .order_by(FeedbackRow.date.desc(), FeedbackRow.id.desc())
    )
    return list(session.scalars(query))


def feedback_in(
    session: Session,
    owner: str,
    first: date | None,
    last: date | None,
    *,
    exclusive_end: bool = False,
    quotes_only: bool = False,
) -> list[FeedbackRow]:
    """Sessions dated in [first, last] ([first, last) when `exclusive_end`), oldest first;
    `quotes_only`: those whose quote is tied to a skill (evidence)."""
    query = select(FeedbackRow).where(FeedbackRow.owner == owner)
    if first is not None:
        query = query.where(FeedbackRow.date >= first)
    if last is not None:
        query = query.where(FeedbackRow.date < last if exclusive_end else FeedbackRow.date <= last)
    if quotes_only:
        query = query.where(FeedbackRow.skill.is_not(None), FeedbackRow.quote.is_not(None))
    return list(session.scalars(query.order_by(FeedbackRow.date, FeedbackRow.id)))


def describe_feedback(row: FeedbackRow) -> str:
    """One line naming a session, as `feedback add` says it."""
    parts = [row.date.isoformat(), f"from {clean(row.giver)}"]
    answered = [label.lower() for name, label in RUBRIC if getattr(row, name)]
    if answered:
        parts.append("; ".join(answered))
    if row.quote and row.skill:
        parts.append(f"“{clean(row.quote)}” ({row.destination}/{row.skill}, {row.level})")
    return " · ".join(parts)


def feedback_json(row: FeedbackRow) -> dict[str, Any]:
    """One line of `feedback list --format json`."""
    return {
        "id": row.id,
        "date": row.date.isoformat(),
        "from": row.giver,
        **{name: getattr(row, name) for name, _ in RUBRIC},
        "destination": row.destination,
        "skill": row.skill,
        "level": row.level,
        "quote": row.quote,
        "created_at": row.created_at.isoformat(),
    }
