"""Who the engineer paired with, in which repositories and for which skills: collected
`pairing` items (a partner on a pull or merge request, from `Co-authored-by:` trailers)
and pairing sessions added by hand (`growthmap add pairing --with NAME`). And whether to
rotate: every pairing of the last weeks with the same person, or in the same repository."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from collector.progress.evidence import Artifact, Evidence
from collector.progress.gather import EvidenceSet

ROTATION_WEEKS = 6  # the guide's cycle length: a cycle's pairings should not all be alike
KIND = "pairing"
PRIVATE_PARTNER = "a colleague"
PRIVATE_REPO = "private repository"
# A session added by hand is titled as collected ones are: `Paired with NAME[: topic]`.
_MANUAL_TITLE = re.compile(r"^Paired with (?P<name>.+?)(?::\s.*)?$", re.DOTALL)


@dataclass(frozen=True)
class Partner:
    name: str
    pairings: int  # distinct pairing items and sessions
    repos: tuple[str, ...]  # most pairings first
    skills: tuple[str, ...]  # skill names the pairings count for, in the map's order
    keys: tuple[str, ...] = ()  # the pairing artifacts, oldest first


@dataclass(frozen=True)
class Rotation:
    """Every pairing of the last `weeks` weeks was with one person or in one repository."""

    weeks: int
    pairings: int
    partner: str | None = None
    repo: str | None = None

    def text(self) -> str:
        said = f"every pairing in the last {self.weeks} weeks ({self.pairings}) was"
        if self.partner:
            return f"{said} with {self.partner}: rotate, pair with someone else"
        return f"{said} in {self.repo}: rotate, pair on another repository"


@dataclass(frozen=True)
class PairingView:
    label: str  # "this cycle" / "in the last 6 weeks"
    first: date
    last: date
    partners: tuple[Partner, ...]  # most pairings first, then by name
    rotation: Rotation | None


# Whether an artifact belongs to a private repository (an export with `--redact private`):
# its partner and repository are then not named.
Private = Callable[[Artifact], bool]


def partner_name(artifact: Artifact) -> str | None:
    """The partner a pairing names: the collected item's `extra.partner`, else the name in
    a hand-added session's title."""
    name = artifact.extra.get("partner")
    if isinstance(name, str) and name.strip():
        return " ".join(name.split())
    if artifact.manual:
        found = _MANUAL_TITLE.match(artifact.title.strip())
        if found:
            return " ".join(found.group("name").split())
    return None


def build_pairing(
    evidence: EvidenceSet,
    today: date,
    cycle_start: date | None,
    skill_names: Mapping[tuple[str, str], str],
    private: Private | None = None,
) -> PairingView | None:
    """The pairings of the running cycle so far (else of the last ROTATION_WEEKS weeks),
    per partner; None when there were none."""
    recent_first = today - timedelta(weeks=ROTATION_WEEKS, days=-1)
    first = cycle_start if cycle_start is not None else recent_first
    label = "this cycle" if cycle_start is not None else f"in the last {ROTATION_WEEKS} weeks"
    pairings = [a for a in evidence.artifacts if a.kind == KIND and a.day <= today]
    shown = [a for a in pairings if a.day >= first]
    if not shown:
        return None
    places = _places(evidence.evidence)
    order = {key: n for n, key in enumerate(skill_names)}
    groups: dict[str, list[Artifact]] = {}
    for artifact in shown:
        groups.setdefault(_partner_key(artifact), []).append(artifact)
    partners = [
        _partner(_shown_name(mine, private), mine, places, skill_names, order, private)
        for mine in groups.values()
    ]
    partners.sort(key=lambda p: (-p.pairings, p.name.casefold(), p.name))
    recent = [a for a in pairings if a.day >= recent_first]
    return PairingView(label, first, today, tuple(partners), _rotation(recent, private))


def _partner_key(artifact: Artifact) -> str:
    """One person however their name was typed (a session by hand vs. a commit trailer)."""
    return (partner_name(artifact) or "").casefold()


def _shown_name(mine: Sequence[Artifact], private: Private | None) -> str:
    """The partner's name as their first collected pairing writes it (commits spell it as
    the partner does), else as first typed; unless every pairing with them is private work
    (redacted)."""
    if private is not None and all(private(a) for a in mine):
        return PRIVATE_PARTNER
    collected = [a for a in mine if not a.manual]
    return partner_name((collected or list(mine))[0]) or "someone unnamed"


def _repo(artifact: Artifact, private: Private | None) -> str | None:
    if artifact.repo and private is not None and private(artifact):
        return PRIVATE_REPO
    return artifact.repo


def _places(evidence: Sequence[Evidence]) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for item in evidence:
        if item.artifact.kind == KIND:
            found.setdefault(item.artifact.key, set()).add((item.destination, item.skill))
    return found


def _partner(
    name: str,
    mine: list[Artifact],
    places: dict[str, set[tuple[str, str]]],
    skill_names: Mapping[tuple[str, str], str],
    order: Mapping[tuple[str, str], int],
    private: Private | None,
) -> Partner:
    repos: dict[str, int] = {}
    for artifact in mine:
        repo = _repo(artifact, private)
        if repo:
            repos[repo] = repos.get(repo, 0) + 1
    skills = {place for a in mine for place in places.get(a.key, ())}
    ranked = sorted(skills, key=lambda p: (order.get(p, len(order)), p))
    return Partner(
        name,
        len({a.key for a in mine}),
        tuple(sorted(repos, key=lambda r: (-repos[r], r))),
        tuple(skill_names.get(p, p[1]) for p in ranked),
        tuple(dict.fromkeys(a.key for a in mine)),
    )


def _rotation(recent: list[Artifact], private: Private | None) -> Rotation | None:
    """One partner, or one repository, for every pairing (two or more) of the last weeks.
    A session added by hand names no repository: then the repositories say nothing."""
    count = len({a.key for a in recent})
    if count < 2:
        return None
    partners = {_partner_key(a) for a in recent}
    if len(partners) == 1 and "" not in partners:
        return Rotation(ROTATION_WEEKS, count, partner=_shown_name(recent, private))
    repos = {a.repo for a in recent}
    if len(repos) == 1 and None not in repos:
        return Rotation(ROTATION_WEEKS, count, repo=_repo(recent[0], private))
    return None
