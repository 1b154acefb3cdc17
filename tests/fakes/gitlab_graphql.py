"""GraphQL for the fake GitLab: graphql-core validates and executes documents against
GitLab's own schema (a 16.x dump, `gitlab-schema.graphql`) over the same data the REST
routes serve, so field names, arguments and types are checked as GitLab checks them.

GitLab's limits are enforced as it documents them: depth 15, complexity 250 for an
authenticated request (each field 1; a connection up to twice its fields at 100 nodes,
+1 for `sort`, no multiplier when looked up by `iids`), pages of at most 100. Switches
model instances that cannot serve a collection: GraphQL disabled (404), a token scope
refused (403), an older schema without a field.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    execute,
    parse,
    validate,
)

from fakes.gitlab_complexity import Scorer
from fakes.gitlab_data import HIDDEN_PROJECTS, GitLabData
from fakes.gitlab_pairing import commits_of, graphql_commit

if TYPE_CHECKING:
    from fakes.gitlab import FakeGitLab

SCHEMA_PATH = Path(__file__).with_name("gitlab-schema.graphql")
Answer = tuple[int, Any]


@lru_cache(maxsize=8)
def gitlab_schema(without: tuple[str, str] | None = None) -> GraphQLSchema:
    """GitLab's schema; `without=(type, field)` is an older one that lacks that field."""
    schema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
    if without is not None:
        owner = schema.get_type(without[0])
        assert isinstance(owner, GraphQLObjectType), without
        del owner.fields[without[1]]
    return schema


@dataclass
class GraphQLSwitches:
    """How the fake's GraphQL endpoint behaves; the defaults are gitlab.com's."""

    mode: str = "on"  # "on" | "disabled" (404) | "forbidden" (403, the token's scope)
    without: tuple[str, str] | None = None  # an older schema lacks this (type, field)
    complexity_limit: int = 250
    max_depth: int = 15
    max_page_size: int = 100
    documents: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def answer(fake: FakeGitLab, body: Any) -> Answer:
    switches = fake.graphql
    if switches.mode == "disabled":
        return 404, {"message": "404 Not Found"}
    if switches.mode == "forbidden":
        return 403, {
            "error": "insufficient_scope",
            "error_description": "The request requires higher privileges than provided by "
            "the access token.",
            "scope": "api read_api",
        }
    query = str((body or {}).get("query") or "")
    variables = dict((body or {}).get("variables") or {})
    switches.documents.append((query, variables))
    return 200, run(fake, query, variables)


