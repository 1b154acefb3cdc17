"""Rule regexes on RE2, and the globs of `pathglob` run by the same RE2 machinery.

Titles and bodies are written by other people, so every pattern runs on RE2: matching
time stays linear in the text whatever the pattern. Python's `re` only compiles a refused
pattern, to tell "not a regex at all" from "a regex that needs a backtracking engine".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import re2

import pathglob
from pathglob.language import RE2_OPTIONS as GLOB_OPTIONS

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors come back as values; RE2 must not write to stderr
_OPTIONS.never_capture = True  # rules ask only "is there a match?"

# Features RE2 refuses on purpose, spotted so the message can name them.
_UNSUPPORTED = (
    (re.compile(r"\(\?<?[=!]"), "lookaround assertions such as (?=...), (?!...), (?<=...)"),
    (re.compile(r"\\[1-9]|\(\?P=|\\g<|\\k<"), "backreferences such as \\1 or (?P=name)"),
    (re.compile(r"\(\?>"), "atomic groups (?>...)"),
    (re.compile(r"[*+?}]\+"), "possessive quantifiers such as a++"),
    (re.compile(r"\(\?\("), "conditional groups (?(1)...)"),
    (re.compile(r"\\Z"), "\\Z (RE2 writes end of text as \\z)"),
)


class PatternError(ValueError):
    """A regex or glob that cannot be used; the message says why and what to do."""


# A glob's source is RE2 syntax that needs its own options (`never_nl`): the repo globs
# of a rule set join one PatternSet, which has no newline to cross in a repository name.


class Regex:
    """An RE2 pattern that answers one question: does it occur in this UTF-8 text?

    `source` is the exact RE2 pattern `found` runs (None for a composite of several), so
    it can also join a PatternSet."""

    __slots__ = ("found", "pattern", "source")

    def __init__(self, pattern: str, options: Any = _OPTIONS) -> None:
        try:
            compiled = re2.compile(pattern, options)
        except re2.error as exc:
            raise PatternError(_explain_regex_error(pattern, _decode(exc))) from None
        self.pattern = pattern
        self.source: str | None = pattern
        self.found: Callable[[bytes], bool] = _finder(compiled)

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r})"


def _finder(compiled: Any) -> Callable[[bytes], bool]:
    """A match test for `compiled`.

    The public `search` builds a Match object and maps byte offsets back, which doubles
    the cost of a hit; rules need only a yes or no, so the RE2 object the wrapper holds is
    asked directly. Should a future google-re2 change those internals, the self-check
    below turns this off and the public API is used.
    """
    raw = getattr(compiled, "_regexp", None)
    if _FAST and raw is not None:
        match, anchor = raw.Match, _UNANCHORED

        def found(text: bytes) -> bool:
            return bool(match(anchor, text, 0, len(text))[0][0] >= 0)

        return found
    return lambda text: compiled.search(text) is not None


def _fast_path_works() -> bool:
    try:
        raw = re2.compile("b+", _OPTIONS)._regexp
        hit = raw.Match(_UNANCHORED, b"abbc", 0, 4)[0]
        miss = raw.Match(_UNANCHORED, b"xyz", 0, 3)[0]
        return tuple(hit) == (1, 3) and miss[0] == -1
    except Exception:  # any change in the internals means: use the public API
        return False


_UNANCHORED: Any = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
_FAST = _UNANCHORED is not None and _fast_path_works()


def compile_regex(pattern: str) -> Regex:
    """Compile `pattern` with RE2, or raise PatternError with a readable reason."""
    return Regex(pattern)


def compile_any(patterns: tuple[str, ...]) -> Regex:
    """One Regex that finds any of `patterns` (each checked on its own first, so an error
    names the pattern). Inline flags such as (?i) stay inside their own group."""
    singles = [Regex(p) for p in patterns]
    if len(singles) == 1:
        return singles[0]
    try:
        return Regex("|".join(f"(?:{p})" for p in patterns))
    except PatternError:  # e.g. an unterminated \Q quote swallowing the next group
        either = Regex(singles[0].pattern)
        either.found = lambda text: any(r.found(text) for r in singles)
        either.source = None
        return either


class PatternSet:
    """Many RE2 patterns searched in one pass over a text: which of them occur in it.

    RE2::Set runs one DFA for all patterns. It has no slower engine to fall back on, so
    RE2 checks at Compile that the DFA has memory enough to always run (Compile fails
    otherwise, and `build` answers None); a compiled set cannot fail while matching.
    """

    __slots__ = ("_set",)
    _MAX_MEM = 64 << 20  # a budget, not an allocation: the DFA cache grows up to it

    def __init__(self, patterns: list[str]) -> None:
        options = re2.Options()
        options.log_errors = False
        options.max_mem = self._MAX_MEM
        self._set = re2.Set.SearchSet(options)
        for pattern in patterns:
            self._set.Add(pattern)
        self._set.Compile()

    @classmethod
    def build(cls, patterns: list[str]) -> PatternSet | None:
        try:
            return cls(patterns)
        except re2.error:
            return None

    def matching(self, text: bytes) -> frozenset[int]:
        """Indices (in the order given) of the patterns that occur in `text`."""
        found = self._set.Match(text)
        return frozenset(found) if found else _NO_HITS


_NO_HITS: frozenset[int] = frozenset()


def _decode(exc: Exception) -> str:
    arg = exc.args[0] if exc.args else str(exc)
    return arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)


def _explain_regex_error(pattern: str, re2_message: str) -> str:
    """RE2's own reason, unless the pattern is fine for a backtracking engine: then name
    the feature RE2 leaves out on purpose."""
    if "too large" in re2_message or "repetition size" in re2_message:
        return (
            "RE2 cannot run this pattern: it repeats too much (RE2 allows counts up to "
            "1000, and nested counts multiply); simplify it"
        )
    try:
        re.compile(pattern)
    except (re.error, OverflowError, RecursionError, ValueError):
        return f"invalid regular expression: {re2_message}"
    for finder, feature in _UNSUPPORTED:
        if finder.search(pattern):
            return (
                f"RE2 cannot run this pattern: it uses {feature}, which RE2 does not support. "
                "Rules run on RE2 so matching stays linear on text written by others; "
                "rewrite the pattern without them"
            )
    return f"RE2 cannot run this pattern ({re2_message}); rewrite it in RE2 syntax"


def compile_globs(globs: tuple[str, ...], *, paths: bool) -> Regex:
    """One RE2 pattern for a list of globs (any of them), in the language of `pathglob`.

    `paths=True`: file paths, case-sensitive, searched over all paths joined by newlines.
    `paths=False`: repository names (`owner/name`), case-insensitive.
    """
    try:
        compiled = pathglob.paths(globs) if paths else pathglob.names(globs)
    except pathglob.GlobError as exc:
        raise PatternError(str(exc)) from None
    return Regex(compiled.source, GLOB_OPTIONS)
