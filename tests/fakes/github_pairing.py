"""Pairing in the fake GitHub's dataset: commits with `Co-authored-by:` trailers on the
owner's PRs and on colleagues' PRs the owner co-authored, and the pairings a correct
collector finds (written from the facts each plan sets, not from the connector's logic).

Every PR without planned commits has one commit by its author, its title as message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from fakes.github_data import Commit, Dataset, PrCommit, PullRequest
from fakes.pairing_keys import partner_key

# The owner's git e-mail: GitHub attributes it to the owner, but it is not on the profile.
OWNER_EMAIL = "octo.cat@corp.example"
# How far before the window a co-authored commit on a colleague's PR is searched for.
SLACK = timedelta(days=30)


def git_email(ds: Dataset, login: str) -> str:
    return OWNER_EMAIL if login == ds.owner else f"{login}@example.com"


def noreply(ds: Dataset, login: str) -> str:
    return f"{ds.users[login]}+{login}@users.noreply.github.com"


def commit_oid(pr: PullRequest, n: int) -> str:
    return hashlib.sha1(f"{pr.ref}:{n}".encode()).hexdigest()


def by(ds: Dataset, pr: PullRequest, login: str, message: str, n: int = 0) -> PrCommit:
    at = pr.created + timedelta(minutes=10 * (n + 1))
    return PrCommit(commit_oid(pr, n), login, ds.names[login], git_email(ds, login), message, at)


def commits_of(ds: Dataset, pr: PullRequest) -> list[PrCommit]:
    return pr.commits or [by(ds, pr, pr.author, pr.title)]


# -- the owner's PRs ------------------------------------------------------------------


def _two_in_one_commit(ds: Dataset, pr: PullRequest) -> None:
    """Several trailers in one commit, keys in two cases; one partner by no-reply e-mail."""
    message = (
        "Add tracing spans\n\nPaired on the exporter.\n\n"
        "Co-authored-by: Alice Liddell <alice@example.com>\n"
        f"co-authored-by: Bob Li <{noreply(ds, 'bob')}>\n"
    )
    pr.commits = [by(ds, pr, ds.owner, message)]
    pr.partner_keys = {"alice@example.com", noreply(ds, "bob")}


def _name_then_email(ds: Dataset, pr: PullRequest) -> None:
    """The same partner by name only, then with an e-mail: one partner."""
    pr.commits = [
        by(ds, pr, ds.owner, "Wire config\n\nCO-AUTHORED-BY: Carol Danvers"),
        by(ds, pr, ds.owner, "Fix config\n\nCo-authored-by: carol  danvers <carol@example.com>", 1),
    ]
    pr.partner_keys = {"carol@example.com"}


def _noise_around_one(ds: Dataset, pr: PullRequest) -> None:
    """A trailer-like line outside the last paragraph, the owner naming themself, a
    malformed value: only Dave is a partner."""
    message = (
        "Tune retries\n\nCo-authored-by: Eve <eve@example.com>\n\nNot the trailer block.\n\n"
        f"Co-authored-by: Octo Cat <{noreply(ds, ds.owner)}>\n"
        "Co-authored-by: <not an e-mail>\n"
        "Co-authored-by: Dave Bowman <dave@example.com>"
    )
    pr.commits = [by(ds, pr, ds.owner, message)]
    pr.partner_keys = {"dave@example.com"}


def _colleague_commit_naming_the_owner(ds: Dataset, pr: PullRequest) -> None:
    """Alice's commit on the owner's PR with the owner as co-author, by an e-mail known
    only from the owner's own commit in the PR."""
    pr.commits = [
        by(ds, pr, ds.owner, "Start the parser"),
        by(ds, pr, "alice", f"Pair on the parser\n\nCo-authored-by: O. Cat <{OWNER_EMAIL}>", 1),
    ]
    pr.partner_keys = {"alice@example.com"}


def _signed_off_alone(ds: Dataset, pr: PullRequest) -> None:
    message = f"Solo work\n\nSigned-off-by: Octo Cat <{OWNER_EMAIL}>"
    pr.commits = [by(ds, pr, ds.owner, message)]


OWNER_PLANS: dict[int, Callable[[Dataset, PullRequest], None]] = {
    1: _two_in_one_commit,
    4: _name_then_email,
    7: _noise_around_one,
    9: _colleague_commit_naming_the_owner,
    10: _signed_off_alone,
}

# -- colleagues' PRs the owner co-authored ---------------------------------------------


def _owner_as_coauthor(ds: Dataset, pr: PullRequest, style: int) -> None:
    if style == 0:
        trailer = f"Co-authored-by: Octo Cat <{noreply(ds, ds.owner)}>"
        pr.commits = [by(ds, pr, pr.author, f"Implement it\n\n{trailer}")]
    else:  # by the owner's name only: their work e-mail is on no commit of this PR
        trailer = f"Co-Authored-By: octo cat <{OWNER_EMAIL}>"
        pr.commits = [
            by(ds, pr, pr.author, "Refactor first"),
            by(ds, pr, pr.author, f"Finish it\n\n{trailer}", 1),
        ]
    pr.partner_keys = {git_email(ds, pr.author)}


def add_pairings(ds: Dataset) -> None:
    """Plans by position, so the rest of the generated dataset stays as it was."""
    mine = [p for p in ds.prs if p.author == ds.owner]
    for i, pr in enumerate(mine):
        plan = OWNER_PLANS.get(i % 11)
        if plan is not None:
            plan(ds, pr)
    theirs = [p for p in ds.prs if p.author != ds.owner]
    for i, pr in enumerate(theirs):
        if i % 9 == 2:
            _owner_as_coauthor(ds, pr, (i // 9) % 2)
    planned = {(p.repo, p.number): p for p in ds.prs if p.commits}
    for commit in ds.commits:
        pr = planned.get((commit.repo, commit.pr_number or 0))
        if pr is not None:
            _squashed(commit, pr)


def _squashed(landed: Commit, pr: PullRequest) -> None:
    """A merged PR's commit on the default branch, as GitHub squashes it: the PR's commits'
    headlines, then every other author of them as a `Co-authored-by:` trailer."""
    lines = [f"* {c.message.splitlines()[0]}" for c in pr.commits]
    others = {(c.name, c.email) for c in pr.commits if c.login != pr.author}
    for c in pr.commits:
        others |= {(t.split("<")[0].strip(), t.split("<")[-1].rstrip(">")) for t in _trailers(c)}
    trailers = [f"Co-authored-by: {name} <{email}>" for name, email in sorted(others)]
    parts = [f"{pr.title} (#{pr.number})", *lines, "---------", "\n".join(trailers)]
    landed.message = "\n\n".join(parts)


def _trailers(commit: PrCommit) -> list[str]:
    tail = commit.message.rsplit("\n\n", 1)[-1].splitlines()
    return [
        line.split(":", 1)[1].strip()
        for line in tail
        if line.lower().startswith("co-authored-by:") and "@" in line and "<" in line
    ]


def expected_pairings(ds: Dataset, since: datetime, until: datetime) -> set[str]:
    """The owner's PRs updated in the window, and colleagues' merged PRs whose commit
    landed in it (or up to SLACK before it): one id per (PR, partner)."""
    found: set[str] = set()
    for pr in ds.prs:
        if not ds.visible(pr.repo) or not pr.partner_keys:
            continue
        own = pr.author == ds.owner and since <= pr.updated < until
        theirs = pr.author != ds.owner and pr.merged and since - SLACK <= pr.merged < until
        if own or theirs:
            found |= {f"{pr.ref}:pairing:{partner_key(email)}" for email in pr.partner_keys}
    return found
