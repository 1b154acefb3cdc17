"""Every sentence of the brief that states a count or a level is backed by ledger rows:
each such claim is recomputed here from the rows (`ledger_facts`), and a line with a
number or a level that no check recognises fails the test — a new template cannot slip
an unbacked number in."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from brief_data import AS_OF
from ledger_facts import (
    Facts,
    Piece,
    accepted_for,
    between,
    level_on,
    level_since,
    one_piece_per_work,
    read_facts,
    week_monday,
    weeks,
)
from progress_data import NOW

from collector.brief import brief_period, build_brief, render_brief_markdown
from collector.config import Settings
from collector.ledger import Ledger

MONTHS = {date(2026, n, 1).strftime("%b"): n for n in range(1, 13)}
N = r"(\d+)"
KINDS = {
    "pull request": "pull_request",
    "feedback quote": "feedback",
    "design doc": "design_doc",
    "review given": "review",
    "ticket": "ticket",
    "talk": "talk",
    "pairing": "pairing",
}
LEVEL = r"([NPE])"


def day(text: str) -> date:
    d, m, y = text.split()
    return date(int(y), MONTHS[m], int(d))


HEADLINE_NOUNS: dict[str, Callable[[Piece], bool]] = {
    "pull request": lambda p: p.kind == "pull_request" and p.state == "merged",
    "review": lambda p: p.kind == "review",
    "pairing": lambda p: p.kind == "pairing",
    "design doc": lambda p: p.kind == "design_doc",
    "feedback quote": lambda p: p.kind == "feedback",
    "talk": lambda p: p.kind == "talk",
    "ticket": lambda p: p.kind == "ticket" and p.state == "done",
}


class Check:
    def __init__(self, brief: str, facts: Facts, first: date, last: date) -> None:
        self.facts, self.first, self.last = facts, first, last
        self.in_period = between(facts.pieces, first, last)
        self.lines = [line for line in brief.splitlines() if line.startswith("- ")]

    def place(self, name: str) -> tuple[str, str]:
        return self.facts.names[name.strip("*").split("**: ")[-1]]

    def level_change(self, m: re.Match[str]) -> None:
        place = self.place(m[1])
        effective = day(m[4])
        assert (effective, m[3]) in self.facts.levels[place]
        assert level_on(self.facts, place, date.fromordinal(effective.toordinal() - 1)) == m[2]

    def mastery(self, m: re.Match[str]) -> None:
        place = self.place(m[1])
        assert level_on(self.facts, place, AS_OF) == m[2]
        since = level_since(self.facts, place, AS_OF)
        mine = [
            p for p in accepted_for(self.facts.pieces, place) if since is None or p.day >= since
        ]
        assert (len(mine), weeks(mine)) == (int(m[4]), int(m[5]))
        for amount, noun in re.findall(r"(\d+) ([a-z ]+?)s?(?:, |\.)", m[6] or ""):
            assert int(amount) == sum(1 for p in mine if p.kind == KINDS[noun]), (m[0], noun)

    def cycle(self, m: re.Match[str]) -> None:
        start, end = date(2026, 11, 2), min(date(2026, 12, 13), AS_OF)
        pieces = between(self.facts.pieces, start, end)
        days = range(start.toordinal(), end.toordinal() + 1)
        all_weeks = {week_monday(date.fromordinal(o)) for o in days}
        active = {week_monday(p.day) for p in pieces}
        assert (int(m[1]), int(m[2])) == (len(active), len(all_weeks))
        mapped = one_piece_per_work([p for p in pieces if p.places])
        accepted = {p.key for p in mapped if "accepted" in p.places.values()}
        suggested = {p.key for p in mapped if "suggested" in p.places.values()} - accepted
        assert (int(m[3]), int(m[4])) == (len(accepted), len(suggested))

    def week(self, m: re.Match[str]) -> None:
        year, number = int(m[1]), int(m[2])
        mine = [p for p in self.facts.pieces if p.day.isocalendar()[:2] == (year, number)]
        if m[3] == "no evidence":
            assert not mine
            return
        for part in m[3].strip(" ·").split(" · "):
            amount, noun = part.split(" ", 1)
            noun = re.sub(r" (merged|given|closed)$", "", noun).removesuffix("s")
            assert int(amount) == sum(1 for p in mine if HEADLINE_NOUNS[noun](p)), (m[0], noun)

    def talking(self, m: re.Match[str]) -> None:
        if m["from"]:
            place = self.place(m["skill2"])
            changes = [
                e for e, _ in self.facts.levels[place][1:] if e and self.first <= e <= self.last
            ]
            before = level_on(self.facts, place, date.fromordinal(min(changes).toordinal() - 1))
            assert (before, level_on(self.facts, place, max(changes))) == (m["from"], m["to"])
        else:
            place = self.place(m["skill"])
            assert level_on(self.facts, place, AS_OF) == m["level"]
            assert self.facts.targets[place] == (m["target"] or m["level"])
        if m["n"]:
            mine = accepted_for(self.in_period, place)
            assert (len(mine), weeks(mine)) == (int(m["n"]), int(m["w"]))

    def gap(self, m: re.Match[str]) -> None:
        place = self.place(m["name"] or m["missing"])
        mine = [p for p in self.facts.pieces if place in p.places]
        if m["missing"]:
            assert not mine
            return
        last = max(p.day for p in mine)
        assert int(m["weeks"]) == (AS_OF - last).days // 7 >= 6

    def nearby(self, m: re.Match[str]) -> None:
        reviews = [p for p in self.in_period if p.kind == "review" and p.repo == m[1]]
        assert len(reviews) == int(m[2])
        assert not [p for p in self.facts.pieces if p.kind == "pull_request" and p.repo == m[1]]

    def reviews(self, m: re.Match[str]) -> None:
        reviews = [p for p in self.in_period if p.kind == "review"]
        assert (len(reviews), len({p.repo for p in reviews})) == (int(m[1]), int(m[2]))
        for amount, name in re.findall(r"(\d+) accepted as evidence for ([^,.]+)", m[3] or ""):
            place = self.facts.names[name]
            assert int(amount) == sum(1 for p in reviews if p.places.get(place) == "accepted")

    def paired(self, m: re.Match[str]) -> None:
        mine = [p for p in between(self.in_period, self.first, AS_OF) if p.kind == "pairing"]
        with_partner = [p for p in mine if p.partner.casefold() == m[1].casefold()]
        assert len(with_partner) == int(m[2])
        repos = {p.repo for p in with_partner if p.repo}
        assert set(filter(None, (m[3] or "").strip().split(", "))) == repos

    def patterns(self) -> list[tuple[str, Callable[[re.Match[str]], None]]]:
        skill = r"([A-Z][\w ]+?)"
        return [
            (rf"^- {skill}: {LEVEL} → {LEVEL} on (\d+ \w+ \d{{4}})", self.level_change),
            (
                rf"^- {skill}: the evidence meets the thresholds for {LEVEL} → {LEVEL} — {N} "
                rf"accepted artifacts? over {N} weeks?(?:: ((?:\d+ [a-z ]+?(?:, |\.))+))?",
                self.mastery,
            ),
            (
                rf"^- Cycle 1 \(.*?\), goal “.*?”: {N} of {N} weeks?(?: so far)? with evidence; "
                rf"{N} accepted and {N} suggested artifacts",
                self.cycle,
            ),
            (
                r"(\d{4})-W(\d{2}): (\d+ [a-z]+(?: [a-z]+)*(?: · \d+ [a-z]+(?: [a-z]+)*)*"
                r"|no evidence)",
                self.week,
            ),
            (
                r"^- (?:\*\*.*?\*\*: )?(?:Progressed from (?P<from>[NPE]) to (?P<to>[NPE]) in "
                r"(?P<skill2>[A-Z][\w ]+?)|(?P<skill>[A-Z][\w ]+?) \((?P<level>[NPE]), "
                r"(?:aiming for (?P<target>[NPE])|the target level)\))"
                r"(?:: (?P<n>\d+) accepted artifacts? over (?P<w>\d+) weeks?|\.)",
                self.talking,
            ),
            (
                r"^- No evidence (?:for (?P<name>[A-Z][\w ]+?) in (?P<weeks>\d+) weeks?|"
                r"yet for (?P<missing>[A-Z][\w ]+?))\.",
                self.gap,
            ),
            (
                r"^- Nearby project ([\w./-]+): (\d+) pull requests? reviewed there, none authored",
                self.nearby,
            ),
            (
                r"^- Reviews given: (\d+) pull requests? in (\d+) repositor(?:y|ies)"
                r"((?:; |, )\d+ accepted as evidence for [^.]+)?",
                self.reviews,
            ),
            (
                r"^- Paired with ([^:]+): (\d+) pairings?"
                r"(?: · ([\w.-]+/[\w/.-]+(?:, [\w.-]+/[\w/.-]+)*))?",
                self.paired,
            ),
        ]


# What may hold digits or level letters without being a claim: links and their targets,
# what backs a sentence, dates and weeks, references, quoted and the engineer's own text.
_NOT_CLAIMS = [
    r"(?<=\d{4}) \([^)]*\)",  # the note the engineer recorded with a level
    r"\[[^\]]*\]\([^)]*\)",
    r"\((?:skill history|log|1:1 with|growth map)[^)]*\)",
    r"\d{1,2} [A-Z][a-z]{2}(?: \d{4})?",
    r"\d{4}-W\d{2}",
    r"[\w./-]+#\d+",
    r"“[^”]*”",
    r"outcome: [^()]*",
    r"^- Support asked for: .*",
]


def test_every_count_and_level_in_the_brief_is_backed_by_ledger_rows(
    brief_ledger: Ledger, brief_settings: Settings
) -> None:
    period = brief_period(brief_settings, since=None, until=None, cycle=1, quarter=None, now=NOW)
    with brief_ledger.read() as session:
        brief = build_brief(session, brief_settings, period, AS_OF)
        facts = read_facts(session, brief_settings)
    assert brief is not None and period.first and period.last
    check = Check(render_brief_markdown(brief), facts, period.first, period.last)
    checked = 0
    for line in check.lines:
        rest = line
        for pattern, verify in check.patterns():
            for found in list(re.finditer(pattern, rest)):
                verify(found)
                checked += 1
            rest = re.sub(pattern, " ", rest)
        for pattern in _NOT_CLAIMS:
            rest = re.sub(pattern, " ", rest)
        assert not re.search(r"\d|→|\b[NPE]\b", rest), f"an unchecked claim in: {line}\n{rest}"
    assert checked >= 15  # the fixture exercises every template


@pytest.mark.parametrize("sabotage", ["12 accepted artifacts", "N → E on"])
def test_the_check_catches_a_number_the_ledger_does_not_hold(
    brief_ledger: Ledger, brief_settings: Settings, sabotage: str
) -> None:
    period = brief_period(brief_settings, since=None, until=None, cycle=1, quarter=None, now=NOW)
    with brief_ledger.read() as session:
        brief = build_brief(session, brief_settings, period, AS_OF)
        facts = read_facts(session, brief_settings)
    assert brief is not None and period.first and period.last
    text = render_brief_markdown(brief)
    original = "4 accepted artifacts" if sabotage.startswith("12") else "N → P on"
    bad = text.replace(original, sabotage, 1)
    assert bad != text
    check = Check(bad, facts, period.first, period.last)
    with pytest.raises(AssertionError):
        for line in check.lines:
            for pattern, verify in check.patterns():
                for found in re.finditer(pattern, line):
                    verify(found)
