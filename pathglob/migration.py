"""Which existing patterns now match differently, and what to write instead.

Before this language, rule `paths` were already .gitignore-style (one difference: a
trailing `/*` covered sub-folders, a trailing `**/` meant "inside a sub-folder"), while
every other key matched the whole name, case-insensitively, with `[` taken literally.
The old matchers are kept here, in a few lines, only to tell a user which of their
patterns changed meaning; delete this module once configs have had time to move.

A pattern is compared on samples drawn from its own shape (its wildcards filled in, the
name moved one folder down, something put inside it), restricted to what the key can
meet: `owner/name` for repositories, one segment for owners, `group/.../project` for
GitLab. Changes of case are not reported (every pattern with a letter would be): the
README's migration note says that design-doc paths are now case-sensitive.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from functools import lru_cache

from pathglob.language import GlobError, check_glob, names, paths


class Kind(Enum):
    """What a key's patterns match, for comparing with the matcher it had before."""

    RULE_PATHS = "rule paths"
    RULE_REPO = "rule repo"
    DESIGN_DOC_PATHS = "design-doc paths"
    REPOSITORIES = "repositories"  # owner/name
    OWNERS = "owners"  # one segment
    PROJECTS = "projects"  # group/.../project
    GROUPS = "groups"  # a project is in when it or one of its groups matches


_IS_PATH = {Kind.RULE_PATHS, Kind.DESIGN_DOC_PATHS}
_SEGMENTS: dict[Kind, tuple[int, int]] = {  # how many segments a matched name can have
    Kind.REPOSITORIES: (2, 2),
    Kind.RULE_REPO: (2, 2),
    Kind.OWNERS: (1, 1),
    Kind.PROJECTS: (2, 99),
    Kind.GROUPS: (2, 99),
}


def changed_meaning(pattern: str, kind: Kind) -> str | None:
    """None when `pattern` matches as it did before (or is invalid: that is reported
    elsewhere); else one phrase: what changed and what to write instead."""
    try:
        check_glob(pattern)
    except GlobError:
        return None
    found = _first_difference(pattern, kind)
    if found is None:
        return None
    probe, reason = found
    now = _new(pattern, kind)(probe)
    change = f"now matches {probe!r}" if now else f"no longer matches {probe!r}"
    return f"{change} ({reason}); {_advice(pattern, kind)}"


def _first_difference(pattern: str, kind: Kind) -> tuple[str, str] | None:
    if kind not in (Kind.RULE_PATHS, Kind.RULE_REPO) and pattern.startswith("/"):
        return None  # the old whole-name matchers never matched a leading '/': it is new
    old, new = _old(pattern, kind), _new(pattern, kind)
    for probe, reason in _probes(pattern, kind):
        if old(probe) != new(probe):
            return probe, reason
    return None


def _advice(pattern: str, kind: Kind) -> str:
    old, now = _old(pattern, kind), _new(pattern, kind)
    probes = [p for p, _ in _probes(pattern, kind)]
    useful = any(old(p) for p in probes)
    differing = [p for p in probes if now(p) != old(p)]
    close: list[str] = []  # quiet spellings of what the pattern matches now
    for candidate in _candidates(pattern):
        if _first_difference(candidate, kind) is not None:
            continue  # it would be warned about in turn
        new = _new(candidate, kind)
        seen = probes + [p for p, _ in _probes(candidate, kind)]
        if useful and all(new(p) == old(p) for p in seen):
            return f"write {candidate!r} to keep its old meaning"
        if all(new(p) == now(p) for p in differing):
            close.append(candidate)
    advice = "nothing keeps its old meaning exactly" if useful else "it matched nothing before"
    if not close:
        return advice + ": check it says what you want"
    best = min(close, key=lambda c: c.startswith("/"))  # '/' only when nothing else says it
    return f"{advice}; write {best!r} to mean what it matches now"


def _candidates(pattern: str) -> list[str]:
    bare = pattern.rstrip("/")
    found = [f"/{pattern}", f"**/{pattern}", f"*/{pattern}", f"{bare}/**"]
    if pattern.endswith("/*"):
        found.insert(0, pattern[:-1] + "**")
    if pattern.endswith("/**/"):
        found.insert(0, pattern[:-3] + "*/**")
    valid = []
    for candidate in dict.fromkeys(found):
        try:
            check_glob(candidate)
        except GlobError:
            continue
        valid.append(candidate)
    return valid


