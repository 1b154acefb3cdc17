"""A generated GitLab world for the fake server, with the answers tests expect.

Everything is stored in the v4 API's own JSON shapes. The expected sets are recorded
while generating (not recomputed by the connector's logic), so a connector bug cannot
hide behind the same bug in the test's oracle.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

BASE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
OWNER: dict[str, Any] = {"id": 1, "username": "ada", "name": "Ada Lovelace", "state": "active"}
OTHERS: list[dict[str, Any]] = [
    {"id": 2, "username": "bob", "name": "Bob", "state": "active"},
    {"id": 3, "username": "cy", "name": "Cy", "state": "active"},
    {"id": 4, "username": "dee", "name": "Dee", "state": "active"},
]
PROJECTS = [
    (10, "platform/api", "main"),
    (11, "platform/infra/deploy", "master"),
    (12, "tools/cli", "main"),
    (13, "legacy/old-service", "main"),  # deleted: every request about it is a 404
    (14, "platform/new-service", "main"),  # created by the owner's first push, no MRs yet
]
HIDDEN_PROJECTS = frozenset({13})
DOC_PATHS = (
    "docs/design/auth-v2.md",
    "docs/design/queue.md",
    "adr/0001-use-postgres.md",
    "services/billing/adr/0002-retries.md",
    "rfcs/0003-rate-limits.md",
    "docs/api-design-doc.md",
)
OTHER_PATHS = ("src/app.py", "README.md", "docs/usage.md", "tests/test_app.py", "docs/designer.md")
KeyT = tuple[int, int]


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def user_ref(user: dict[str, Any]) -> dict[str, Any]:
    web = f"https://gitlab.example.com/{user['username']}"
    return {**user, "avatar_url": None, "web_url": web}


@dataclass
class Truth:
    """What a correct connector finds: reference → time of the owner's activity."""

    owner_mrs: dict[str, datetime] = field(default_factory=dict)
    reviews: dict[str, list[datetime]] = field(default_factory=dict)
    own_mr_comments: set[str] = field(default_factory=set)
    docs: dict[str, list[datetime]] = field(default_factory=dict)
    closed_issues: dict[str, datetime] = field(default_factory=dict)
    pairings: dict[str, list[datetime]] = field(default_factory=dict)


@dataclass
class GitLabData:
    users: list[dict[str, Any]]
    projects: dict[int, dict[str, Any]]
    merge_requests: list[dict[str, Any]] = field(default_factory=list)
    diffs: dict[KeyT, list[dict[str, Any]]] = field(default_factory=dict)
    approvals: dict[KeyT, list[int]] = field(default_factory=dict)
    notes: dict[KeyT, list[dict[str, Any]]] = field(default_factory=dict)
    issues: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    compares: dict[tuple[int, str, str], dict[str, Any]] = field(default_factory=dict)
    # (project id, sha) -> the commit as the REST API shows it, with its "_diffs"
    commits: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    # (project id, iid) -> an MR's commits, oldest first (`fakes.gitlab_pairing`)
    mr_commits: dict[KeyT, list[dict[str, Any]]] = field(default_factory=dict)
    truth: Truth = field(default_factory=Truth)
    _ids: int = 1000

    def next_id(self) -> int:
        self._ids += 1
        return self._ids

    def user(self, user_id: int) -> dict[str, Any]:
        return next(u for u in self.users if u["id"] == user_id)

    def mr(self, project_id: int, iid: int) -> dict[str, Any] | None:
        for mr in self.merge_requests:
            if mr["project_id"] == project_id and mr["iid"] == iid:
                return mr
        return None

    # expected sets for a window starting at `since` (up to now)
    def expected_mrs(self, since: datetime) -> set[str]:
        return {ref for ref, t in self.truth.owner_mrs.items() if t >= since}

    def expected_reviews(self, since: datetime) -> set[str]:
        return {ref for ref, ts in self.truth.reviews.items() if any(t >= since for t in ts)}

    def expected_docs(self, since: datetime) -> set[str]:
        return {key for key, ts in self.truth.docs.items() if any(t >= since for t in ts)}

    def expected_issues(self, since: datetime) -> set[str]:
        return {ref for ref, t in self.truth.closed_issues.items() if t >= since}

    def expected_pairings(self, since: datetime) -> set[str]:
        return {key for key, ts in self.truth.pairings.items() if any(t >= since for t in ts)}


def make_project(pid: int, path: str, branch: str) -> dict[str, Any]:
    name = path.rsplit("/", 1)[1]
    namespace = path.rsplit("/", 1)[0]
    return {
        "id": pid,
        "name": name,
        "path": name,
        "path_with_namespace": path,
        "name_with_namespace": path.replace("/", " / "),
        "default_branch": branch,
        "web_url": f"https://gitlab.example.com/{path}",
        "namespace": {"full_path": namespace, "path": namespace.rsplit("/", 1)[-1]},
        "visibility": "private",
    }


def make_diff(path: str, rng: random.Random, *, new: bool) -> dict[str, Any]:
    adds = rng.randint(1, 6)
    title = path.rsplit("/", 1)[-1].removesuffix(".md").replace("-", " ").title()
    lines = [f"@@ -0,0 +1,{adds + 1} @@", f"+# {title}"] if new else ["@@ -3,2 +3,3 @@", "-old"]
    lines += [f"+line {n}" for n in range(adds)]
    return {
        "old_path": path,
        "new_path": path,
        "a_mode": "0" if new else "100644",
        "b_mode": "100644",
        "new_file": new,
        "renamed_file": False,
        "deleted_file": False,
        "generated_file": False,
        "diff": "\n".join(lines) + "\n",
    }


def when(rng: random.Random, days: int) -> datetime:
    """A moment in the `days` before BASE, on whole seconds (ties happen: on purpose)."""
    return BASE - timedelta(seconds=rng.randrange(days * 86400 // 600) * 600)
