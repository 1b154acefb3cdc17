"""The export as plain values: everything the four formats render, gathered once from the
ledger and the config. Sorted throughout, so the same ledger gives the same bytes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.config import Settings
from collector.core.errors import UsageError
from collector.export.entries import LogView, export_entries
from collector.export.period import Period
from collector.export.private import Redaction, load_redaction
from collector.ledger.models import ItemRow, SuggestionRow
from collector.ledger.queries import CHUNK
from collector.progress import (
    Artifact,
    Evidence,
    GrowthMapView,
    ShownEntry,
    build_growth_map,
    gather_evidence,
    level_history,
    strongest_artifacts,
)
from collector.progress.evidence import item_key
from collector.progress.gather import EvidenceSet
from collector.progress.growth import StrongArtifact
from collector.progress.levels import LevelChange
from collector.progress.lines import LineBook
from collector.progress.pairing import build_pairing
from collector.progress.weeks import local_date
from collector.review import changed_since_acceptance

PORTFOLIO_SIZE = 5


@dataclass(frozen=True)
class ExportOptions:
    destination: str | None = None
    include_suggested: bool = False
    redact_private: bool = False
    # The JSON's details: every suggestion's rules and origin, and which items are private.
    # Without, only the accepted suggestions that changed upstream are looked up.
    with_rules: bool = True
    # The progress log's entries (the CSV has no place for them).
    with_log: bool = True


@dataclass(frozen=True)
class Mapping:
    """An artifact's evidence for one skill, with where it came from."""

    evidence: Evidence
    rules: tuple[str, ...] = ()
    origin: str = "rule"  # rule | manual
    changed_upstream: bool = False  # accepted, and the item changed since

    @property
    def artifact(self) -> Artifact:
        return self.evidence.artifact


@dataclass(frozen=True)
class SkillLevels:
    destination: str
    skill: str
    name: str
    changes: tuple[LevelChange, ...]


@dataclass(frozen=True)
class PortfolioPart:
    destination: str
    title: str
    strongest: tuple[StrongArtifact, ...]


@dataclass(frozen=True)
class ExportModel:
    owner_key: str
    owner_name: str
    timezone: str
    as_of: date
    period: Period
    options: ExportOptions
    growth_map: GrowthMapView
    artifacts: tuple[Artifact, ...]  # collected items and manual artifacts, oldest first
    mappings: tuple[Mapping, ...]
    portfolio: tuple[PortfolioPart, ...]
    entries: tuple[ShownEntry, ...]
    levels: tuple[SkillLevels, ...]
    private_keys: frozenset[str]  # artifacts redacted (or that would be, unredacted)
    # Each artifact's line, rendered once for the progress log and the other sections.
    book: LineBook = field(default_factory=LineBook, compare=False, repr=False)

    @property
    def endorsements(self) -> tuple[Artifact, ...]:
        return tuple(
            a for a in self.artifacts if a.manual and (a.endorser or a.kind == "endorsement")
        )

    def skill_name(self, destination: str, skill: str) -> str:
        for dest in self.growth_map.destinations:
            for view in dest.skills:
                if (dest.id, view.id) == (destination, skill):
                    return view.name
        return skill


