"""GraphQL for the fake GitHub: graphql-core executes queries against GitHub's real public
schema, over views of the dataset. Field names, arguments and fragments are therefore
checked exactly as GitHub checks them."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from graphql import GraphQLError, GraphQLSchema, build_schema, graphql_sync

from fakes.github_commits import pr_commit_nodes
from fakes.github_data import WEB, Dataset, PullRequest, Review, doc_text
from fakes.github_search import matching_prs

SCHEMA_PATH = Path(__file__).with_name("github-schema.graphql")
SEARCH_CAP = 1000


@lru_cache(maxsize=1)
def github_schema() -> GraphQLSchema:
    """GitHub's public schema. It breaks two SDL rules graphql-core enforces (a duplicated
    field, deprecations on interface implementations) that GitHub's own server ignores, so
    those checks are skipped; operation validation stays on."""
    schema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"), assume_valid_sdl=True)
    schema._validation_errors = []
    return schema


class FakeGraphQLError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def execute(dataset: Dataset, viewer: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    root = _Root(dataset, viewer)
    result = graphql_sync(
        github_schema(), query, root_value=root.fields(), variable_values=variables
    )
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [_format(e) for e in result.errors]
    return body


def _format(error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    original = error.original_error
    if isinstance(original, FakeGraphQLError):
        formatted["type"] = original.kind
    return formatted


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def connection(
    items: list[Any],
    first: int | None = None,
    after: str | None = None,
    view: Callable[[Any], Any] = lambda x: x,
    cap: int | None = None,
) -> dict[str, Any]:
    start = int(base64.b64decode(after).decode().split(":")[1]) if after else 0
    size = min(first or 100, 100)
    reachable = items[:cap] if cap is not None else items
    page = reachable[start : start + size]
    end = start + len(page)
    return {
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": end < len(reachable),
            "endCursor": base64.b64encode(f"cursor:{end}".encode()).decode() if page else None,
            "hasPreviousPage": start > 0,
            "startCursor": base64.b64encode(f"cursor:{start + 1}".encode()).decode()
            if page
            else None,
        },
        "nodes": [view(i) for i in page],
    }


class _Root:
    def __init__(self, dataset: Dataset, viewer: str) -> None:
        self.ds = dataset
        self.viewer = viewer

    def fields(self) -> dict[str, Any]:
        return {
            "viewer": lambda info: self.user_view(self.viewer),
            "user": lambda info, login: self.user(login),
            "repository": lambda info, owner, name, **_: self.repository(f"{owner}/{name}"),
            "search": lambda info, **args: self.search(**args),
            "rateLimit": lambda info, **_: {
                "cost": 1,
                "remaining": 4999,
                "resetAt": "2099-01-01T00:00:00Z",
                "limit": 5000,
                "used": 1,
                "nodeCount": 1,
            },
        }

    # -- users -------------------------------------------------------------------------

    def user(self, login: str) -> dict[str, Any]:
        if login not in self.ds.users:
            raise FakeGraphQLError(
                "NOT_FOUND", f"Could not resolve to a User with the login of '{login}'."
            )
        return self.user_view(login)

    def user_view(self, login: str) -> dict[str, Any]:
        return {
            "__typename": "User",
            "id": f"U_{self.ds.users.get(login, 0)}",
            "databaseId": self.ds.users.get(login, 0),
            "login": login,
            "name": self.ds.names.get(login),
            "email": "",  # no public e-mail: the owner is known by name and commits
            "contributionsCollection": lambda info, **a: self.contributions(login, a),
        }

    def contributions(self, login: str, args: dict[str, Any]) -> dict[str, Any]:
        lo = parse_time(args["from"]) if args.get("from") else datetime.min
        hi = parse_time(args["to"]) if args.get("to") else datetime.max
        counts: dict[str, int] = {}
        for c in self.ds.commits:
            if c.author == login and lo <= c.committed <= hi:
                counts[c.repo] = counts.get(c.repo, 0) + 1
        repos = sorted(counts, key=lambda r: -counts[r])

        def by_repo(info: Any, maxRepositories: int = 25) -> list[dict[str, Any]]:
            return [
                {
                    "repository": self.repo_view(r),
                    "contributions": lambda info, r=r, **_: {"totalCount": counts[r]},
                }
                for r in repos[:maxRepositories]
            ]

        return {"commitContributionsByRepository": by_repo}

    # -- repositories and commits --------------------------------------------------------

    def repository(self, name: str) -> dict[str, Any]:
        if not self.ds.visible(name):
            raise FakeGraphQLError(
                "NOT_FOUND", f"Could not resolve to a Repository with the name '{name}'."
            )
        return self.repo_view(name)

    def repo_view(self, name: str) -> dict[str, Any]:
        repo = self.ds.repos[name]
        owner, _, short = name.partition("/")
        return {
            "__typename": "Repository",
            "nameWithOwner": name,
            "name": short,
            "url": f"{WEB}/{name}",
            "isPrivate": repo.private,
            "owner": {"__typename": "Organization", "login": owner},
            "defaultBranchRef": {
                "name": repo.default_branch,
                "target": {
                    "__typename": "Commit",
                    "history": lambda info, **a: self.history(name, a),
                },
            },
            "pullRequest": lambda info, number: self.pull_request(name, number),
            "object": lambda info, expression=None, oid=None, **_: (
                self.blob(name, expression) if expression else self.landed(name, oid)
            ),
        }

    def blob(self, repo: str, expression: str) -> dict[str, Any] | None:
        """`branch:path` on the default branch: files any commit there has touched."""
        branch, _, path = expression.partition(":")
        if branch not in ("HEAD", self.ds.repos[repo].default_branch):
            return None
        if not any(c.repo == repo and path in c.files for c in self.ds.commits):
            return None
        text = doc_text(path)
        return {"__typename": "Blob", "text": text, "isBinary": False, "byteSize": len(text)}

    def landed(self, repo: str, oid: str | None) -> dict[str, Any] | None:
        """A commit on the default branch by its oid (`Repository.object(oid:)`)."""
        found = next((c for c in self.ds.commits if c.repo == repo and c.oid == oid), None)
        return self.commit_view(found) if found else None

    def pull_request(self, repo: str, number: int) -> dict[str, Any] | None:
        for pr in self.ds.prs:
            if pr.repo == repo and pr.number == number:
                return self.pr_view(pr)
        raise FakeGraphQLError(
            "NOT_FOUND", f"Could not resolve to a PullRequest with the number of {number}."
        )

    def history(self, repo: str, args: dict[str, Any]) -> dict[str, Any]:
        author_id = (args.get("author") or {}).get("id")
        logins = {f"U_{n}": login for login, n in self.ds.users.items()}
        since = parse_time(args["since"]) if args.get("since") else None
        until = parse_time(args["until"]) if args.get("until") else None
        commits = [
            c
            for c in self.ds.commits
            if c.repo == repo
            and (author_id is None or logins.get(author_id) == c.author)
            and (since is None or c.committed >= since)
            and (until is None or c.committed <= until)
            and (args.get("path") is None or args["path"] in c.files)
        ]
        commits.sort(key=lambda c: c.committed, reverse=True)
        return connection(commits, args.get("first"), args.get("after"), self.commit_view)

    def commit_view(self, commit: Any) -> dict[str, Any]:
        prs = [p for p in self.ds.prs if p.repo == commit.repo and p.number == commit.pr_number]
        return {
            "__typename": "Commit",
            "oid": commit.oid,
            "committedDate": iso(commit.committed),
            "url": f"{WEB}/{commit.repo}/commit/{commit.oid}",
            "messageHeadline": commit.message,
            "associatedPullRequests": lambda info, **a: connection(
                prs, a.get("first"), a.get("after"), self.pr_view
            ),
        }

    # -- pull requests -------------------------------------------------------------------

    def pr_view(self, pr: PullRequest) -> dict[str, Any]:
        return {
            "__typename": "PullRequest",
            "id": f"PR_{pr.repo}_{pr.number}",
            "number": pr.number,
            "title": pr.title,
            "body": pr.body,
            "url": f"{WEB}/{pr.repo}/pull/{pr.number}",
            "state": pr.state,
            "isDraft": pr.draft,
            "createdAt": iso(pr.created),
            "updatedAt": iso(pr.updated),
            "mergedAt": iso(pr.merged),
            "closedAt": iso(pr.closed),
            "merged": pr.merged is not None,
            "additions": sum(a for _, a, _ in pr.files),
            "deletions": sum(d for _, _, d in pr.files),
            "changedFiles": len(pr.files),
            "author": {"__typename": "User", "login": pr.author},
            "repository": self.repo_view(pr.repo),
            "labels": lambda info, **a: connection(
                pr.labels, a.get("first"), a.get("after"), lambda n: {"name": n}
            ),
            "files": lambda info, **a: connection(
                pr.files,
                a.get("first"),
                a.get("after"),
                lambda f: {"path": f[0], "additions": f[1], "deletions": f[2]},
            ),
            "reviews": lambda info, **a: self.reviews(pr, a),
            "commits": lambda info, **a: connection(
                pr_commit_nodes(self.ds, pr), a.get("first"), a.get("after")
            ),
        }

    def reviews(self, pr: PullRequest, args: dict[str, Any]) -> dict[str, Any]:
        chosen = [
            r
            for r in pr.reviews
            if (args.get("author") is None or r.author == args["author"])
            and (not args.get("states") or r.state in args["states"])
            # A pending review is visible only to its author.
            and (r.state != "PENDING" or r.author == self.viewer)
        ]
        return connection(
            chosen, args.get("first"), args.get("after"), lambda r: self.review_view(pr, r)
        )

    def review_view(self, pr: PullRequest, review: Review) -> dict[str, Any]:
        return {
            "state": review.state,
            "submittedAt": iso(review.submitted_at),
            "url": f"{WEB}/{pr.repo}/pull/{pr.number}#pullrequestreview-{id(review) % 10**8}",
            "author": {"__typename": "User", "login": review.author},
            "comments": lambda info, **a: {"totalCount": review.comments},
        }

    def search(
        self,
        query: str,
        type: str,
        first: int | None = None,
        after: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        if type != "ISSUE":
            raise FakeGraphQLError("INVALID", "only ISSUE search is faked")
        found = matching_prs(self.ds, query)
        return {
            "issueCount": len(found),
            **{
                k: v
                for k, v in connection(found, first, after, self.pr_view, cap=SEARCH_CAP).items()
                if k != "totalCount"
            },
        }
