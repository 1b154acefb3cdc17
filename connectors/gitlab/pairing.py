"""The pairing stream: who the owner wrote commits with (`connectors.pairing`).

On the owner's MRs, from the commits the merge_requests stream read in this run (over
GraphQL they come in its pages: no request of its own where its window covers this one);
on colleagues' MRs the owner reviewed, from their commits (`connectors.gitlab.paired`).
"""

from __future__ import annotations

from collections.abc import Iterator

from connectors.gitlab.client import Owner, Skipped
from connectors.gitlab.mr_pairing import change_of, owner_identity, owner_mr_pairings, paired_commit
from connectors.gitlab.owner_mrs import OWNER_MRS_KEY, OwnerMergeRequests, fetch_diffs, owner_mrs
from connectors.gitlab.paired import PairedMr, read_paired
from connectors.gitlab.reviewed import MrKey
from connectors.gitlab.reviews import REVIEWED_KEY, ReviewedMrs, fetch_activity
from connectors.gitlab.source import GitLabSource
from connectors.item import Item
from connectors.pairing import REUSE_TAIL, OwnerIdentity, pairing_items
from connectors.streams import RunContext, Stream, StreamReader, Window


class Pairing(StreamReader[GitLabSource]):
    stream = Stream("pairing", "pairing", needs=("merge_requests", "reviews"))

    def fetch(self, window: Window, run: RunContext) -> Iterator[Item]:
        source = self.source
        owner = source.rest.owner()
        identity = owner_identity(owner, source.config.base_url)
        seen: set[str] = set()
        own = self._own(window, run, owner, identity)
        for items in (own, self._theirs(window, run, owner, identity)):
            for item in items:
                if item.external_id not in seen:
                    seen.add(item.external_id)
                    yield item

    def _own(
        self, window: Window, run: RunContext, owner: Owner, identity: OwnerIdentity
    ) -> Iterator[Item]:
        """Pairings on the owner's MRs updated in the window: those merge_requests read in
        this run when its window covers this one's start, the rest read here."""
        source = self.source
        known = run.get(OWNER_MRS_KEY, OwnerMergeRequests)
        if known is not None and known.pairings is not None and known.window.since <= window.since:
            for updated, items in known.pairings:
                if window.since <= updated <= window.until:
                    yield from items
            if known.window.until >= window.until - REUSE_TAIL:
                return
            window = Window(known.window.until, window.until)
        for record in owner_mrs(source, run, owner, window, approvals=False, commits=True):
            if source.allowed(record.project.path):
                yield from owner_mr_pairings(source.config.name, record, identity)

    def _theirs(
        self, window: Window, run: RunContext, owner: Owner, identity: OwnerIdentity
    ) -> Iterator[Item]:
        """Pairings on colleagues' MRs the owner reviewed in the window."""
        source = self.source
        for (project_id, iid), found in read_paired(
            source, run, owner, self._reviewed(window, run, owner)
        ):
            if isinstance(found, Skipped):
                source.warn_skip(f"merge request {project_id}!{iid}", found)
            elif found is not None:
                yield from self._colleague_pairings(found, identity)

    def _reviewed(self, window: Window, run: RunContext, owner: Owner) -> list[MrKey]:
        """Colleagues' MRs the owner approved or commented on in the window: what reviews
        found in this run for the same window, else from the owner's events."""
        reviewed = run.get(REVIEWED_KEY, ReviewedMrs)
        if reviewed is not None and _reusable(reviewed.window, window):
            return list(reviewed.keys)
        known = run.get(OWNER_MRS_KEY, OwnerMergeRequests)
        own = known.keys if known is not None else frozenset()
        return [key for key in fetch_activity(self.source, owner, window) if key not in own]

    def _colleague_pairings(self, found: PairedMr, identity: OwnerIdentity) -> list[Item]:
        source = self.source
        commits = [paired_commit(row) for row in found.commits]
        change = change_of(found.mr, found.project, found.paths or ())
        items = pairing_items(source.config.name, change, commits, identity)
        if items and found.paths is None:  # REST: the paths only for an MR paired on
            try:
                diffs = fetch_diffs(source, found.mr)
            except Skipped as skip:
                source.warn_skip(str(found.mr.get("web_url")), skip)
                return items
            paths = [str(d.get("new_path") or d.get("old_path")) for d in diffs]
            change = change_of(found.mr, found.project, paths)
            items = pairing_items(source.config.name, change, commits, identity)
        return items


def _reusable(read: Window, window: Window) -> bool:
    """Whether another stream's window, read in this run, covers this one (its tail aside)."""
    return read.since <= window.since and read.until >= window.until - REUSE_TAIL
