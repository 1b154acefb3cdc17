"""Every GraphQL document the GitLab connector can send validates against GitLab's schema
(a 16.x dump) and stays within GitLab's documented limits at its largest page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from fakes.gitlab import FakeGitLab
from fakes.gitlab_graphql import gitlab_schema
from fakes.gitlab_world import generate
from graphql import parse, validate

from connectors.gitlab import queries


def name_of(document: str) -> str:
    head = document.split("(", 1)[0].rsplit(maxsplit=1)[-1]
    aliased = "Reviewed" in head or "Paired" in head
    return f"{head}-{document.count('projects(ids:')}" if aliased else head


@pytest.mark.parametrize("document", queries.all_queries(), ids=name_of)
def test_every_document_is_valid_for_gitlabs_schema(document: str) -> None:
    errors = validate(gitlab_schema(), parse(document))
    assert [e.message for e in errors] == []


def test_a_misspelt_field_is_caught() -> None:
    broken = queries.OWNER_MERGE_REQUESTS.replace("mergedAt", "mergedAtt")
    errors = validate(gitlab_schema(), parse(broken))
    assert any("mergedAtt" in e.message for e in errors)


def test_every_document_in_the_module_is_validated() -> None:
    documents = [
        value
        for name, value in vars(queries).items()
        if name.isupper() and isinstance(value, str) and value.lstrip().startswith("query")
    ]
    assert len(documents) >= 2
    assert set(documents) <= set(queries.all_queries())


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeGitLab]:
    served = FakeGitLab(generate()).start()
    yield served
    served.stop()


def largest_variables(document: str) -> dict[str, Any]:
    """Variables that make the document as heavy as the connector ever sends it."""
    iids = [str(n) for n in range(1, queries.MAX_IIDS + 1)]
    found: dict[str, Any] = {"username": "ada", "first": 100, "after": None, "withCommits": True}
    for n in range(max(queries.MAX_REVIEWED_ALIASES, queries.MAX_PAIRED_ALIASES)):
        found |= {f"p{n}": [f"gid://gitlab/Project/{10 + n % 3}"], f"i{n}": iids}
    if "DesignDocuments" in document:
        docs = [f"docs/design/{n}.md" for n in range(100)]
        for n in range(queries.MAX_DOCUMENT_ALIASES):
            found |= {f"f{n}": "platform/api", f"p{n}": docs, f"h{n}": "a1", f"b{n}": "b1"}
    ids = [f"gid://gitlab/Project/{n}" for n in range(100)]
    return found | {"project": ["gid://gitlab/Project/10"], "iid": ["1"], "ids": ids}


def ask(fake: FakeGitLab, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer = requests.post(
        f"{fake.url}/api/graphql",
        json={"query": document, "variables": variables},
        headers={"PRIVATE-TOKEN": fake.token},
        timeout=10,
    )
    body: dict[str, Any] = answer.json()
    return body


@pytest.mark.parametrize("document", queries.all_queries(), ids=name_of)
def test_every_document_stays_within_gitlabs_complexity_and_depth(
    fake: FakeGitLab, document: str
) -> None:
    asking = document.replace(") {", ") {\n  queryComplexity { score limit }", 1)
    variables = {k: v for k, v in largest_variables(document).items() if f"${k}:" in document}

    body = ask(fake, asking, variables)

    assert "errors" not in body, body.get("errors")
    complexity = body["data"]["queryComplexity"]
    assert complexity["limit"] == 250
    assert 0 < complexity["score"] <= complexity["limit"]


def test_the_fake_refuses_what_gitlab_would(fake: FakeGitLab) -> None:
    # Three full pages of MRs in one request: GitLab's own scoring refuses it.
    states = ("merged", "opened", "closed")
    pages = "".join(
        f"{state}: authoredMergeRequests(state: {state}, first: 100) "
        "{ nodes { ...OwnerMergeRequest } }\n"
        for state in states
    )
    heavy = f'query {{ user(username: "ada") {{ {pages} }} }}' + queries.OWNER_MERGE_REQUEST

    body = ask(fake, heavy, {})

    (error,) = body["errors"]
    assert error["message"].startswith("Query has complexity of ")
    assert error["message"].endswith("which exceeds max complexity of 250")