def run(fake: FakeGitLab, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    switches = fake.graphql
    schema = gitlab_schema(switches.without)
    try:
        document = parse(query)
    except GraphQLError as exc:
        return {"errors": [{"message": exc.message}]}
    problems = validate(schema, document)
    if problems:
        return {"errors": [{"message": gitlab_message(e.message)} for e in problems]}
    scorer = Scorer(schema, document, variables, switches.max_page_size)
    depth, score = scorer.depth(), scorer.score()
    if depth > switches.max_depth:
        message = f"Query has depth of {depth}, which exceeds max depth of {switches.max_depth}"
        return {"errors": [{"message": message}]}
    if score > switches.complexity_limit:
        limit = switches.complexity_limit
        message = f"Query has complexity of {score}, which exceeds max complexity of {limit}"
        return {"errors": [{"message": message}]}
    views = Views(fake.data, fake.owner, switches.max_page_size, old_style=fake.old_style)
    root = views.root(score, switches)
    result = execute(schema, document, root_value=root, variable_values=variables)
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [{"message": e.message, "path": e.path} for e in result.errors]
    return body


def gitlab_message(message: str) -> str:
    """graphql-core's words for an unknown field, as graphql-ruby (GitLab) says it."""
    if message.startswith("Cannot query field "):
        parts = message.split("'")
        if len(parts) >= 4:
            return f"Field '{parts[1]}' doesn't exist on type '{parts[3]}'"
    return message


def encode(key: Sequence[Any]) -> str:
    return base64.b64encode(json.dumps(list(key)).encode()).decode()


def decode(cursor: str) -> list[Any]:
    return list(json.loads(base64.b64decode(cursor)))


def connection(
    rows: list[Any],
    args: dict[str, Any],
    cap: int,
    key: Callable[[Any], list[Any]] | None = None,
) -> dict[str, Any]:
    """A page of `rows` (already in order) after the keyset cursor `after`."""
    keyed = [(key(r) if key else [n], r) for n, r in enumerate(rows)]
    after = args.get("after")
    if after:
        bound = decode(after)
        keyed = [(k, r) for k, r in keyed if k > bound]
    size = min(args.get("first") or cap, cap)
    page = keyed[:size]
    return {
        "nodes": [r for _, r in page],
        "pageInfo": {
            "hasNextPage": len(keyed) > size,
            "hasPreviousPage": bool(after),
            "startCursor": encode(page[0][0]) if page else None,
            "endCursor": encode(page[-1][0]) if page else None,
        },
    }


def base_sha(mr: dict[str, Any]) -> str:
    """The commit an MR's changes start from (made up, one per MR)."""
    return "b" + str(mr["sha"])[1:]


def blob_text(diff: dict[str, Any]) -> str:
    lines = str(diff.get("diff") or "").splitlines()
    added = [x[1:] for x in lines if x.startswith("+") and not x.startswith("+++")]
    return "\n".join(added if diff["new_file"] else ["Earlier text.", *added]) + "\n"


def diff_lines(diff: dict[str, Any]) -> tuple[int, int]:
    lines = str(diff.get("diff") or "").splitlines()
    adds = sum(1 for x in lines if x.startswith("+") and not x.startswith("+++"))
    dels = sum(1 for x in lines if x.startswith("-") and not x.startswith("---"))
    return adds, dels


def gid_number(value: Any) -> int | None:
    tail = str(value).rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


class Views:
    """The data as GraphQL objects: dicts whose callables take the field's arguments."""

    def __init__(
        self, data: GitLabData, owner: dict[str, Any], cap: int, *, old_style: bool = False
    ) -> None:
        self.data, self.owner, self.cap = data, owner, cap
        self.old_style = old_style  # web addresses without `/-/`, as older GitLab has them

    def root(self, score: int, switches: GraphQLSwitches) -> dict[str, Any]:
        return {
            "queryComplexity": {"score": score, "limit": switches.complexity_limit},
            "currentUser": self.user(self.owner),
            "user": lambda info, username=None, id=None: self._user_named(username),
            "project": lambda info, fullPath: self._project_at(fullPath),
            "projects": lambda info, ids=None, **args: connection(
                [p for p in (self._project_id(g) for g in ids or ()) if p], args, self.cap
            ),
        }

    def _user_named(self, username: str | None) -> dict[str, Any] | None:
        found = [u for u in self.data.users if u["username"].lower() == str(username).lower()]
        return self.user(found[0]) if found else None

    def user(self, user: dict[str, Any]) -> dict[str, Any]:
        return {
            "__typename": "UserCore",
            "id": f"gid://gitlab/User/{user['id']}",
            "username": user["username"],
            "name": user.get("name"),
            "authoredMergeRequests": lambda info, **args: self._authored(user, args),
        }

    def _authored(self, user: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
        rows = [
            m
            for m in self.data.merge_requests
            if m["author"]["id"] == user["id"] and m["project_id"] not in HIDDEN_PROJECTS
        ]
        if args.get("state"):
            rows = [m for m in rows if m["state"] == args["state"]]
        if args.get("updatedAfter"):
            rows = [m for m in rows if _at(m["updated_at"]) >= _at(args["updatedAfter"])]
        if args.get("updatedBefore"):
            rows = [m for m in rows if _at(m["updated_at"]) <= _at(args["updatedBefore"])]
        sort = str(args.get("sort") or "CREATED_DESC").upper()
        column = "updated_at" if sort.startswith("UPDATED") else "created_at"
        descending = sort.endswith("DESC")

        def order(m: dict[str, Any]) -> list[Any]:
            moment = _at(m[column]).timestamp()
            return [-moment, -m["id"]] if descending else [moment, m["id"]]

        rows.sort(key=order)
        return connection([self.merge_request(m) for m in rows], args, self.cap, key=_keyed(order))

    def _project_id(self, value: Any) -> dict[str, Any] | None:
        number = gid_number(value)
        if number is None or number in HIDDEN_PROJECTS or number not in self.data.projects:
            return None
        return self.project(self.data.projects[number])

    def _project_at(self, path: str) -> dict[str, Any] | None:
        for pid, found in self.data.projects.items():
            if found["path_with_namespace"] == path and pid not in HIDDEN_PROJECTS:
                return self.project(found)
        return None

    def project(self, project: dict[str, Any]) -> dict[str, Any]:
        def merge_requests(info: Any, iids: list[str] | None = None, **args: Any) -> Any:
            rows = [m for m in self.data.merge_requests if m["project_id"] == project["id"]]
            if iids is not None:
                rows = [m for m in rows if str(m["iid"]) in iids]
            return connection([self.merge_request(m) for m in rows], args, self.cap)

        return {
            "__typename": "Project",
            "id": f"gid://gitlab/Project/{project['id']}",
            "fullPath": project["path_with_namespace"],
            "webUrl": project["web_url"],
            "visibility": project["visibility"],
            "mergeRequests": merge_requests,
            "repository": {
                "rootRef": project["default_branch"],
                "blobs": lambda info, paths, ref=None, **a: connection(
                    self._blobs(project["id"], paths, ref), a, self.cap
                ),
            },
        }

    def _blobs(self, project_id: int, paths: list[str], ref: str | None) -> list[dict[str, Any]]:
        """Files at an MR's head or base commit, from its diffs: at the head every file it
        did not delete (an added file's text is its added lines); at the base every file
        it did not add."""
        for mr in self.data.merge_requests:
            if mr["project_id"] != project_id or ref not in (mr["sha"], base_sha(mr)):
                continue
            at_head = ref == mr["sha"]
            found = []
            for diff in self.data.diffs[(project_id, mr["iid"])]:
                kept = not diff["deleted_file"] if at_head else not diff["new_file"]
                if diff["new_path"] in paths and kept:
                    found.append({"path": diff["new_path"], "rawTextBlob": blob_text(diff)})
            return found
        return []

    def merge_request(self, mr: dict[str, Any]) -> dict[str, Any]:
        key = (mr["project_id"], mr["iid"])
        diffs = self.data.diffs.get(key, [])
        counts = [diff_lines(d) for d in diffs]
        adds, dels = sum(a for a, _ in counts), sum(d for _, d in counts)
        notes = sorted(self.data.notes.get(key, []), key=lambda n: (n["created_at"], n["id"]))
        approvers = [self.user(self.data.user(uid)) for uid in self.data.approvals.get(key, [])]
        return {
            "__typename": "MergeRequest",
            "id": f"gid://gitlab/MergeRequest/{mr['id']}",
            "iid": str(mr["iid"]),
            "projectId": mr["project_id"],
            **{name: mr.get(rest) for name, rest in MR_FIELDS.items()},
            "webUrl": mr["web_url"].replace("/-/", "/") if self.old_style else mr["web_url"],
            "reference": lambda info, full=False: mr["references"]["full" if full else "short"],
            "author": {"__typename": "MergeRequestAuthor", **self.user(mr["author"])},
            "labels": lambda info, **a: connection(
                [{"title": t} for t in mr.get("labels") or ()], a, self.cap
            ),
            "diffStatsSummary": {
                "additions": adds,
                "deletions": dels,
                "changes": adds + dels,
                "fileCount": len(diffs),
            },
            "diffStats": [
                {"path": d["new_path"], "additions": a, "deletions": r}
                for d, (a, r) in zip(diffs, counts, strict=True)
            ],
            "approvedBy": lambda info, **a: connection(approvers, a, self.cap),
            "diffRefs": {"baseSha": base_sha(mr), "headSha": mr["sha"], "startSha": base_sha(mr)},
            "project": self.project(self.data.projects[mr["project_id"]]),
            "notes": lambda info, **a: connection([self.note(n) for n in notes], a, self.cap),
            "commitsWithoutMergeCommits": lambda info, **a: connection(
                [graphql_commit(c, self._user_named) for c in commits_of(self.data, mr)],
                a,
                self.cap,
            ),
        }

    def note(self, note: dict[str, Any]) -> dict[str, Any]:
        return {
            "__typename": "Note",
            "id": f"gid://gitlab/Note/{note['id']}",
            "body": note["body"],
            "system": note["system"],
            "createdAt": note["created_at"],
            "updatedAt": note["updated_at"],
            "author": self.user(note["author"]),
        }


MR_FIELDS = {
    "title": "title",
    "description": "description",
    "webUrl": "web_url",
    "state": "state",
    "draft": "draft",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "mergedAt": "merged_at",
    "sourceBranch": "source_branch",
    "targetBranch": "target_branch",
    "userNotesCount": "user_notes_count",
}


def _keyed(order: Callable[[dict[str, Any]], list[Any]]) -> Callable[[Any], list[Any]]:
    """The keyset key of a view, from the MR it shows (its id and times)."""

    def key(view: dict[str, Any]) -> list[Any]:
        return order(
            {
                "id": gid_number(view["id"]),
                "updated_at": view["updatedAt"],
                "created_at": view["createdAt"],
            }
        )

    return key


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
