"""Builders that fill a `GitLabData` with merge requests, notes, approvals, pushes, issues."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from fakes.gitlab_data import (
    BASE,
    DOC_PATHS,
    OTHER_PATHS,
    OTHERS,
    OWNER,
    PROJECTS,
    GitLabData,
    make_diff,
    make_project,
    stamp,
    user_ref,
    when,
)
from fakes.gitlab_pairing import add_pairings

VISIBLE = (10, 11, 12)


def generate(seed: int = 7, owner_mrs: int = 30, other_mrs: int = 40, days: int = 60) -> GitLabData:
    data = GitLabData(
        users=[OWNER, *OTHERS],
        projects={pid: make_project(pid, path, branch) for pid, path, branch in PROJECTS},
    )
    populate(data, random.Random(seed), owner_mrs=owner_mrs, other_mrs=other_mrs, days=days)
    add_pairings(data)
    return data


def populate(
    data: GitLabData, rng: random.Random, *, owner_mrs: int, other_mrs: int, days: int
) -> None:
    iids = dict.fromkeys(data.projects, 0)
    for n in range(owner_mrs + other_mrs):
        pid = rng.choice(VISIBLE)
        iids[pid] += 1
        author = OWNER if n < owner_mrs else rng.choice(OTHERS)
        mr = add_merge_request(data, rng, pid, iids[pid], author=author, days=days)
        if author is OWNER:
            owner_activity_on_own(data, rng, mr)
        else:
            owner_review(data, rng, mr)
    add_pushes(data, rng, days)
    add_issues(data, rng, days)
    add_hidden_project_events(data)
    data.events.sort(key=lambda e: (e["created_at"], e["id"]))


def add_merge_request(
    data: GitLabData,
    rng: random.Random,
    pid: int,
    iid: int,
    *,
    author: dict[str, Any],
    days: int,
) -> dict[str, Any]:
    project = data.projects[pid]
    created = when(rng, days)
    updated = min(BASE, created + timedelta(hours=rng.randint(1, 36)))
    state = rng.choices(["merged", "opened", "closed"], [6, 3, 2])[0]
    paths = rng.sample(OTHER_PATHS, rng.randint(1, 3))
    if rng.random() < 0.4:
        paths.append(rng.choice(DOC_PATHS))
    ref = f"{project['path_with_namespace']}!{iid}"
    mr: dict[str, Any] = {
        "id": data.next_id(),
        "iid": iid,
        "project_id": pid,
        "title": f"Change {iid} in {project['name']}",
        "description": f"Why change {iid}.\n" * 3,
        "state": state,
        "created_at": stamp(created),
        "updated_at": stamp(updated),
        "merged_at": stamp(updated) if state == "merged" else None,
        "closed_at": stamp(updated) if state == "closed" else None,
        "merged_by": user_ref(OTHERS[0]) if state == "merged" else None,
        "target_branch": project["default_branch"],
        "source_branch": f"feature-{iid}",
        "user_notes_count": 0,
        "upvotes": 0,
        "downvotes": 0,
        "author": user_ref(author),
        "assignees": [],
        "reviewers": [],
        "labels": rng.sample(["backend", "docs", "infra"], 1),
        "draft": state == "opened" and rng.random() < 0.3,
        "merge_status": "can_be_merged",
        "sha": f"{rng.getrandbits(160):040x}",
        "references": {"short": f"!{iid}", "relative": f"!{iid}", "full": ref},
        "web_url": f"{project['web_url']}/-/merge_requests/{iid}",
    }
    mr["work_in_progress"] = mr["draft"]
    data.merge_requests.append(mr)
    key = (pid, iid)
    data.diffs[key] = [make_diff(p, rng, new=rng.random() < 0.3) for p in paths]
    data.approvals[key] = []
    data.notes[key] = [note(data, mr, author, created, f"added {len(paths)} commits", system=True)]
    if author is OWNER:
        data.truth.owner_mrs[ref] = updated
        if state == "merged":
            for path in paths:
                if path in DOC_PATHS:
                    data.truth.docs.setdefault(f"{project['path_with_namespace']}:{path}", [])
                    data.truth.docs[f"{project['path_with_namespace']}:{path}"].append(updated)
    return mr


def note(
    data: GitLabData,
    mr: dict[str, Any],
    author: dict[str, Any],
    at: datetime,
    body: str,
    *,
    system: bool,
    noteable: str = "MergeRequest",
) -> dict[str, Any]:
    return {
        "id": data.next_id(),
        "type": None if system else "DiffNote",
        "body": body,
        "attachment": None,
        "author": user_ref(author),
        "created_at": stamp(at),
        "updated_at": stamp(at),
        "system": system,
        "noteable_id": mr["id"],
        "noteable_type": noteable,
        "noteable_iid": mr["iid"],
        "project_id": mr["project_id"],
        "resolvable": not system,
        "confidential": False,
        "internal": False,
    }


def event(data: GitLabData, pid: int, action: str, at: datetime, **fields: Any) -> dict[str, Any]:
    ev: dict[str, Any] = {
        "id": data.next_id(),
        "project_id": pid,
        "action_name": action,
        "target_id": None,
        "target_iid": None,
        "target_type": None,
        "author_id": OWNER["id"],
        "target_title": None,
        "created_at": stamp(at),
        "author": user_ref(OWNER),
        "author_username": OWNER["username"],
        "imported": False,
        "imported_from": "none",
        **fields,
    }
    data.events.append(ev)
    return ev


def comment(data: GitLabData, mr: dict[str, Any], at: datetime, body: str) -> None:
    n = note(data, mr, OWNER, at, body, system=False)
    data.notes[(mr["project_id"], mr["iid"])].append(n)
    mr["user_notes_count"] += 1
    event(
        data,
        mr["project_id"],
        "commented on",
        at,
        target_id=n["id"],
        target_type="DiffNote",
        target_title=mr["title"],
        note=n,
    )


def approve(data: GitLabData, mr: dict[str, Any], user: dict[str, Any], at: datetime) -> None:
    key = (mr["project_id"], mr["iid"])
    data.approvals[key].append(user["id"])
    data.notes[key].append(note(data, mr, user, at, "approved this merge request", system=True))
    if user is OWNER:
        event(
            data,
            mr["project_id"],
            "approved",
            at,
            target_id=mr["id"],
            target_iid=mr["iid"],
            target_type="MergeRequest",
            target_title=mr["title"],
        )


def activity_times(rng: random.Random, mr: dict[str, Any], count: int) -> list[datetime]:
    start = datetime.fromisoformat(mr["created_at"])
    end = datetime.fromisoformat(mr["updated_at"])
    span = max(60, int((end - start).total_seconds()))
    return sorted(start + timedelta(seconds=rng.randrange(1, span)) for _ in range(count))


def owner_activity_on_own(data: GitLabData, rng: random.Random, mr: dict[str, Any]) -> None:
    """Replies on their own MR and others' approvals: never a review given."""
    if rng.random() < 0.5:
        for at in activity_times(rng, mr, rng.randint(1, 2)):
            comment(data, mr, at, "Thanks, fixed.")
        data.truth.own_mr_comments.add(mr["references"]["full"])
    if rng.random() < 0.6:
        approve(data, mr, rng.choice(OTHERS), activity_times(rng, mr, 1)[0])


