"""One Markdown line per piece of evidence. Upstream text never breaks the Markdown."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import quote, urlsplit

from collector.core.textsafe import clean
from collector.progress.evidence import Artifact

_SPECIAL = re.compile(r"([\\`*_\[\]<>~])")
_PR_VERBS = {"merged": "Merged", "open": "Open", "opened": "Open", "closed": "Closed"}
_KIND_NOUNS = {
    "pull_request": ("pull request", "pull requests"),
    "review": ("review given", "reviews given"),
    "design_doc": ("design doc", "design docs"),
    "ticket": ("ticket", "tickets"),
    "mentoring": ("mentoring session", "mentoring sessions"),
    "endorsement": ("endorsement", "endorsements"),
    "feedback": ("feedback quote", "feedback quotes"),
}


# An export names most artifacts twice (its evidence section and the log's drafts), and a
# year of evidence holds tens of thousands: these pure functions keep their answers.
_MEMO = 1 << 16


@functools.lru_cache(maxsize=_MEMO)
def md_text(text: str | None, limit: int = 200) -> str:
    """Upstream text as inert Markdown: one line, special characters escaped."""
    value = clean(text)
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return _SPECIAL.sub(r"\\\1", value)


@functools.lru_cache(maxsize=_MEMO)
def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for a Markdown link target, or None (never javascript: etc.)."""
    if not url:
        return None
    value = clean(url)
    # Fast path (a year of evidence has thousands of links): without brackets urlsplit
    # cannot fail, and the scheme is what comes before the first colon.
    if "[" not in value and "]" not in value:
        scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    else:
        try:
            scheme = urlsplit(value).scheme.lower()
        except ValueError:
            return None
    if scheme not in ("http", "https"):
        return None
    return quote(value, safe="/:?#=&%+@;,.~-_!$'*")


def md_link(label: str, url: str | None) -> str:
    """`label` is already Markdown; it becomes a link when the URL is safe."""
    target = safe_url(url)
    return f"[{label}]({target})" if target else label


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def kind_noun(kind: str, count: int) -> str:
    one, many = _KIND_NOUNS.get(kind, (kind.replace("_", " "), kind.replace("_", " ") + "s"))
    return f"{count} {one if count == 1 else many}"


def size_label(artifact: Artifact) -> str:
    if artifact.additions is None and artifact.deletions is None:
        return ""
    return f" (+{artifact.additions or 0}/−{artifact.deletions or 0})"


def ticket_label(ticket: Artifact) -> str:
    """`[CORE-118](url) Story "Trace checkout latency" (3 pts)`."""
    kind = ticket.extra.get("issue_type")
    points = _number(ticket.extra.get("story_points"))
    text = md_link(md_text(ticket.ref), ticket.url)
    if isinstance(kind, str) and kind:
        text += f" {md_text(kind, 40)}"
    text += f' "{md_text(ticket.title)}"'
    if points is not None:
        text += f" ({points:g} {'pt' if points == 1 else 'pts'})"
    return text


# Where an artifact's line starts and ends in an export's Markdown, when its book marks
# them: a control character, which no upstream or engineer's text keeps (`clean` removes
# them all). The HTML renderer then turns each line into HTML once, for every section
# that names it; every output drops the marks (`unmarked`).
LINE_MARK = "\x1f"


class LineBook:
    """Each artifact's line, rendered once: an export names most artifacts twice (its
    progress log and its evidence section), and a year of evidence holds thousands. One
    book serves one view of the evidence (the same key always names the same artifact);
    a `marked` book sets each line between LINE_MARKs."""

    def __init__(self, *, marked: bool = False) -> None:
        self._lines: dict[tuple[str, bool], str] = {}
        self._marked = marked

    def line(self, artifact: Artifact, since: date | None = None) -> str:
        key = (artifact.key, is_new_doc(artifact, since))
        found = self._lines.get(key)
        if found is None:
            found = artifact_line(artifact, since)
            if self._marked:
                found = LINE_MARK + found + LINE_MARK
            self._lines[key] = found
        return found


def unmarked(text: str) -> str:
    """Markdown without the LINE_MARKs a marked book set in it."""
    return text.replace(LINE_MARK, "")


def is_new_doc(artifact: Artifact, since: date | None) -> bool:
    """A design doc added, or created on or after `since` (the week's or period's start)."""
    if artifact.kind != "design_doc":
        return False
    return artifact.state.lower() == "added" or (
        since is not None and artifact.created_day is not None and artifact.created_day >= since
    )


