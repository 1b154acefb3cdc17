"""Compiled match keys and the facts they test, computed once per item.

Case: kind, source, author, state, review_state, labels, labels_all and the ticket
fields compare case-insensitively; `repo` globs too (hosts treat repository names so).
`paths` globs are case-sensitive, as git is (globs: the language of `pathglob`).
Regexes match exactly as written: add `(?i)` for case-insensitive matching.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from rules.model import Evidence
from rules.patterns import PatternSet, Regex, compile_any, compile_globs

_NONE: frozenset[str] = frozenset()


def lowered(value: Any) -> frozenset[str]:
    """Every name a value carries, lowercased: a string, a list, or a mapping holding
    `key` / `name` / `value` (a Jira project, priority or parent arrives in either form)."""
    if value is None:
        return _NONE
    if isinstance(value, str):
        return frozenset((value.lower(),)) if value else _NONE
    if isinstance(value, list | tuple | set | frozenset):
        names: set[str] = set()
        for element in value:
            if isinstance(element, str | dict | Mapping):  # nesting stops at one level
                names |= lowered(element)
        return frozenset(names)
    if isinstance(value, dict | Mapping):  # dict first: the ABC check is slow
        return frozenset(
            v.lower() for k in ("key", "name", "value") if isinstance(v := value.get(k), str)
        )
    return frozenset((str(value).lower(),))


def _one(value: str | None) -> frozenset[str]:
    return frozenset((value.lower(),)) if value else _NONE


class Facts:
    """What rules can ask about one item, prepared once so each rule check is cheap."""

    __slots__ = (
        "author",
        "body",
        "components",
        "files",
        "issue_type",
        "kind",
        "kind_name",
        "labels",
        "lines",
        "memo",
        "parent",
        "paths",
        "paths_count",
        "priority",
        "project",
        "repo",
        "resolution",
        "review_state",
        "source",
        "state",
        "text",
        "title",
    )

    def __init__(self, ev: Evidence) -> None:
        self.kind_name = ev.kind.lower()
        self.kind = frozenset((self.kind_name,))
        self.source = _one(ev.source) | _one(ev.source_type)
        self.repo = (ev.repo or "").encode("utf-8")
        self.author = _one(ev.author)
        self.state = _one(ev.state)
        self.labels = frozenset([label.lower() for label in ev.labels]) if ev.labels else _NONE
        all_paths = [p for p in (*ev.paths, ev.path) if p and "\n" not in p]
        self.paths = "\n".join(all_paths).encode("utf-8")
        self.paths_count = len(all_paths)
        self.title = ev.title.encode("utf-8")
        self.body = ev.body.encode("utf-8")
        self.text = self.title + b"\n" + self.body
        no_size = ev.additions is None and ev.deletions is None
        self.lines = None if no_size else (ev.additions or 0) + (ev.deletions or 0)
        self.files = (
            ev.changed_files
            if ev.changed_files is not None
            else (len(ev.paths) if ev.paths else None)
        )
        self._ticket_fields(ev)
        # Which patterns of each field's PatternSet occur in it, once scanned.
        self.memo: dict[PatternSet, frozenset[int]] = {}

    def _ticket_fields(self, ev: Evidence) -> None:
        extra = ev.extra
        if not extra:
            self.project = self.issue_type = self.components = self.priority = _NONE
            self.resolution = self.parent = _NONE
            self.review_state = self.state if self.kind_name == "review" else _NONE
            return
        get = extra.get
        self.project = lowered(get("project"))
        self.issue_type = lowered(get("issue_type"))
        self.components = lowered(get("components"))
        self.priority = lowered(get("priority"))
        self.resolution = lowered(get("resolution"))
        self.parent = lowered(get("parent")) | lowered(get("epic"))
        states = lowered(get("review_states")) | lowered(get("review_state"))
        if not states and self.kind_name == "review":
            states = self.state  # a review item's own state is its review state
        self.review_state = states


class Condition:
    """One key of a rule, compiled. `holds` is the hot path; `describe` serves explain."""

    __slots__ = ("key",)
    cost: ClassVar[int] = 0  # cheaper keys are checked first so misses exit early

    def __init__(self, key: str) -> None:
        self.key = key

    def holds(self, facts: Facts) -> bool:
        raise NotImplementedError

    def describe(self, facts: Facts, held: bool) -> str:
        raise NotImplementedError


def _show(values: frozenset[str] | tuple[str, ...]) -> str:
    return ", ".join(sorted(values)) if values else "(none)"


class AnyOf(Condition):
    """The item's value(s) for the key include one of the rule's values."""

    __slots__ = ("attr", "values")

    def __init__(self, key: str, values: tuple[str, ...], attr: str | None = None) -> None:
        super().__init__(key)
        self.values = frozenset(values)
        self.attr = attr or key

    def holds(self, facts: Facts) -> bool:
        seen: frozenset[str] = getattr(facts, self.attr)
        return not self.values.isdisjoint(seen)

    def describe(self, facts: Facts, held: bool) -> str:
        seen = _show(getattr(facts, self.attr))
        return f"item has {seen}; rule wants any of {_show(self.values)}"


class AllOf(AnyOf):
    """Every one of the rule's values is among the item's (labels_all)."""

    __slots__ = ()

    def holds(self, facts: Facts) -> bool:
        seen: frozenset[str] = getattr(facts, self.attr)
        return self.values <= seen

    def describe(self, facts: Facts, held: bool) -> str:
        seen = _show(getattr(facts, self.attr))
        return f"item has {seen}; rule wants all of {_show(self.values)}"


class Bound(Condition):
    """A size bound; an unknown size satisfies no bound (and so excludes nothing)."""

    __slots__ = ("attr", "limit", "upper")

    def __init__(self, key: str, limit: int, attr: str, upper: bool) -> None:
        super().__init__(key)
        self.limit, self.attr, self.upper = limit, attr, upper

    def holds(self, facts: Facts) -> bool:
        size: int | None = getattr(facts, self.attr)
        if size is None:
            return False
        return size <= self.limit if self.upper else size >= self.limit

    def describe(self, facts: Facts, held: bool) -> str:
        size = getattr(facts, self.attr)
        shown = "unknown" if size is None else str(size)
        bound = "at most" if self.upper else "at least"
        return f"item has {shown} {self.attr}; rule wants {bound} {self.limit}"


class Searched(Condition):
    """A costly key: an RE2 search over one bytes field of the facts. `empty` is the
    answer for an empty field (no paths: no glob matches), or None to search it anyway
    (a regex).

    In a rule set, every such key of one field joins that field's PatternSet (`group`,
    its position `index`): the field is then scanned once per item for all of them.
    Alone (validation, or a pattern a set cannot take) it searches by itself."""

    __slots__ = ("attr", "empty", "found", "group", "index", "source")
    cost = 3

    def __init__(self, key: str, regex: Regex, attr: str, empty: bool | None) -> None:
        super().__init__(key)
        self.found, self.source, self.attr, self.empty = regex.found, regex.source, attr, empty
        self.group: PatternSet | None = None
        self.index = -1

    def holds(self, facts: Facts) -> bool:
        text: bytes = getattr(facts, self.attr)
        if not text and self.empty is not None:
            return self.empty
        group = self.group
        if group is None:
            return self.found(text)
        hits = facts.memo.get(group)
        if hits is None:
            hits = facts.memo[group] = group.matching(text)
        return self.index in hits


class RepoGlob(Searched):
    __slots__ = ("globs",)
    cost = 1

    def __init__(self, key: str, globs: tuple[str, ...]) -> None:
        super().__init__(key, compile_globs(globs, paths=False), "repo", empty=False)
        self.globs = globs

    def describe(self, facts: Facts, held: bool) -> str:
        repo = facts.repo.decode("utf-8") or "(none)"
        return f"repository is {repo!r}; rule wants {_show(self.globs)}"


class PathGlob(Searched):
    """Any changed path (or the item's own path) matches any glob: one RE2 search over
    all paths joined by newlines."""

    __slots__ = ("globs",)
    cost = 4  # searched alone, after the regexes answered from their field's set

    def __init__(self, key: str, globs: tuple[str, ...]) -> None:
        super().__init__(key, compile_globs(globs, paths=True), "paths", empty=False)
        self.globs = globs

    def describe(self, facts: Facts, held: bool) -> str:
        if held:
            hit = next(p for p in facts.paths.split(b"\n") if self.found(p))
            return f"path {hit.decode('utf-8')!r} matches {_show(self.globs)}"
        return f"none of {facts.paths_count} path(s) matches {_show(self.globs)}"


class Pattern(Searched):
    """A regex search in the title, body, or text (title + newline + body)."""

    __slots__ = ("patterns",)
    cost = 3

    def __init__(self, key: str, patterns: tuple[str, ...]) -> None:
        super().__init__(key, compile_any(patterns), key, empty=None)
        self.patterns = patterns

    def describe(self, facts: Facts, held: bool) -> str:
        shown = " or ".join(f"/{p}/" for p in self.patterns)
        text: bytes = getattr(facts, self.key)
        seen = _clip(text.decode("utf-8")) if self.key == "title" else f"({len(text)} bytes)"
        return f"{self.key} {seen} {'matches' if held else 'does not match'} {shown}"


def _clip(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# Match keys by the kind of value they take (rules.parse validates them).
SET_KEYS = (
    "kind",
    "source",
    "author",
    "state",
    "review_state",
    "labels",
    "project",
    "issue_type",
    "components",
    "priority",
    "resolution",
    "parent",
)
REGEX_KEYS = ("title", "body", "text")
INT_KEYS = ("min_lines", "max_lines", "min_files")
GLOB_KEYS = ("repo", "paths")
MATCH_KEYS = (*SET_KEYS, "labels_all", *GLOB_KEYS, *REGEX_KEYS, *INT_KEYS)

_BOUNDS = {
    "min_lines": ("lines", False),
    "max_lines": ("lines", True),
    "min_files": ("files", False),
}


def build_condition(key: str, value: Any) -> Condition:
    """Compile one normalized key; PatternError for a bad regex or glob."""
    if key in SET_KEYS:
        return AnyOf(key, value)
    if key == "labels_all":
        return AllOf(key, value, attr="labels")
    if key == "repo":
        return RepoGlob(key, value)
    if key == "paths":
        return PathGlob(key, value)
    if key in REGEX_KEYS:
        return Pattern(key, value)
    attr, upper = _BOUNDS[key]
    return Bound(key, int(value), attr, upper)
