"""`growthmap brief`: a one-page brief for a 1:1 or a promotion conversation, drafted only
from the ledger's evidence and the engineer's own notes, every sentence followed by what
backs it.

Sections, in the order the guide's career conversation takes: `outcomes` (accepted
evidence with an outcome note, strongest first; and the progress: levels recorded,
mastery suggestions, each cycle's goal and weeks), `talking` (one or two sentences per
destination from templates over the evidence), `asks` (gaps, nearby projects, reviews
given, pairing, the support asked for, the next cycle). `inputs` reads the ledger once;
`render` gives Markdown or a self-contained HTML page. The same ledger, period, date and
options give the same bytes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from collector.brief.asks import asks_section
from collector.brief.inputs import read_inputs
from collector.brief.model import Brief
from collector.brief.outcomes import outcomes_section, progress_section
from collector.brief.render import render_brief_html, render_brief_markdown
from collector.brief.talking import talking_points_section
from collector.config import Settings
from collector.export import Period, resolve_period
from collector.export.period import cycle_period
from collector.progress.weeks import cycle_by_number, local_date


def build_brief(
    session: Session, settings: Settings, period: Period, as_of: date, *, redact: bool = False
) -> Brief | None:
    """The brief of `period` as of the owner's local date `as_of`; None when the period
    holds no accepted evidence (nothing to brief on)."""
    inputs = read_inputs(session, settings, period, as_of, redact=redact)
    evidence = inputs.evidence
    if not any(e.accepted for e in evidence.evidence) and not any(
        a.manual for a in evidence.artifacts
    ):
        return None
    return Brief(
        owner=inputs.view.owner,
        period=period,
        as_of=as_of,
        redacted=redact,
        sections=(
            outcomes_section(inputs),
            progress_section(inputs),
            talking_points_section(inputs),
            asks_section(inputs),
        ),
    )


def brief_period(
    settings: Settings,
    *,
    since: str | None,
    until: str | None,
    cycle: int | None,
    quarter: str | None,
    now: datetime,
) -> Period:
    """The period asked for, as the export names periods; none asked: the learning cycle
    running today (else the latest started), or all evidence without cycles."""
    cycles, zone = list(settings.growth_map.cycles), settings.owner.zone
    if any(v is not None for v in (since, until, cycle, quarter)) or not cycles:
        return resolve_period(
            since=since,
            until=until,
            cycle=cycle,
            quarter=quarter,
            cycles=cycles,
            zone=zone,
            now=now,
        )
    current = cycle_by_number(cycles, None, local_date(now, zone))
    return cycle_period(cycles, current.number, zone)


def no_evidence_line(period: Period) -> str:
    """What `brief` says of a period without accepted evidence: one line."""
    return (
        f"No accepted evidence in {period.text()}: nothing to brief on "
        "(`growthmap review` accepts what was collected).\n"
    )


__all__ = [
    "Brief",
    "brief_period",
    "build_brief",
    "no_evidence_line",
    "render_brief_html",
    "render_brief_markdown",
]
