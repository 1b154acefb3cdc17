"""Load and validate the config file, collecting every problem before reporting.

Beside the loader: `starter` (the files `growthmap init` writes) and `checks` (what
`growthmap config check` warns about beyond validation). The sections' models are plain
values in `collector.core.settings_model`.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator, model_validator

from collector.core import paths
from collector.core.errors import ConfigInvalid, GrowthmapError, Problem
from collector.core.settings_model import (
    CollectSection,
    GrowthMap,
    LedgerSection,
    MasterySection,
    Owner,
    RulesSection,
    ScheduleSection,
)
from collector.ledger.db import ledger_url_problem, sqlite_names_problem
from collector.schedule.cron import CronExpr
from collector.schedule.spec import parse_duration
from connectors.base import SourceConfig
from connectors.registry import PluginFailed, connector_class, source_types

CONFIG_ENV = "GROWTHMAP_CONFIG"


# The sections are plain values (`collector.core.settings_model` imports nothing of
# growthmap); the checks that need the ledger's rules or the scheduler are added here, by
# validating a section with these subclasses first. Their errors carry the same key paths.
class _CheckedLedger(LedgerSection):
    @field_validator("url")
    @classmethod
    def _usable_url(cls, value: str | None) -> str | None:
        problem = ledger_url_problem(value) if value else None
        if problem:
            raise ValueError(problem)
        return value


class _CheckedSchedule(ScheduleSection):
    @field_validator("interval", "backoff", "max_backoff")
    @classmethod
    def _positive_duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value

    @field_validator("jitter", "lock_wait")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value, allow_zero=True)
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            CronExpr.parse(value)
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> _CheckedSchedule:
        if self.interval is not None and self.cron is not None:
            raise ValueError("set either interval or cron, not both")
        if parse_duration(self.max_backoff) < parse_duration(self.backoff):
            raise ValueError("max_backoff must be at least backoff")
        return self


class _CheckedGrowthMap(GrowthMap):
    @field_validator("feedback_every")
    @classmethod
    def _whole_days(cls, value: str | None) -> str | None:
        if value is not None and parse_duration(value).total_seconds() % 86400:
            raise ValueError(f"{value!r} is not whole days: write it like 2w or 10d")
        return value


_SECTIONS: dict[str, type[BaseModel]] = {
    "owner": Owner,
    "ledger": LedgerSection,
    "rules": RulesSection,
    "collect": CollectSection,
    "growth_map": GrowthMap,
    "schedule": ScheduleSection,
    "mastery": MasterySection,
}
_CHECKED: dict[type[BaseModel], type[BaseModel]] = {
    LedgerSection: _CheckedLedger,
    ScheduleSection: _CheckedSchedule,
    GrowthMap: _CheckedGrowthMap,
}


@dataclass(frozen=True)
class Settings:
    """A validated configuration. `path` is None for the zero-config start."""

    owner: Owner
    ledger_url: str
    sources: list[SourceConfig]
    rules_paths: list[Path]
    growth_map: GrowthMap
    collect: CollectSection
    path: Path | None = None
    schedule: ScheduleSection = field(default_factory=ScheduleSection)
    mastery: MasterySection = field(default_factory=MasterySection)

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)


class NoConfigError(GrowthmapError):
    """No config file anywhere and nothing to start from."""


def config_target(explicit: Path | None, env: Mapping[str, str]) -> Path:
    """Where the config file is, or belongs: `--config`, then $GROWTHMAP_CONFIG, then the
    user config dir. `init` writes there, so every later command finds it."""
    if explicit is not None:
        return explicit
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    return paths.user_config_file()


def locate_config(explicit: Path | None, env: Mapping[str, str]) -> Path | None:
    """The config file to read; None when none was named and the default does not exist."""
    path = config_target(explicit, env)
    named = explicit is not None or bool(env.get(CONFIG_ENV))
    return path if named or path.exists() else None


def load_settings(explicit: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """The settings growthmap runs with, or ConfigInvalid / NoConfig with every problem."""
    env = os.environ if env is None else env
    path = locate_config(explicit, env)
    if path is None:
        # Once a zero-config run has made the default ledger, `items`, `status`, `export`
        # read it without the token too (collect then says the token is missing).
        if env.get("GITHUB_TOKEN") or paths.default_ledger_path().exists():
            return zero_config_settings(env)
        raise NoConfigError(
            f"no config file: pass --config FILE, set ${CONFIG_ENV}, run `growthmap init`, "
            f"or set GITHUB_TOKEN to collect from github.com without one "
            f"(looked for {paths.user_config_file()})"
        )
    return parse_settings(read_toml(path), path)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigInvalid([Problem(str(path), "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigInvalid([Problem(str(path), "", f"cannot read the file: {exc}")]) from None
    try:
        return tomllib.loads(text)
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise ConfigInvalid(
            [Problem(str(path), "", "invalid TOML: arrays or tables nested too deeply")]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = str(exc).split(" (at ")[0]
        if where:
            message += f" (column {where.group(2)})"
        line = int(where.group(1)) if where else None
        raise ConfigInvalid([Problem(str(path), "", f"invalid TOML: {message}", line)]) from None


def zero_config_settings(env: Mapping[str, str]) -> Settings:
    """github.com for the token's own user, an empty growth map, the default ledger."""
    return Settings(
        owner=Owner(),
        ledger_url=paths.default_ledger_url(),
        sources=[zero_config_github(env)],
        rules_paths=[],
        growth_map=GrowthMap(),
        collect=CollectSection(),
    )


