"""A fixed ledger for the export tests: Ada (Europe/Berlin), cycle 1 from 2 Nov 2026,
evidence from September to November 2026, a private repository, hostile titles, a
formula-looking title, an endorsement and an accepted item that changed upstream."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fakes.fixed_ledger import at, suggestion_row, with_ledger, write_settings
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
from connectors.item import Item

OWNER = "ada"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PRIVATE_REPO = "acme/secret-payroll"
PRIVATE_TITLE = "Migrate payroll ledger to Vault"
PRIVATE_REVIEW_TITLE = "Rotate payroll signing keys"
HOSTILE = '<script>alert(1)</script> & "quotes" <img src=http://evil.example/x.png>'
FORMULA = '=HYPERLINK("http://evil.example","click")'

CONFIG = """
[owner]
name = "Ada <b>Lovelace</b>"
timezone = "Europe/Berlin"
key = "ada"

[growth_map]
feedback_sessions = ["2026-12-04"]

[[growth_map.destinations]]
id = "A"
title = "Design and implement a fault-tolerant microservice"
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

[[growth_map.destinations]]
id = "B"
title = "Lead a cross-functional project"

[[growth_map.destinations.skills]]
id = "mentoring"
name = "Mentoring and feedback"
level = "N"
target = "P"

[[growth_map.destinations]]
id = "C"
title = "Publishing and speaking"

[[growth_map.destinations.skills]]
id = "public-speaking"
name = "Public speaking"
level = "N"
target = "P"

