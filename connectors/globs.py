"""Path globs shared by the connectors (repository allow-lists, design-doc paths)."""

from __future__ import annotations

import re
from functools import lru_cache

# Where teams keep design documents: design folders, ADRs, RFCs, "*design-doc*" files.
DEFAULT_DESIGN_DOC_PATHS = (
    "docs/design/**",
    "**/adr/**",
    "**/adrs/**",
    "rfcs/**",
    "**/rfcs/**",
    "**/*design-doc*.md",
)


def glob_match(pattern: str, path: str) -> bool:
    """Match a path against a glob, case-insensitively: `*` and `?` stay within one path
    segment, `**` crosses segments (`**/` also matches no segment at all)."""
    return _compile(pattern).fullmatch(path) is not None


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out), re.IGNORECASE)
