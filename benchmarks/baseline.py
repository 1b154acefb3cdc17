"""The baseline: what a user writes instead of growthmap. Search the owner's PRs with
PyGithub, then per PR ask for the pull request, its reviews and its files."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from github import Auth, Github
from github.Repository import Repository

from benchmarks.worlds import GITHUB_TOKEN, World


@dataclass
class BaselineRun:
    prs: int
    reviews: int
    files: int
    requests: int  # as the fake server counted them
    wall_s: float
    limited_to: int | None  # None: every PR; else only the first this many PRs were read


def fetch_naive(world: World, login: str, since: datetime, limit: int | None) -> BaselineRun:
    """The naive loop against the world's fake GitHub.

    `seconds_between_requests=0` favours the baseline: PyGithub's default throttle
    (0.25 s between requests) would add a quarter second to each of its requests.
    """
    gh = Github(
        base_url=world.github.base_url,
        auth=Auth.Token(GITHUB_TOKEN),
        seconds_between_requests=0,
        lazy=True,  # no request for the repository itself; the PR loads when read
    )
    before = world.github.requests
    started = time.perf_counter()
    prs = reviews = files = 0
    repos: dict[str, Repository] = {}
    query = f"is:pr author:{login} updated:>={since.date().isoformat()}"
    for issue in gh.search_issues(query):
        if limit is not None and prs >= limit:
            break
        name = issue.repository_url.split("/repos/", 1)[1]
        if name not in repos:
            repos[name] = gh.get_repo(name)
        pull = repos[name].get_pull(issue.number)
        # What the loop keeps of the PR; reading it loads the PR if PyGithub was lazy.
        _ = (pull.title, pull.merged_at, pull.additions, pull.deletions, pull.changed_files)
        reviews += sum(1 for _ in pull.get_reviews())
        files += sum(1 for _ in pull.get_files())
        prs += 1
    wall = time.perf_counter() - started
    gh.close()
    return BaselineRun(prs, reviews, files, world.github.requests - before, wall, limit)
