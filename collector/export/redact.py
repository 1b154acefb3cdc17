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
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from collector.ledger.models import ItemRow
from collector.progress.artifacts import Artifact
from collector.progress.lines import md_text

PRIVATE_REPO = "private repository"
PRIVATE_TITLE = "private work"
_HIDDEN_VISIBILITY = frozenset({"private", "internal"})
# Fields of `extra` that say nothing about the work's content; the rest is dropped.
_SAFE_EXTRA = ("review_states", "review_comments", "issue_type", "story_points", "platform")
_LINK = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]\(([^()\s]*)\)")
_WORD = re.compile(r"\w+")
_MIN_TITLE = 4  # shorter titles ("Fix") would mangle ordinary words


def is_private(extra: Mapping[str, Any] | None) -> bool:
    if not extra:
        return False
    if extra.get("private") is True:
        return True
    visibility = extra.get("visibility")
    return isinstance(visibility, str) and visibility.lower() in _HIDDEN_VISIBILITY


@dataclass(frozen=True)
class Redaction:
    """The private repositories of a ledger and the titles of their items."""

    repos: frozenset[str]
    titles: frozenset[str]
    enabled: bool = True  # False: only tells what is private, changes nothing
    sources: frozenset[str] = frozenset()  # configured `private = true`

    @property
    def active(self) -> bool:
        return self.enabled and bool(self.repos)

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
        """Free text (notes, log entries): links into a private repository lose their
        target, then private titles and repository names are replaced."""
        if not text or not self.active:
            return text
        text = _LINK.sub(self._link, text)
        words = set(_WORD.findall(text))
        # Only needles whose first word occurs can match: thousands of private titles
        # must not cost thousands of scans of every note.
        for needle, neutral, first in self._needles:
            if first in words or not first:
                text = text.replace(needle, neutral)
        return text

    def _link(self, match: re.Match[str]) -> str:
        url = match.group(2)
        if any(f"/{repo}/" in url + "/" for repo in self.repos):
            return match.group(1)
        return match.group(0)

    @cached_property
    def _needles(self) -> list[tuple[str, str, str]]:
        """(text to replace, neutral text, its first word), longest first."""
        pairs: dict[str, str] = {}
        for title in self.titles:
            if len(title.strip()) >= _MIN_TITLE:
                pairs[title] = PRIVATE_TITLE
                pairs[md_text(title)] = PRIVATE_TITLE
        for repo in self.repos:
            pairs[repo] = PRIVATE_REPO
            pairs[md_text(repo)] = PRIVATE_REPO
        # Longest first, so a title that contains a repo name goes as a whole.
        ordered = sorted(pairs.items(), key=lambda p: (-len(p[0]), p[0]))
        return [(needle, neutral, _first_word(needle)) for needle, neutral in ordered]


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
    """Scan the owner's items once for private repositories (and, to redact, their
    titles). Every repository of the `sources` configured private counts as private."""
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
    titles: set[str] = set()
    for chunk in _chunks(sorted(repos), 500) if enabled else []:
        rows = select(ItemRow.title).where(ItemRow.owner == owner, ItemRow.repo.in_(chunk))
        titles.update(t for t in session.scalars(rows) if t)
    if enabled and private_sources:  # their items without a repository too
        rows = select(ItemRow.title).where(
            ItemRow.owner == owner, ItemRow.source.in_(private_sources)
        )
        titles.update(t for t in session.scalars(rows) if t)
    return Redaction(frozenset(repos), frozenset(titles), enabled, frozenset(private_sources))


def _chunks(values: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
