"""Pairing as evidence: who the owner wrote commits with, on a pull or merge request.

A commit is a pairing of the owner when the owner is among its authors (the git author,
or a `Co-authored-by:` trailer) with someone else: those others are the owner's partners.
So a trailer on the owner's own PR names a partner, and the owner named as co-author on a
colleague's commit makes that colleague (the commit's author) one. One item per (pull or
merge request, partner), whatever platform read the commits.

Who is who, without extra requests: the owner is matched by login, profile name or any
e-mail known to be theirs (profile, the platform's no-reply forms, and the e-mails of the
change's commits the platform itself attributes to them); a partner's login comes from a
no-reply e-mail or from the platform's attribution of another commit with that e-mail.
Partners are the same person when their e-mails or logins match, else their names. The
item's id names a partner by e-mail (its local part and a hash), so it is the same whichever
API read the commits; the display name is the one their earliest paired commit wrote.

The item's date is the change's merge (or close) time, as for the change's own item, so
a pairing counts in the week its work landed; commit dates are the author's clock, which
rebases and amends rewrite. An open change counts at its last paired commit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Self

from connectors.item import Item, excerpt
from connectors.trailers import Person, co_authors

KIND = "pairing"
# What another stream read in the same run is reused when its window ends at most this
# much before the pairing stream's: the streams of a run ask for "now" one after another.
# That tail is not read again: the next run reads it, as every stream's cursor stays at or
# before its run's start.
REUSE_TAIL = timedelta(minutes=15)
# `12345+login@users.noreply.github.com` (or without the id), `12345-login@users.noreply.
# gitlab.com`: the platforms' no-reply addresses name the account.
_NOREPLY = {
    "github": re.compile(r"^(?:\d+\+)?(?P<login>[^@+\s]+)@users\.noreply\.", re.IGNORECASE),
    "gitlab": re.compile(r"^\d+-(?P<login>[^@\s]+)@users\.noreply\.", re.IGNORECASE),
}
_SPACES = re.compile(r"\s+")
_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def normalized_name(name: str) -> str:
    return _SPACES.sub(" ", name).strip().casefold()


@dataclass(frozen=True)
class OwnerIdentity:
    """Whose pairings these are: a login, profile names and e-mails (all compared without
    case)."""

    login: str
    names: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()

    @classmethod
    def of(cls, login: str, names: Iterable[str | None], emails: Iterable[str | None]) -> Self:
        return cls(
            login,
            frozenset(normalized_name(n) for n in names if n and n.strip()),
            frozenset(e.strip().lower() for e in emails if e and e.strip()),
        )

    def is_(self, person: Person) -> bool:
        mine = self.login.casefold()
        name = normalized_name(person.name)
        return (
            (person.login or "").casefold() == mine
            or name == mine
            or name in self.names
            or (person.email or "").lower() in self.emails
        )

    def with_emails(self, emails: Iterable[str]) -> OwnerIdentity:
        return replace(self, emails=self.emails | {e.lower() for e in emails})


@dataclass(frozen=True)
class PairedCommit:
    """One commit of a change, as a platform gives it: its git author (with the login the
    platform attributes it to, when it does) and its message."""

    oid: str
    message: str
    author: Person
    at: datetime | None
    url: str | None = None

    def participants(self) -> list[Person]:
        return [self.author, *co_authors(self.message)]

    def raw(self) -> dict[str, Any]:
        who = self.author
        return {
            "oid": self.oid,
            "url": self.url,
            "at": self.at.isoformat() if self.at else None,
            "author": {"name": who.name, "email": who.email, "login": who.login},
            "message": self.message,
        }


@dataclass(frozen=True)
class Change:
    """A pull or merge request, in the terms every platform shares. `extra` holds the
    platform's own fields for the item (its number, privacy)."""

    platform: str
    ref: str  # acme/api#12, group/project!3
    repo: str
    url: str
    title: str
    author: str | None
    state: str  # open, merged, closed
    created_at: datetime
    merged_at: datetime | None = None
    closed_at: datetime | None = None  # when it was closed or merged, as its own item says
    labels: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Partner:
    """Someone the owner paired with on one change, and the commits they share."""

    name: str
    emails: set[str]  # lower case
    login: str | None
    commits: list[PairedCommit] = field(default_factory=list)
    names: list[tuple[PairedCommit, str]] = field(default_factory=list)  # as each commit wrote it

    @property
    def email(self) -> str | None:
        return min(self.emails) if self.emails else None

    @property
    def key(self) -> str:
        """The e-mail first: every API gives it (GitLab's REST API does not name a commit's
        account), so a pairing keeps its id whichever API read it. Its local part and a
        hash of it, not the address: the id names the item in exports."""
        if self.emails:
            email = min(self.emails)
            local = _UNSAFE.sub("-", email.split("@", 1)[0]).strip("-")
            return f"{local}-{hashlib.sha1(email.encode()).hexdigest()[:6]}"
        if self.login:
            return "@" + self.login.casefold()
        return normalized_name(self.name).replace(" ", "-")

    def same_as(self, person: Person) -> bool:
        email = (person.email or "").lower()
        if email in self.emails:
            return True
        if person.login and self.login:
            return person.login.casefold() == self.login.casefold()
        if email and self.emails:
            return False
        return normalized_name(person.name) == normalized_name(self.name)

    def absorb(self, person: Person, commit: PairedCommit) -> None:
        self.emails |= {person.email.lower()} if person.email else set()
        self.login = self.login or person.login
        self.names.append((commit, " ".join(person.name.split())))
        if commit not in self.commits:
            self.commits.append(commit)

    def settle(self) -> None:
        """Commits in time order; the name as the earliest of them writes it."""
        order = _in_time_order
        self.commits.sort(key=order)
        self.name = min(self.names, key=lambda named: order(named[0]))[1] if self.names else ""


