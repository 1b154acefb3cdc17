"""`--redact private`: the titles, bodies, links and repository names of private
repositories become neutral text, so an export can leave the company.

A repository counts as private when any of its items carries the connector's flag
(`extra.private` true, or `extra.visibility` private/internal) or comes from a source
configured `private = true`; every item of that repository is then redacted, whatever its
kind (reviews and tickets included)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from collector.ledger.models import ItemRow
from collector.progress.evidence import Artifact
from collector.progress.lines import md_text

PRIVATE_REPO = "private repository"
PRIVATE_TITLE = "private work"
_HIDDEN_VISIBILITY = frozenset({"private", "internal"})
# Fields of `extra` that say nothing about the work's content; the rest is dropped.
_SAFE_EXTRA = ("review_states", "review_comments", "issue_type", "story_points", "platform")
_LINK = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]\(([^()\s]*)\)")
_BARE_URL = re.compile(r"<?\b(https?://[^\s<>()\[\]]+)>?", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")  # letters and digits: `_Title_` (emphasis) holds `Title`
_MIN_TITLE = 4  # shorter titles ("Fix") would mangle ordinary words


def is_private(extra: Mapping[str, Any] | None) -> bool:
    if not extra:
        return False
    if extra.get("private") is True:
        return True
    visibility = extra.get("visibility")
    return isinstance(visibility, str) and visibility.lower() in _HIDDEN_VISIBILITY


@dataclass(frozen=True)
class Details:
    """What free text may name of private work, beyond titles and repository names."""

    refs: frozenset[str] = frozenset()  # how lines name design docs and tickets
    paths: frozenset[str] = frozenset()  # design docs' paths
    urls: frozenset[str] = frozenset()  # the private items' links
    hosts: frozenset[str] = frozenset()  # hosts of sources configured private
    projects: frozenset[str] = frozenset()  # ticket projects: OPS names OPS-1, OPS-2, …


@dataclass(frozen=True)
class Redaction:
    """The private repositories of a ledger and the titles of their items."""

    repos: frozenset[str]
    titles: frozenset[str]
    enabled: bool = True  # False: only tells what is private, changes nothing
    sources: frozenset[str] = frozenset()  # configured `private = true`
    details: Details = field(default_factory=Details)
    # Each artifact's redacted form, by key: sections and log entries ask for the same ones.
    _shown: dict[str, Artifact] = field(default_factory=dict, compare=False, repr=False)

    @property
    def active(self) -> bool:
        return self.enabled and bool(self.repos or self.sources)

    def private(self, artifact: Artifact) -> bool:
        return (
            (artifact.repo or "") in self.repos
            or is_private(artifact.extra)
            or (not artifact.manual and _source_of(artifact.key) in self.sources)
        )

    def artifact(self, artifact: Artifact) -> Artifact:
        """The artifact with nothing of a private repository's content left."""
        if not self.enabled:
            return artifact
        shown = self._shown.get(artifact.key)
        if shown is None:
            shown = self._shown[artifact.key] = self._redact(artifact)
        return shown

    def _redact(self, artifact: Artifact) -> Artifact:
        linked = tuple(self.artifact(a) for a in artifact.linked)
        if artifact.manual or not self.private(artifact):
            return replace(artifact, linked=linked) if linked != artifact.linked else artifact
        number = _number(artifact)
        return replace(
            artifact,
            key=neutral_key(artifact.key),
            title=PRIVATE_TITLE,
            url=None,
            ref=f"{PRIVATE_REPO} #{number}" if number else PRIVATE_REPO,
            repo=PRIVATE_REPO,
            extra={k: artifact.extra[k] for k in _SAFE_EXTRA if k in artifact.extra},
            linked=linked,
        )

    def text(self, text: str | None) -> str | None:
        """Free text (notes, log entries): links to private work lose their target, a bare
        link to it becomes neutral text, then private titles, repository names, design
        docs' paths, ticket keys and the hosts of private sources are replaced (whole
        words only: a repository `OPS` leaves `DEVOPS` alone)."""
        if not text or not self.active:
            return text
        text = _LINK.sub(self._link, text)
        text = _BARE_URL.sub(self._bare_url, text)
        words = set(_WORD.findall(text))
        # Only needles whose first word occurs can match: thousands of private titles
        # must not cost thousands of scans of every note.
        for pattern, neutral, first in self._needles:
            if first in words or not first:
                text = _compiled(pattern).sub(neutral, text)
        return text

    def _link(self, match: re.Match[str]) -> str:
        return match.group(1) if self._private_url(match.group(2)) else match.group(0)

    def _bare_url(self, match: re.Match[str]) -> str:
        return PRIVATE_TITLE if self._private_url(match.group(1)) else match.group(0)

    def _private_url(self, url: str) -> bool:
        details = self.details
        if url.rstrip("/") in details.urls or unquote(url).rstrip("/") in details.urls:
            return True
        if details.hosts and _host(url) in details.hosts:
            return True
        if self._ticket_key.search(url):
            return True
        padded = url + "/"
        return any(f"/{repo}/" in padded for repo in self.repos)

    @cached_property
    def _ticket_key(self) -> re.Pattern[str]:
        """A ticket of a private project in a link: `…/browse/OPS-12`."""
        projects = sorted(self.details.projects, key=lambda p: (-len(p), p))
        if not projects:
            return re.compile(r"(?!)")
        names = "|".join(re.escape(p) for p in projects)
        return re.compile(rf"/browse/(?:{names})-\d+(?![^\W_])")

    @cached_property
    def _needles(self) -> list[tuple[str, str, str]]:
        """(pattern, neutral text, its first word), the longest text first."""
        pairs: dict[str, str] = {}
        details = self.details

        def add(texts: Iterable[str], neutral: str, shortest: int = 1) -> None:
            for text in texts:
                if len(text.strip()) >= shortest:
                    pairs.setdefault(text, neutral)
                    pairs.setdefault(md_text(text), neutral)

        # A design doc's `repo · path` and a ticket's key name the work as its ref does.
        add(details.refs, PRIVATE_REPO, _MIN_TITLE)
        add(self.titles, PRIVATE_TITLE, _MIN_TITLE)
        add(details.paths, PRIVATE_TITLE, _MIN_TITLE)
        add(self.repos, PRIVATE_REPO)
        add(details.hosts, PRIVATE_REPO)
        found = [(len(text), _whole(text), neutral, text) for text, neutral in pairs.items()]
        # Any ticket of a private project (OPS-12), known to the ledger or not, goes
        # before the project's bare name would leave `private repository-12`.
        for project in details.projects:
            key = _BEFORE + re.escape(project) + r"-\d+" + _AFTER
            found.append((len(project) + 1, key, PRIVATE_REPO, project))
        # Longest first, so a title that contains a repo name goes as a whole.
        found.sort(key=lambda n: (-n[0], n[1]))
        return [(pattern, neutral, _first_word(text)) for _, pattern, neutral, text in found]


