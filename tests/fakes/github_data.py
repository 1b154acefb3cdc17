"""A generated GitHub dataset for the fake server, and the answers a correct collector finds.

The expectations (`expected_*`) are written from the dataset's own facts, not from the
connector's logic, so a connector bug shows up as a difference.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

WEB = "https://github.fake"
OWNER = "octo"
OTHERS = ("alice", "bob", "carol", "dave")
NAMES = {
    OWNER: "Octo Cat",
    "alice": "Alice Liddell",
    "bob": "Bob Li",
    "carol": "Carol Danvers",
    "dave": "Dave Bowman",
}
DOC_GLOBS = re.compile(
    r"^(docs/design/.*|(.*/)?adrs?/.*|(.*/)?rfcs/.*|(.*/)?[^/]*design-doc[^/]*\.md)$"
)


def doc_title(path: str) -> str:
    """The first heading the fake puts into a document's text."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return "Design: " + stem.replace("-", " ").capitalize()


def doc_text(path: str) -> str:
    return f"---\nstatus: accepted\n---\n\n# {doc_title(path)}\n\nWhy and how.\n\n## Context\n"


@dataclass
class Review:
    author: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, PENDING
    submitted_at: datetime | None
    comments: int = 0


@dataclass
class PrCommit:
    """A commit on a PR's branch: its git author (`login` the account GitHub attributes the
    e-mail to, or None) and its message."""

    oid: str
    login: str | None
    name: str
    email: str
    message: str
    at: datetime


@dataclass
class PullRequest:
    repo: str
    number: int
    author: str
    title: str
    body: str
    state: str  # OPEN, CLOSED, MERGED
    draft: bool
    created: datetime
    updated: datetime
    merged: datetime | None
    closed: datetime | None
    labels: list[str] = field(default_factory=list)
    files: list[tuple[str, int, int]] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    commits: list[PrCommit] = field(default_factory=list)  # empty: one by the author
    partner_keys: set[str] = field(default_factory=set)  # e-mails of the partners it shows

    @property
    def ref(self) -> str:
        return f"{self.repo}#{self.number}"


@dataclass
class Commit:
    repo: str
    oid: str
    author: str
    committed: datetime
    message: str
    files: list[str]
    pr_number: int | None


@dataclass
class Issue:
    repo: str
    number: int
    title: str
    author: str
    assignees: list[str]
    created: datetime
    updated: datetime
    closed: datetime | None


@dataclass
class Repo:
    name: str
    default_branch: str = "main"
    readable: bool = True
    private: bool = False


@dataclass
class Dataset:
    owner: str
    users: dict[str, int]
    repos: dict[str, Repo]
    prs: list[PullRequest]
    commits: list[Commit]
    issues: list[Issue]
    tokens: dict[str, str]
    names: dict[str, str] = field(default_factory=lambda: dict(NAMES))

    def visible(self, repo: str) -> bool:
        found = self.repos.get(repo)
        return found is not None and found.readable

    # -- oracles ---------------------------------------------------------------------

    def expected_authored(self, since: datetime, until: datetime) -> set[str]:
        return {
            p.ref
            for p in self.prs
            if p.author == self.owner and since <= p.updated < until and self.visible(p.repo)
        }

    def expected_reviewed(self, since: datetime, until: datetime) -> set[str]:
        return {
            p.ref + "/review"
            for p in self.prs
            if p.author != self.owner
            and since <= p.updated < until
            and self.visible(p.repo)
            and any(r.author == self.owner and r.state != "PENDING" for r in p.reviews)
        }

    def expected_docs(self, since: datetime, until: datetime) -> set[str]:
        found: set[str] = set()
        for p in self.prs:
            landed_or_open = p.state != "CLOSED"
            if p.author == self.owner and since <= p.updated < until and landed_or_open:
                found |= {f"{p.repo}:{f}" for f, _, _ in p.files if DOC_GLOBS.match(f)}
        for c in self.commits:
            if (
                c.author == self.owner
                and c.pr_number is None
                and since <= c.committed <= until
                and self.visible(c.repo)
            ):
                found |= {f"{c.repo}:{f}" for f in c.files if DOC_GLOBS.match(f)}
        return found

    def expected_tickets(self, since: datetime, until: datetime) -> set[str]:
        return {
            f"{i.repo}#{i.number}"
            for i in self.issues
            if self.owner in i.assignees and i.closed and since <= i.closed < until
        }