def owner_review(data: GitLabData, rng: random.Random, mr: dict[str, Any]) -> None:
    times: list[datetime] = []
    if rng.random() < 0.5:
        for at in activity_times(rng, mr, rng.randint(1, 3)):
            comment(data, mr, at, "Could this be simpler?")
            times.append(at)
    if rng.random() < 0.5:
        at = activity_times(rng, mr, 1)[0]
        approve(data, mr, OWNER, at)
        times.append(at)
    other = next(u for u in OTHERS if u["id"] != mr["author"]["id"])
    at = activity_times(rng, mr, 1)[0]
    data.notes[(mr["project_id"], mr["iid"])].append(
        note(data, mr, other, at, "LGTM", system=False)
    )
    if times:
        data.truth.reviews[mr["references"]["full"]] = times


def sha(rng: random.Random) -> str:
    return f"{rng.getrandbits(160):040x}"


def push(
    data: GitLabData,
    rng: random.Random,
    pid: int,
    branch: str,
    *,
    at: datetime,
    paths: list[str],
    title: str = "Update docs",
    new_branch: bool = False,
) -> None:
    before, after = (None if new_branch else sha(rng)), sha(rng)
    event(
        data,
        pid,
        "pushed new" if new_branch else "pushed to",
        at,
        push_data={
            "commit_count": 1,
            "action": "created" if new_branch else "pushed",
            "ref_type": "branch",
            "commit_from": before,
            "commit_to": after,
            "ref": branch,
            "commit_title": title,
            "ref_count": None,
        },
    )
    project = data.projects[pid]
    if before is not None:
        data.compares[(pid, before, after)] = {
            "commit": {"id": after, "title": title, "created_at": stamp(at)},
            "commits": [{"id": after, "title": title, "author_name": OWNER["name"]}],
            "diffs": [make_diff(p, rng, new=rng.random() < 0.5) for p in paths],
            "compare_timeout": False,
            "compare_same_ref": False,
            "web_url": f"{project['web_url']}/-/compare/{before}...{after}",
        }


