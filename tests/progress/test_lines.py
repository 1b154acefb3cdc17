"""Evidence lines: upstream text stays inert, links are http(s) only, reviews add up."""

from __future__ import annotations

from datetime import date
from typing import Any

from collector.progress.artifacts import Artifact
from collector.progress.lines import artifact_line, md_link, md_text, reviews_summary, safe_url

DAY = date(2026, 11, 18)


def review(repo: str, **extra: Any) -> Artifact:
    return Artifact(f"item:{repo}", "review", "t", None, DAY, None, f"{repo}#1", repo, extra=extra)


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


def test_reviews_from_github_and_gitlab_add_up() -> None:
    reviews = [
        review("acme/a", review_states=["CHANGES_REQUESTED", "APPROVED"], review_comments=4),
        review("acme/b", review_states=["COMMENTED"], review_comments=2),
        review("grp/c", review_states=["APPROVED"], approved=True, comments=3),  # GitLab shape
        review("grp/c", review_states="weird", review_comments="many"),  # defensive
    ]
    assert reviews_summary(reviews) == (
        "Reviewed 4 pull requests: 2 approvals, 1 change request, 9 comments "
        "(acme/a, acme/b, grp/c)"
    )
    assert reviews_summary([review("r", review_states=[])]) == "Reviewed 1 pull request (r)"


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
