# growthmap: the demo ledger the README screenshot of the HTML export is taken from.
"""A quarter of one engineer's work, as growthmap would have collected and the engineer
reviewed it: the ledger the README's screenshot of the HTML export is taken from.
Fixed data (no randomness, no clock), so the screenshot only changes with the export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from collector.config import Settings
from collector.ledger import Ledger
from collector.ledger.items import record_items
from collector.ledger.models import (
    ItemRow,
    LogEntryRow,
    ManualArtifactRow,
    SkillLevelRow,
    SuggestionRow,
)
from collector.progress import draft_weeks
from collector.progress.weeks import Week
from connectors.item import Item

OWNER = "ada"
NOW = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
AS_OF = "2026-12-04"
QUARTER = "2026Q4"

CONFIG = """
[ledger]
url = "{url}"

[owner]
name = "Ada Lovelace"
timezone = "Europe/London"
key = "ada"

[growth_map]
feedback_sessions = ["2026-12-11"]

[[growth_map.destinations]]
id = "A"
title = "Run a fault-tolerant checkout service with end-to-end tracing"
target_date = "2027-08-31"

[[growth_map.destinations.skills]]
id = "observability"
name = "Observability"
level = "N"
target = "P"

[[growth_map.destinations.skills]]
id = "distributed-systems"
name = "Distributed systems design"
level = "P"
target = "E"

[[growth_map.destinations.skills]]
id = "release-engineering"
name = "Release engineering"
level = "N"
target = "P"

[[growth_map.destinations]]
id = "B"
title = "Lead the payments migration across three teams"
target_date = "2027-03-31"

[[growth_map.destinations.skills]]
id = "mentoring"
name = "Mentoring and feedback"
level = "N"
target = "P"

[[growth_map.destinations.skills]]
id = "stakeholders"
name = "Stakeholder communication"
level = "N"
target = "P"

[[growth_map.destinations]]
id = "C"
title = "Share what the team learns"

[[growth_map.destinations.skills]]
id = "speaking"
name = "Public speaking"
level = "N"
target = "P"

[[growth_map.destinations.skills]]
id = "writing"
name = "Technical writing"
level = "P"
target = "E"

[[growth_map.cycles]]
start = "2026-10-05"
weeks = 6
goal = "Trace every checkout request end to end"
destinations = ["A"]

[[growth_map.cycles]]
start = "2026-11-16"
weeks = 6
goal = "Ship canary releases and hand the migration plan to the teams"
destinations = ["A", "B"]

