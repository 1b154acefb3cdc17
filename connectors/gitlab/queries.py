"""The GraphQL documents the connector sends, each validated against GitLab's schema
(a 16.x dump: self-managed instances lag gitlab.com, so only fields it has are asked
for) in `tests/connectors/test_gitlab_schema.py`.

GitLab's limits: complexity 250 for an authenticated request, depth 15, pages of 100.
GitLab scores each field 1, a connection up to twice its fields at 100 nodes, and a
lookup by `iids` without that multiplier: a page of 100 MRs scores about 100, a project
alias with its reviewed MRs (each with up to 100 notes) about 50.
"""

from __future__ import annotations

OWNER_MERGE_REQUEST = """
fragment OwnerMergeRequest on MergeRequest {
  id iid projectId title description webUrl state draft
  createdAt updatedAt mergedAt sourceBranch targetBranch userNotesCount
  reference(full: true)
  author { username }
  labels { nodes { title } }
  diffStatsSummary { additions deletions fileCount }
  diffStats { path additions deletions }
  approvedBy { nodes { username } }
  project { id fullPath webUrl visibility }
  diffRefs { baseSha headSha }
}
"""

# An MR's commits (merge commits aside: they carry no co-authors): who wrote them and
# their messages, whose `Co-authored-by:` trailers name the other authors. A 16.x field.
COMMIT_FIELDS = "sha message authorName authorEmail authoredDate webUrl author { username }"
MERGE_REQUEST_COMMITS = f"""
fragment MergeRequestCommits on MergeRequest {{
  commitsWithoutMergeCommits(first: 100) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {COMMIT_FIELDS} }}
  }}
}}
"""

# The owner's MRs updated in a window, oldest update first. GitLab pages by keyset on
# (updated_at, id): an MR updated during the walk moves to the end and is read again.
# With `$withCommits` (the pairing stream is on) each MR's first 100 commits ride along:
# about 50 points more at 100 MRs a page (155 of 250).
OWNER_MERGE_REQUESTS = (
    """
query OwnerMergeRequests(
  $username: String!, $first: Int!, $after: String,
  $updatedAfter: Time, $updatedBefore: Time, $state: MergeRequestState,
  $withCommits: Boolean = false
) {
  user(username: $username) {
    authoredMergeRequests(
      updatedAfter: $updatedAfter, updatedBefore: $updatedBefore, state: $state,
      sort: UPDATED_ASC, first: $first, after: $after
    ) {
      pageInfo { hasNextPage endCursor }
      nodes { ...OwnerMergeRequest ...MergeRequestCommits @include(if: $withCommits) }
    }
  }
}
"""
    + OWNER_MERGE_REQUEST
    + MERGE_REQUEST_COMMITS
)

REVIEWED_MERGE_REQUEST = """
fragment ReviewedMergeRequest on MergeRequest {
  id iid projectId title webUrl state reference(full: true)
  author { username }
  labels { nodes { title } }
  approvedBy { nodes { username } }
  notes(first: 100) {
    pageInfo { hasNextPage endCursor }
    nodes { author { username } body system createdAt }
  }
}
fragment ReviewedProject on Project { id fullPath webUrl visibility }
"""
REVIEWED_ALIAS = """
  p{n}: projects(ids: $p{n}, first: 1) {{
    nodes {{
      ...ReviewedProject
      mergeRequests(iids: $i{n}) {{ nodes {{ ...ReviewedMergeRequest }} }}
    }}
  }}"""
MAX_REVIEWED_ALIASES = 4  # about 50 each: four stay under 250
MAX_IIDS = 100  # one page of `mergeRequests(iids:)`


def reviewed_merge_requests(aliases: int) -> str:
    """Reviewed MRs of `aliases` projects in one request: `$pN` one project's global id,
    `$iN` up to 100 of its MRs' iids."""
    params = ", ".join(f"$p{n}: [ID!], $i{n}: [String!]" for n in range(aliases))
    body = "".join(REVIEWED_ALIAS.format(n=n) for n in range(aliases))
    return f"query ReviewedMergeRequests({params}) {{{body}\n}}\n" + REVIEWED_MERGE_REQUEST


