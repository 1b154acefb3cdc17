"""The fake GitLab's endpoints: filter and sort the data the way GitLab documents."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from fakes.gitlab_data import HIDDEN_PROJECTS
from fakes.gitlab_data import user_ref as public_user
from fakes.gitlab_pairing import commits_of, rest_commit

if TYPE_CHECKING:
    from fakes.gitlab import FakeGitLab

Query = dict[str, str]
Answer = tuple[int, Any, dict[str, str]]


class HttpError(Exception):
    """An error answer: GitLab sends `{"message": ...}` with the status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def parse_moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def parse_day(value: str) -> date:
    return date.fromisoformat(value[:10])


Handler = Callable[["FakeGitLab", re.Match[str], Query], Answer]
ROUTES: list[tuple[re.Pattern[str], Handler]] = []


def get(pattern: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        ROUTES.append((re.compile(f"^/api/v4{pattern}$"), func))
        return func

    return register


def route(fake: FakeGitLab, path: str, query: Query) -> Answer:
    for pattern, func in ROUTES:
        match = pattern.match(path)
        if match:
            return func(fake, match, query)
    raise HttpError(404, "404 Not Found")


def project(fake: FakeGitLab, raw: str) -> dict[str, Any]:
    key = unquote(raw)
    for pid, proj in fake.data.projects.items():
        if (key == str(pid) or key == proj["path_with_namespace"]) and pid not in HIDDEN_PROJECTS:
            return proj
    raise HttpError(404, "404 Project Not Found")


def merge_request(fake: FakeGitLab, match: re.Match[str]) -> dict[str, Any]:
    proj = project(fake, match["project"])
    found = fake.data.mr(proj["id"], int(match["iid"]))
    if found is None:
        raise HttpError(404, "404 Not found")
    return found


def time_filters(rows: list[dict[str, Any]], query: Query) -> list[dict[str, Any]]:
    """`updated_after` / `updated_before` / `created_after` / `created_before`, inclusive."""
    for field in ("updated", "created"):
        after, before = query.get(f"{field}_after"), query.get(f"{field}_before")
        if after:
            rows = [r for r in rows if parse_moment(r[f"{field}_at"]) >= parse_moment(after)]
        if before:
            rows = [r for r in rows if parse_moment(r[f"{field}_at"]) <= parse_moment(before)]
    return rows


def ordered(rows: list[dict[str, Any]], query: Query, default: str) -> list[dict[str, Any]]:
    key = query.get("order_by", default)
    if key not in ("created_at", "updated_at"):
        raise HttpError(400, "order_by does not have a valid value")
    return sorted(
        rows,
        key=lambda r: (parse_moment(r[key]), r["id"]),
        reverse=query.get("sort", "desc") == "desc",
    )


def user_filter(
    fake: FakeGitLab, rows: list[dict[str, Any]], query: Query, role: str
) -> list[dict[str, Any]]:
    """`author_id`/`author_username` or `assignee_id`/`assignee_username` on a list."""
    wanted_id, wanted_name = query.get(f"{role}_id"), query.get(f"{role}_username")

    def people(row: dict[str, Any]) -> list[dict[str, Any]]:
        return [row["author"]] if role == "author" else list(row.get("assignees") or [])

    if wanted_id:
        rows = [r for r in rows if any(str(p["id"]) == wanted_id for p in people(r))]
    if wanted_name:
        rows = [r for r in rows if any(p["username"] == wanted_name for p in people(r))]
    return rows


def scoped(fake: FakeGitLab, rows: list[dict[str, Any]], query: Query) -> list[dict[str, Any]]:
    """GitLab's default scope is `created_by_me`: only `scope=all` shows everyone's."""
    scope = query.get("scope", "created_by_me")
    me = fake.owner["id"]
    if scope == "created_by_me":
        return [r for r in rows if r["author"]["id"] == me]
    if scope == "assigned_to_me":
        return [r for r in rows if any(a["id"] == me for a in r.get("assignees") or [])]
    if scope != "all":
        raise HttpError(400, "scope does not have a valid value")
    return rows


def by_state(rows: list[dict[str, Any]], query: Query) -> list[dict[str, Any]]:
    state = query.get("state", "all")
    return rows if state == "all" else [r for r in rows if r["state"] == state]


@get("/user")
def current_user(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    return 200, {**public_user(fake.owner), "email": "ada@example.com"}, {}


@get("/users")
def users(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    name = query.get("username", "")
    rows = [public_user(u) for u in fake.data.users if u["username"].lower() == name.lower()]
    return fake.paginate(rows, match.string, query)


@get("/merge_requests")
def merge_requests(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    rows = scoped(fake, fake.data.merge_requests, query)
    rows = by_state(user_filter(fake, rows, query, "author"), query)
    rows = ordered(time_filters(rows, query), query, "created_at")
    return fake.paginate(rows, match.string, query)


@get("/issues")
def issues(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    rows = scoped(fake, fake.data.issues, query)
    rows = by_state(user_filter(fake, rows, query, "assignee"), query)
    rows = ordered(time_filters(rows, query), query, "created_at")
    return fake.paginate(rows, match.string, query)


@get("/projects/(?P<project>[^/]+)")
def one_project(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    return 200, project(fake, match["project"]), {}


MR = "/projects/(?P<project>[^/]+)/merge_requests/(?P<iid>[0-9]+)"


@get(MR)
def one_merge_request(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    return 200, merge_request(fake, match), {}


@get(MR + "/diffs")
def diffs(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    mr = merge_request(fake, match)
    return fake.paginate(fake.data.diffs[(mr["project_id"], mr["iid"])], match.string, query)


@get(MR + "/changes")
def changes(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    """The older form of `/diffs`: the MR with all its changed files in one answer."""
    mr = merge_request(fake, match)
    return 200, {**mr, "changes": fake.data.diffs[(mr["project_id"], mr["iid"])]}, {}


@get(MR + "/approvals")
def approvals(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    mr = merge_request(fake, match)
    approvers = fake.data.approvals[(mr["project_id"], mr["iid"])]
    body = {
        "id": mr["id"],
        "iid": mr["iid"],
        "project_id": mr["project_id"],
        "title": mr["title"],
        "state": mr["state"],
        "approved": bool(approvers),
        "approvals_required": 0,
        "approvals_left": 0,
        "approved_by": [{"user": public_user(fake.data.user(uid))} for uid in approvers],
    }
    return 200, body, {}


@get(MR + "/commits")
def mr_commits(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    """Newest first, as GitLab lists them."""
    mr = merge_request(fake, match)
    rows = [rest_commit(row) for row in reversed(commits_of(fake.data, mr))]
    return fake.paginate(rows, match.string, query)


@get(MR + "/notes")
def notes(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    mr = merge_request(fake, match)
    rows = ordered(fake.data.notes[(mr["project_id"], mr["iid"])], query, "created_at")
    return fake.paginate(rows, match.string, query)


@get("/projects/(?P<project>[^/]+)/repository/compare")
def compare(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    proj = project(fake, match["project"])
    found = fake.data.compares.get((proj["id"], query.get("from", ""), query.get("to", "")))
    if found is None:
        raise HttpError(404, "404 Ref Not Found")
    return 200, found, {}


COMMITS = "/projects/(?P<project>[^/]+)/repository/commits"


@get(COMMITS)
def commits(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    """The commits reachable from `ref_name` (a sha here), newest first."""
    proj = project(fake, match["project"])
    found, at = [], fake.data.commits.get((proj["id"], query.get("ref_name", "")))
    while at is not None:
        found.append(at)
        parents = at["parent_ids"]
        at = fake.data.commits.get((proj["id"], parents[0])) if parents else None
    return fake.paginate(found, match.string, query)


@get(COMMITS + "/(?P<sha>[0-9a-f]+)/diff")
def commit_diff(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    proj = project(fake, match["project"])
    found = fake.data.commits.get((proj["id"], match["sha"]))
    if found is None:
        raise HttpError(404, "404 Commit Not Found")
    return fake.paginate(found["_diffs"], match.string, query)


@get("/users/(?P<user>[^/]+)/events")
def user_events(fake: FakeGitLab, match: re.Match[str], query: Query) -> Answer:
    key = unquote(match["user"])
    if not any(key in (str(u["id"]), u["username"]) for u in fake.data.users):
        raise HttpError(404, "404 User Not Found")
    rows = [e for e in fake.data.events if key in (str(e["author_id"]), e["author_username"])]
    return fake.paginate(filter_events(rows, query), match.string, query)


ACTIONS = {
    "approved": ("approved",),
    "commented": ("commented on",),
    "pushed": ("pushed to", "pushed new"),
}


def filter_events(rows: list[dict[str, Any]], query: Query) -> list[dict[str, Any]]:
    """`action`, then `after`/`before` (dates, both exclusive), then `sort` by creation."""
    if "action" in query:
        names = ACTIONS.get(query["action"], (query["action"],))
        rows = [e for e in rows if e["action_name"] in names]
    if "after" in query:
        rows = [e for e in rows if _day(e) > parse_day(query["after"])]
    if "before" in query:
        rows = [e for e in rows if _day(e) < parse_day(query["before"])]
    return sorted(
        rows, key=lambda e: (e["created_at"], e["id"]), reverse=query.get("sort", "desc") == "desc"
    )


def _day(event: dict[str, Any]) -> Any:
    return datetime.fromisoformat(event["created_at"]).date()
