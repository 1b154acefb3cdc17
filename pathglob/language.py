"""Checking and compiling globs: pathspec translates them, RE2 runs them.

Why pathspec: it is the maintained implementation of .gitignore's pattern language (the
one git users already know, and the one rule `paths` always followed), and it gives each
pattern as a regular expression, which is what RE2 needs. Its "gitignore" pattern is git's
documented behaviour. RE2 runs the result so matching time stays linear in the text, and
`never_nl` keeps every class (such as `[^/]`) from crossing the newlines that join an
item's paths, so one search covers all of them.

What pathspec accepts silently but a list of patterns cannot mean is refused here with a
reason: a leading `!` (an exclusion in a .gitignore file), a leading `#` (a comment), an
unclosed `[`, an empty segment, and `**` inside a name (git reads it as `*`, which is
never what was meant).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pathspec
import re2

# The "gitignore" pattern of pathspec >= 1.0: .gitignore as git documents it.
_GITIGNORE: type[pathspec.RegexPattern] = pathspec.util.lookup_pattern("gitignore")  # type: ignore[assignment]

RE2_OPTIONS = re2.Options()
RE2_OPTIONS.log_errors = False  # errors come back as values; RE2 must not write to stderr
RE2_OPTIONS.never_capture = True  # only "does it match?" is asked
RE2_OPTIONS.never_nl = True  # no class crosses the newline between two joined paths


class GlobError(ValueError):
    """A pattern that cannot be used; the message says why and what to write."""


def check_glob(glob: str) -> str:
    """The RE2 body for one glob (anchored at a path's start, no flags), or GlobError."""
    _check_shape(glob)
    try:
        regex, include = _GITIGNORE.pattern_to_regex(glob)
    except ValueError as exc:  # pathspec's GitIgnorePatternError is a ValueError
        raise GlobError(f"invalid glob {glob!r}: {exc}") from None
    if regex is None or include is not True:
        raise GlobError(f"invalid glob {glob!r}: it names no path")
    try:
        re2.compile(regex, RE2_OPTIONS)
    except re2.error as exc:
        raise GlobError(f"invalid glob {glob!r}: {_decode(exc)}") from None
    return str(regex)


def _decode(exc: Exception) -> str:
    arg = exc.args[0] if exc.args else str(exc)
    return arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)


def _check_shape(glob: str) -> None:
    if not glob.strip():
        raise GlobError("invalid glob: it is empty")
    if glob[0] in "!#":
        meaning = "an exclusion" if glob[0] == "!" else "a comment"
        escaped = "\\" + glob
        raise GlobError(
            f"invalid glob {glob!r}: a leading {glob[0]!r} makes {meaning} in .gitignore, "
            f"which a list of patterns has no use for; write {escaped!r} for a name "
            f"that starts with {glob[0]!r}"
            + ("; in a rule, exclude with [rule.unless]" if glob[0] == "!" else "")
        )
    if glob[-1].isspace() and not glob.endswith("\\" + glob[-1]):
        raise GlobError(
            f"invalid glob {glob!r}: it ends with a space, which .gitignore drops; remove "
            "it, or write '\\ ' for a name that ends with one"
        )
    core = glob[1:] if glob.startswith("/") else glob
    core = core[:-1] if core.endswith("/") else core
    if not core:
        raise GlobError(f"invalid glob {glob!r}: it names no path")
    for segment in core.split("/"):
        _check_segment(glob, segment)


def _check_segment(glob: str, segment: str) -> None:
    if not segment:
        raise GlobError(f"invalid glob {glob!r}: it has an empty path segment ('//')")
    if "**" in segment and segment != "**":
        raise GlobError(
            f"invalid glob {glob!r}: '**' must be a whole path segment "
            "(e.g. 'src/**/tracing'); use '*' inside a name"
        )
    i = 0
    while i < len(segment):
        if segment[i] == "\\":
            if i + 1 == len(segment):
                raise GlobError(f"invalid glob {glob!r}: it ends with a lone backslash")
            i += 2
        elif segment[i] == "[":
            i = _class_end(glob, segment, i)
        else:
            i += 1


def _class_end(glob: str, segment: str, start: int) -> int:
    """The index after the `[...]` class at `start`; GlobError if it is never closed or
    holds a reversed range. A `]` right after `[` or `[!` is a member, as in git."""
    i = start + 1
    i += i < len(segment) and segment[i] in "!^"
    members: list[str] = []
    first = True
    while i < len(segment) and (segment[i] != "]" or first):
        first = False
        escaped = segment[i] == "\\" and i + 1 < len(segment)
        members.append(segment[i + 1] if escaped else segment[i])
        i += 2 if escaped else 1
    if i >= len(segment):
        raise GlobError(f"invalid glob {glob!r}: '[' is never closed with ']'")
    for n in range(1, len(members) - 1):
        low, dash, high = members[n - 1 : n + 2]
        if dash == "-" and high < low:
            raise GlobError(f"invalid glob {glob!r}: range {low}-{high} is reversed")
    return i + 1


class Globs:
    """Patterns compiled together: does a name, or any line of newline-joined names,
    match any of them? `source` is the one RE2 pattern that answers (flags included)."""

    __slots__ = ("_regex", "ignore_case", "patterns", "source")

    def __init__(self, patterns: tuple[str, ...], *, ignore_case: bool) -> None:
        bodies = [check_glob(p) for p in patterns]
        self.patterns, self.ignore_case = patterns, ignore_case
        flags = "(?im)" if ignore_case else "(?m)"
        self.source = flags + "(?:" + "|".join(f"(?:{b})" for b in bodies) + ")"
        self._regex = re2.compile(self.source, RE2_OPTIONS) if patterns else None

    def matches(self, name: str) -> bool:
        """Whether `name` (a path, or lines of paths) matches one of the patterns."""
        return self._regex is not None and self._regex.search(name) is not None

    def __repr__(self) -> str:
        return f"Globs({list(self.patterns)!r}, ignore_case={self.ignore_case})"


def paths(patterns: Iterable[str]) -> Globs:
    """Globs over file paths in a repository: case-sensitive, as git is."""
    return _compiled(tuple(patterns), False)


def names(patterns: Iterable[str]) -> Globs:
    """Globs over repository, owner, group or project names: case-insensitive, as
    GitHub and GitLab treat those names."""
    return _compiled(tuple(patterns), True)


@lru_cache(maxsize=512)  # connectors ask per path with the same few lists
def _compiled(patterns: tuple[str, ...], ignore_case: bool) -> Globs:
    return Globs(patterns, ignore_case=ignore_case)
