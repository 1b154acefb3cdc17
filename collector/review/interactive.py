"""`growthmap review`: one card at a time, single keys, in a plain terminal.

Keys come through `Keys`, so tests drive the session with scripted input. Every
decision is committed in its own transaction the moment it is taken: quitting or
Ctrl-C midway keeps everything decided so far.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.core.errors import UsageError
from collector.core.settings_model import GrowthMap
from collector.core.textsafe import clean
from collector.ledger import Ledger
from collector.ledger.models import ItemRow, SuggestionRow
from collector.review import decisions, rulefile
from collector.review.card import card_lines, choice_lines, choices, legend
from collector.review.queue import Card, build_queue, load_card, unmapped_query

MAX_KEYS_PER_CARD = 200  # bounded: a stuck key cannot spin forever
MAX_ATTEMPTS = 3


class Keys(Protocol):
    """Where keystrokes come from. Both raise KeyboardInterrupt on Ctrl-C."""

    def key(self, prompt: str) -> str:
        """Show `prompt`, read one key; "" at the end of input."""

    def line(self, prompt: str) -> str:
        """Show `prompt`, read a line of text (without its newline); "" at the end of input."""


NO_TERMINAL = (
    "`growthmap review` needs a terminal; in scripts use `growthmap review list` "
    "and `growthmap review accept|reject|note`"
)


class TerminalKeys:
    """Keys from the terminal via Typer's getchar (Typer's CliRunner feeds it `input=`)."""

    def __init__(self) -> None:
        # Said before the first card is drawn, not after. Typer's CliRunner installs its
        # own key reader (`termui._getchar`), which is a terminal as far as review goes.
        termui = sys.modules.get(typer.getchar.__module__)
        if not sys.stdin.isatty() and getattr(termui, "_getchar", None) is None:
            raise UsageError(NO_TERMINAL)

    def key(self, prompt: str) -> str:
        sys.stdout.write(prompt)
        sys.stdout.flush()
        try:
            char = typer.getchar()
        except EOFError:  # Ctrl-D on a real terminal
            char = ""
        except OSError:
            raise UsageError(NO_TERMINAL) from None
        # A real terminal raises on Ctrl-C inside getchar; piped or scripted input sends ^C.
        if char == "\x03":
            raise KeyboardInterrupt
        char = "" if char == "\x04" else char
        sys.stdout.write(clean(char) + "\n")
        return char

    def line(self, prompt: str) -> str:
        sys.stdout.write(prompt)
        sys.stdout.flush()
        text = sys.stdin.readline()
        if "\x03" in text:
            raise KeyboardInterrupt
        return text.rstrip("\r\n")


Opener = Callable[[str], bool]


@dataclass
class Tally:
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    changed: int = 0
    mapped: int = 0
    notes: int = 0
    rules_written: int = 0
    interrupted: bool = False
    left: int = 0

    def summary(self) -> str:
        parts = [
            f"{self.accepted} accepted",
            f"{self.rejected} rejected",
            f"{self.skipped} skipped",
        ]
        parts += [f"{self.changed} changed"] if self.changed else []
        parts += [f"{self.mapped} mapped by hand"] if self.mapped else []
        parts += [f"{self.notes} note{'s' if self.notes != 1 else ''}"] if self.notes else []
        parts += [f"{self.rules_written} rule written"] if self.rules_written else []
        return " · ".join(parts) + f" — {self.left} still to review"


@dataclass
class ReviewSession:
    ledger: Ledger
    growth_map: GrowthMap
    zone: ZoneInfo
    keys: Keys
    say: Callable[[str], None]
    opener: Opener
    clock: Callable[[], datetime]
    rules_paths: list[Path] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)

    def run(self) -> Tally:
        """Review the queue until it ends, `q`, or Ctrl-C; return what was done."""
        owner = self.ledger.owner
        with self.ledger.read() as session:
            queue = build_queue(session, owner)
        if not queue:
            self.say("Nothing to review: every suggestion is decided and every item mapped.")
        try:
            for position, entry in enumerate(queue, start=1):
                with self.ledger.read() as session:
                    card = load_card(session, owner, entry)
                if card is not None and not self._review(card, position, len(queue)):
                    break
        except KeyboardInterrupt:
            self.tally.interrupted = True
            self.say("")
            self.say(" interrupted: every decision so far is kept")
        self.tally.left = self._left()
        return self.tally

    def _left(self) -> int:
        owner = self.ledger.owner
        with self.ledger.read() as session:
            pending = session.scalar(
                select(func.count()).where(
                    SuggestionRow.owner == owner, SuggestionRow.status == "suggested"
                )
            )
            unmapped = session.scalar(
                select(func.count()).select_from(unmapped_query(owner).subquery())
            )
        return int(pending or 0) + int(unmapped or 0)

    def _review(self, card: Card, position: int, total: int) -> bool:
        """Handle one card; False when the engineer quits."""
        today = self.clock().astimezone(self.zone).date()
        for line in card_lines(card, position, total, self.growth_map, self.zone, today):
            self.say(line)
        for _ in range(MAX_KEYS_PER_CARD):
            key = self.keys.key(legend(card)).lower()
            if len(key) > 1 and not key.startswith("\x1b"):
                key = key[0]  # keys typed faster than read arrive together: take the first
            if key in ("", "q"):  # "" is the end of input, not Enter
                return False
            done = self._act(card, key)
            if done:
                return True
        return True

    def _act(self, card: Card, key: str) -> bool:
        """Do what `key` asks; True when the card is finished."""
        if key == "s":
            self.tally.skipped += 1
            return True
        if key == "o":
            self._open(card.item.url)
            return False
        if key == "c":
            return self._choose(card)
        if card.suggestion is not None and key in ("a", "r"):
            status = "accepted" if key == "a" else "rejected"
            self._decide(card, status)
            return True
        if card.suggestion is not None and key == "n":
            self._note(card)
            return False
        if card.suggestion is None and key in ("a", "r", "n"):
            self.say(" no rule mapped this item: c chooses a destination and skill, s skips it")
            return False
        shown = clean(key)[:8]
        self.say(f" unknown key {shown!r}" if shown.strip() else " unknown key")
        return False

    def _decide(self, card: Card, status: str) -> None:
        assert card.suggestion is not None
        with self.ledger.write() as session:
            suggestion, item = self._rows(session, card)
            decisions.decide(session, self.ledger.owner, [(suggestion, item)], status, self.clock())
        if status == "accepted":
            self.tally.accepted += 1
            self.say(" ✓ accepted")
        else:
            self.tally.rejected += 1
            self.say(" ✗ rejected")

    def _rows(self, session: Session, card: Card) -> tuple[SuggestionRow, ItemRow]:
        assert card.suggestion is not None
        suggestion = session.get(SuggestionRow, card.suggestion.id)
        item = session.get(ItemRow, card.item.id)
        assert suggestion is not None and item is not None
        return suggestion, item

    def _note(self, card: Card) -> None:
        text = self.keys.line(" outcome (what it achieved; empty to cancel) > ").strip()
        if not text:
            self.say(" (no note)")
            return
        with self.ledger.write() as session:
            suggestion, item = self._rows(session, card)
            decisions.record_note(session, self.ledger.owner, suggestion, item, text, self.clock())
        self.tally.notes += 1
        self.say(f" noted: {clean(text)}")

    def _open(self, url: str) -> None:
        # Only web pages: a hostile url must not launch a local program or file.
        if urlparse(url).scheme not in ("http", "https"):
            self.say(f" not opening {clean(url)!r}: not an http(s) address")
            return
        opened = self.opener(url)
        self.say(" opened in the browser" if opened else f" could not open a browser: {clean(url)}")

    def _choose(self, card: Card) -> bool:
        picked = self._pick_mapping()
        if picked is None:
            return False
        destination, skill = picked
        if card.suggestion is not None and picked == (
            card.suggestion.destination,
            card.suggestion.skill,
        ):
            self._decide(card, "accepted")
            return True
        now = self.clock()
        with self.ledger.write() as session:
            item = session.get(ItemRow, card.item.id)
            assert item is not None
            if card.suggestion is None:
                decisions.map_by_hand(session, self.ledger.owner, item, destination, skill, now)
            else:
                suggestion, _ = self._rows(session, card)
                decisions.change_mapping(
                    session, self.ledger.owner, suggestion, item, destination, skill, now
                )
        if card.suggestion is None:
            self.tally.mapped += 1
            self.say(f" ✓ mapped to {destination} · {skill}")
            self._offer_rule(card.item, destination, skill)
        else:
            self.tally.changed += 1
            self.say(f" ✓ changed to {destination} · {skill}")
        return True

    def _pick_mapping(self) -> tuple[str, str] | None:
        options = choices(self.growth_map)
        if not options:
            self.say(" the growth map has no skills yet: add them to the config first")
            return None
        self.say(" map to:")
        for line in choice_lines(self.growth_map):
            self.say(line)
        for _ in range(MAX_ATTEMPTS):
            answer = self.keys.line(" number, or DESTINATION/SKILL (empty to cancel) > ").strip()
            if not answer:
                return None
            picked = parse_choice(answer, options)
            if picked is not None:
                return picked
            self.say(f" {clean(answer)!r} is not one of the choices above")
        return None

    def _offer_rule(self, item: ItemRow, destination: str, skill: str) -> None:
        target = rulefile.rule_file_target(self.rules_paths)
        if target is None:
            return
        taken = rulefile.existing_rule_ids(self.rules_paths)
        today = self.clock().astimezone(self.zone).date()
        proposals = rulefile.propose_rules(item, destination, skill, taken, today)
        if not proposals:
            return
        self.say(f" write a rule that would have caught it into {target}?")
        for number, proposal in enumerate(proposals, start=1):
            self.say(f"  {number}  {proposal.label}")
        numbers = "/".join(str(n) for n in range(1, len(proposals) + 1))
        key = self.keys.key(f" [{numbers}] or [n]o > ").strip().lower()
        if key.isdigit() and 1 <= int(key) <= len(proposals):
            proposal = proposals[int(key) - 1]
            rulefile.append_rule(target, proposal)
            self.tally.rules_written += 1
            self.say(
                f" appended rule {proposal.rule_id} to {target}; "
                "`growthmap rules apply` applies it to the ledger"
            )


def parse_choice(answer: str, options: list[tuple[str, str]]) -> tuple[str, str] | None:
    """`3`, `A/observability`, `A:observability` or `A observability`."""
    if answer.isdigit():
        index = int(answer) - 1
        return options[index] if 0 <= index < len(options) else None
    for separator in ("/", ":", "·", " "):
        if separator in answer:
            destination, _, skill = answer.partition(separator)
            pair = (destination.strip(), skill.strip())
            return pair if pair in options else None
    return None
