"""Glob semantics: gitignore-style for paths, whole-name for repositories."""

from __future__ import annotations

import pytest

from rules.patterns import PatternError, compile_globs


def _paths_match(glob: str, path: str) -> bool:
    return compile_globs((glob,), paths=True).found(path.encode())


@pytest.mark.parametrize(
    ("glob", "path", "expected"),
    [
        ("**/tracing/**", "tracing/a.py", True),
        ("**/tracing/**", "svc/deep/tracing/a/b.py", True),
        ("**/tracing/**", "svc/tracing", False),
        ("src/**/x.py", "src/x.py", True),
        ("src/**/x.py", "src/a/b/x.py", True),
        ("src/**/x.py", "lib/src/x.py", False),
        ("*.md", "README.md", True),
        ("*.md", "docs/a/b.md", True),
        ("*.md", "docs/a/b.md.txt", False),
        ("docs", "docs/a.md", True),
        ("docs", "x/docs/a.md", True),
        ("docs/", "docs/a.md", True),
        ("docs/", "docs", False),
        ("/docs", "x/docs/a.md", False),
        ("docs/*.md", "docs/a.md", True),
        ("docs/*.md", "docs/sub/a.md", False),  # a slash anchors; * stays in one folder
        ("docs/*.md", "docs/a.md/old.txt", True),  # inside a matching "directory"
        ("docs/*.md", "other/docs/a.md", False),
        ("test_?.py", "t/test_1.py", True),
        ("test_?.py", "t/test_10.py", False),
        ("[Mm]akefile", "Makefile", True),
        ("[!a-z]*.go", "Main.go", True),
        ("[!a-z]*.go", "main.go", False),
        ("a\\*b", "a*b", True),
        ("a\\*b", "axb", False),
        ("**", "anything/at/all", True),
        ("Dockerfile", "deploy/Dockerfile", True),
        ("Dockerfile", "deploy/Dockerfile.dev", False),
    ],
)
def test_path_globs(glob: str, path: str, expected: bool) -> None:
    assert _paths_match(glob, path) is expected


def test_a_star_does_not_cross_lines_of_joined_paths() -> None:
    regex = compile_globs(("src/*.py",), paths=True)
    assert not regex.found(b"src/a\nb.py")
    assert regex.found(b"README\nsrc/a.py\nz")


@pytest.mark.parametrize(
    ("glob", "repo", "expected"),
    [
        ("acme/*", "acme/payments", True),
        ("acme/*", "Acme/Payments", True),
        ("acme/*", "acme/group/payments", False),
        ("acme/**", "acme/group/payments", True),
        ("acme/pay*", "acme/payments", True),
        ("acme/pay*", "acme/billing", False),
        ("*", "acme/x", False),
    ],
)
def test_repo_globs(glob: str, repo: str, expected: bool) -> None:
    assert compile_globs((glob,), paths=False).found(repo.encode()) is expected


@pytest.mark.parametrize(
    ("glob", "message"),
    [
        ("", "it is empty"),
        ("a//b", "empty path segment"),
        ("a**", "'**' must be a whole path segment"),
        ("[abc", "never closed"),
        ("x\\", "lone backslash"),
        ("[z-a]", "range z-a is reversed"),
    ],
)
def test_invalid_globs(glob: str, message: str) -> None:
    with pytest.raises(PatternError, match=message.replace("*", "\\*").replace("[", "\\[")):
        compile_globs((glob,), paths=True)
