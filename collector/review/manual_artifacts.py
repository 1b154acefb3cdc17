"""Manual artifacts: evidence no connector sees (talks, articles, mentoring, pairing,
incidents led, endorsements). They are accepted evidence from the start, and only the
engineer edits or removes them: no collect or rule run touches this table.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.core.choices import closest
from collector.core.errors import UsageError
from collector.core.settings_model import GrowthMap
from collector.core.textsafe import clean
from collector.ledger.models import ManualArtifactRow

KINDS = ("talk", "article", "mentoring", "pairing", "incident", "endorsement", "other")


def pairing_title(partner: str, title: str | None) -> str:
    """A pairing session's title, worded as collected pairing items are (`Paired with Lin:
    checkout retries`), so both read alike in `items`, lists and exports."""
    name = " ".join(partner.split())
    if not name:
        raise UsageError("--with needs the partner's name")
    topic = (title or "").strip()
    return f"Paired with {name}: {topic}" if topic else f"Paired with {name}"


@dataclass(frozen=True)
class ArtifactFields:
    """Values given on the command line; None means "not given" (kept when editing).
    For an endorsement the title is the quote and `endorser` says who gave it."""

    kind: str | None = None
    title: str | None = None
    date: date | None = None
    url: str | None = None
    destination: str | None = None
    skills: tuple[str, ...] | None = None
    outcome: str | None = None
    endorser: str | None = None


def add_artifact(
    session: Session, owner: str, growth_map: GrowthMap, given: ArtifactFields, now: datetime
) -> ManualArtifactRow:
    values = _normalized(given)
    _validate(values, growth_map)
    assert values.kind and values.title and values.date and values.skills is not None
    row = ManualArtifactRow(
        owner=owner,
        kind=values.kind,
        title=values.title,
        date=values.date,
        url=values.url,
        destination=values.destination,
        skills=list(values.skills),
        outcome=values.outcome,
        endorser=values.endorser,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def edit_artifact(
    session: Session,
    owner: str,
    growth_map: GrowthMap,
    artifact_id: int,
    given: ArtifactFields,
    now: datetime,
) -> ManualArtifactRow:
    """Change the given fields; an empty url, outcome or endorser clears it."""
    row = get_artifact(session, owner, artifact_id)
    current = ArtifactFields(
        kind=row.kind,
        title=row.title,
        date=row.date,
        url=row.url,
        destination=row.destination,
        skills=tuple(row.skills),
        outcome=row.outcome,
        endorser=row.endorser,
    )
    changes = {f.name: getattr(given, f.name) for f in fields(given)}
    merged = _normalized(replace(current, **{k: v for k, v in changes.items() if v is not None}))
    _validate(merged, growth_map)
    assert merged.skills is not None and merged.kind and merged.title and merged.date
    row.kind, row.title, row.date = merged.kind, merged.title, merged.date
    row.url, row.destination, row.skills = merged.url, merged.destination, list(merged.skills)
    row.outcome, row.endorser = merged.outcome, merged.endorser
    row.updated_at = now
    session.flush()
    return row


def remove_artifact(session: Session, owner: str, artifact_id: int) -> ManualArtifactRow:
    row = get_artifact(session, owner, artifact_id)
    session.delete(row)
    session.flush()
    return row


def get_artifact(session: Session, owner: str, artifact_id: int) -> ManualArtifactRow:
    row = session.get(ManualArtifactRow, artifact_id)
    if row is None or row.owner != owner:
        raise UsageError(
            f"no manual artifact with id {artifact_id}: `growthmap artifacts list` shows them"
        )
    return row


def list_artifacts(session: Session, owner: str) -> list[ManualArtifactRow]:
    """Every manual artifact, newest first (a person adds a handful a month: no paging)."""
    query = (
        select(ManualArtifactRow)
        .where(ManualArtifactRow.owner == owner)
        .order_by(ManualArtifactRow.date.desc(), ManualArtifactRow.id.desc())
    )
    return list(session.scalars(query))


def describe_artifact(row: ManualArtifactRow) -> str:
    """One line naming an artifact and where it counts, as `add` and `remove` say it."""
    title = clean(row.title)
    if row.kind == "endorsement":
        title = f"“{title}” — {clean(row.endorser)}"
    skills = ", ".join(row.skills)
    return f"{row.kind} · {row.date.isoformat()} · {title} · {row.destination} ({skills})"


def artifact_json(row: ManualArtifactRow) -> dict[str, Any]:
    """One line of `artifacts list --format json`."""
    return {
        "id": row.id,
        "kind": row.kind,
        "title": row.title,
        "date": row.date.isoformat(),
        "url": row.url,
        "destination": row.destination,
        "skills": row.skills,
        "outcome": row.outcome,
        "endorser": row.endorser,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


def _normalized(values: ArtifactFields) -> ArtifactFields:
    """Trimmed text; empty optional text becomes None; skills de-duplicated in order."""

    def text(value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    skills = None
    if values.skills is not None:
        skills = tuple(dict.fromkeys(s.strip() for s in values.skills if s.strip()))
    return replace(
        values,
        kind=text(values.kind),
        title=text(values.title),
        url=text(values.url),
        destination=text(values.destination),
        skills=skills,
        outcome=text(values.outcome),
        endorser=text(values.endorser),
    )


def _validate(values: ArtifactFields, growth_map: GrowthMap) -> None:
    """Every problem at once, as one UsageError (exit 2)."""
    problems = []
    if values.kind not in KINDS:
        problems.append(f"kind {values.kind!r} is not one of: {', '.join(KINDS)}")
    if not values.title:
        what = "the quote (--quote)" if values.kind == "endorsement" else "a title (--title)"
        problems.append(f"{what} is required")
    if values.date is None:
        problems.append("a date (--date) is required")
    if values.url and urlparse(values.url).scheme not in ("http", "https"):
        problems.append(f"url {values.url!r} is not an http(s) address")
    if values.kind == "endorsement" and not values.endorser:
        problems.append("an endorsement needs who gave it (--endorser)")
    problems += _mapping_problems(values.destination, values.skills or (), growth_map)
    if problems:
        raise UsageError("; ".join(problems))


def _mapping_problems(
    destination: str | None, skills: tuple[str, ...], growth_map: GrowthMap
) -> list[str]:
    known = growth_map.skill_ids()
    if not destination:
        choices = ", ".join(known) or "none: add [[growth_map.destinations]] to the config"
        return [f"a destination (--destination) is required; the growth map has: {choices}"]
    if destination not in known:
        if not known:
            return [f"unknown destination {destination!r}; add [[growth_map.destinations]]"]
        return [
            f"unknown destination {destination!r}; the growth map has: {', '.join(known)}; "
            f"the closest is {closest(destination, list(known))!r}"
        ]
    if not skills:
        return [
            f"at least one skill (--skill) is required; destination {destination} has: "
            f"{', '.join(known[destination]) or 'no skills yet'}"
        ]
    return _skill_problems(
        destination, [s for s in skills if s not in known[destination]], known[destination]
    )


def _skill_problems(destination: str, unknown: list[str], its_skills: list[str]) -> list[str]:
    """Skills the destination does not have, each with the closest one it has."""
    if not unknown:
        return []
    if not its_skills:
        return [f"destination {destination} has no skills yet"]
    nearest = {skill: closest(skill, its_skills) for skill in unknown}
    hint = (
        f"the closest is {nearest[unknown[0]]!r}"
        if len(unknown) == 1
        else "the closest: " + ", ".join(f"{s!r} → {n!r}" for s, n in nearest.items())
    )
    return [
        f"destination {destination} has no skill {', '.join(map(repr, unknown))}; "
        f"its skills: {', '.join(its_skills)}; {hint}"
    ]
