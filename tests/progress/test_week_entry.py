"""A week where every item counts for several skills: each item appears once, under its
strongest mapping, its other skills as tags; every review given with its pull request's
link; every line that names evidence carries the link stored for it."""

from __future__ import annotations

import re

import pytest
from conftest import check_golden
from progress_data import NOW, OWNER, pr, review, suggestion, ticket
from sqlalchemy import select

from collector.config import Settings
from collector.ledger import Ledger
from collector.ledger.items import record_items
from collector.ledger.models import ItemRow
from collector.progress import Week, draft_week
from connectors.item import Item

W49 = Week(2026, 49)  # 30 Nov – 6 Dec 2026
PAYMENTS = "acme/payments"

ITEMS: list[Item] = [
    pr(500, "acme/checkout", "2026-11-30T10:00:00", "CORE-200 bump dependencies"),
    pr(501, "acme/checkout", "2026-12-01T10:00:00", "Pairing: retries with a junior"),
    pr(502, "acme/blog", "2026-12-02T10:00:00", "Post: what tracing taught us"),
    ticket("CORE-200", "2026-11-30T12:00:00", "Keep dependencies current", "Task", 1),
    *[
        review(n, PAYMENTS, f"2026-12-0{n - 19}T15:00:00", states, comments)
        for n, states, comments in (
            (20, ["APPROVED"], 0),
            (21, ["CHANGES_REQUESTED"], 4),
            (22, ["COMMENTED"], 2),
            (23, ["CHANGES_REQUESTED", "APPROVED"], 1),
        )
    ],
]
REVIEWS = [f"{PAYMENTS}#{n}/review" for n in (20, 21, 22, 23)]
# (external id, destination, skill, status, weight): every item counts for several skills
MAPPINGS = [
    # equal weights: the growth map's order decides (A before B before C)
    ("acme/checkout#500", "C", "writing", "accepted", 1.0),
    ("acme/checkout#500", "A", "release-engineering", "accepted", 1.0),
    ("acme/checkout#500", "A", "observability", "accepted", 1.0),
    ("acme/checkout#500", "B", "mentoring", "accepted", 1.0),
    ("CORE-200", "A", "release-engineering", "accepted", 1.0),
    ("CORE-200", "C", "writing", "accepted", 1.0),
    # the highest rule weight wins
    ("acme/checkout#501", "A", "observability", "accepted", 1.0),
    ("acme/checkout#501", "B", "mentoring", "accepted", 2.0),
    # accepted before suggested, whatever the weight
    ("acme/blog#502", "A", "observability", "suggested", 3.0),
    ("acme/blog#502", "C", "writing", "accepted", 1.0),
    *[(r, "B", "mentoring", "accepted", 1.0) for r in REVIEWS],
    *[(r, "A", "distributed-systems", "accepted", 1.0) for r in REVIEWS],
]


@pytest.fixture
def busy_week(fixed_ledger: Ledger) -> Ledger:
    with fixed_ledger.write() as session:
        record_items(session, OWNER, ITEMS, NOW)
        ids = {r.external_id: r.id for r in session.scalars(select(ItemRow))}
        for external_id, destination, skill, status, weight in MAPPINGS:
            session.add(suggestion(ids[external_id], destination, skill, status, weight, None))
    return fixed_ledger


def entry(ledger: Ledger, settings: Settings) -> str:
    return draft_week(ledger, settings, W49, NOW).draft


def test_each_item_appears_once(busy_week: Ledger, gm_settings: Settings) -> None:
    text = entry(busy_week, gm_settings)
    for item in ITEMS:
        assert text.count(f"]({item.url})") == 1, item.external_id
    check_golden("week-2026-W49-several-skills.md", text)


def test_the_strongest_mapping_holds_the_line_the_others_are_tags(
    busy_week: Ledger, gm_settings: Settings
) -> None:
    text = entry(busy_week, gm_settings)
    observability = _skill_block(text, "Observability")
    assert "[acme/checkout#500]" in observability  # A's first skill, weights equal
    assert observability.count("\n- ") == 1
    assert "— linked [CORE-200]" in observability  # the ticket goes with its pull request
    assert (
        "— also Release engineering, B · Mentoring and feedback, C · Technical writing"
        in observability
    )
    mentoring = _skill_block(text, "Mentoring and feedback")
    assert "[acme/checkout#501]" in mentoring and "— also A · Observability" in mentoring
    writing = _skill_block(text, "Technical writing")
    assert "[acme/blog#502]" in writing and "— also A · Observability (suggested)" in writing
    assert "*suggested*" not in writing


def test_reviews_are_listed_per_pull_request_with_links(
    busy_week: Ledger, gm_settings: Settings
) -> None:
    text = entry(busy_week, gm_settings)
    design = _skill_block(text, "Distributed systems design")
    url = "https://github.example/acme/payments/pull/{}/review"
    assert design.splitlines()[1] == (
        f"- Reviewed 4 pull requests in acme/payments: [#20]({url.format(20)}) (approved), "
        f"[#21]({url.format(21)}) (changes requested, 4 comments), "
        f"[#22]({url.format(22)}) (2 comments), "
        f"[#23]({url.format(23)}) (changes requested, then approved, 1 comment)"
        " — also B · Mentoring and feedback"
    )


def test_every_line_naming_evidence_carries_its_link(
    busy_week: Ledger, gm_settings: Settings
) -> None:
    for week in (W49, Week(2026, 47)):
        text = draft_week(busy_week, gm_settings, week, NOW).draft
        lines = [line for line in text.splitlines() if line.startswith("- ")]
        evidence = [line for line in lines if not line.endswith(":")]  # not the prompts
        assert evidence
        for line in evidence:
            assert re.search(r"\]\(https?://[^)]+\)", line), line
        with busy_week.read() as session:
            stored = list(session.execute(select(ItemRow.external_id, ItemRow.url)))
        for external_id, url in stored:
            ref = external_id.removesuffix("/review")
            for line in lines:
                if f"[{ref}]" in line:
                    assert f"[{ref}]({url})" in line, (ref, line)


def _skill_block(text: str, name: str) -> str:
    """From the skill's bold line to the next blank line."""
    start = text.index(f"**{name} (")
    return text[start:].split("\n\n", 1)[0]
