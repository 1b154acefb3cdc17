"""The shape of a rule file, as pydantic models: what each key takes, and the checks that
need the growth map or the values items can have (passed as validation context).

Strict: TOML already gives the right types, so "10" is not taken for 10 nor true for 1.
`rules.parse` words the errors for a rule author.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    field_validator,
)

from rules.conditions import INT_KEYS, MATCH_KEYS, REGEX_KEYS, SET_KEYS, build_condition
from rules.model import GrowthMap, Rule
from rules.patterns import PatternError

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
RULE_KEYS = ("id", "description", "destination", "skills", "weight", "match", "unless")


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


# A match key's values: a string stands for a list of one.
Listed = Annotated[list[str], BeforeValidator(_listed), Field(min_length=1)]
Count = Annotated[int, Field(ge=0)]
Named = Annotated[str, Field(pattern=r"\S")]


class RuleDocument(BaseModel):
    """A whole rule file: `[[rule]]` tables and nothing else (each checked on its own)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    rule: list[Any] = []


class _MatchChecks(BaseModel):
    """The checks of `[rule.match]` and `[rule.unless]`; the keys come from MATCH_KEYS."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @field_validator(*SET_KEYS, "labels_all", check_fields=False)
    @classmethod
    def _names(cls, values: list[str], info: ValidationInfo) -> tuple[str, ...]:
        lowered = tuple(sorted({v.lower() for v in values}))
        known = (info.context or {}).get("known_values") or {}
        if info.field_name in known:
            _check_known(str(info.field_name), lowered, known[info.field_name])
        return lowered

    @field_validator("repo", "paths", *REGEX_KEYS, check_fields=False)
    @classmethod
    def _patterns(cls, values: list[str], info: ValidationInfo) -> tuple[str, ...]:
        unique = tuple(sorted(set(values)))
        try:
            build_condition(str(info.field_name), unique)
        except PatternError as exc:
            raise ValueError(str(exc)) from None
        return unique

    @field_validator("max_lines", check_fields=False)
    @classmethod
    def _bounds(cls, high: int, info: ValidationInfo) -> int:
        low = info.data.get("min_lines")
        if low is not None and low > high:
            raise ValueError(f"max_lines {high} is below min_lines {low}: nothing can match both")
        return high

    def conditions(self) -> dict[str, Any]:
        """The keys the table sets, with their normalized values."""
        return {key: value for key, value in self if value is not None}


def _check_known(key: str, values: tuple[str, ...], known_values: Collection[str]) -> None:
    known = sorted({k.lower() for k in known_values})
    wrong = []
    for value in values:
        if value not in known:
            close = difflib.get_close_matches(value, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            wrong.append(f"no item can have {key} {value!r}; {hint}")
    if wrong:
        raise ValueError("; ".join(wrong))


if TYPE_CHECKING:  # the fields are built from MATCH_KEYS, which a type checker cannot see
    MatchKeys = _MatchChecks
else:
    MatchKeys = create_model(
        "MatchKeys",
        __base__=_MatchChecks,
        **{key: ((Count if key in INT_KEYS else Listed) | None, None) for key in MATCH_KEYS},
    )


class RuleTable(BaseModel):
    """One `[[rule]]` table."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: Annotated[str, Field(pattern=ID.pattern)]
    description: str = ""
    destination: Named
    skills: Annotated[list[Named], Field(min_length=1)]
    weight: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 1.0
    match: MatchKeys
    unless: MatchKeys | None = None

    @field_validator("destination")
    @classmethod
    def _known_destination(cls, destination: str, info: ValidationInfo) -> str:
        growth_map: GrowthMap | None = (info.context or {}).get("growth_map")
        if growth_map is not None and destination not in growth_map:
            known = tuple(sorted(growth_map))
            close = difflib.get_close_matches(destination, known, n=1)
            listed = ", ".join(known) or "(none)"
            hint = f"did you mean {close[0]!r}?" if close else f"it has: {listed}"
            raise ValueError(f"the growth map has no destination {destination!r}; {hint}")
        return destination

    @field_validator("skills")
    @classmethod
    def _known_skills(cls, skills: list[str], info: ValidationInfo) -> tuple[str, ...]:
        unique = tuple(dict.fromkeys(skills))
        growth_map: GrowthMap | None = (info.context or {}).get("growth_map")
        destination = info.data.get("destination")
        if growth_map is not None and isinstance(destination, str) and destination in growth_map:
            _check_skills(destination, unique, growth_map)
        return unique

    @field_validator("match")
    @classmethod
    def _not_empty(cls, match: _MatchChecks) -> _MatchChecks:
        if not match.conditions():
            raise ValueError("is empty: a rule must match on at least one key")
        return match

    def rule(self, file: str) -> Rule:
        return Rule(
            id=self.id,
            destination=self.destination,
            skills=tuple(self.skills),
            weight=float(self.weight),
            match=self.match.conditions(),
            unless=self.unless.conditions() if self.unless is not None else {},
            description=self.description,
            file=file,
        )


def _check_skills(destination: str, skills: tuple[str, ...], growth_map: GrowthMap) -> None:
    own = growth_map[destination]
    wrong = []
    for skill in skills:
        if skill in own:
            continue
        elsewhere = sorted(d for d, s in growth_map.items() if skill in s)
        hint = (
            f"it belongs to destination {', '.join(elsewhere)}"
            if elsewhere
            else f"its skills are: {', '.join(sorted(own)) or '(none)'}"
        )
        wrong.append(f"destination {destination!r} has no skill {skill!r}; {hint}")
    if wrong:
        raise ValueError("; ".join(wrong))
