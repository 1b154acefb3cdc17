"""`growthmap snapshots list|show|export`: exports as they were handed in."""

from __future__ import annotations

from typing import Annotated

import typer

from collector.cli.common import (
    ConfigOption,
    ListFormat,
    ListFormatOption,
    handles_errors,
    out,
    print_json_lines,
    state,
)
from collector.cli.export import ForceOption, OutputOption, deliver, output_file
from collector.export import ExportFormat
from collector.progress.lines import plural
from collector.snapshots import SnapshotInfo, list_snapshots, snapshot_bytes, snapshot_info
from collector.snapshots.store import options_json, period_json

snapshots_app = typer.Typer(
    help="Exports stored as they were handed in (`growthmap export --snapshot NAME`).",
    no_args_is_help=True,
)
NameArgument = Annotated[str, typer.Argument(metavar="NAME", help="The snapshot's name.")]


@snapshots_app.command("list")
@handles_errors
def list_cmd(
    ctx: typer.Context,
    config: ConfigOption = None,
    fmt: ListFormatOption = ListFormat.table,
) -> None:
    """Snapshots, newest first."""
    app = state(ctx, config)
    ledger = app.ledger()
    with ledger.read() as session:
        found = list_snapshots(session, ledger.owner)
    if fmt is ListFormat.json:
        print_json_lines(_json(info) for info in found)
        return
    if not found:
        print("No snapshots yet: `growthmap export --snapshot NAME ...` takes one.")
        return
    for info in found:
        print(" · ".join(_summary(info)))


@snapshots_app.command("show")
@handles_errors
def show(ctx: typer.Context, name: NameArgument, config: ConfigOption = None) -> None:
    """What a snapshot holds: what it was asked for, its files and what it showed."""
    app = state(ctx, config)
    ledger = app.ledger()
    with ledger.read() as session:
        info, basis = snapshot_info(session, ledger.owner, name)
    accepted = sum(1 for m in basis["mappings"] if m[3] == "accepted")
    out.print(" · ".join(_summary(info)), markup=False)
    for stored in info.files:
        out.print(
            f"  {stored.format.value:<4} {stored.size:>12,} bytes  sha256 {stored.sha256}",
            markup=False,
        )
    shown = [
        plural(len(basis["artifacts"]), "artifact"),
        plural(accepted, "accepted mapping"),
        plural(len(basis["entries"]), "log entry", "log entries"),
        plural(len(basis["levels"]), "level change"),
    ]
    out.print(f"  showed {', '.join(shown)}", markup=False)


@snapshots_app.command("export")
@handles_errors
def export(
    ctx: typer.Context,
    name: NameArgument,
    config: ConfigOption = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option("--format", "-f", help="md, html, json or csv (default: as taken)."),
    ] = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """The snapshot's export, byte for byte as it was handed in."""
    app = state(ctx, config)
    target = output_file(output)
    ledger = app.ledger()
    with ledger.read() as session:
        chosen, data = snapshot_bytes(session, ledger.owner, name, fmt)
    deliver(data, target, force, f"{chosen.value} export of snapshot {name!r}")


def _summary(info: SnapshotInfo) -> list[str]:
    request = info.request
    options = request.options
    parts = [
        info.name,
        f"taken {info.taken_at.strftime('%Y-%m-%d %H:%M')} UTC",
        f"as {request.format.value}",
        request.period.text(),
        f"as of {request.as_of.isoformat()}",
    ]
    if options.destination:
        parts.append(f"destination {options.destination}")
    if options.include_suggested:
        parts.append("with suggested")
    if options.redact_private:
        parts.append("private redacted")
    return parts


def _json(info: SnapshotInfo) -> dict[str, object]:
    return {
        "name": info.name,
        "taken_at": info.taken_at.isoformat(),
        "format": info.request.format.value,
        "as_of": info.request.as_of.isoformat(),
        "period": period_json(info.request.period),
        "options": options_json(info.request.options),
        "files": [
            {"format": f.format.value, "size": f.size, "sha256": f.sha256} for f in info.files
        ],
    }
