"""One glob language: the same pattern means the same thing in a rule, a design-doc path
and an allow-list; case follows what is matched (paths: exact; names: any case)."""

from __future__ import annotations

import json

import pytest

from connectors.github import GitHubConfig
from connectors.github.search import scope_qualifiers
from connectors.gitlab.normalize import is_design_doc, project_allowed
from pathglob import GlobError, check_glob
from rules import Evidence, evaluate, parse_rules
from rules.patterns import compile_globs

RULE = """
[[rule]]
id = "r"
destination = "A"
skills = ["s"]
[rule.match]
{key} = {pattern}
"""


def _rule_paths(pattern: str, path: str) -> bool:
    rules = parse_rules(RULE.format(key="paths", pattern=json.dumps(pattern)))
    return bool(evaluate(Evidence(kind="pull_request", source="s", paths=(path,)), rules))


def _rule_repo(pattern: str, name: str) -> bool:
    rules = parse_rules(RULE.format(key="repo", pattern=json.dumps(pattern)))
    return bool(evaluate(Evidence(kind="pull_request", source="s", repo=name), rules))


def _github(**keys: list[str]) -> GitHubConfig:
    return GitHubConfig(name="gh", type="github", **keys)  # type: ignore[arg-type]


# (pattern, subject, matches as a path, matches as a name): the two answers differ only
# where case does.
TABLE = [
    ("acme/*", "acme/payments", True, True),
    ("acme/*", "acme/group/payments", False, False),  # '/*' matches one level only
    ("acme/**", "acme/group/payments", True, True),
    ("acme/pay*", "acme/payments", True, True),
    ("acme/pay*", "acme/billing", False, False),
    ("payments", "acme/payments", True, True),  # no '/': any depth
    ("/payments", "acme/payments", False, False),  # a leading '/' anchors
    ("*.md", "docs/a/b.md", True, True),
    ("/*.md", "docs/b.md", False, False),
    ("/*.md", "b.md", True, True),
    ("docs", "docs/a.md", True, True),  # a folder covers what is inside it
    ("docs/", "docs/a.md", True, True),
    ("docs/*.md", "docs/sub/a.md", False, False),
    ("**/adr/**", "svc/x/adr/0001.md", True, True),
    ("**/adr/**", "svc/adrenaline/0001.md", False, False),
    ("src/**/x.py", "src/x.py", True, True),
    ("test_?.py", "t/test_1.py", True, True),
    ("test_?.py", "t/test_10.py", False, False),
    ("[!a-z]*.go", "Main.go", True, False),  # as a name, M is a-z too
    ("a\\*b", "a*b", True, True),
    ("a\\*b", "axb", False, False),
    ("Acme/*", "acme/payments", False, True),  # names ignore case, paths do not
    ("docs/ADR/**", "docs/adr/1.md", False, True),
]


@pytest.mark.parametrize(("pattern", "subject", "as_path", "as_name"), TABLE)
def test_one_pattern_means_the_same_at_every_call_site(
    pattern: str, subject: str, as_path: bool, as_name: bool
) -> None:
    said_as_paths = {
        "rule paths": _rule_paths(pattern, subject),
        "GitHub design_doc_paths": _github(design_doc_paths=[pattern]).is_design_doc(subject),
        "GitLab design_doc_paths": is_design_doc(subject, [pattern]),
    }
    said_as_names = {
        "rule repo": _rule_repo(pattern, subject),
        "GitLab projects": project_allowed(subject, [], [pattern]),
    }
    if subject.count("/") == 1:  # a GitHub repository is always owner/name
        said_as_names["GitHub repos"] = _github(repos=[pattern]).repo_allowed(subject)
    assert said_as_paths == dict.fromkeys(said_as_paths, as_path)
    assert said_as_names == dict.fromkeys(said_as_names, as_name)


def test_a_star_does_not_cross_lines_of_joined_paths() -> None:
    regex = compile_globs(("src/*.py",), paths=True)
    assert not regex.found(b"src/a\nb.py")
    assert regex.found(b"README\nsrc/a.py\nz")
    assert not compile_globs(("x[!a]y",), paths=True).found(b"x\ny")


def test_a_group_covers_the_projects_of_its_subgroups() -> None:
    assert project_allowed("acme/infra/deploy", ["acme/*"], [])
    assert not project_allowed("acme/infra/deploy", [], ["acme/*"])


@pytest.mark.parametrize(
    ("glob", "message"),
    [
        ("", "it is empty"),
        ("a//b", "empty path segment"),
        ("a**", "'**' must be a whole path segment"),
        ("[abc", "never closed"),
        ("x\\", "lone backslash"),
        ("[z-a]", "range z-a is reversed"),
        ("!vendor/**", "a leading '!' makes an exclusion in .gitignore"),
        ("#notes", "makes a comment in .gitignore"),
        ("docs ", "it ends with a space"),
        ("/", "it names no path"),
    ],
)
def test_invalid_globs(glob: str, message: str) -> None:
    with pytest.raises(GlobError, match=message.replace("*", "\\*").replace("[", "\\[")):
        check_glob(glob)


def test_an_invalid_glob_in_the_config_names_the_key() -> None:
    with pytest.raises(ValueError, match=r"design_doc_paths\n.*'\[' is never closed"):
        _github(design_doc_paths=["docs/[design"])


@pytest.mark.parametrize(
    ("repos", "orgs", "scope"),
    [
        (["acme/payments"], [], "repo:acme/payments"),
        (["payments"], [], ""),  # any owner's payments: filtered after the search
        (["acme/*"], ["acme"], "org:acme"),
        ([], ["/acme"], ""),
        ([], ["ac\\me"], ""),
    ],
)
def test_github_search_is_narrowed_only_by_literal_names(
    repos: list[str], orgs: list[str], scope: str
) -> None:
    assert scope_qualifiers(repos, orgs) == scope
