"""When the next feedback session is due: `[growth_map] feedback_every` after the last
session held (`growthmap feedback add`). The map and `status` say it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.core.settings_model import GrowthMap
from collector.ledger.models import FeedbackRow
from collector.schedule.spec import parse_duration


@dataclass(frozen=True)
class FeedbackCadence:
    """Sessions held up to `today`, the last one, and (with a cadence) the next one due."""

    today: date
    every: timedelta | None  # whole days; None: no cadence configured
    held: int
    last: date | None
    last_from: str | None

    @property
    def next_due(self) -> date | None:
        """The last session plus the cadence; None without a cadence or a first session."""
        if self.every is None or self.last is None:
            return None
        return self.last + self.every

    @property
    def overdue(self) -> bool:
        """A cadence is set and no session was held in time (or none at all yet)."""
        if self.every is None:
            return False
        due = self.next_due
        return due is None or due < self.today

    @property
    def shown(self) -> bool:
        """Whether there is anything to say: a cadence, or sessions held."""
        return self.every is not None or self.held > 0

    def every_text(self) -> str:
        days = self.every.days if self.every else 0
        if days % 7 == 0:
            weeks = days // 7
            return "every week" if weeks == 1 else f"every {weeks} weeks"
        return "every day" if days == 1 else f"every {days} days"


def feedback_cadence(
    session: Session, owner: str, growth_map: GrowthMap, today: date
) -> FeedbackCadence:
    """Sessions held on or before `today` (one query), against the configured cadence."""
    held, last = session.execute(
        select(func.count(FeedbackRow.id), func.max(FeedbackRow.date)).where(
            FeedbackRow.owner == owner, FeedbackRow.date <= today
        )
    ).one()
    giver = None
    if last is not None:
        giver = session.scalar(
            select(FeedbackRow.giver)
            .where(FeedbackRow.owner == owner, FeedbackRow.date == last)
            .order_by(FeedbackRow.id.desc())
            .limit(1)
        )
    every = parse_duration(growth_map.feedback_every) if growth_map.feedback_every else None
    return FeedbackCadence(today, every, int(held), last, giver)
