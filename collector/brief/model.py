"""The brief as plain values: sections of sentences, each with what backs it (the
evidence it names, or the ledger row it comes from: a level recorded, a log entry, a
feedback session)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from collector.export import Period
from collector.progress import Artifact
from collector.progress.lines import md_text
from collector.progress.weeks import date_label

LINKS_SHOWN = 6  # backing links per sentence; the rest are counted ("and 4 more")


@dataclass(frozen=True)
class Backing:
    """What a sentence rests on: an artifact (linked when it has an address) or a row of
    the engineer's own (`skill history, 10 Nov 2026`, `log 2026-W47`)."""

    label: str  # Markdown
    url: str | None = None


@dataclass(frozen=True)
class Sentence:
    text: str  # Markdown: upstream and the engineer's text already escaped
    backing: tuple[Backing, ...]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    sentences: tuple[Sentence, ...]
    empty: str  # what the section says without a sentence


@dataclass(frozen=True)
class Brief:
    owner: str
    period: Period
    as_of: date
    redacted: bool
    sections: tuple[Section, ...]


def backed_by(artifacts: Iterable[Artifact]) -> tuple[Backing, ...]:
    """Each artifact once, named as lines name it, linked to its address."""
    seen: dict[str, Backing] = {}
    for artifact in artifacts:
        if artifact.key not in seen:
            seen[artifact.key] = Backing(artifact_label(artifact), artifact.url)
    return tuple(seen.values())


def artifact_label(artifact: Artifact) -> str:
    """`acme/checkout#412`, `retry-budget.md`, `talk “Tracing in practice”`."""
    if artifact.manual:
        return f"{md_text(artifact.kind.replace('_', ' '), 40)} “{md_text(artifact.title, 80)}”"
    if artifact.kind == "design_doc":
        return md_text(artifact.ref.rsplit("/", 1)[-1])
    return md_text(artifact.ref)


def titled(artifact: Artifact, limit: int = 200) -> str:
    """The artifact's label, with its title when the label does not already say it."""
    if artifact.manual or artifact.kind == "design_doc":
        return artifact_label(artifact)
    return f"{artifact_label(artifact)} “{md_text(artifact.title, limit)}”"


def row_backing(what: str, day: date | None = None) -> Backing:
    """A row of the engineer's own: `skill history, 10 Nov 2026`."""
    return Backing(f"{what}, {date_label(day)}" if day else what)