def add_pushes(data: GitLabData, rng: random.Random, days: int) -> None:
    for _ in range(8):
        pid = rng.choice((10, 11, 12))
        project = data.projects[pid]
        at = when(rng, days)
        doc = rng.choice(DOC_PATHS)
        push(data, rng, pid, project["default_branch"], at=at, paths=[doc, "src/app.py"])
        data.truth.docs.setdefault(f"{project['path_with_namespace']}:{doc}", []).append(at)
    # Not direct changes by the owner: a feature branch, a new branch, a merge commit.
    push(data, rng, 10, "feature-x", at=when(rng, days), paths=["docs/design/feature-only.md"])
    push(data, rng, 10, "spike", at=when(rng, days), paths=["rfcs/spike.md"], new_branch=True)
    push(
        data,
        rng,
        12,
        "main",
        at=when(rng, days),
        paths=["docs/design/merged-by-push.md"],
        title="Merge branch 'feature-y' into 'main'",
    )
    # A push to a project deleted since: its lookup is a 404, skipped with a warning.
    push(data, rng, 13, "main", at=when(rng, days), paths=["docs/design/gone.md"])
    first_push(data, rng, 14, at=when(rng, days))


def first_push(data: GitLabData, rng: random.Random, pid: int, *, at: datetime) -> None:
    """The first push of a new repository: it creates the default branch (`pushed new`,
    `commit_from: null`) with two commits, the first a root commit adding a design doc."""
    project = data.projects[pid]
    doc = "docs/design/bootstrap.md"
    root, second = sha(rng), sha(rng)
    added = [make_diff(doc, rng, new=True), make_diff("README.md", rng, new=True)]
    edited = [make_diff(doc, rng, new=False)]
    for commit, parents, diffs in ((root, [], added), (second, [root], edited)):
        data.commits[(pid, commit)] = {
            "id": commit,
            "short_id": commit[:8],
            "title": "Start the service",
            "parent_ids": parents,
            "created_at": stamp(at),
            "author_name": OWNER["name"],
            "_diffs": diffs,
        }
    data.compares[(pid, root, second)] = {"commit": {"id": second}, "diffs": edited}
    event(
        data,
        pid,
        "pushed new",
        at,
        push_data={
            "commit_count": 2,
            "action": "created",
            "ref_type": "branch",
            "commit_from": None,
            "commit_to": second,
            "ref": project["default_branch"],
            "commit_title": "Start the service",
            "ref_count": None,
        },
    )
    data.truth.docs.setdefault(f"{project['path_with_namespace']}:{doc}", []).append(at)


def add_issues(data: GitLabData, rng: random.Random, days: int) -> None:
    for iid in range(1, 16):
        pid = rng.choice((10, 11, 12))
        project = data.projects[pid]
        created = when(rng, days)
        closed = min(BASE, created + timedelta(hours=rng.randint(2, 200)))
        state = rng.choice(["closed", "closed", "opened"])
        assignee = OWNER if rng.random() < 0.7 else rng.choice(OTHERS)
        ref = f"{project['path_with_namespace']}#{iid}"
        data.issues.append(
            {
                "id": data.next_id(),
                "iid": iid,
                "project_id": pid,
                "title": f"Bug {iid}",
                "description": "It breaks.",
                "state": state,
                "created_at": stamp(created),
                "updated_at": stamp(closed),
                "closed_at": stamp(closed) if state == "closed" else None,
                "closed_by": user_ref(assignee) if state == "closed" else None,
                "labels": ["bug"],
                "author": user_ref(OTHERS[0]),
                "assignees": [user_ref(assignee)],
                "assignee": user_ref(assignee),
                "web_url": f"{project['web_url']}/-/issues/{iid}",
                "references": {"short": f"#{iid}", "relative": f"#{iid}", "full": ref},
            }
        )
        if state == "closed" and assignee is OWNER:
            data.truth.closed_issues[ref] = closed


def add_hidden_project_events(data: GitLabData) -> None:
    """The owner approved an MR in a project deleted since: the MR lookup 404s."""
    at = BASE - timedelta(days=3)
    event(
        data,
        13,
        "approved",
        at,
        target_id=999_999,
        target_iid=1,
        target_type="MergeRequest",
        target_title="Old change",
    )
    issue = data.issues[0]
    gone: dict[str, Any] = {"id": 1, "iid": issue["iid"], "project_id": issue["project_id"]}
    n = note(data, gone, OWNER, at, "On an issue, not an MR", system=False, noteable="Issue")
    event(
        data, issue["project_id"], "commented on", at, target_id=n["id"], target_type="Note", note=n
    )
