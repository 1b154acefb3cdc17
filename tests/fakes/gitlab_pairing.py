"""Pairing in the fake GitLab: MR commits with `Co-authored-by:` trailers, on the owner's
MRs and on colleagues' MRs the owner co-authored (reviewed or not), the commits as REST
(`/merge_requests/:iid/commits`) and GraphQL (`commitsWithoutMergeCommits`) show them, and
the pairings a correct collector finds (set by each plan, not by the connector's logic).

An MR without planned commits has one commit by its author, its title as message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fakes.gitlab_data import OWNER, GitLabData, stamp
from fakes.pairing_keys import partner_key

# The owner's git e-mail, on none of their profile's fields; /user shows ada@example.com.
OWNER_GIT_EMAIL = "ada@corp.example"
Plan = Callable[[GitLabData, dict[str, Any]], set[str]]


def git_email(user: dict[str, Any]) -> str:
    return OWNER_GIT_EMAIL if user["id"] == OWNER["id"] else f"{user['username']}@example.com"


def noreply(user: dict[str, Any]) -> str:
    return f"{user['id']}-{user['username']}@users.noreply.gitlab.example.com"


def commit(mr: dict[str, Any], user: dict[str, Any], message: str, n: int = 0) -> dict[str, Any]:
    """A commit in REST's shape; `_username` is the account GraphQL names as its author."""
    sha = hashlib.sha1(f"{mr['references']['full']}:{n}".encode()).hexdigest()
    at = stamp(datetime.fromisoformat(mr["created_at"]) + timedelta(minutes=5 * (n + 1)))
    return {
        "id": sha,
        "short_id": sha[:8],
        "title": message.splitlines()[0],
        "message": message,
        "author_name": user["name"],
        "author_email": git_email(user),
        "authored_date": at,
        "committer_name": user["name"],
        "committer_email": git_email(user),
        "committed_date": at,
        "created_at": at,
        "parent_ids": [],
        "web_url": f"{mr['web_url'].split('/-/')[0]}/-/commit/{sha}",
        "_username": user["username"],
    }


def commits_of(data: GitLabData, mr: dict[str, Any]) -> list[dict[str, Any]]:
    """The MR's commits, oldest first."""
    planned = data.mr_commits.get((mr["project_id"], mr["iid"]))
    return planned or [commit(mr, data.user(mr["author"]["id"]), str(mr["title"]))]


def rest_commit(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def graphql_commit(row: dict[str, Any], user: Callable[[str], Any]) -> dict[str, Any]:
    return {
        "__typename": "Commit",
        "sha": row["id"],
        "message": row["message"],
        "authorName": row["author_name"],
        "authorEmail": row["author_email"],
        "authoredDate": row["authored_date"],
        "webUrl": row["web_url"],
        "author": user(row["_username"]),
    }


# -- plans --------------------------------------------------------------------------------


def _several_in_one(data: GitLabData, mr: dict[str, Any]) -> set[str]:
    cy = data.users[2]
    message = (
        "Add retries\n\nCo-authored-by: Bob <bob@example.com>\n"
        f"CO-AUTHORED-BY: Cy <{noreply(cy)}>\nCo-authored-by: <broken"
    )
    _set(data, mr, [commit(mr, OWNER, message)])
    return {"bob@example.com", noreply(cy)}


def _name_then_email(data: GitLabData, mr: dict[str, Any]) -> set[str]:
    rows = [
        commit(mr, OWNER, "Sketch\n\nco-authored-by: dee", 0),
        commit(mr, OWNER, "Finish\n\nCo-authored-by: Dee <dee@example.com>", 1),
    ]
    _set(data, mr, rows)
    return {"dee@example.com"}


def _colleague_names_the_owner(data: GitLabData, mr: dict[str, Any]) -> set[str]:
    """Bob's commit on the owner's MR: the owner by the e-mail /user shows."""
    bob = data.users[1]
    rows = [
        commit(mr, OWNER, "Start", 0),
        commit(mr, bob, "Go on\n\nCo-authored-by: A. Lovelace <ada@example.com>", 1),
    ]
    _set(data, mr, rows)
    return {"bob@example.com"}


def _only_themself(data: GitLabData, mr: dict[str, Any]) -> set[str]:
    _set(data, mr, [commit(mr, OWNER, f"Tidy\n\nCo-authored-by: Ada Lovelace <{OWNER_GIT_EMAIL}>")])
    return set()


OWNER_PLANS: dict[int, Plan] = {
    1: _several_in_one,
    3: _name_then_email,
    5: _colleague_names_the_owner,
    6: _only_themself,
}


def _owner_as_coauthor(data: GitLabData, mr: dict[str, Any]) -> set[str]:
    author = data.user(mr["author"]["id"])
    message = f"Implement\n\nCo-authored-by: Ada Lovelace <{OWNER_GIT_EMAIL}>"
    _set(data, mr, [commit(mr, author, "Prepare", 0), commit(mr, author, message, 1)])
    return {git_email(author)}


def _set(data: GitLabData, mr: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    data.mr_commits[(mr["project_id"], mr["iid"])] = rows


def add_pairings(data: GitLabData) -> None:
    """Plans by position, so the rest of the generated world stays as it was. Colleagues'
    MRs: every third the owner reviewed, and one they did not (not findable on GitLab)."""
    mine = [m for m in data.merge_requests if m["author"]["id"] == OWNER["id"]]
    for i, mr in enumerate(mine):
        plan = OWNER_PLANS.get(i % 7)
        if plan is not None:
            _record(data, mr, plan(data, mr), [datetime.fromisoformat(mr["updated_at"])])
    theirs = [m for m in data.merge_requests if m["author"]["id"] != OWNER["id"]]
    reviewed = [m for m in theirs if m["references"]["full"] in data.truth.reviews]
    for mr in reviewed[1::3]:
        _record(
            data, mr, _owner_as_coauthor(data, mr), data.truth.reviews[mr["references"]["full"]]
        )
    unreviewed = next(m for m in theirs if m["references"]["full"] not in data.truth.reviews)
    _owner_as_coauthor(data, unreviewed)


def _record(data: GitLabData, mr: dict[str, Any], emails: set[str], times: list[datetime]) -> None:
    for email in emails:
        data.truth.pairings[f"{mr['references']['full']}:pairing:{partner_key(email)}"] = times
