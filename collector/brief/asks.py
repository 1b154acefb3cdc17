"""Asks and a collaboration plan: the gaps (skills without evidence for weeks), nearby
projects (repositories where the engineer reviews others' work but has authored nothing),
reviews given as mentoring signals, who they paired with, the support they asked for in
their weekly reflections and feedback sessions, and the next cycle's goal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

from collector.brief.inputs import BriefInputs
from collector.brief.model import Backing, Section, Sentence, backed_by, row_backing
from collector.progress import Artifact
from collector.progress.lines import md_text, plural
from collector.progress.pairing import build_pairing
from collector.progress.render_map import partner_text
from collector.progress.weeks import date_label

# One page: the first few of each; the map and the export hold them all.
GAPS_SHOWN = 5
SKILLS_SHOWN = 2
NEARBY_SHOWN = 3
PARTNERS_SHOWN = 3
SUPPORT_SHOWN = 5
# `- What support I need: …` in an entry's Reflection, and the lines indented under it.
_SUPPORT = re.compile(r"^\s*[-*]\s*What support I need\s*:\s*(?P<text>.*)$", re.IGNORECASE)


def asks_section(inputs: BriefInputs) -> Section:
    sentences = [
        *_gaps(inputs),
        *_nearby_projects(inputs),
        *_reviews(inputs),
        *_pairing(inputs),
        *_support(inputs),
        *_next_cycle(inputs),
    ]
    return Section(
        "asks",
        "Asks and collaboration plan",
        tuple(sentences),
        "_No gap, nearby project, review, pairing or ask for support in this period._",
    )


def _gaps(inputs: BriefInputs) -> Iterator[Sentence]:
    for gap in inputs.view.gaps[:GAPS_SHOWN]:
        name = md_text(gap.skill_name)
        if gap.last is None:
            text = f"No evidence yet for {name}"
            backing: tuple[Backing, ...] = (
                Backing(f"growth map: {md_text(gap.destination)} · {name}"),
            )
        else:
            text = f"No evidence for {name} in {plural(gap.weeks, 'week')}"
            mine = inputs.everything.for_skill(gap.destination, gap.skill)
            last = [e.artifact for e in mine if e.artifact.day == gap.last]
            backing = backed_by(inputs.redaction.artifact(a) for a in last[:1])
        yield Sentence(text, backing)


def _reviews_given(inputs: BriefInputs) -> list[Artifact]:
    return [a for a in inputs.evidence.artifacts if a.kind == "review" and not a.manual]


def _nearby_projects(inputs: BriefInputs) -> Iterator[Sentence]:
    authored = {a.repo for a in inputs.everything.artifacts if a.kind == "pull_request"}
    by_repo: dict[str, list[Artifact]] = {}
    for review in _reviews_given(inputs):
        if review.repo and review.repo not in authored:
            if inputs.redaction.active and inputs.redaction.private(review):
                continue  # a private repository is named nowhere in a redacted brief
            by_repo.setdefault(review.repo, []).append(review)
    ranked = sorted(by_repo.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    for repo, reviews in ranked[:NEARBY_SHOWN]:
        text = (
            f"Nearby project {md_text(repo)}: {plural(len(reviews), 'pull request')} reviewed "
            "there, none authored"
        )
        yield Sentence(text, backed_by(reviews))


def _reviews(inputs: BriefInputs) -> Iterator[Sentence]:
    """Reviews given in the period, and how many were accepted as evidence per skill."""
    reviews = _reviews_given(inputs)
    if not reviews:
        return
    repos = {r.repo or "" for r in reviews}
    keys = {r.key for r in reviews}
    per_skill: dict[tuple[str, str], set[str]] = {}
    for item in inputs.evidence.evidence:
        if item.accepted and item.artifact.key in keys:
            per_skill.setdefault((item.destination, item.skill), set()).add(item.artifact.key)
    names = inputs.skill_names
    text = (
        f"Reviews given: {plural(len(keys), 'pull request')} in "
        f"{plural(len(repos), 'repository', 'repositories')}"
    )
    accepted = [
        f"{len(found)} accepted as evidence for {md_text(names.get(place, place[1]))}"
        for place, found in sorted(per_skill.items(), key=lambda kv: (-len(kv[1]), kv[0]))[
            :SKILLS_SHOWN
        ]
    ]
    if accepted:
        text += "; " + ", ".join(accepted)
    yield Sentence(text, backed_by(inputs.redaction.artifact(r) for r in reviews))


def _pairing(inputs: BriefInputs) -> Iterator[Sentence]:
    redaction = inputs.redaction
    pairing = build_pairing(
        inputs.evidence,
        inputs.as_of,
        inputs.period.first,
        inputs.skill_names,
        redaction.private if redaction.active else None,
    )
    if pairing is None:
        return
    artifacts = {a.key: a for a in inputs.evidence.artifacts}
    for partner in pairing.partners[:PARTNERS_SHOWN]:
        shown = (redaction.artifact(artifacts[k]) for k in partner.keys if k in artifacts)
        yield Sentence(f"Paired with {partner_text(partner, md_text)}", backed_by(shown))
    if pairing.rotation is not None:
        since = inputs.as_of - timedelta(weeks=pairing.rotation.weeks, days=-1)
        recent = (
            redaction.artifact(a)
            for a in artifacts.values()
            if a.kind == "pairing" and since <= a.day <= inputs.as_of
        )
        yield Sentence(f"Pairing: {md_text(pairing.rotation.text(), 300)}", backed_by(recent))


def _support(inputs: BriefInputs) -> Iterator[Sentence]:
    """What the engineer asked for, in their own words: each once, with where they wrote it."""
    asked: dict[str, list[Backing]] = {}
    for week, text in inputs.entries:
        for said in support_answers(text):
            asked.setdefault(said, []).append(Backing(f"log {week.id}"))
    for row in inputs.feedback:
        if row.support:
            where = row_backing(f"1:1 with {md_text(row.giver, 80)}", row.date)
            asked.setdefault(" ".join(row.support.split()), []).append(where)
    for said, backing in list(asked.items())[:SUPPORT_SHOWN]:
        text = md_text(inputs.redaction.text(said), 300)
        yield Sentence(f"Support asked for: {text}", tuple(backing))


def support_answers(text: str) -> list[str]:
    """The answers to "What support I need" in an entry the engineer wrote."""
    answers = []
    lines = text.splitlines()
    for n, line in enumerate(lines):
        found = _SUPPORT.match(line)
        if not found:
            continue
        parts = [found.group("text").strip()]
        for after in lines[n + 1 :]:  # indented lines continue the answer
            if not after.strip() or not after[:1].isspace() or _SUPPORT.match(after):
                break
            parts.append(after.strip().lstrip("-* ").strip())
        answer = " ".join(p for p in parts if p)
        if answer:
            answers.append(answer)
    return answers


def _next_cycle(inputs: BriefInputs) -> Iterator[Sentence]:
    after = inputs.period.last or inputs.as_of
    upcoming = [c for c in inputs.settings.growth_map.cycles if c.start > after]
    cycle = min(upcoming, key=lambda c: c.start) if upcoming else None
    if cycle is not None and cycle.goal:
        text = f"Next cycle from {date_label(cycle.start)}: “{md_text(cycle.goal, 300)}”"
        yield Sentence(text, (Backing("growth map: cycles"),))