def artifact_line(artifact: Artifact, since: date | None = None) -> str:
    """The line that names an artifact, e.g. `Merged [acme/checkout#412](…) "Add tracing
    spans" (+420/−80) — linked [CORE-118](…)`."""
    ref = md_link(md_text(artifact.ref), artifact.url)
    title = md_text(artifact.title)
    if artifact.manual:
        return _manual_line(artifact)
    if artifact.kind == "pull_request":
        verb = _PR_VERBS.get(artifact.state.lower(), "Pull request")
        line = f'{verb} {ref} "{title}"{size_label(artifact)}'
        if artifact.linked:
            line += " — linked " + ", ".join(
                md_link(md_text(t.ref), t.url) for t in artifact.linked
            )
        return line
    if artifact.kind == "design_doc":
        return f"Design doc {ref} ({'new' if is_new_doc(artifact, since) else 'updated'})"
    if artifact.kind == "ticket":
        verb = "Closed" if artifact.is_closed_ticket else "Ticket"
        return f"{verb} {ticket_label(artifact)}"
    if artifact.kind == "review":
        detail = review_detail(artifact.extra)
        return f'Reviewed {ref} "{title}"' + (f" ({detail})" if detail else "")
    kind = md_text(artifact.kind.replace("_", " ").capitalize(), 40)
    return f'{kind} {ref} "{title}"'


def _manual_line(artifact: Artifact) -> str:
    kind = md_text(artifact.kind.replace("_", " ").capitalize(), 40)
    title = md_link(f'"{md_text(artifact.title)}"', artifact.url)
    line = f"{kind} {title}"
    if artifact.endorser:
        line = f"{kind} from {md_text(artifact.endorser, 80)}: {title}"
    line += level_label(artifact)
    if artifact.outcome:
        line += f" — outcome: {md_text(artifact.outcome, 300)}"
    return line


def level_label(artifact: Artifact) -> str:
    """` (P)`: the level a feedback quote speaks of, if it names one."""
    level = artifact.extra.get("level")
    return f" ({md_text(level, 1)})" if isinstance(level, str) and level else ""


def review_verdict(extra: Mapping[str, Any]) -> str:
    """The reviewer's decisions in order: `approved`, `changes requested, then approved`."""
    decided = [_DECISIONS[state] for state in _state_list(extra) if state in _DECISIONS] or (
        ["approved"] if extra.get("approved") is True else []
    )
    shown = [d for n, d in enumerate(decided) if n == 0 or decided[n - 1] != d]
    if shown:
        return ", then ".join(shown)
    return "commented" if _states(extra) else ""


def review_detail(extra: Mapping[str, Any]) -> str:
    """`approved, 3 comments`; `5 comments` when the review only commented."""
    verdict = review_verdict(extra)
    comments = _count(extra)
    parts = [verdict] if verdict and not (verdict == "commented" and comments) else []
    if comments:
        parts.append(plural(comments, "comment"))
    return ", ".join(parts)


# Reviews of one repository on one line from this many on ("Reviewed 7 pull requests in …").
GROUP_REVIEWS_FROM = 3


LineOf = Callable[[Artifact, date | None], str]


def review_lines(
    reviews: Sequence[Artifact], suffix: str = "", line: LineOf | None = None
) -> list[str]:
    """Each review given with its pull request's link: one line per review (`line`
    renders it), or one line per repository when it holds many, each one linked in it."""
    line = line or artifact_line
    by_repo: dict[str, list[Artifact]] = {}
    for review in reviews:
        by_repo.setdefault(review.repo or "", []).append(review)
    lines = []
    for repo, mine in by_repo.items():
        if len(mine) < GROUP_REVIEWS_FROM or not repo:
            lines += [line(r, None) + suffix for r in mine]
            continue
        noun = "merge requests" if any("!" in r.ref for r in mine) else "pull requests"
        shown = ", ".join(_short_review(r, repo) for r in mine)
        lines.append(f"Reviewed {len(mine)} {noun} in {md_text(repo, 80)}: {shown}{suffix}")
    return lines


def _short_review(review: Artifact, repo: str) -> str:
    """`[#15](url) (changes requested, 4 comments)`: the number within its repository."""
    number = review.ref[len(repo) :] if review.ref.startswith(repo) else review.ref
    detail = review_detail(review.extra)
    return md_link(md_text(number, 80), review.url) + (f" ({detail})" if detail else "")


_DECISIONS = {"APPROVED": "approved", "CHANGES_REQUESTED": "changes requested"}


def _state_list(extra: Mapping[str, Any]) -> list[str]:
    value = extra.get("review_states") or extra.get("states") or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [str(s).upper().replace(" ", "_") for s in value]


def _states(extra: Mapping[str, Any]) -> set[str]:
    return set(_state_list(extra))


def _count(extra: Mapping[str, Any]) -> int:
    for key in ("review_comments", "comments", "comment_count"):
        value = _number(extra.get(key))
        if value is not None:
            return int(value)
    return 0


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
