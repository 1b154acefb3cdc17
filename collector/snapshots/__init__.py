"""Frozen snapshots of exports for review cycles.

`growthmap export --snapshot NAME` stores the export as it was handed in: its bytes in
every format, rendered from one read of the ledger (`store`), and what it showed — the
artifacts, decisions, notes, log text and levels (`basis`). `growthmap snapshots export
NAME` gives the same bytes back whatever happened since (items edited upstream, rules
changed, decisions taken back); `growthmap export --changes-since NAME` says what an
export drawn now would show differently (`changes`).
"""

from collector.snapshots.changes import (
    ChangeReport,
    changes_since,
    render_changes_json,
    render_changes_markdown,
)
from collector.snapshots.store import (
    SnapshotDamaged,
    SnapshotInfo,
    SnapshotRequest,
    check_name,
    list_snapshots,
    refuse_taken,
    snapshot_bytes,
    snapshot_info,
    take_snapshot,
)

__all__ = [
    "ChangeReport",
    "SnapshotDamaged",
    "SnapshotInfo",
    "SnapshotRequest",
    "changes_since",
    "check_name",
    "list_snapshots",
    "refuse_taken",
    "render_changes_json",
    "render_changes_markdown",
    "snapshot_bytes",
    "snapshot_info",
    "take_snapshot",
]
