"""The patterns of a source's config (design-doc paths, allow-lists): types that check
them when the config loads, and the warnings for patterns whose meaning changed.

Every pattern is in the one language of `pathglob` (.gitignore's); the type of a key says
what it matches, and so its case rule and which old matcher it is compared with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BaseModel

import pathglob
from pathglob import Kind

# Where teams keep design documents: design folders, ADRs, RFCs, "*design-doc*" files.
DEFAULT_DESIGN_DOC_PATHS = (
    "docs/design/**",
    "**/adr/**",
    "**/adrs/**",
    "rfcs/**",
    "**/rfcs/**",
    "**/*design-doc*.md",
)


@dataclass(frozen=True)
class Matches:
    """Marks a config key as a list of patterns of one kind (read by `pattern_warnings`)."""

    kind: Kind


def _checked(values: list[str]) -> list[str]:
    for value in values:
        pathglob.check_glob(value)  # GlobError is a ValueError: pydantic reports it
    return values


DesignDocPaths = Annotated[list[str], AfterValidator(_checked), Matches(Kind.DESIGN_DOC_PATHS)]
RepositoryNames = Annotated[list[str], AfterValidator(_checked), Matches(Kind.REPOSITORIES)]
OwnerNames = Annotated[list[str], AfterValidator(_checked), Matches(Kind.OWNERS)]
ProjectPaths = Annotated[list[str], AfterValidator(_checked), Matches(Kind.PROJECTS)]
GroupPaths = Annotated[list[str], AfterValidator(_checked), Matches(Kind.GROUPS)]


def pattern_warnings(file: object, sources: Sequence[BaseModel]) -> list[str]:
    """One line per pattern, written in the config, that matches differently than it did
    before the one glob language: file, source, key, pattern and what to write instead."""
    lines = []
    for index, source in enumerate(sources):
        for key, field in type(source).model_fields.items():
            kinds = [m.kind for m in field.metadata if isinstance(m, Matches)]
            if not kinds or key not in source.model_fields_set:
                continue  # defaults are written in the new language
            for pattern in getattr(source, key):
                change = pathglob.changed_meaning(pattern, kinds[0])
                if change is not None:
                    name = getattr(source, "name", index)
                    lines.append(f"{file}: sources[{index}] ({name}) {key}: {pattern!r} {change}")
    return lines