def zero_config_github(env: Mapping[str, str]) -> SourceConfig:
    """The GitHub source of a run without a config file: github.com, or the GitHub that
    $GITHUB_API_URL names (Enterprise Server's `https://HOST/api/v3`, as GitHub Actions
    sets it), with $GITHUB_TOKEN, for the token's own user."""
    base_url = env.get("GITHUB_API_URL") or "https://api.github.com"
    try:
        github = connector_class("github").config_model.model_validate(
            {
                "name": "github",
                "type": "github",
                "base_url": base_url,
                "token_env": "GITHUB_TOKEN",
            }
        )
    except ValidationError as exc:
        said = "; ".join(str(e["msg"]) for e in exc.errors())
        shown = repr(base_url) if "@" not in base_url else "the value"
        raise ConfigInvalid([Problem("$GITHUB_API_URL", "", f"{shown}: {said}")]) from None
    return github


def parse_settings(data: dict[str, Any], path: Path) -> Settings:
    """Validate a parsed config file; raise ConfigInvalid listing every problem."""
    problems: list[Problem] = []
    file = str(path)
    unknown = sorted(set(data) - set(_SECTIONS) - {"sources"})
    problems += [
        Problem(
            file, key, f"unknown section or key; known: {', '.join(sorted(_SECTIONS))}, sources"
        )
        for key in unknown
    ]
    sections = {
        name: _validate(model, data.get(name, {}), file, name, problems)
        for name, model in _SECTIONS.items()
    }
    sources = _validate_sources(data.get("sources", []), file, problems)
    if problems:
        raise ConfigInvalid(problems)
    owner = sections["owner"]
    ledger = sections["ledger"]
    rules = sections["rules"]
    assert isinstance(owner, Owner) and isinstance(ledger, LedgerSection)
    assert isinstance(rules, RulesSection)
    growth_map, collect = sections["growth_map"], sections["collect"]
    assert isinstance(growth_map, GrowthMap) and isinstance(collect, CollectSection)
    ledger_url = resolve_ledger_url(ledger.url, path.parent)
    names = sqlite_names_problem(ledger_url, owner.key)
    if names:
        raise ConfigInvalid([Problem(file, "ledger.url", names)])
    schedule = sections["schedule"]
    assert isinstance(schedule, ScheduleSection)
    mastery = sections["mastery"]
    assert isinstance(mastery, MasterySection)
    return Settings(
        owner=owner,
        ledger_url=ledger_url,
        sources=sources,
        rules_paths=[(path.parent / p) for p in rules.paths],
        growth_map=growth_map,
        collect=collect,
        path=path,
        schedule=schedule,
        mastery=mastery,
    )


def resolve_ledger_url(url: str | None, base: Path) -> str:
    """The default ledger, or `url` with a relative SQLite path taken from the config's
    folder and a leading `~` expanded to the home folder, as a shell would."""
    if not url:
        return paths.default_ledger_url()
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite://":
        relative = url[len(prefix) :]
        if relative and relative != ":memory:":
            return prefix + str((base / os.path.expanduser(relative)).resolve())
    return url


def _validate(
    model: type[BaseModel], value: Any, file: str, prefix: str, problems: list[Problem]
) -> BaseModel | None:
    try:
        if model in _CHECKED:
            _CHECKED[model].model_validate(value)
        return model.model_validate(value)
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, file, prefix))
        return None


def _validate_sources(value: Any, file: str, problems: list[Problem]) -> list[SourceConfig]:
    if not isinstance(value, list):
        problems.append(Problem(file, "sources", "expected [[sources]] tables"))
        return []
    sources: list[SourceConfig] = []
    for index, table in enumerate(value):
        prefix = f"sources[{index}]"
        if not isinstance(table, dict):
            problems.append(Problem(file, prefix, "expected a table"))
            continue
        kind = table.get("type")
        if kind not in source_types():
            problems.append(
                Problem(
                    file,
                    f"{prefix}.type",
                    f"unknown source type {kind!r}; expected one of: {', '.join(source_types())}",
                )
            )
            continue
        try:
            model = connector_class(kind).config_model
        except PluginFailed as exc:
            problems.append(Problem(file, f"{prefix}.type", str(exc)))
            continue
        config = _validate(model, table, file, prefix, problems)
        if isinstance(config, SourceConfig):
            sources.append(config)
    names = [s.name for s in sources]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(
            Problem(file, "sources", f"two sources are named {name!r}: names must be unique")
        )
    return sources


def pydantic_problems(exc: ValidationError, file: str, prefix: str) -> list[Problem]:
    """One Problem per pydantic error, with a dotted key path such as sources[1].login."""
    problems = []
    for error in exc.errors():
        key = prefix
        for part in error["loc"]:
            key += f"[{part}]" if isinstance(part, int) else f".{part}"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key (is it misspelt?)"
        elif error["type"] == "missing":
            message = "required key is missing"
        problems.append(Problem(file, key.strip("."), message))
    return problems