_BEFORE = r"(?<![^\W_])"  # not right after a letter or digit
_AFTER = r"(?![^\W_])"  # not right before one


def _whole(needle: str) -> str:
    """A regular expression for `needle` as whole words (where it starts or ends with one)."""
    start = _BEFORE if _WORD.match(needle[:1]) else ""
    end = _AFTER if _WORD.match(needle[-1:]) else ""
    return start + re.escape(needle) + end


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _first_word(text: str) -> str:
    found = _WORD.search(text)
    return found.group(0) if found else ""


def neutral_key(key: str) -> str:
    """`item:SOURCE:KIND:private-<digest>`: stable across exports, names nothing."""
    source, kind = key.split(":")[1:3]
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    return f"item:{source}:{kind}:private-{digest}"


def _source_of(key: str) -> str:
    return key.split(":", 2)[1] if key.startswith("item:") else ""


def _number(artifact: Artifact) -> str:
    value = artifact.extra.get("number") or artifact.extra.get("iid")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def load_redaction(
    session: Session, owner: str, *, enabled: bool, sources: Iterable[str] = ()
) -> Redaction:
    """Scan the owner's items once for private repositories (and, to redact, what free
    text may name of their items). Every repository of the `sources` configured private
    counts as private."""
    private_sources = sorted(set(sources))
    # The database reads the flags: decoding every item's `extra` here would be slow.
    flagged = or_(
        ItemRow.extra["private"].as_boolean().is_(True),
        func.lower(ItemRow.extra["visibility"].as_string()).in_(sorted(_HIDDEN_VISIBILITY)),
        ItemRow.source.in_(private_sources),
    )
    query = (
        select(ItemRow.repo)
        .where(ItemRow.owner == owner, ItemRow.repo.is_not(None), flagged)
        .distinct()
    )
    repos = {repo for repo in session.scalars(query) if repo}
    found = _Found()
    for chunk in _chunks(sorted(repos), 500) if enabled else []:
        found.read(session, owner, ItemRow.repo.in_(chunk), private_sources)
    if enabled and private_sources:  # their items without a repository too
        found.read(session, owner, ItemRow.source.in_(private_sources), private_sources)
    return Redaction(
        frozenset(repos),
        frozenset(found.titles),
        enabled,
        frozenset(private_sources),
        found.details(),
    )


class _Found:
    """What free text may name of private items, gathered from their rows."""

    def __init__(self) -> None:
        self.titles: set[str] = set()
        self.refs: set[str] = set()
        self.paths: set[str] = set()
        self.urls: set[str] = set()
        self.hosts: set[str] = set()
        self.projects: set[str] = set()

    def read(self, session: Session, owner: str, where: Any, private_sources: list[str]) -> None:
        columns = (ItemRow.source, ItemRow.kind, ItemRow.external_id, ItemRow.title)
        more = (ItemRow.url, ItemRow.repo, ItemRow.path)
        rows = select(*columns, *more).where(ItemRow.owner == owner, where)
        for source, kind, external_id, title, url, repo, path in session.execute(rows):
            if title:
                self.titles.add(title)
            if url:
                self.urls.add(url.rstrip("/"))
                if source in private_sources and _host(url):
                    self.hosts.add(_host(url))
            if kind == "design_doc" and path:
                self.paths.add(path)
                self.refs.add(f"{repo} · {path}" if repo else path)
            elif kind == "ticket":
                self.refs.add(external_id)
                if repo and external_id.startswith(f"{repo}-"):
                    self.projects.add(repo)

    def details(self) -> Details:
        return Details(
            frozenset(self.refs),
            frozenset(self.paths),
            frozenset(self.urls),
            frozenset(self.hosts),
            frozenset(self.projects),
        )


def _chunks(values: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
