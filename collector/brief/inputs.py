"""What a brief is drafted from, read once: the ledger's evidence (all of it, and the
period's, private work redacted when asked), the growth map as of the brief's date, the
level history, the engineer's log entries and feedback sessions of the period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.config import Settings
from collector.export import Period
from collector.export.model import in_period
from collector.export.private import Redaction, load_redaction
from collector.feedback import feedback_in
from collector.ledger.models import FeedbackRow, LogEntryRow
from collector.progress import EvidenceSet, GrowthMapView, build_growth_map, gather_evidence
from collector.progress.levels import History, level_history
from collector.progress.weeks import Week


@dataclass(frozen=True)
class BriefInputs:
    settings: Settings
    period: Period
    as_of: date
    everything: EvidenceSet  # the whole ledger, as it is (mastery and gaps look back)
    evidence: EvidenceSet  # the period's
    view: GrowthMapView  # as of `as_of`
    history: History
    entries: tuple[tuple[Week, str], ...]  # the engineer's own text of the period's weeks
    feedback: tuple[FeedbackRow, ...]  # sessions held in the period
    redaction: Redaction

    @property
    def skill_names(self) -> dict[tuple[str, str], str]:
        return self.view.skill_names()


def read_inputs(
    session: Session, settings: Settings, period: Period, as_of: date, *, redact: bool
) -> BriefInputs:
    owner, zone = settings.owner.key, settings.owner.zone
    everything = gather_evidence(session, owner, zone, settings.growth_map)
    view = build_growth_map(session, settings, as_of, evidence=everything, recent=0, strongest=0)
    redaction = load_redaction(
        session, owner, enabled=redact, sources=(s.name for s in settings.sources if s.private)
    )
    return BriefInputs(
        settings=settings,
        period=period,
        as_of=as_of,
        everything=everything,
        evidence=in_period(everything, period, zone),
        view=view,
        history=level_history(session, owner, settings.growth_map),
        entries=tuple(_edited_entries(session, owner, period)),
        feedback=tuple(feedback_in(session, owner, period.first, period.last)),
        redaction=redaction,
    )


def _edited_entries(session: Session, owner: str, period: Period) -> list[tuple[Week, str]]:
    """The weeks of the period whose entry the engineer wrote (a draft holds no notes)."""
    query = select(LogEntryRow.week, LogEntryRow.text).where(
        LogEntryRow.owner == owner, LogEntryRow.text.is_not(None)
    )
    if period.first is not None:
        query = query.where(LogEntryRow.week >= Week.of_date(period.first).id)
    if period.last is not None:
        query = query.where(LogEntryRow.week <= Week.of_date(period.last).id)
    rows = session.execute(query.order_by(LogEntryRow.week))
    return [(Week.parse(week), text or "") for week, text in rows]