def gather_export(
    session: Session, settings: Settings, period: Period, options: ExportOptions, as_of: date
) -> ExportModel:
    """Read everything an export shows for `period`, as of the owner's local date `as_of`."""
    owner, growth_map = settings.owner.key, settings.growth_map
    _check_destination(settings, options.destination)
    # Which repositories are private matters to redact, and to the JSON's `private` flags.
    if options.redact_private or options.with_rules:
        redaction = load_redaction(
            session,
            owner,
            enabled=options.redact_private,
            sources=(s.name for s in settings.sources if s.private),
        )
    else:
        redaction = Redaction(frozenset(), frozenset(), enabled=False)
    # One read of the whole ledger serves the growth map and the period alike.
    everything = gather_evidence(session, owner, settings.owner.zone, growth_map)
    evidence = in_period(everything, period, settings.owner.zone)
    changed = changed_since_acceptance(session, owner)
    only = None if options.with_rules else changed
    details = _suggestion_details(session, owner, period, options.include_suggested, only)
    mappings = _mappings(evidence.evidence, details, changed, options, redaction)
    kept = {m.artifact.key for m in mappings}
    # A manual artifact naming no skill is still evidence (unless one destination is asked).
    shown = (redaction.artifact(a) for a in evidence.artifacts)
    artifacts = tuple(
        a for a in shown if a.key in kept or (a.manual and options.destination is None)
    )
    view = _growth_map(session, settings, as_of, options.destination, everything, redaction)
    book = LineBook(marked=True)  # the HTML renders each marked line once
    return ExportModel(
        owner_key=owner,
        owner_name=view.owner,
        timezone=settings.owner.timezone,
        as_of=as_of,
        period=period,
        options=options,
        growth_map=view,
        artifacts=artifacts,
        mappings=tuple(mappings),
        portfolio=_portfolio(view, mappings),
        entries=tuple(
            export_entries(
                session,
                settings,
                period,
                LogView(options.destination, options.include_suggested, redaction),
                everything,
                book,
            )
            if options.with_log
            else ()
        ),
        levels=_levels(session, settings, options.destination),
        private_keys=frozenset(
            redaction.artifact(a).key for a in evidence.artifacts if redaction.private(a)
        ),
        book=book,
    )


def in_period(evidence: EvidenceSet, period: Period, zone: ZoneInfo) -> EvidenceSet:
    """The part of the whole ledger's evidence in `period`, as `gather_evidence` would
    read it: items by occurred_at in [since, until), manual artifacts by their date."""
    if period.since is None and period.until is None:
        return evidence
    first = local_date(period.since, zone) if period.since else None
    end = local_date(period.until, zone) if period.until else None

    def inside(artifact: Artifact) -> bool:
        if artifact.manual or artifact.occurred_at is None:
            return (first is None or artifact.day >= first) and (end is None or artifact.day < end)
        moment = artifact.occurred_at
        return (period.since is None or moment >= period.since) and (
            period.until is None or moment < period.until
        )

    keys = {a.key for a in evidence.artifacts if inside(a)}
    return EvidenceSet(
        tuple(a for a in evidence.artifacts if a.key in keys),
        tuple(e for e in evidence.evidence if e.artifact.key in keys),
        tuple(a for a in evidence.unmapped if a.key in keys),
    )


def _check_destination(settings: Settings, destination: str | None) -> None:
    known = [d.id for d in settings.growth_map.destinations]
    if destination is not None and destination not in known:
        raise UsageError(
            f"--destination {destination!r} is not in the growth map; known: "
            f"{', '.join(known) or 'none'}"
        )


@dataclass(frozen=True, slots=True)
class _Detail:
    id: int
    rules: tuple[str, ...]
    origin: str


def _suggestion_details(
    session: Session, owner: str, period: Period, include_suggested: bool, only: set[int] | None
) -> dict[tuple[str, str, str], _Detail]:
    """(item key, destination, skill) -> the suggestion's id, rules and origin (of the
    suggestions `only` names, when given)."""
    if only is not None:
        found: dict[tuple[str, str, str], _Detail] = {}
        ids = sorted(only)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found |= _details_query(session, owner, period, include_suggested, chunk)
        return found
    return _details_query(session, owner, period, include_suggested, None)


