"""Every GraphQL document the connector sends. A test validates each against GitHub's schema.

One search page returns the PRs with everything an Item needs (labels, reviews, the
first 100 changed files), so a page of PRs costs one request. `rateLimit` rides along
for free so the remaining budget is known without extra calls.
"""

from __future__ import annotations

_PAGE_INFO = "pageInfo { hasNextPage endCursor }"

_RATE = "rateLimit { cost remaining resetAt }"

# A PR's commits: who wrote them (GitHub's account for the git e-mail, when it has one) and
# their messages, whose `Co-authored-by:` trailers name the other authors.
_COMMIT_NODES = """nodes {
          commit {
            oid url message committedDate
            author { name email user { login } }
          }
        }"""
_PR_COMMITS = f"commits(first: 100) {{ totalCount {_PAGE_INFO} {_COMMIT_NODES} }}"
_PR_COMMITS_IF_ASKED = _PR_COMMITS.replace(") {", ") @include(if: $withCommits) {", 1)
# Who the owner is, to tell them apart from their partners in commits (free with a page).
_OWNER = "user(login: $login) { login name email databaseId }"

# With `$withCommits` (the pairing stream is on), each PR's first 100 commits ride along
# in the same page: pairing costs no request of its own for the owner's PRs.
AUTHORED_PULL_REQUESTS = f"""
query AuthoredPullRequests(
  $q: String!, $first: Int!, $after: String, $login: String!, $withCommits: Boolean = false
) {{
  {_RATE}
  {_OWNER}
  search(query: $q, type: ISSUE, first: $first, after: $after) {{
    issueCount
    {_PAGE_INFO}
    nodes {{
      __typename
      ... on PullRequest {{
        number title body url state isDraft createdAt updatedAt mergedAt closedAt
        additions deletions changedFiles
        author {{ login }}
        repository {{ nameWithOwner url isPrivate defaultBranchRef {{ name }} }}
        labels(first: 20) {{ nodes {{ name }} }}
        files(first: 100) {{ totalCount {_PAGE_INFO} nodes {{ path additions deletions }} }}
        reviews(first: 100) {{ totalCount nodes {{ state submittedAt author {{ login }} }} }}
        {_PR_COMMITS_IF_ASKED}
      }}
    }}
  }}
}}
"""

# What a pairing item needs of a PR: for the pairing stream's own search (when
# pull_requests did not read the window) and for colleagues' PRs the owner co-authored.
PAIRING_PULL_REQUEST = f"""
fragment PairingPullRequest on PullRequest {{
  number title url state createdAt updatedAt mergedAt closedAt
  author {{ login }}
  repository {{ nameWithOwner url isPrivate }}
  labels(first: 20) {{ nodes {{ name }} }}
  files(first: 100) {{ nodes {{ path }} }}
  {_PR_COMMITS}
}}
"""

PAIRING_PULL_REQUESTS = (
    f"""
query PairingPullRequests($q: String!, $first: Int!, $after: String, $login: String!) {{
  {_RATE}
  {_OWNER}
  search(query: $q, type: ISSUE, first: $first, after: $after) {{
    issueCount
    {_PAGE_INFO}
    nodes {{ __typename ...PairingPullRequest }}
  }}
}}
"""
    + PAIRING_PULL_REQUEST
)

REVIEWED_PULL_REQUESTS = f"""
query ReviewedPullRequests($q: String!, $first: Int!, $after: String, $login: String!) {{
  {_RATE}
  user(login: $login) {{ login }}
  search(query: $q, type: ISSUE, first: $first, after: $after) {{
    issueCount
    {_PAGE_INFO}
    nodes {{
      __typename
      ... on PullRequest {{
        number title url state createdAt updatedAt mergedAt closedAt
        author {{ login }}
        repository {{ nameWithOwner url isPrivate }}
        reviews(first: 100, author: $login) {{
          totalCount
          nodes {{ state submittedAt url author {{ login }} comments {{ totalCount }} }}
        }}
      }}
    }}
  }}
}}
"""

_CONTRIBUTIONS = """
    contributionsCollection(from: $from, to: $to) {
      commitContributionsByRepository(maxRepositories: 100) {
        repository { nameWithOwner }
        contributions { totalCount }
      }
    }"""