def _probes(pattern: str, kind: Kind) -> list[tuple[str, str]]:
    """Names the pattern's shape suggests, each with the rule of the language it tests:
    its own shape first, then one folder down, then something inside it."""
    core = pattern.strip("/")
    samples = [s for s in dict.fromkeys((_sample(core, ""), _sample(core, "d"))) if s]
    own = "its own shape"
    if "[" in pattern and kind not in (Kind.RULE_PATHS, Kind.RULE_REPO):
        own = "'[...]' is now a set of characters; it was plain text"
    found = [(s, own) for s in samples]
    found += [(f"top/{s}", "a pattern without '/' matches at any depth") for s in samples]
    if _folder_like(core, kind):
        inside = "a pattern also matches what is inside a folder it matches"
        for tail in ("inside", "in/side"):
            found += [(f"{s}/{tail}", inside) for s in samples]
    low, high = _SEGMENTS.get(kind, (1, 99))
    return [(p, r) for p, r in found if low <= p.count("/") + 1 <= high]


def _folder_like(core: str, kind: Kind) -> bool:
    """Whether what the pattern names can have something inside it: a path's last
    segment without a dot (files mostly have one), or a GitLab group. A project, a
    repository and an owner have nothing inside them that a key matches."""
    last = core.rsplit("/", 1)[-1]
    if kind in _IS_PATH:
        return "." not in last
    return kind is Kind.GROUPS


def _sample(core: str, deep: str) -> str:
    """`core` with its wildcards filled in: `**` as no folder (or `deep`), `*` and `?`
    as `x`, a class as one of its members, an escape as the character itself."""
    segments = []
    for segment in core.split("/"):
        if segment == "**":
            if deep:
                segments.append(deep)
            continue
        segments.append(_fill(segment))
    return "/".join(segments)


def _fill(segment: str) -> str:
    out, i = [], 0
    while i < len(segment):
        char = segment[i]
        if char == "\\" and i + 1 < len(segment):
            out.append(segment[i + 1])
            i += 2
            continue
        if char == "[":
            end = segment.find("]", i + 2)
            if end > 0:
                body = segment[i + 1 : end]
                out.append("~" if body[:1] in "!^" else body[0])
                i = end + 1
                continue
        out.append("x" if char in "*?" else char)
        i += 1
    return "".join(out)


def _new(pattern: str, kind: Kind) -> Callable[[str], bool]:
    if kind in _IS_PATH:
        return paths((pattern,)).matches
    globs = names((pattern,))
    if kind is Kind.GROUPS:
        return lambda name: any(globs.matches(prefix) for prefix in _prefixes(name))
    return globs.matches


def _old(pattern: str, kind: Kind) -> Callable[[str], bool]:
    if kind is Kind.RULE_PATHS:
        return lambda path: _old_rule_path(pattern, path)
    whole = _old_whole(pattern, classes=kind is Kind.RULE_REPO, ignore_case=True)
    if kind is Kind.GROUPS:
        return lambda name: any(whole.fullmatch(prefix) for prefix in _prefixes(name))
    return lambda name: whole.fullmatch(name) is not None


def _prefixes(name: str) -> list[str]:
    parts = name.split("/")
    return ["/".join(parts[: n + 1]) for n in range(len(parts))]


def _old_rule_path(pattern: str, path: str) -> bool:
    """The old rule `paths` matcher: the whole-name glob tried on the path and on each
    folder above it (only the folders, after a trailing '/'); without a '/' (a trailing
    one aside) the glob could start at any depth."""
    core, dir_only = pattern, pattern.endswith("/")
    anchored = core.startswith("/") or "/" in core.strip("/")
    core = core.strip("/")
    if not anchored and not core.startswith("**"):
        core = "**/" + core
    whole = _old_whole(core, classes=True, ignore_case=False)
    parts = path.split("/")
    last = len(parts) - 1 if dir_only else len(parts)
    return any(whole.fullmatch("/".join(parts[:n])) for n in range(1, last + 1))


@lru_cache(maxsize=256)
def _old_whole(pattern: str, *, classes: bool, ignore_case: bool) -> re.Pattern[str]:
    """The old whole-name matcher: `*` and `?` within a segment, `**` across; classes
    only in rules (elsewhere `[` was a plain character)."""
    out, i = [], 0
    while i < len(pattern):
        rest = pattern[i:]
        if rest.startswith("**/"):
            out.append("(?:.*/)?")
            i += 3
        elif rest.startswith("**"):
            out.append(".*")
            i += 2
        elif rest[0] in "*?":
            out.append("[^/]*" if rest[0] == "*" else "[^/]")
            i += 1
        elif classes and rest[0] == "[" and (end := rest.find("]", 2)) > 0:
            body = rest[1:end]
            negate = body[:1] in "!^"
            members = "".join("\\" + c if c in "\\[]^" else c for c in body[negate:])
            out.append(("[^/" if negate else "[") + members + "]")
            i += end + 1
        elif classes and rest[0] == "\\" and len(rest) > 1:
            out.append(re.escape(rest[1]))
            i += 2
        else:
            out.append(re.escape(rest[0]))
            i += 1
    return re.compile("".join(out), re.IGNORECASE if ignore_case else 0)