[mastery]
practitioner_artifacts = 8
practitioner_weeks = 4
"""

# (day, repo, number, title, additions, deletions, skills as "D/skill:weight")
PULL_REQUESTS = [
    ("2026-10-06", "acme/checkout", 401, "Structured logging for the checkout flow", 210, 40,
     ["A/observability:1"]),
    ("2026-10-08", "acme/checkout", 404, "Propagate trace context through the queue", 320, 75,
     ["A/observability:2", "A/distributed-systems:1"]),
    ("2026-10-14", "acme/checkout", 409, "Add tracing spans to payment calls", 420, 80,
     ["A/observability:2"]),
    ("2026-10-16", "acme/platform", 88, "Export OTel metrics from the gateway", 96, 12,
     ["A/observability:1"]),
    ("2026-10-21", "acme/checkout", 415, "Retry budget for the payment client", 260, 90,
     ["A/distributed-systems:2", "A/observability:1"]),
    ("2026-10-28", "acme/deploy", 57, "Canary stage in the deploy pipeline", 180, 30,
     ["A/release-engineering:2"]),
    ("2026-11-03", "acme/checkout", 422, "Idempotency keys for refunds", 150, 20,
     ["A/distributed-systems:1", "B/stakeholders:1"]),
    ("2026-11-05", "acme/deploy", 61, "Automatic rollback on error-rate alerts", 240, 60,
     ["A/release-engineering:2", "A/observability:1"]),
    ("2026-11-11", "acme/checkout", 430, "Dashboards for checkout latency by region", 80, 10,
     ["A/observability:1"]),
    ("2026-11-18", "acme/payments", 212, "Dual-write to the new payments ledger", 380, 120,
     ["B/stakeholders:2", "A/distributed-systems:1"]),
    ("2026-11-19", "acme/deploy", 66, "Canary analysis with trace-based SLOs", 200, 45,
     ["A/release-engineering:2", "A/observability:1"]),
    ("2026-11-25", "acme/payments", 219, "Backfill job for historical payments", 260, 35,
     ["A/distributed-systems:1"]),
    ("2026-12-01", "acme/checkout", 441, "Alert on trace sampling gaps", 70, 15,
     ["A/observability:1"]),
    ("2026-12-02", "acme/deploy", 70, "Progressive rollout for the payments service", 160, 40,
     ["A/release-engineering:1", "B/stakeholders:1"]),
]  # fmt: skip

# (day, repo, number, title, states, comments)
REVIEWS = [
    ("2026-10-09", "acme/checkout", 405, "Cache warm-up on deploy", ["APPROVED"], 2),
    ("2026-10-20", "acme/payments", 190, "Refund webhook retries", ["CHANGES_REQUESTED"], 6),
    ("2026-10-22", "acme/payments", 192, "Currency rounding fix", ["APPROVED"], 1),
    ("2026-11-04", "acme/payments", 201, "Ledger schema v2", ["CHANGES_REQUESTED", "APPROVED"], 9),
    ("2026-11-10", "acme/checkout", 428, "First PR: tidy error pages", ["APPROVED"], 4),
    ("2026-11-17", "acme/payments", 208, "Payments client timeouts", ["APPROVED"], 3),
    ("2026-11-18", "acme/payments", 209, "Migration runbook", ["COMMENTED"], 5),
    ("2026-11-19", "acme/payments", 210, "Shadow reads for the new ledger", ["APPROVED"], 2),
    ("2026-11-20", "acme/payments", 214, "Reconciliation report", ["CHANGES_REQUESTED"], 4),
    ("2026-12-02", "acme/checkout", 439, "Onboarding: local tracing setup", ["APPROVED"], 3),
]

# (day, key, type, title, points, skill)
TICKETS = [
    ("2026-10-15", "CORE-118", "Story", "Trace checkout latency end to end", 5,
     "A/observability:1"),
    ("2026-11-06", "CORE-131", "Task", "Roll back automatically on bad canaries", 3,
     "A/release-engineering:1"),
    ("2026-11-26", "PAY-42", "Epic", "Payments migration: phase 1 complete", 8,
     "B/stakeholders:2"),
]  # fmt: skip

# (day, repo, path, created, skills)
DESIGN_DOCS = [
    ("2026-10-12", "acme/design-docs", "docs/design/checkout-tracing.md", "2026-10-09",
     ["A/observability:2", "C/writing:1"]),
    ("2026-11-02", "acme/design-docs", "docs/design/retry-budget.md", "2026-10-30",
     ["A/distributed-systems:3", "C/writing:1"]),
    ("2026-11-16", "acme/design-docs", "docs/design/payments-migration.md", "2026-11-12",
     ["B/stakeholders:3", "A/distributed-systems:1", "C/writing:1"]),
]  # fmt: skip

REVIEW_SKILL = "B/mentoring:1"
LEVEL_CHANGE = ("A", "observability", "P", date(2026, 11, 27), "feedback session 27 Nov")


def config_text(ledger_url: str) -> str:
    return CONFIG.replace("{url}", ledger_url)


def populate(ledger: Ledger) -> list[datetime]:
    """Store the quarter's items, the engineer's decisions, manual artifacts and a level
    change; return the moments the items count for (to draft their weeks)."""
    items, mappings = _items()
    with ledger.write() as session:
        record_items(session, OWNER, items, NOW)
        ids = dict(session.execute(select(ItemRow.external_id, ItemRow.id)).tuples().all())
        for external_id, place, weight in mappings:
            destination, skill = place.split("/")
            session.add(_accepted(ids[external_id], destination, skill, weight))
        session.add_all(_manual())
        destination, skill, level, effective, note = LEVEL_CHANGE
        session.add(
            SkillLevelRow(
                owner=OWNER,
                destination=destination,
                skill=skill,
                level=level,
                effective=effective,
                note=note,
                recorded_at=NOW,
            )
        )
    return [item.occurred_at for item in items]


def draft_and_edit(ledger: Ledger, settings: Settings, moments: list[datetime]) -> None:
    """Draft every week, as `collect` does, and write one week's reflection by hand."""
    draft_weeks(ledger, settings, moments, NOW)
    week = Week(2026, 47)
    with ledger.write() as session:
        row = session.get(LogEntryRow, (OWNER, week.id))
        assert row is not None
        row.text = row.draft.replace(
            "- What went well:",
            "- What went well: the dual-write landed without a single paging alert",
        ).replace(
            "- What support I need:",
            "- What support I need: time with the data team before the backfill",
        )
        row.edited_at = NOW


