"""Evidence lines: upstream text stays inert, links are http(s) only, reviews add up."""

from __future__ import annotations

from datetime import date
from typing import Any

from collector.progress.entry import for_reader
from collector.progress.evidence import Artifact
from collector.progress.lines import (
    artifact_line,
    md_link,
    md_text,
    review_detail,
    review_lines,
    safe_url,
)

DAY = date(2026, 11, 18)


def review(repo: str, number: int = 1, sep: str = "#", **extra: Any) -> Artifact:
    ref = f"{repo}{sep}{number}"
    url = f"https://git.example/{repo}/pull/{number}"
    return Artifact(f"item:g:review:{ref}", "review", f"PR {number}", url, DAY, None, ref, repo,
                    extra=extra)  # fmt: skip


def test_markdown_specials_newlines_and_escapes_are_neutralised() -> None:
    assert md_text("a_b *c* [d](e) `f` <g> ~h~ \\") == (
        "a\\_b \\*c\\* \\[d\\](e) \\`f\\` \\<g\\> \\~h\\~ \\\\"
    )
    assert md_text("line one\n# line two\x1b[31m red") == "line one # line two red"
    assert md_text("x" * 300, limit=10) == "x" * 9 + "…"


def test_only_http_links() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,hi") is None
    assert safe_url("https://h.example/a b)c") == "https://h.example/a%20b%29c"
    assert md_link("x", "ftp://h.example/") == "x"


def test_review_details_from_github_and_gitlab() -> None:
    assert review_detail({"review_states": ["CHANGES_REQUESTED", "APPROVED"]}) == (
        "changes requested, then approved"
    )
    assert review_detail({"review_states": ["COMMENTED"], "review_comments": 2}) == "2 comments"
    assert review_detail({"review_states": ["COMMENTED"]}) == "commented"
    gitlab = {"review_states": ["APPROVED"], "approved": True, "comments": 3}
    assert review_detail(gitlab) == "approved, 3 comments"
    assert review_detail({"approved": True}) == "approved"
    assert review_detail({"review_states": "weird", "review_comments": "many"}) == "commented"
    assert review_detail({}) == ""


def test_each_review_is_linked_and_many_in_one_repository_share_a_line() -> None:
    few = [review("acme/a", 1, review_states=["APPROVED"]), review("acme/b", 2)]
    assert review_lines(few) == [
        'Reviewed [acme/a#1](https://git.example/acme/a/pull/1) "PR 1" (approved)',
        'Reviewed [acme/b#2](https://git.example/acme/b/pull/2) "PR 2"',
    ]
    many = [
        review("acme/checkout", 12, review_states=["APPROVED"]),
        review("acme/checkout", 15, review_states=["CHANGES_REQUESTED"], review_comments=4),
        review("acme/checkout", 17),
    ]
    assert review_lines(many, " — also Testing") == [
        "Reviewed 3 pull requests in acme/checkout: "
        "[#12](https://git.example/acme/checkout/pull/12) (approved), "
        "[#15](https://git.example/acme/checkout/pull/15) (changes requested, 4 comments), "
        "[#17](https://git.example/acme/checkout/pull/17) — also Testing"
    ]
    merge_requests = [review("grp/app", n, sep="!") for n in (1, 2, 3)]
    assert review_lines(merge_requests)[0].startswith(
        "Reviewed 3 merge requests in grp/app: [!1](https://git.example/grp/app/pull/1), "
    )


def test_lines_per_kind() -> None:
    ticket = Artifact(
        "item:j:ticket:CORE-1", "ticket", "Fix *it*", "https://j.example/CORE-1", DAY, None,
        "CORE-1", state="done", extra={"issue_type": "Bug", "story_points": 1},
    )  # fmt: skip
    assert (
        artifact_line(ticket)
        == 'Closed [CORE-1](https://j.example/CORE-1) Bug "Fix \\*it\\*" (1 pt)'
    )
    opened = Artifact(
        "item:g:pull_request:a#2", "pull_request", "WIP", "https://g.example/a/2", DAY, None,
        "a#2", state="open",
    )  # fmt: skip
    assert artifact_line(opened) == 'Open [a#2](https://g.example/a/2) "WIP"'
    endorsement = Artifact(
        "manual:3", "endorsement", "Great mentor", None, DAY, None, "endorsement", manual=True,
        endorser="Grace <grace@x>",
    )  # fmt: skip
    assert artifact_line(endorsement) == 'Endorsement from Grace \\<grace@x\\>: "Great mentor"'


def test_a_reader_sees_the_prompts_the_engineer_answered_only() -> None:
    text = (
        "## Week 2026-W47\n\nShipped tracing.\n\n### Not yet mapped\n- Merged [a#1](https://x/1)\n\n"
        "_`growthmap review` maps them to your skills._\n\n### Reflection\n"
        "- What went well: the rollout\n- What was challenging:\n  - flaky canaries\n"
        "- What to improve next sprint:\n- What support I need:\n"
    )
    assert for_reader(text) == (
        "## Week 2026-W47\n\nShipped tracing.\n\n### Reflection\n"
        "- What went well: the rollout\n- What was challenging:\n  - flaky canaries\n"
    )
    empty = (
        "## Week 2026-W47\n\nShipped.\n\n### Reflection\n- What went well:\n- What support I need:"
    )
    assert for_reader(empty) == "## Week 2026-W47\n\nShipped.\n"