# The owner's commit contributions ride along with the PR search (when the window spans at
# most a year, GitHub's limit), so a run with nothing new costs one request.
DOC_PULL_REQUESTS = f"""
query DesignDocPullRequests(
  $q: String!, $first: Int!, $after: String, $login: String!,
  $from: DateTime, $to: DateTime, $withContributions: Boolean!
) {{
  {_RATE}
  user(login: $login) {{
    login id
    ... on User @include(if: $withContributions) {{{_CONTRIBUTIONS}
    }}
  }}
  search(query: $q, type: ISSUE, first: $first, after: $after) {{
    issueCount
    {_PAGE_INFO}
    nodes {{
      __typename
      ... on PullRequest {{
        number title url state createdAt updatedAt mergedAt closedAt
        repository {{ nameWithOwner url isPrivate defaultBranchRef {{ name }} }}
        files(first: 100) {{ totalCount {_PAGE_INFO} nodes {{ path }} }}
      }}
    }}
  }}
}}
"""

VIEWER = "query Viewer { viewer { login } }"

COMMIT_CONTRIBUTIONS = f"""
query CommitContributions($login: String!, $from: DateTime!, $to: DateTime!) {{
  {_RATE}
  user(login: $login) {{
    id{_CONTRIBUTIONS}
  }}
}}
"""

_FILES_ALIAS = """
  f{i}: repository(owner: $o{i}, name: $n{i}) {{
    pullRequest(number: $p{i}) {{
      files(first: 100, after: $a{i}) {{
        pageInfo {{ hasNextPage endCursor }}
        nodes {{ path additions deletions }}
      }}
    }}
  }}"""

# PRs per request for the files beyond the first 100: 40 x 100 files is 4,000 nodes, far
# below GitHub's 500,000-node limit, and about 40 points of the hourly 5,000; a request
# GitHub cannot finish in time (502/504, or no data) is sent again with half as many.
MAX_FILE_BATCH = 40


def pull_request_files(count: int) -> str:
    """A query for the next 100 files of `count` pull requests at once.

    Alias `f{i}` takes `$o{i}`, `$n{i}` (owner, name), `$p{i}` (number) and `$a{i}` (that
    PR's files cursor).
    """
    params = "$o{i}: String!, $n{i}: String!, $p{i}: Int!, $a{i}: String"
    return _aliased("PullRequestFiles", count, MAX_FILE_BATCH, params, _FILES_ALIAS)


def _aliased(name: str, count: int, most: int, params: str, alias: str, shared: str = "") -> str:
    """A query of `count` (at most `most`) copies of `alias`, `{i}` in their variables'
    names and aliases numbered from 0; `shared` declares the variables they all use."""
    if not 1 <= count <= most:
        raise ValueError(f"count must be 1..{most}")
    declared = ", ".join(
        [*([shared] if shared else []), *(params.format(i=i) for i in range(count))]
    )
    body = "".join(alias.format(i=i) for i in range(count))
    return f"query {name}({declared}) {{\n  {_RATE}{body}\n}}\n"


_COMMITS_ALIAS = (
    """
  c{i}: repository(owner: $o{i}, name: $n{i}) {{
    pullRequest(number: $p{i}) {{
      commits(first: 100, after: $a{i}) {{
        pageInfo {{ hasNextPage endCursor }}
        """
    + _COMMIT_NODES.replace("{", "{{").replace("}", "}}")
    + """
      }}
    }}
  }}"""
)

# PRs per request for the commits beyond the first 100 (GitHub lists 250 at most): their
# messages make a page heavy, so fewer PRs than for files.
MAX_COMMIT_BATCH = 20


def pull_request_commits(count: int) -> str:
    """A query for the next 100 commits of `count` pull requests at once; alias `c{i}`
    takes the same variables as `pull_request_files`."""
    params = "$o{i}: String!, $n{i}: String!, $p{i}: Int!, $a{i}: String"
    return _aliased("PullRequestCommits", count, MAX_COMMIT_BATCH, params, _COMMITS_ALIAS)


