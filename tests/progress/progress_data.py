"""A fixed ledger for the progress-log and growth-map tests: one engineer, Europe/Berlin,
cycle 1 from 2 Nov 2026, evidence spread over September to November."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fakes.fixed_ledger import at, suggestion_row, write_settings

from collector.config import Settings
from collector.ledger import Ledger
from collector.ledger.items import record_items
from collector.ledger.models import ItemRow, ManualArtifactRow, SkillLevelRow, SuggestionRow
from connectors.item import Item

OWNER = "ada"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # Wednesday of 2026-W48

CONFIG = """
[owner]
name = "Ada Lovelace"
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

[[growth_map.destinations.skills]]
id = "release-engineering"
name = "Release engineering"
level = "N"
target = "P"

[[growth_map.destinations]]
id = "B"
title = "Lead a cross-functional project"

[[growth_map.destinations.skills]]
id = "mentoring"
name = "Mentoring and feedback"
level = "N"
target = "P"

[[growth_map.destinations.skills]]
id = "stakeholder-communication"
name = "Stakeholder communication"
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

[[growth_map.destinations.skills]]
id = "writing"
name = "Technical writing"
level = "N"
target = "P"

[[growth_map.cycles]]
start = "2026-11-02"
weeks = 6
goal = "Deliver a minimal service with tracing and canary release"
destinations = ["A"]

