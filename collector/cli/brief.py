"""`growthmap brief`: a one-page brief for a 1:1 or a promotion conversation."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer

from collector.brief import (
    brief_period,
    build_brief,
    no_evidence_line,
    render_brief_html,
    render_brief_markdown,
)
from collector.cli.common import ConfigOption, handles_errors, state
from collector.cli.export import (
    AsOfOption,
    CycleOption,
    ForceOption,
    OutputOption,
    QuarterOption,
    Redact,
    RedactOption,
    SinceOption,
    UntilOption,
    deliver,
    output_file,
)
from collector.core.timeparse import parse_day
from collector.progress.weeks import local_date


class BriefFormat(StrEnum):
    md = "md"
    html = "html"


@handles_errors
def brief(
    ctx: typer.Context,
    config: ConfigOption = None,
    fmt: Annotated[
        BriefFormat, typer.Option("--format", "-f", help="md or html.")
    ] = BriefFormat.md,
    output: OutputOption = None,
    force: ForceOption = False,
    since: SinceOption = None,
    until: UntilOption = None,
    cycle: CycleOption = None,
    quarter: QuarterOption = None,
    redact: RedactOption = None,
    as_of: AsOfOption = None,
) -> None:
    """A one-page brief for a 1:1 or a promotion conversation, from stored evidence.

    Outcomes first, then progress, talking points, asks and a collaboration plan; every
    sentence names what backs it. Default period: the current learning cycle."""
    app = state(ctx, config)
    settings = app.settings()
    target = output_file(output)
    now = datetime.now(UTC)
    period = brief_period(settings, since=since, until=until, cycle=cycle, quarter=quarter, now=now)
    today = local_date(now, settings.owner.zone)
    day = parse_day(as_of, option="--as-of") if as_of else min(today, period.last or today)
    with app.ledger().read() as session:
        drafted = build_brief(session, settings, period, day, redact=redact is Redact.private)
    if drafted is None:
        text = no_evidence_line(period)
    elif fmt is BriefFormat.html:
        text = render_brief_html(drafted)
    else:
        text = render_brief_markdown(drafted)
    data = app.redactor().redact_bytes(text.encode("utf-8"))
    deliver(data, target, force, f"{fmt.value} brief")