_COMMIT_PR_ALIAS = """
  p{i}: repository(owner: $o{i}, name: $n{i}) {{
    object(oid: $s{i}) {{
      ... on Commit {{ associatedPullRequests(first: 1) {{ nodes {{ ...PairingPullRequest }} }} }}
    }}
  }}"""

# Commits per request when finding the PRs of commits the owner co-authored: 25 PRs with
# 100 files and 100 commits each is 5,000 nodes.
MAX_COMMIT_LOOKUPS = 25


def commit_pull_requests(count: int) -> str:
    """A query for the PR of `count` commits at once: alias `p{i}` takes `$o{i}`, `$n{i}`
    (owner, name) and `$s{i}` (the commit's oid)."""
    params = "$o{i}: String!, $n{i}: String!, $s{i}: GitObjectID!"
    query = _aliased("CommitPullRequests", count, MAX_COMMIT_LOOKUPS, params, _COMMIT_PR_ALIAS)
    return query + PAIRING_PULL_REQUEST


_HISTORY_ALIAS = """
  r{i}: repository(owner: $o{i}, name: $n{i}) {{
    nameWithOwner url isPrivate
    defaultBranchRef {{
      name
      target {{
        ... on Commit {{
          history(
            first: 100, after: $a{i}, since: $since, until: $until,
            author: {{id: $authorId}}
          ) {{
            pageInfo {{ hasNextPage endCursor }}
            nodes {{
              oid committedDate url messageHeadline
              associatedPullRequests(first: 1) {{ nodes {{ number }} }}
            }}
          }}
        }}
      }}
    }}
  }}"""

MAX_HISTORY_REPOS = 10


def default_branch_commits(count: int) -> str:
    """A query for the owner's commits on the default branch of `count` repositories at once.

    Each repository gets an alias `r{i}` with variables `$o{i}`, `$n{i}` (owner, name) and
    `$a{i}` (its own history cursor), so one request covers up to MAX_HISTORY_REPOS repos.
    """
    params = "$o{i}: String!, $n{i}: String!, $a{i}: String"
    shared = "$authorId: ID!, $since: GitTimestamp!, $until: GitTimestamp!"
    return _aliased(
        "DefaultBranchCommits", count, MAX_HISTORY_REPOS, params, _HISTORY_ALIAS, shared
    )


_DOC_ALIAS = """
  d{i}: repository(owner: $o{i}, name: $n{i}) {{
    object(expression: $e{i}) {{ ... on Blob {{ text isBinary }} }}
    defaultBranchRef {{
      target {{
        ... on Commit {{
          history(first: 50, path: $p{i}, author: {{id: $authorId}}) {{
            nodes {{
              oid committedDate url
              associatedPullRequests(first: 1) {{ nodes {{ number url }} }}
            }}
          }}
        }}
      }}
    }}
  }}"""

MAX_DOC_DETAILS = 30


def doc_details(count: int) -> str:
    """A query for `count` documents' text (for the title) and the owner's commits to them.

    Alias `d{i}` takes `$o{i}`, `$n{i}` (owner, name), `$e{i}` ("branch:path") and `$p{i}`.
    """
    params = "$o{i}: String!, $n{i}: String!, $e{i}: String!, $p{i}: String!"
    return _aliased(
        "DesignDocDetails", count, MAX_DOC_DETAILS, params, _DOC_ALIAS, "$authorId: ID!"
    )


def all_queries() -> list[str]:
    """Every document the connector can send (for the schema validation test)."""
    fixed = [
        AUTHORED_PULL_REQUESTS,
        PAIRING_PULL_REQUESTS,
        REVIEWED_PULL_REQUESTS,
        DOC_PULL_REQUESTS,
        VIEWER,
        COMMIT_CONTRIBUTIONS,
    ]
    return (
        fixed
        + [pull_request_files(n) for n in range(1, MAX_FILE_BATCH + 1)]
        + [pull_request_commits(n) for n in range(1, MAX_COMMIT_BATCH + 1)]
        + [commit_pull_requests(n) for n in range(1, MAX_COMMIT_LOOKUPS + 1)]
        + [default_branch_commits(n) for n in range(1, MAX_HISTORY_REPOS + 1)]
        + [doc_details(n) for n in range(1, MAX_DOC_DETAILS + 1)]
    )