# The rest of an MR's notes, for the rare MR with more than a page of them.
MERGE_REQUEST_NOTES = """
query MergeRequestNotes($project: [ID!], $iid: [String!], $after: String) {
  projects(ids: $project, first: 1) {
    nodes {
      mergeRequests(iids: $iid) {
        nodes {
          notes(first: 100, after: $after) {
            pageInfo { hasNextPage endCursor }
            nodes { author { username } body system createdAt }
          }
        }
      }
    }
  }
}
"""


# The rest of an MR's commits, for the rare MR with more than 100 of them.
MORE_MERGE_REQUEST_COMMITS = f"""
query MoreMergeRequestCommits($project: [ID!], $iid: [String!], $after: String) {{
  projects(ids: $project, first: 1) {{
    nodes {{
      mergeRequests(iids: $iid) {{
        nodes {{
          commitsWithoutMergeCommits(first: 100, after: $after) {{
            pageInfo {{ hasNextPage endCursor }}
            nodes {{ {COMMIT_FIELDS} }}
          }}
        }}
      }}
    }}
  }}
}}
"""

# Colleagues' MRs the owner reviewed, with their commits: where the owner may be a
# co-author. One alias per project, its MRs by iid.
PAIRED_ALIAS = """
  p{n}: projects(ids: $p{n}, first: 1) {{
    nodes {{
      ...ReviewedProject
      mergeRequests(iids: $i{n}) {{ nodes {{ ...PairedMergeRequest }} }}
    }}
  }}"""
PAIRED_MERGE_REQUEST = """
fragment PairedMergeRequest on MergeRequest {
  id iid projectId title webUrl state createdAt updatedAt mergedAt reference(full: true)
  author { username }
  labels { nodes { title } }
  diffStats { path }
  ...MergeRequestCommits
}
fragment ReviewedProject on Project { id fullPath webUrl visibility }
"""
MAX_PAIRED_ALIASES = 4  # about 54 each: four stay under 250


def paired_merge_requests(aliases: int) -> str:
    """Colleagues' MRs of `aliases` projects in one request, with their commits: `$pN` one
    project's global id, `$iN` up to 100 of its MRs' iids."""
    params = ", ".join(f"$p{n}: [ID!], $i{n}: [String!]" for n in range(aliases))
    body = "".join(PAIRED_ALIAS.format(n=n) for n in range(aliases))
    head = f"query PairedMergeRequests({params}) {{{body}\n}}\n"
    return head + PAIRED_MERGE_REQUEST + MERGE_REQUEST_COMMITS


# Design documents an MR touched: which exist at its head (the text, for an added one's
# heading) and which existed at its base (else the MR added them). One alias per MR.
DOCUMENT_ALIAS = """
  d{n}: project(fullPath: $f{n}) {{
    repository {{
      after: blobs(paths: $p{n}, ref: $h{n}) {{ nodes {{ path rawTextBlob }} }}
      before: blobs(paths: $p{n}, ref: $b{n}) {{ nodes {{ path }} }}
    }}
  }}"""
MAX_DOCUMENT_ALIASES = 12  # about 16 each


def design_documents(aliases: int) -> str:
    """`aliases` MRs' documents: `$fN` the project's path, `$pN` the paths, `$hN` / `$bN`
    the MR's head and base commits."""
    params = ", ".join(
        f"$f{n}: ID!, $p{n}: [String!]!, $h{n}: String, $b{n}: String" for n in range(aliases)
    )
    body = "".join(DOCUMENT_ALIAS.format(n=n) for n in range(aliases))
    return f"query DesignDocuments({params}) {{{body}\n}}\n"


# Projects the owner pushed to: where a push's documents live, and its default branch.
PUSHED_PROJECTS = """
query PushedProjects($ids: [ID!]) {
  projects(ids: $ids, first: 100) {
    nodes { id fullPath webUrl visibility repository { rootRef } }
  }
}
"""


def all_queries() -> list[str]:
    """Every document the connector can send."""
    reviewed = [reviewed_merge_requests(n) for n in range(1, MAX_REVIEWED_ALIASES + 1)]
    paired = [paired_merge_requests(n) for n in range(1, MAX_PAIRED_ALIASES + 1)]
    documents = [design_documents(n) for n in (1, MAX_DOCUMENT_ALIASES)]
    return [
        OWNER_MERGE_REQUESTS,
        *reviewed,
        MERGE_REQUEST_NOTES,
        MORE_MERGE_REQUEST_COMMITS,
        *paired,
        *documents,
        PUSHED_PROJECTS,
    ]
