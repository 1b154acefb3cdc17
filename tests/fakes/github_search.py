"""The search qualifiers the fake GitHub honours, applied to the dataset."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fakes.github_data import Dataset, Issue, PullRequest


def _moment(text: str) -> datetime:
    if "T" not in text:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _in_range(spec: str, value: datetime | None) -> bool:
    """GitHub's date qualifiers: `a..b` (inclusive), `>=a`, `>a`, `<=a`, `<a`, `a`."""
    if value is None:
        return False
    if ".." in spec:
        lo, hi = spec.split("..", 1)
        return (lo in ("", "*") or value >= _moment(lo)) and (
            hi in ("", "*") or value <= _moment(hi)
        )
    for op, test in (
        (">=", value.__ge__),
        ("<=", value.__le__),
        (">", value.__gt__),
        ("<", value.__lt__),
    ):
        if spec.startswith(op):
            return bool(test(_moment(spec[len(op) :])))
    return value.date() == _moment(spec).date()


def parse(query: str) -> tuple[list[tuple[bool, str, str]], str]:
    """(negated, key, value) terms and the sort order."""
    terms: list[tuple[bool, str, str]] = []
    sort = "best-match"
    for token in shlex.split(query):
        negated = token.startswith("-")
        key, _, value = token.lstrip("-").partition(":")
        if key == "sort":
            sort = value
        elif value:
            terms.append((negated, key.lower(), value))
    return terms, sort


def _pr_test(ds: Dataset, key: str, value: str) -> Callable[[PullRequest], bool]:
    tests: dict[str, Callable[[PullRequest], bool]] = {
        "is": lambda p: (
            value in ("pr", "pull-request")
            or value.upper() == p.state
            or (value == "merged" and p.merged is not None)
        ),
        "type": lambda p: value == "pr",
        "author": lambda p: p.author.lower() == value.lower(),
        # Matches any review by the user, pending ones included: the connector must filter.
        "reviewed-by": lambda p: any(r.author.lower() == value.lower() for r in p.reviews),
        "updated": lambda p: _in_range(value, p.updated),
        "created": lambda p: _in_range(value, p.created),
        "closed": lambda p: _in_range(value, p.closed),
        "merged": lambda p: _in_range(value, p.merged),
        "org": lambda p: p.repo.split("/")[0].lower() == value.lower(),
        "user": lambda p: p.repo.split("/")[0].lower() == value.lower(),
        "repo": lambda p: p.repo.lower() == value.lower(),
        "assignee": lambda p: False,
    }
    if key not in tests:
        raise ValueError(f"the fake does not know the qualifier {key!r}")
    return tests[key]


def _sorted(items: list[Any], sort: str) -> list[Any]:
    field, _, direction = sort.partition("-")
    if field not in ("updated", "created", "best"):
        raise ValueError(f"the fake does not know sort:{sort}")
    key = (
        (lambda x: (x.created, x.repo, x.number))
        if field == "created"
        else (lambda x: (x.updated, x.repo, x.number))
    )
    return sorted(items, key=key, reverse=direction != "asc")


def matching_prs(ds: Dataset, query: str) -> list[PullRequest]:
    terms, sort = parse(query)
    if not any(k == "is" and v in ("pr", "pull-request") for _, k, v in terms):
        return []  # this dataset's issues are served by REST search only
    tests = [(neg, _pr_test(ds, key, value)) for neg, key, value in terms]
    found = [p for p in ds.prs if ds.visible(p.repo) and all(t(p) != neg for neg, t in tests)]
    return _sorted(found, sort)


def _issue_test(key: str, value: str) -> Callable[[Issue], bool]:
    tests: dict[str, Callable[[Issue], bool]] = {
        "is": lambda i: value == "issue" or (value == "closed" and i.closed is not None),
        "assignee": lambda i: value in i.assignees,
        "author": lambda i: i.author == value,
        "closed": lambda i: _in_range(value, i.closed),
        "updated": lambda i: _in_range(value, i.updated),
        "repo": lambda i: i.repo == value,
        "org": lambda i: i.repo.split("/")[0] == value,
    }
    if key not in tests:
        raise ValueError(f"the fake does not know the qualifier {key!r}")
    return tests[key]


def matching_issues(ds: Dataset, query: str, sort: str, order: str) -> list[Issue]:
    terms, _ = parse(query)
    tests = [(neg, _issue_test(key, value)) for neg, key, value in terms]
    found = [i for i in ds.issues if ds.visible(i.repo) and all(t(i) != neg for neg, t in tests)]
    return _sorted(found, f"{sort}-{order}")
