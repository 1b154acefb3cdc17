"""REST routes of the fake GitHub that the naive PyGithub loop uses (the benchmark's
baseline): a pull request, its reviews and its files, each list paginated with `per_page`
(default 30, at most 100) and a `Link` header, as GitHub documents."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fakes.github_data import WEB, Dataset, PullRequest
from fakes.github_graphql import iso

Answer = tuple[int, dict[str, str], Any]
NOT_FOUND: Answer = (
    404,
    {},
    {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"},
)
_INDEX: dict[int, tuple[int, dict[tuple[str, int], PullRequest]]] = {}


def find_pull(ds: Dataset, repo: str, number: int) -> PullRequest | None:
    """The PR by (repo, number); the index is rebuilt when the dataset grows."""
    cached = _INDEX.get(id(ds))
    if cached is None or cached[0] != len(ds.prs):
        cached = (len(ds.prs), {(p.repo, p.number): p for p in ds.prs})
        _INDEX[id(ds)] = cached
    return cached[1].get((repo, number))


def pull_routes(
    ds: Dataset, api: str, path: str, query: dict[str, str], login: str
) -> Answer | None:
    """`/repos/{o}/{r}/pulls/{n}[/reviews|/files]`, or None when the path is another one."""
    parts = path.strip("/").split("/")
    if len(parts) not in (5, 6) or parts[0] != "repos" or parts[3] != "pulls":
        return None
    repo = f"{parts[1]}/{parts[2]}"
    pr = find_pull(ds, repo, int(parts[4])) if parts[4].isdigit() else None
    if pr is None or not ds.visible(repo):
        return NOT_FOUND
    if len(parts) == 5:
        return 200, {}, pull_json(pr, api)
    if parts[5] == "reviews":
        shown = [r for r in pr.reviews if r.state != "PENDING" or r.author == login]
        rows = [review_json(pr, n, r, api) for n, r in enumerate(shown, start=1)]
        return paginate(rows, api + path, query)
    if parts[5] == "files":
        return paginate([file_json(pr, f, a, d) for f, a, d in pr.files], api + path, query)
    return NOT_FOUND


def paginate(rows: list[dict[str, Any]], url: str, query: dict[str, str]) -> Answer:
    per_page = max(1, min(int(query.get("per_page", 30)), 100))
    page = max(1, int(query.get("page", 1)))
    last = max(1, -(-len(rows) // per_page))
    links = []
    if page < last:
        links.append(f'<{url}?{urlencode({**query, "page": page + 1})}>; rel="next"')
        links.append(f'<{url}?{urlencode({**query, "page": last})}>; rel="last"')
    headers = {"Link": ", ".join(links)} if links else {}
    return 200, headers, rows[(page - 1) * per_page : page * per_page]


def pull_json(pr: PullRequest, api: str) -> dict[str, Any]:
    state = "open" if pr.state == "OPEN" else "closed"
    url = f"{api}/repos/{pr.repo}/pulls/{pr.number}"
    branch = {"ref": "main", "sha": "0" * 40, "label": f"{pr.repo.split('/')[0]}:main"}
    return {
        "url": url,
        "id": hash(pr.ref) & 0x7FFFFFFF,
        "number": pr.number,
        "html_url": f"{WEB}/{pr.repo}/pull/{pr.number}",
        "state": state,
        "title": pr.title,
        "body": pr.body,
        "draft": pr.draft,
        "user": {"login": pr.author, "type": "User"},
        "labels": [{"name": name} for name in pr.labels],
        "created_at": iso(pr.created),
        "updated_at": iso(pr.updated),
        "closed_at": iso(pr.closed),
        "merged_at": iso(pr.merged),
        "merged": pr.merged is not None,
        "additions": sum(a for _, a, _ in pr.files),
        "deletions": sum(d for _, _, d in pr.files),
        "changed_files": len(pr.files),
        "comments": 0,
        "review_comments": sum(r.comments for r in pr.reviews),
        "commits": 1,
        "base": branch,
        "head": branch,
    }


def review_json(pr: PullRequest, n: int, review: Any, api: str) -> dict[str, Any]:
    return {
        "id": n,
        "user": {"login": review.author, "type": "User"},
        "body": "",
        "state": review.state,
        "submitted_at": iso(review.submitted_at),
        "html_url": f"{WEB}/{pr.repo}/pull/{pr.number}#pullrequestreview-{n}",
        "pull_request_url": f"{api}/repos/{pr.repo}/pulls/{pr.number}",
        "commit_id": "0" * 40,
    }


def file_json(pr: PullRequest, name: str, additions: int, deletions: int) -> dict[str, Any]:
    return {
        "sha": "1" * 40,
        "filename": name,
        "status": "modified",
        "additions": additions,
        "deletions": deletions,
        "changes": additions + deletions,
        "blob_url": f"{WEB}/{pr.repo}/blob/main/{name}",
        "raw_url": f"{WEB}/{pr.repo}/raw/main/{name}",
        "contents_url": f"{WEB}/{pr.repo}/contents/{name}",
        "patch": "@@ -1 +1 @@",
    }


def search_pr_json(pr: PullRequest, api: str) -> dict[str, Any]:
    """A pull request as REST issue search lists it."""
    return {
        "number": pr.number,
        "title": pr.title,
        "body": pr.body,
        "html_url": f"{WEB}/{pr.repo}/pull/{pr.number}",
        "url": f"{api}/repos/{pr.repo}/issues/{pr.number}",
        "repository_url": f"{api}/repos/{pr.repo}",
        "state": "open" if pr.state == "OPEN" else "closed",
        "user": {"login": pr.author},
        "assignees": [],
        "labels": [{"name": name} for name in pr.labels],
        "comments": 0,
        "draft": pr.draft,
        "created_at": iso(pr.created),
        "updated_at": iso(pr.updated),
        "closed_at": iso(pr.closed),
        "pull_request": {
            "url": f"{api}/repos/{pr.repo}/pulls/{pr.number}",
            "html_url": f"{WEB}/{pr.repo}/pull/{pr.number}",
            "merged_at": iso(pr.merged),
        },
    }