[[growth_map.cycles]]
start = "2026-11-02"
weeks = 6
goal = "Deliver a minimal service with tracing and canary release"
destinations = ["A"]
"""


def config_text(ledger_url: str) -> str:
    return with_ledger(CONFIG, ledger_url)


def settings(tmp_path: Path, ledger_url: str) -> Settings:
    return write_settings(tmp_path, CONFIG, ledger_url)


def pr(number: int, repo: str, when: str, title: str, **fields: Any) -> Item:
    extra = {"number": number, **fields.pop("extra", {})}
    moment = at(when)
    return Item(
        source=fields.pop("source", "github"),
        kind="pull_request",
        external_id=f"{repo}#{number}",
        url=f"https://github.example/{repo}/pull/{number}",
        title=title,
        created_at=moment - timedelta(days=1),
        updated_at=moment,
        occurred_at=moment,
        state="merged",
        repo=repo,
        additions=fields.pop("additions", 40),
        deletions=fields.pop("deletions", 10),
        extra=extra,
        **fields,
    )


def review(number: int, repo: str, when: str, title: str, **extra: Any) -> Item:
    moment = at(when)
    return Item(
        source="github",
        kind="review",
        external_id=f"{repo}#{number}/review",
        url=f"https://github.example/{repo}/pull/{number}",
        title=title,
        created_at=moment,
        updated_at=moment,
        occurred_at=moment,
        state="approved",
        repo=repo,
        extra={"number": number, "review_states": ["APPROVED"], "review_comments": 2, **extra},
    )


def ticket(
    key: str,
    when: str,
    title: str,
    *,
    source: str = "jira",
    host: str = "acme.atlassian.example",
    opened_days_before: int = 3,
    extra: dict[str, object] | None = None,
) -> Item:
    moment = at(when)
    return Item(
        source=source,
        kind="ticket",
        external_id=key,
        url=f"https://{host}/browse/{key}",
        title=title,
        created_at=moment - timedelta(days=opened_days_before),
        updated_at=moment,
        occurred_at=moment,
        state="done",
        repo=key.split("-", maxsplit=1)[0],
        extra=extra or {"issue_type": "Story", "story_points": 3},
    )


ITEMS = [
    pr(
        412,
        "acme/checkout",
        "2026-11-18T10:00:00",
        "Add tracing spans to checkout (CORE-118)",
        additions=420,
        deletions=80,
    ),
    pr(
        88,
        "acme/platform",
        "2026-11-19T09:00:00",
        "Export OTel metrics",
        additions=96,
        deletions=12,
    ),
    pr(90, "acme/platform", "2026-11-20T16:00:00", HOSTILE),
    pr(91, "acme/platform", "2026-11-21T18:00:00", FORMULA, additions=3, deletions=3),
    pr(7, PRIVATE_REPO, "2026-11-12T10:00:00", PRIVATE_TITLE, extra={"private": True}),
    # The review carries no flag of its own: its repository is private all the same.
    review(9, PRIVATE_REPO, "2026-11-13T10:00:00", PRIVATE_REVIEW_TITLE),
    review(15, "acme/payments", "2026-11-18T15:00:00", "Idempotent refunds"),
    ticket("CORE-118", "2026-11-18T11:00:00", "Trace checkout latency"),
    pr(301, "acme/checkout", "2026-11-03T10:00:00", "Structured logging for checkout"),
    pr(303, "acme/checkout", "2026-10-27T10:00:00", "Request ids in logs"),
    pr(200, "acme/deploy", "2026-09-15T10:00:00", 'Canary stage, retries; "quoted"\nline'),
]

# (external id, destination, skill, status, weight, note)
SUGGESTIONS = [
    (
        "acme/checkout#412",
        "A",
        "observability",
        "accepted",
        2.0,
        "Cut triage from hours to minutes",
    ),
    ("acme/platform#88", "A", "observability", "suggested", 1.0, None),
    ("acme/platform#90", "A", "observability", "accepted", 1.0, None),
    ("acme/platform#91", "A", "distributed-systems", "accepted", 1.0, "-1 incidents since"),
    (
        f"{PRIVATE_REPO}#7",
        "A",
        "distributed-systems",
        "accepted",
        2.0,
        f"Shipped {PRIVATE_TITLE} on time",
    ),
    (f"{PRIVATE_REPO}#9/review", "B", "mentoring", "accepted", 1.0, None),
    ("acme/payments#15/review", "B", "mentoring", "accepted", 1.0, None),
    ("CORE-118", "A", "observability", "accepted", 1.0, None),
    ("acme/checkout#301", "A", "observability", "accepted", 1.0, None),
    ("acme/checkout#303", "A", "observability", "rejected", 1.0, None),
    ("acme/deploy#200", "A", "distributed-systems", "accepted", 1.0, None),
]

PRIVATE_DRAFT = (
    "## Week 2026-W46 · 9–15 Nov 2026 · cycle 1, week 2 of 6\n\n"
    "### A · Design and implement a fault-tolerant microservice\n"
    "**Distributed systems design (P → E)**\n"
    f"- Merged [{PRIVATE_REPO}#7](https://github.example/{PRIVATE_REPO}/pull/7) "
    f'"{PRIVATE_TITLE}" (+40/−10)\n\n'
    "### Reflection\n- What went well:\n"
)
EDITED = "## My week 47\n\nShipped tracing. <b>bold?</b> ![x](http://evil.example/p.png)\n"


def populate(ledger: Ledger) -> None:
    with ledger.write() as session:
        record_items(session, OWNER, ITEMS, NOW - timedelta(days=5))
        rows = {r.external_id: r for r in session.scalars(select(ItemRow))}
        for external_id, destination, skill, status, weight, note in SUGGESTIONS:
            row = rows[external_id]
            session.add(
                suggestion(row.id, row.content_hash, destination, skill, status, weight, note)
            )
        session.add_all(manual_rows())
        session.add(
            SkillLevelRow(
                owner=OWNER,
                destination="A",
                skill="observability",
                level="P",
                effective=date(2026, 11, 20),
                note="after the tracing rollout",
                recorded_at=NOW - timedelta(days=5),
            )
        )
        session.add_all(
            [
                LogEntryRow(
                    owner=OWNER,
                    week="2026-W46",
                    draft=PRIVATE_DRAFT,
                    text=None,
                    evidence=[],
                    evidence_hash="",
                    drafted_at=NOW,
                    edited_at=None,
                ),
                LogEntryRow(
                    owner=OWNER,
                    week="2026-W47",
                    draft="## Week 2026-W47\n",
                    text=EDITED,
                    evidence=[],
                    evidence_hash="",
                    drafted_at=NOW,
                    edited_at=NOW - timedelta(days=1),
                ),
            ]
        )
    with ledger.write() as session:  # the PR changes upstream after it was accepted
        changed = replace(ITEMS[0], title="Add tracing spans to checkout (CORE-118), v2")
        record_items(session, OWNER, [changed], NOW - timedelta(days=1))


def manual_rows() -> list[ManualArtifactRow]:
    common = {"owner": OWNER, "created_at": NOW, "updated_at": NOW}
    return [
        ManualArtifactRow(
            kind="talk",
            title="Tracing in practice",
            date=date(2026, 11, 21),
            url="https://talks.example/tracing",
            destination="C",
            skills=["public-speaking"],
            endorser=None,
            outcome="40 attendees; two teams adopted the checklist",
            **common,
        ),
        ManualArtifactRow(
            kind="endorsement",
            title="Ada made our on-call <b>calm</b>",
            date=date(2026, 11, 23),
            url=None,
            destination="B",
            skills=["mentoring"],
            endorser="Grace Hopper",
            outcome=None,
            **common,
        ),
    ]


def suggestion(
    item_id: int,
    item_hash: str,
    destination: str,
    skill: str,
    status: str,
    weight: float,
    note: str | None,
) -> SuggestionRow:
    return suggestion_row(
        OWNER,
        item_id,
        destination,
        skill,
        status,
        weight,
        note,
        created=NOW - timedelta(days=5),
        decided=NOW - timedelta(days=4),
        rules=["rule-b", "rule-a"],
        item_hash=item_hash,
    )
