"""Git trailers of a commit message, read as git reads them (`git interpret-trailers`,
`%(trailers)` in `git log`), and the people `Co-authored-by:` names.

Hand-written after git's `trailer.c` rather than taken from dulwich's `trailers`: dulwich
cuts the message at any line starting with `---` (a patch divider), and GitHub's own
squash-merge messages put a `---------` line right above their `Co-authored-by:` lines;
git reads a commit message without that divider. dulwich also lacks git's rule that a
block with a git-generated trailer (`Signed-off-by: `) may hold other lines.

git's rules, kept here:
- the first paragraph is the title and never holds trailers;
- the trailer block is the last paragraph (trailing blank and `#` comment lines aside):
  every line a trailer, or at least a quarter of them with a git-generated one among them;
- a trailer is `Token: value`, the token letters, digits and `-` (spaces may follow it
  before the `:`); a line starting with whitespace continues the trailer above it;
- a line in the block that is no trailer is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CO_AUTHORED_BY = "co-authored-by"
_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")
_COMMENT = "#"
# `Name <e-mail>`, `Name`, or `<e-mail>`: anything else in a trailer's value is malformed.
_PERSON = re.compile(r"^(?P<name>[^<>]*?)\s*(?:<(?P<email>[^<>\s]+@[^<>\s]+)>)?$")
_BARE_EMAIL = re.compile(r"^[^<>\s@]+@[^<>\s@]+$")


@dataclass(frozen=True, slots=True)
class Person:
    """Someone a commit names: a name, an e-mail when given, a login when it is known."""

    name: str
    email: str | None = None
    login: str | None = None


def trailers(message: str) -> list[tuple[str, str]]:
    """(token, value) of every trailer in the message's trailer block, in order."""
    lines = message.splitlines()
    block = lines[_block_start(lines) : _content_end(lines)]
    found: list[list[str]] = []
    last: list[str] | None = None
    for line in block:
        if line.startswith(_COMMENT):
            continue
        if last is not None and line[:1].isspace():
            last[1] = f"{last[1]} {line.strip()}".strip()  # continues the trailer above
            continue
        at = _separator(line)
        last = [line[:at].strip(), line[at + 1 :].strip()] if at >= 1 else None
        if last is not None:
            found.append(last)
    return [(token, value) for token, value in found]


def co_authors(message: str) -> list[Person]:
    """The people the message's `Co-authored-by:` trailers name (any case of the key);
    a malformed value is skipped."""
    people = []
    for token, value in trailers(message):
        if token.lower() == CO_AUTHORED_BY:
            person = parse_person(value)
            if person is not None:
                people.append(person)
    return people


def parse_person(value: str) -> Person | None:
    """`Name <e-mail>`, `Name` or `<e-mail>` as a Person; None when malformed or empty."""
    found = _PERSON.match(value.strip())
    if found is None:
        return None
    name, email = found["name"].strip(), found["email"]
    if email is None and _BARE_EMAIL.match(name):
        email = name  # `Co-authored-by: ada@example.com`, without the brackets
    if not name and not email:
        return None
    return Person(name or str(email), email)


def _content_end(lines: list[str]) -> int:
    """Where the message ends, without trailing blank and comment lines."""
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].startswith(_COMMENT)):
        end -= 1
    return end


def _title_end(lines: list[str], end: int) -> int:
    """The index of the blank line that ends the title paragraph (`end` when none does)."""
    for index in range(end):
        if not lines[index].startswith(_COMMENT) and not lines[index].strip():
            return index
    return end


def _block_start(lines: list[str]) -> int:
    """The first line of the trailer block, or the content's end when there is none."""
    end = _content_end(lines)
    trailer_lines = non_trailer = maybe_continuation = 0
    generated = False
    for index in range(end - 1, _title_end(lines, end) - 1, -1):
        line = lines[index]
        if line.startswith(_COMMENT):
            non_trailer += maybe_continuation
            maybe_continuation = 0
        elif not line.strip():
            non_trailer += maybe_continuation
            if trailer_lines and (
                not non_trailer or (generated and trailer_lines * 3 >= non_trailer)
            ):
                return index + 1
            return end
        elif line.startswith(_GIT_GENERATED):
            trailer_lines, maybe_continuation, generated = trailer_lines + 1, 0, True
        elif _separator(line) >= 1 and not line[0].isspace():
            trailer_lines, maybe_continuation = trailer_lines + 1, 0
        elif line[0].isspace():
            maybe_continuation += 1
        else:
            non_trailer += maybe_continuation + 1
            maybe_continuation = 0
    return end


def _separator(line: str) -> int:
    """The index of the `:` after a token (letters, digits, `-`; spaces may follow), or -1."""
    spaced = False
    for index, char in enumerate(line):
        if char == ":":
            return index
        if not spaced and ((char.isascii() and char.isalnum()) or char == "-"):
            continue
        if index and char in " \t":
            spaced = True
            continue
        break
    return -1
