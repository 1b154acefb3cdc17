"""Every GraphQL document the connector can send validates against GitHub's public schema."""

from __future__ import annotations

import pytest
from fakes.github_graphql import github_schema
from graphql import parse, validate

from connectors.github import queries


@pytest.mark.parametrize("query", queries.all_queries(), ids=lambda q: q.split("(")[0].split()[-1])
def test_query_is_valid_for_githubs_schema(query: str) -> None:
    errors = validate(github_schema(), parse(query))
    assert [e.message for e in errors] == []


def test_a_misspelt_field_is_caught() -> None:
    broken = queries.AUTHORED_PULL_REQUESTS.replace("mergedAt", "mergedAtt")
    errors = validate(github_schema(), parse(broken))
    assert any("mergedAtt" in e.message for e in errors)


def test_every_query_document_in_the_module_is_validated() -> None:
    documents = [
        value
        for name, value in vars(queries).items()
        if name.isupper() and isinstance(value, str) and value.lstrip().startswith("query")
    ]
    assert len(documents) >= 5
    assert set(documents) <= set(queries.all_queries())