def partners(platform: str, commits: Sequence[PairedCommit], owner: OwnerIdentity) -> list[Partner]:
    """The owner's partners on a change's commits, each once, in key order (the same
    whatever order the API listed the commits in)."""
    commits = sorted(commits, key=_in_time_order)
    owner = owner.with_emails(
        c.author.email
        for c in commits
        if c.author.email and (c.author.login or "").casefold() == owner.login.casefold()
    )
    logins = _known_logins(commits)
    found: list[Partner] = []
    # People with a login or e-mail first, so a bare name joins the person it names.
    for named, commit in sorted(_paired(commits, owner), key=lambda pc: not _identified(pc[0])):
        person = replace(named, login=named.login or _login(platform, named, logins))
        match = next((p for p in found if p.same_as(person)), None)
        if match is None:
            match = Partner(person.name, set(), person.login)
            found.append(match)
        match.absorb(person, commit)
    merged = _merge_same_login(found)
    for partner in merged:
        partner.settle()
    return sorted(merged, key=lambda p: p.key)


def _in_time_order(commit: PairedCommit) -> tuple[bool, datetime | None, str]:
    return commit.at is None, commit.at, commit.oid


def _paired(
    commits: Sequence[PairedCommit], owner: OwnerIdentity
) -> list[tuple[Person, PairedCommit]]:
    """(partner, commit) for every commit the owner wrote with someone else."""
    found = []
    for commit in commits:
        people = commit.participants()
        if any(owner.is_(p) for p in people):
            found += [(p, commit) for p in people if not owner.is_(p)]
    return found


def _identified(person: Person) -> bool:
    return bool(person.login or person.email)


def _known_logins(commits: Sequence[PairedCommit]) -> dict[str, str]:
    """E-mail -> login, from the commits whose author the platform attributes."""
    return {
        c.author.email.lower(): c.author.login for c in commits if c.author.email and c.author.login
    }


def _login(platform: str, person: Person, logins: Mapping[str, str]) -> str | None:
    email = (person.email or "").lower()
    if email in logins:
        return logins[email]
    pattern = _NOREPLY.get(platform)
    found = pattern.match(email) if pattern else None
    return found["login"] if found else None


def _merge_same_login(found: list[Partner]) -> list[Partner]:
    """One partner per login: the same account may sign with two e-mails."""
    by_login: dict[str, Partner] = {}
    kept = []
    for partner in found:
        login = (partner.login or "").casefold()
        if login and login in by_login:
            into = by_login[login]
            into.emails |= partner.emails
            into.names += partner.names
            into.commits += [c for c in partner.commits if c not in into.commits]
            continue
        if login:
            by_login[login] = partner
        kept.append(partner)
    return kept


def pairing_items(
    source: str, change: Change, commits: Sequence[PairedCommit], owner: OwnerIdentity
) -> list[Item]:
    """One item per partner of the owner on the change."""
    return [
        normalize_pairing(source, change, p, owner.login)
        for p in partners(change.platform, commits, owner)
    ]


def normalize_pairing(source: str, change: Change, partner: Partner, owner: str) -> Item:
    times = [c.at for c in partner.commits if c.at is not None]
    first = min(times, default=change.created_at)
    last = max(times, default=change.created_at)
    done = change.merged_at or change.closed_at
    return Item(
        source=source,
        kind=KIND,
        external_id=f"{change.ref}:{KIND}:{partner.key}",
        url=change.url,
        title=f"Paired with {partner.name}: {change.title}",
        body=excerpt("\n".join(dict.fromkeys(_headline(c.message) for c in partner.commits))),
        repo=change.repo,
        author=owner,
        created_at=first,
        updated_at=max(last, done) if done else last,
        occurred_at=done or last,
        state=change.state,
        labels=change.labels,
        paths=change.paths,
        extra={
            **change.extra,
            "platform": change.platform,
            "partner": partner.name,
            "partner_email": partner.email,
            "partner_login": partner.login,
            "pull_request": change.ref,
            "pull_request_author": change.author,
            "own_change": (change.author or "").casefold() == owner.casefold(),
            "paired_commits": len(partner.commits),
            "merged_at": change.merged_at.isoformat() if change.merged_at else None,
        },
        raw={"change": _change_raw(change), "commits": [c.raw() for c in partner.commits]},
    )


def _headline(message: str) -> str:
    return (message.strip().splitlines() or [""])[0]


def _change_raw(change: Change) -> dict[str, Any]:
    return {
        "ref": change.ref,
        "url": change.url,
        "title": change.title,
        "author": change.author,
        "state": change.state,
        "created_at": change.created_at.isoformat(),
        "merged_at": change.merged_at.isoformat() if change.merged_at else None,
        "closed_at": change.closed_at.isoformat() if change.closed_at else None,
    }
