"""The one glob language of growthmap: every pattern a user writes is matched the same way.

Rule `paths` and `repo`, a source's `design_doc_paths`, GitHub `repos` and `orgs`, GitLab
`groups` and `projects` all use .gitignore's patterns (as git documents them), applied to a
slash-separated path: a file's path in a repository, `owner/name`, `group/sub/project`.

- `*` and `?` never cross a `/`; `[abc]`, `[a-z]` and `[!a-z]` are character classes;
  `\\` escapes the next character.
- `**` as a whole segment spans folders: `**/adr`, `docs/**`, `src/**/test_*.py`.
- A pattern without a `/` (other than a trailing one) matches a name at any depth:
  `*.md` is every Markdown file, `payments` is every repository named payments.
  A leading `/` anchors it at the top: `/README.md`, `/acme`.
- A pattern also matches everything inside a folder (or group) it matches: `docs`
  covers `docs/a/b.md`; one ending in `/*` matches only the entries right below it.
- A trailing `/` matches only inside: `docs/` is everything in docs, not a file `docs`.

Case: file paths are case-sensitive, as in git (`paths`, `design_doc_paths`);
repository, owner, group and project names are not, as GitHub and GitLab treat them
(`repo`, `repos`, `orgs`, `groups`, `projects`).

This package sits below both `rules` and `connectors` (which may not import each other)
and imports neither, so one matcher serves every key.
"""

from pathglob.language import GlobError, Globs, check_glob, names, paths
from pathglob.migration import Kind, changed_meaning

__all__ = ["GlobError", "Globs", "Kind", "changed_meaning", "check_glob", "names", "paths"]