def _items() -> tuple[list[Item], list[tuple[str, str, float]]]:
    items: list[Item] = []
    mappings: list[tuple[str, str, float]] = []
    for day, repo, number, title, plus, minus, skills in PULL_REQUESTS:
        ref = f"{repo}#{number}"
        items.append(_item("pull_request", ref, day, title, repo, f"/{repo}/pull/{number}",
                           additions=plus, deletions=minus, state="merged"))  # fmt: skip
        mappings += [(ref, *_skill(s)) for s in skills]
    for day, repo, number, title, states, comments in REVIEWS:
        ref = f"{repo}#{number}/review"
        extra = {"number": number, "review_states": states, "review_comments": comments}
        items.append(_item("review", ref, day, title, repo, f"/{repo}/pull/{number}",
                           state=states[-1].lower(), extra=extra))  # fmt: skip
        mappings.append((ref, *_skill(REVIEW_SKILL)))
    for day, key, kind, title, points, skill in TICKETS:
        extra = {"issue_type": kind, "story_points": points}
        items.append(_item("ticket", key, day, title, key.split("-")[0], f"/browse/{key}",
                           source="jira", state="done", extra=extra))  # fmt: skip
        mappings.append((key, *_skill(skill)))
    for day, repo, path, created, skills in DESIGN_DOCS:
        ref = f"{repo}:{path}"
        items.append(_item("design_doc", ref, day, path.rsplit("/", 1)[-1], repo,
                           f"/{repo}/blob/main/{path}", path=path, created=created))  # fmt: skip
        mappings += [(ref, *_skill(s)) for s in skills]
    return items, mappings


def _skill(text: str) -> tuple[str, float]:
    place, weight = text.split(":")
    return place, float(weight)


def _item(
    kind: str, ref: str, day: str, title: str, repo: str, link: str, **fields: object
) -> Item:
    moment = datetime.fromisoformat(day).replace(hour=15, tzinfo=UTC)
    created = fields.pop("created", None)
    source = str(fields.pop("source", "github"))
    host = "acme.atlassian.net" if source == "jira" else "github.com"
    opened = datetime.fromisoformat(str(created)).replace(tzinfo=UTC) if created else moment
    values: dict[str, object] = {"state": "merged", "extra": {}, **fields}
    return Item(
        source=source,
        kind=kind,
        external_id=ref,
        url=f"https://{host}{link}",
        title=title,
        created_at=opened - timedelta(days=0 if created else 2),
        updated_at=moment,
        occurred_at=moment,
        repo=repo,
        **values,  # type: ignore[arg-type]
    )


def _accepted(item_id: int, destination: str, skill: str, weight: float) -> SuggestionRow:
    return SuggestionRow(
        owner=OWNER,
        item_id=item_id,
        destination=destination,
        skill=skill,
        status="accepted",
        origin="rule",
        weight=weight,
        rules=["starter"],
        rule_hash="",
        created_at=NOW,
        updated_at=NOW,
        decided_at=NOW,
        decided_item_hash=None,
        note=None,
        noted_at=None,
    )


def _manual() -> list[ManualArtifactRow]:
    common = {"owner": OWNER, "created_at": NOW, "updated_at": NOW}
    return [
        ManualArtifactRow(
            kind="talk", title="Tracing in practice (platform guild)", date=date(2026, 11, 12),
            url="https://talks.example/tracing-in-practice", destination="C",
            skills=["speaking"], endorser=None,
            outcome="two teams adopted the tracing checklist", **common,
        ),
        ManualArtifactRow(
            kind="article", title="What a retry budget taught us", date=date(2026, 11, 30),
            url="https://blog.example/retry-budget", destination="C", skills=["writing"],
            endorser=None, outcome=None, **common,
        ),
        ManualArtifactRow(
            kind="endorsement", title="Ada's migration plan got three teams moving together",
            date=date(2026, 11, 27), url=None, destination="B", skills=["stakeholders"],
            endorser="Grace Hopper, payments lead", outcome=None, **common,
        ),
    ]  # fmt: skip


def write_config(folder: Path) -> Path:
    path = folder / "config.toml"
    path.write_text(config_text(f"sqlite:///{folder / 'ledger.db'}"), encoding="utf-8")
    return path