def _details_query(
    session: Session, owner: str, period: Period, include_suggested: bool, ids: list[int] | None
) -> dict[tuple[str, str, str], _Detail]:
    statuses = ("accepted", "suggested") if include_suggested else ("accepted",)
    query = (
        select(
            ItemRow.source,
            ItemRow.kind,
            ItemRow.external_id,
            SuggestionRow.destination,
            SuggestionRow.skill,
            SuggestionRow.id,
            SuggestionRow.rules,
            SuggestionRow.origin,
        )
        .join(ItemRow, ItemRow.id == SuggestionRow.item_id)
        .where(SuggestionRow.owner == owner, SuggestionRow.status.in_(statuses))
    )
    if period.since is not None:
        query = query.where(ItemRow.occurred_at >= period.since)
    if period.until is not None:
        query = query.where(ItemRow.occurred_at < period.until)
    if ids is not None:
        query = query.where(SuggestionRow.id.in_(ids))
    details = {}
    for source, kind, external_id, dest, skill, ident, rules, origin in session.execute(
        query.execution_options(yield_per=CHUNK)
    ):
        key = item_key(source, kind, external_id)
        details[(key, dest, skill)] = _Detail(ident, tuple(sorted(rules or ())), origin)
    return details


def _mappings(
    evidence: Sequence[Evidence],
    details: dict[tuple[str, str, str], _Detail],
    changed: set[int],
    options: ExportOptions,
    redaction: Redaction,
) -> list[Mapping]:
    """The evidence the options ask for, redacted; in the order gather_evidence gives."""
    redacted: dict[str, Artifact] = {}
    out = []
    for item in evidence:
        if not (item.accepted or options.include_suggested):
            continue
        if options.destination is not None and item.destination != options.destination:
            continue
        key = item.artifact.key
        if key not in redacted:
            redacted[key] = redaction.artifact(item.artifact)
        detail = details.get((key, item.destination, item.skill))
        note = redaction.text(item.note)
        shown = item
        if redacted[key] is not item.artifact or note != item.note:  # a copy only if redacted
            shown = replace(item, artifact=redacted[key], note=note)
        out.append(
            Mapping(
                shown,
                detail.rules if detail else (),
                "manual" if item.artifact.manual else (detail.origin if detail else "rule"),
                bool(detail and item.accepted and detail.id in changed),
            )
        )
    return out


def _growth_map(
    session: Session,
    settings: Settings,
    as_of: date,
    destination: str | None,
    everything: EvidenceSet,
    redaction: Redaction,
) -> GrowthMapView:
    """The one-page map as of `as_of`; one destination only when asked. Without its
    recent weeks and strongest artifacts: the export's log and portfolio hold them. Its
    pairing names no partner nor repository of private work when redacting."""
    view = build_growth_map(session, settings, as_of, evidence=everything, recent=0, strongest=0)
    if redaction.active and view.pairing is not None:
        start = view.cycle.start if view.cycle else None
        pairing = build_pairing(everything, as_of, start, view.skill_names(), redaction.private)
        view = replace(view, pairing=pairing)
    if destination is None:
        return view
    return replace(
        view,
        destinations=tuple(d for d in view.destinations if d.id == destination),
        gaps=tuple(g for g in view.gaps if g.destination == destination),
        suggestions=tuple(s for s in view.suggestions if s.destination == destination),
    )


def _portfolio(view: GrowthMapView, mappings: Sequence[Mapping]) -> tuple[PortfolioPart, ...]:
    by_destination: dict[str, list[Evidence]] = {}
    for mapping in mappings:
        by_destination.setdefault(mapping.evidence.destination, []).append(mapping.evidence)
    return tuple(
        PortfolioPart(
            d.id,
            d.title,
            tuple(
                strongest_artifacts(
                    by_destination.get(d.id, []), destination=d.id, limit=PORTFOLIO_SIZE
                )
            ),
        )
        for d in view.destinations
    )


def _levels(
    session: Session, settings: Settings, destination: str | None
) -> tuple[SkillLevels, ...]:
    history = level_history(session, settings.owner.key, settings.growth_map)
    names = {(d.id, s.id): s.name for d in settings.growth_map.destinations for s in d.skills}
    return tuple(
        SkillLevels(dest, skill, names.get((dest, skill), skill), tuple(changes))
        for (dest, skill), changes in sorted(history.items())
        if destination is None or dest == destination
    )