def generate(
    *,
    seed: int = 7,
    start: datetime = datetime(2026, 9, 1, tzinfo=UTC),
    days: int = 60,
    owner_prs: int = 200,
    other_prs: int = 120,
    crowded_prs: int = 0,
    wide_every: int = 0,
) -> Dataset:
    """A dataset with every case the connector must handle.

    `crowded_prs` adds that many owner PRs updated within one day (day 30), so one search
    window holds more than GitHub's 1,000 results. `wide_every`: every n-th owner PR
    changes more than 100 files (101 to 320), so its files take more than one page.
    """
    gen = _Generator(random.Random(seed), start, days)
    gen.owner_prs(owner_prs, wide_every)
    gen.crowded(crowded_prs)
    gen.big_pr()
    gen.other_prs(other_prs)
    gen.direct_commits()
    gen.issues()
    from fakes.github_pairing import add_pairings  # it builds on this module's types

    add_pairings(gen.dataset)
    return gen.dataset


class _Generator:
    def __init__(self, rnd: random.Random, start: datetime, days: int) -> None:
        self.rnd = rnd
        self.start = start
        self.days = days
        repos = [
            Repo("acme/api"),
            Repo("acme/web", "trunk"),
            Repo("octo/notes"),
            Repo("acme/secret", readable=False),
        ]
        users = {login: n for n, login in enumerate((OWNER, *OTHERS), start=1)}
        self.dataset = Dataset(
            OWNER,
            users,
            {r.name: r for r in repos},
            [],
            [],
            [],
            {"owner-token": OWNER, "alice-token": "alice"},
        )
        self.numbers: dict[str, int] = {r.name: 0 for r in repos}
        self.oids = 0

    def _when(self) -> datetime:
        return self.start + timedelta(seconds=self.rnd.randrange(self.days * 86400))

    def _number(self, repo: str) -> int:
        self.numbers[repo] += 1
        return self.numbers[repo]

    def _oid(self) -> str:
        self.oids += 1
        return f"{self.oids:040x}"

    def _pr(
        self, author: str, created: datetime, files: list[str], repo: str | None = None
    ) -> PullRequest:
        rnd = self.rnd
        repo = repo or rnd.choice(["acme/api", "acme/web", "octo/notes"])
        state = rnd.choice(["MERGED", "MERGED", "MERGED", "OPEN", "CLOSED"])
        done = created + timedelta(hours=rnd.randrange(1, 72))
        pr = PullRequest(
            repo,
            self._number(repo),
            author,
            f"Change {self.oids} by {author}",
            "Body " * rnd.randrange(1, 400),
            state,
            state == "OPEN" and rnd.random() < 0.2,
            created,
            done,
            done if state == "MERGED" else None,
            done if state != "OPEN" else None,
            rnd.sample(["bug", "feature", "infra", "docs"], rnd.randrange(0, 3)),
            [(f, rnd.randrange(1, 50), rnd.randrange(0, 20)) for f in files],
        )
        self.dataset.prs.append(pr)
        return pr

    def _land(self, pr: PullRequest) -> None:
        if pr.merged is not None:
            self.dataset.commits.append(
                Commit(
                    pr.repo,
                    self._oid(),
                    pr.author,
                    pr.merged,
                    pr.title,
                    [f for f, _, _ in pr.files],
                    pr.number,
                )
            )

    def owner_prs(self, count: int, wide_every: int = 0) -> None:
        for i in range(count):
            wide = wide_every > 0 and i % wide_every == wide_every - 1
            width = self.rnd.randrange(101, 321) if wide else self.rnd.randrange(1, 6)
            files = [f"src/module_{i}_{k}.py" for k in range(width)]
            if i % 10 == 0:
                files.append(f"docs/design/feature-{i}.md")
            if i % 25 == 3:
                files.append(f"services/billing/adr/{i:04d}-decision.md")
            pr = self._pr(OWNER, self._when(), files)
            self._reviews_from_others(pr)
            self._land(pr)

    def crowded(self, count: int) -> None:
        day = self.start + timedelta(days=30)
        for i in range(count):
            pr = self._pr(OWNER, day - timedelta(hours=3), [f"crowd/{i}.txt"], "octo/notes")
            pr.updated = day + timedelta(seconds=self.rnd.randrange(86400))
            pr.state, pr.merged, pr.closed = "OPEN", None, None

    def big_pr(self) -> None:
        """A PR with 150 files: its design doc is only on the second page of files."""
        files = [f"gen/file_{k:03d}.py" for k in range(120)]
        files.append("rfcs/0042-big-change.md")
        files += [f"gen/more_{k:03d}.py" for k in range(29)]
        pr = self._pr(OWNER, self.start + timedelta(days=5), files, "acme/api")
        pr.state, pr.merged = "MERGED", pr.updated
        pr.closed = pr.updated
        self._land(pr)

    def _reviews_from_others(self, pr: PullRequest) -> None:
        for who in self.rnd.sample(OTHERS, self.rnd.randrange(0, 3)):
            state = self.rnd.choice(["APPROVED", "CHANGES_REQUESTED", "COMMENTED"])
            pr.reviews.append(Review(who, state, pr.created + timedelta(minutes=30), 2))
        if pr.reviews and self.rnd.random() < 0.5:
            # The author answering in a review thread: GitHub records a COMMENTED review.
            pr.reviews.append(Review(pr.author, "COMMENTED", pr.created + timedelta(minutes=40), 1))

    def other_prs(self, count: int) -> None:
        for i in range(count):
            pr = self._pr(OTHERS[i % len(OTHERS)], self._when(), [f"lib/x_{i}.go"])
            kind = i % 4
            if kind in (0, 1):
                for n in range(1 + i % 2):
                    at = pr.created + timedelta(minutes=20 + 30 * n)
                    pr.reviews.append(Review(OWNER, ["COMMENTED", "APPROVED"][n], at, n + 1))
            elif kind == 2:
                pr.reviews.append(Review(OWNER, "PENDING", None, 3))  # never submitted
            if kind == 1:
                # A late review: submitted days after the PR was created; it updates the PR.
                late = pr.updated + timedelta(days=2)
                pr.reviews.append(Review(OWNER, "CHANGES_REQUESTED", late, 4))
                pr.updated = late
            self._land(pr)

    def direct_commits(self) -> None:
        plan = [
            ("acme/api", ["adr/0001-use-postgres.md", "README.md"]),
            ("acme/web", ["docs/design/web-cache.md"]),
            ("acme/web", ["docs/design/web-cache.md"]),  # the same doc, changed again
            ("octo/notes", ["notes/today.md"]),  # not a design doc
            ("acme/secret", ["docs/design/hidden.md"]),  # repository the token cannot read
        ]
        for n, (repo, files) in enumerate(plan):
            at = self.start + timedelta(days=3 + 7 * n, hours=5)
            self.dataset.commits.append(
                Commit(repo, self._oid(), OWNER, at, f"Direct {n}", files, None)
            )
        self.dataset.commits.append(
            Commit(
                "acme/api",
                self._oid(),
                "alice",
                self.start + timedelta(days=9),
                "Alice's doc",
                ["docs/design/alice.md"],
                None,
            )
        )

    def issues(self) -> None:
        for n in range(30):
            created = self._when()
            closed = created + timedelta(days=1) if n % 3 else None
            assignees = [OWNER] if n % 2 == 0 else ["bob"]
            self.dataset.issues.append(
                Issue(
                    "acme/api",
                    1000 + n,
                    f"Issue {n}",
                    "bob",
                    assignees,
                    created,
                    closed or created,
                    closed,
                )
            )