[mastery]
practitioner_artifacts = 4
practitioner_weeks = 3
"""


def settings(tmp_path: Path, body: str = CONFIG, ledger_url: str | None = None) -> Settings:
    return write_settings(tmp_path, body, ledger_url or f"sqlite:///{tmp_path / 'ledger.db'}")


def item(kind: str, external_id: str, when: datetime, title: str, **fields: Any) -> Item:
    defaults: dict[str, Any] = {
        "source": "github",
        "url": f"https://github.example/{external_id.replace('#', '/pull/')}",
        "state": "merged",
        "repo": external_id.split("#", maxsplit=1)[0] if "#" in external_id else None,
    }
    created = fields.pop("created", when - timedelta(days=1))
    values = defaults | fields
    return Item(
        kind=kind,
        external_id=external_id,
        title=title,
        created_at=created,
        updated_at=when,
        occurred_at=when,
        **values,
    )


def pr(number: int, repo: str, when: str, title: str, **fields: Any) -> Item:
    extra = {"number": number, **fields.pop("extra", {})}
    fields.setdefault("additions", 40)
    fields.setdefault("deletions", 10)
    return item("pull_request", f"{repo}#{number}", at(when), title, extra=extra, **fields)


def review(number: int, repo: str, when: str, states: list[str], comments: int) -> Item:
    return item(
        "review",
        f"{repo}#{number}/review",
        at(when),
        f"Change {number} in {repo}",
        state=states[-1].lower(),
        extra={"number": number, "review_states": states, "review_comments": comments},
    )


def ticket(key: str, when: str, title: str, issue_type: str, points: float | None) -> Item:
    return item(
        "ticket",
        key,
        at(when),
        title,
        source="jira",
        url=f"https://acme.atlassian.example/browse/{key}",
        state="done",
        repo=key.split("-", maxsplit=1)[0],
        extra={
            "issue_type": issue_type,
            "story_points": points,
            "project": key.split("-", maxsplit=1)[0],
        },
    )


HOSTILE = "Fix *all* the [things](javascript:alert(1)) <script>x</script> `rm -rf`\nsecond line"

ITEMS = [
    # 2026-W47 (16–22 Nov): the week of the golden entry
    pr(
        412,
        "acme/checkout",
        "2026-11-18T10:00:00",
        "Add tracing spans to checkout",
        additions=420,
        deletions=80,
        body="Implements the tracing part of the plan.",
        extra={"head_ref": "core-118-tracing"},
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
    pr(91, "acme/platform", "2026-11-21T18:00:00", "Bump dependencies", additions=3, deletions=3),
    item(
        "design_doc",
        "acme/design-docs:docs/design/retry-budget.md",
        at("2026-11-17T08:00:00"),
        "retry-budget.md",
        repo="acme/design-docs",
        path="docs/design/retry-budget.md",
        url="https://github.example/acme/design-docs/blob/main/docs/design/retry-budget.md",
        created=at("2026-11-16T08:00:00"),
    ),
    review(7, "acme/checkout", "2026-11-17T13:00:00", ["APPROVED"], 3),
    review(15, "acme/payments", "2026-11-18T15:00:00", ["CHANGES_REQUESTED", "COMMENTED"], 5),
    review(16, "acme/payments", "2026-11-19T15:00:00", ["APPROVED"], 2),
    ticket("CORE-118", "2026-11-18T11:00:00", "Trace checkout latency", "Story", 3),
    ticket("PLAT-41", "2026-11-20T12:00:00", "Retry storm on timeout", "Bug", None),
    # earlier weeks of the cycle and before it
    pr(301, "acme/checkout", "2026-11-03T10:00:00", "Structured logging for checkout"),
    pr(302, "acme/checkout", "2026-11-10T10:00:00", "Trace context propagation"),
    pr(303, "acme/checkout", "2026-10-27T10:00:00", "Request ids in logs"),
    pr(200, "acme/deploy", "2026-09-15T10:00:00", "Canary stage in the pipeline"),
]

# (external id, destination, skill, status, weight, note)
SUGGESTIONS = [
    (
        "acme/checkout#412",
        "A",
        "observability",
        "accepted",
        2.0,
        "Cut checkout triage from hours to minutes",
    ),
    ("acme/platform#88", "A", "observability", "suggested", 1.0, None),
    ("acme/platform#90", "C", "writing", "suggested", 1.0, None),
    (
        "acme/design-docs:docs/design/retry-budget.md",
        "A",
        "distributed-systems",
        "accepted",
        2.0,
        None,
    ),
    ("acme/checkout#7/review", "B", "mentoring", "accepted", 1.0, None),
    ("acme/payments#15/review", "B", "mentoring", "accepted", 1.0, None),
    ("acme/payments#16/review", "B", "mentoring", "suggested", 1.0, None),
    ("CORE-118", "A", "observability", "accepted", 1.0, None),
    ("PLAT-41", "A", "distributed-systems", "rejected", 1.0, None),
    ("acme/checkout#301", "A", "observability", "accepted", 1.0, None),
    ("acme/checkout#302", "A", "observability", "accepted", 1.0, None),
    ("acme/checkout#303", "A", "observability", "accepted", 1.0, None),
    ("acme/deploy#200", "A", "release-engineering", "accepted", 1.0, None),
]


def populate(ledger: Ledger) -> None:
    with ledger.write() as session:
        record_items(session, OWNER, ITEMS, NOW - timedelta(days=1))
        ids = {r.external_id: r.id for r in session.query(ItemRow).filter_by(owner=OWNER)}
        for external_id, destination, skill, status, weight, note in SUGGESTIONS:
            session.add(suggestion(ids[external_id], destination, skill, status, weight, note))
        session.add(
            ManualArtifactRow(
                owner=OWNER,
                kind="talk",
                title="Tracing in practice",
                date=date(2026, 11, 21),
                url="https://talks.example/tracing",
                destination="C",
                skills=["public-speaking"],
                outcome="40 attendees; two teams adopted the checklist",
                endorser=None,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        session.add(
            SkillLevelRow(
                owner=OWNER,
                destination="C",
                skill="writing",
                level="P",
                effective=date(2026, 11, 10),
                note="after the blog series",
                recorded_at=NOW - timedelta(days=10),
            )
        )


def suggestion(
    item_id: int, destination: str, skill: str, status: str, weight: float, note: str | None
) -> SuggestionRow:
    return suggestion_row(
        OWNER,
        item_id,
        destination,
        skill,
        status,
        weight,
        note,
        created=NOW - timedelta(days=3),
        decided=NOW - timedelta(days=2),
        rules=["rule-1"],
    )
