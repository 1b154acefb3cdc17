"""`growthmap init`, `growthmap config check`, `growthmap db upgrade`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from collector.cli.common import ConfigOption, err, handles_errors, out, state
from collector.config import Settings, config_target, zero_config_github
from collector.config.checks import (
    config_file_warnings,
    evidence_left_out,
    ledger_file_warnings,
)
from collector.config.starter import CONFIG_NAME, InitResult, write_starter_files
from collector.core.errors import SourcesFailed, UsageError
from collector.core.textsafe import clean
from collector.ledger.db import safe_url, upgrade_ledger
from collector.ledger.migrate import head_revision
from collector.pipeline.online_check import check_sources
from collector.pipeline.sources import NO_SOURCE, TokenStatus, token_status
from collector.pipeline.suggest import load_ruleset, rule_paths
from connectors.globs import pattern_warnings


@handles_errors
def init(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Option(help="Folder for config.toml and rules.d/ (instead of --config FILE)."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Write a documented config file and a starter rule file; never overwrites.

    The config goes where growthmap will look for it: --config FILE, else
    $GROWTHMAP_CONFIG, else the user config dir; rules.d/ goes beside it."""
    app = state(ctx, config)
    target = _init_target(path, app.config_path, app.env)
    github = zero_config_github(app.env)  # what collect used before there was a config
    _print_init(write_starter_files(target, github.base_url), target, app.env)


def _init_target(folder: Path | None, config: Path | None, env: dict[str, str]) -> Path:
    if folder is None:
        return config_target(config, env)
    if config is not None:
        raise UsageError("give --path DIR or --config FILE, not both")
    if folder.exists() and not folder.is_dir():
        raise UsageError(
            f"--path {folder}: it is a file, and --path takes the folder for config.toml "
            f"and rules.d/. Give a folder, or --config FILE to name the config file "
            "(an existing one is never overwritten); nothing was written"
        )
    return folder / CONFIG_NAME


def _print_init(result: InitResult, target: Path, env: dict[str, str]) -> None:
    for written in result.written:
        out.print(f"wrote {written}")
    for kept in result.kept:
        out.print(f"kept {kept} (it exists; growthmap never overwrites it)")
    found_later = config_target(None, env).absolute() == target.absolute()
    option = "" if found_later else f"--config {target} "
    out.print(
        f"Next: edit {target} (owner, growth map, other sources), export your tokens "
        f"(or `growthmap {option}token set SOURCE`), then "
        f"`growthmap {option}config check` and `growthmap {option}collect --since 14d`."
    )


config_app = typer.Typer(help="Check the configuration.", no_args_is_help=True)


@config_app.command("check")
@handles_errors
def config_check(
    ctx: typer.Context,
    config: ConfigOption = None,
    online: Annotated[
        bool, typer.Option(help="Also make one authenticated request per enabled source.")
    ] = False,
) -> None:
    """Validate the config (and rules); show what is configured and where each token
    comes from (its environment variable or the OS keyring), never its value."""
    app = state(ctx, config)
    settings = app.settings()
    _print_settings(settings, app.env)
    warnings = config_file_warnings(settings.path, settings.sources)
    warnings += pattern_warnings(settings.path or "config", settings.sources)
    for warning in [*warnings, *ledger_file_warnings(settings.ledger_url)]:
        err.print(f"warning: {escape(warning)}")
    ruleset = load_ruleset(settings)
    out.print(
        f"rules:   {len(ruleset)} rules from "
        f"{', '.join(str(p) for p in rule_paths(settings)) or 'no rule files'}"
    )
    for warning in evidence_left_out(settings):
        err.print(f"warning: {escape(warning)}")
    if online:
        _check_online(settings, app.env)
    enabled = {s.name for s in settings.sources if s.enabled}
    if not enabled:
        err.print(f"warning: {escape(NO_SOURCE)}")
    for token in token_status(settings.sources, app.env):
        if token.source in enabled and not token.present:
            err.print(
                f"warning: source {token.source!r}: no token: {token.missing}; "
                "collect will skip this source until it has one"
            )
        elif token.source in enabled and token.problem:
            err.print(
                f"warning: source {token.source!r}: {token.origin} holds {token.problem}; "
                "collect will fail for this source until it holds the token alone"
            )
    out.print("config ok")


def _check_online(settings: Settings, env: dict[str, str]) -> None:
    failed = []
    for result in check_sources(settings.sources, env):
        mark = "ok" if result.ok else "[red]failed[/]"
        out.print(f"online:  {result.source} {mark}: {escape(clean(result.message))}")
        if not result.ok:
            failed.append(result.source)
    if failed:
        raise SourcesFailed(f"online check failed for: {', '.join(failed)}")


def _print_settings(settings: Settings, env: dict[str, str]) -> None:
    where = settings.path or "none (zero-config: github.com with $GITHUB_TOKEN)"
    out.print(f"config:  {escape(str(where))}")
    out.print(
        f"owner:   {escape(settings.owner.name or '(unnamed)')} · "
        f"{settings.owner.timezone} · key {settings.owner.key}"
    )
    out.print(f"ledger:  {escape(safe_url(settings.ledger_url))}")
    tokens = {t.source: t for t in token_status(settings.sources, env)}
    for source in settings.sources:
        token = tokens[source.name]
        state_text = "enabled" if source.enabled else "disabled"
        streams = ", ".join(source.streams) if source.streams else "default streams"
        out.print(
            f"source:  {source.name} ({source.type}, {state_text}) {escape(source.base_url)}"
            f" · {streams} · {_token_text(token)}"
        )
    growth = settings.growth_map
    skills = sum(len(d.skills) for d in growth.destinations)
    out.print(
        f"growth map: {len(growth.destinations)} destinations, {skills} skills, "
        f"{len(growth.cycles)} cycles"
    )


def _token_text(token: TokenStatus) -> str:
    """Where the token comes from (never its value)."""
    if not token.present:
        return f"token [yellow]missing[/] ({escape(token.missing)})"
    unusable = " [yellow]unusable[/]" if token.problem else ""
    return f"token from {token.origin}{unusable}"


db_app = typer.Typer(help="Ledger maintenance.", no_args_is_help=True)


@db_app.command("upgrade")
@handles_errors
def db_upgrade(ctx: typer.Context, config: ConfigOption = None) -> None:
    """Apply pending schema migrations to the ledger (also done on every open)."""
    settings = state(ctx, config).settings()
    before, applied = upgrade_ledger(settings.ledger_url)
    if applied:
        out.print(f"ledger upgraded from {before or 'empty'} to {head_revision()}")
    else:
        out.print(f"ledger is up to date ({head_revision()})")
