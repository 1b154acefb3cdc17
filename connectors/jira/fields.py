"""Which custom fields hold story points, sprints and the epic link on this Jira site.

Their ids differ per site (customfield_10016 on one, customfield_10002 on another),
so they are found by name and type from `/field` once per run, unless configured.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from connectors.errors import ConfigProblem
from connectors.jira.config import JiraFields

_ID = re.compile(r"^customfield_\d+$")

# Fields asked for explicitly: Cloud's enhanced search returns only ids unless told.
STANDARD_FIELDS = (
    "summary",
    "description",
    "issuetype",
    "project",
    "components",
    "labels",
    "priority",
    "resolution",
    "resolutiondate",
    # Cloud's moment of entering the current status category: the close time of a ticket
    # done without a resolution. Data Center has no such field and skips the name.
    "statuscategorychangedate",
    "created",
    "updated",
    "status",
    "assignee",
    "parent",
)

# (schema.custom, lower-case names) that identify each field when not configured.
_KNOWN: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "story_points": (
        frozenset({"com.pyxis.greenhopper.jira:jsw-story-points"}),
        frozenset({"story points", "story point estimate"}),
    ),
    "sprint": (frozenset({"com.pyxis.greenhopper.jira:gh-sprint"}), frozenset({"sprint"})),
    "epic_link": (
        frozenset({"com.pyxis.greenhopper.jira:gh-epic-link"}),
        frozenset({"epic link"}),
    ),
}


@dataclass(frozen=True, slots=True)
class CustomFields:
    """Field ids per purpose; several when a site has e.g. two story-point fields."""

    story_points: tuple[str, ...] = ()
    sprint: tuple[str, ...] = ()
    epic_link: tuple[str, ...] = ()

    def ids(self) -> list[str]:
        return [*self.story_points, *self.sprint, *self.epic_link]


def needs_lookup(overrides: JiraFields) -> bool:
    """Whether `/field` must be read: only when some field is not given as an id."""
    values = (overrides.story_points, overrides.sprint, overrides.epic_link)
    return not all(v is not None and _ID.match(v) for v in values)


def resolve_fields(
    overrides: JiraFields,
    load: Callable[[], Sequence[Mapping[str, Any]]],
    source: str,
) -> CustomFields:
    """Resolve configured names or ids, and find unconfigured fields by name and type."""
    catalog: Sequence[Mapping[str, Any]] = load() if needs_lookup(overrides) else ()
    found: dict[str, tuple[str, ...]] = {}
    for purpose in _KNOWN:
        wanted = getattr(overrides, purpose)
        if wanted is None:
            found[purpose] = _detect(purpose, catalog)
        else:
            found[purpose] = _configured(purpose, wanted, catalog, source)
    return CustomFields(**found)


def _detect(purpose: str, catalog: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    customs, names = _KNOWN[purpose]
    hits = []
    for field in catalog:
        schema = field.get("schema") or {}
        name = str(field.get("name", "")).strip().lower()
        if schema.get("custom") in customs or name in names:
            hits.append(str(field["id"]))
    return tuple(dict.fromkeys(hits))


def _configured(
    purpose: str, wanted: str, catalog: Sequence[Mapping[str, Any]], source: str
) -> tuple[str, ...]:
    if _ID.match(wanted) and not catalog:
        return (wanted,)
    key = wanted.strip().lower()
    for field in catalog:
        clauses = [str(c).lower() for c in field.get("clauseNames") or ()]
        if key in (str(field.get("id", "")).lower(), str(field.get("name", "")).lower()):
            return (str(field["id"]),)
        if key in clauses:
            return (str(field["id"]),)
    raise ConfigProblem(
        f"Jira source {source!r}: fields.{purpose} = {wanted!r} matches no field on this site",
        hint="give the field's name as Jira shows it, or its id (customfield_NNNNN)",
    )
