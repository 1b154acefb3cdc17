"""One Markdown line per piece of evidence. Upstream text never breaks the Markdown."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import quote, urlsplit

from collector.progress.artifacts import Artifact
from collector.textsafe import clean

_SPECIAL = re.compile(r"([\\`*_\[\]<>~])")
_PR_VERBS = {"merged": "Merged", "open": "Open", "opened": "Open", "closed": "Closed"}
_KIND_NOUNS = {
    "pull_request": ("pull request", "pull requests"),
    "review": ("review given", "reviews given"),
    "design_doc": ("design doc", "design docs"),
    "ticket": ("ticket", "tickets"),
    "mentoring": ("mentoring session", "mentoring sessions"),
    "endorsement": ("endorsement", "endorsements"),
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
        new = artifact.state.lower() == "added" or (
            since is not None and artifact.created_day is not None and artifact.created_day >= since
        )
        return f"Design doc {ref} ({'new' if new else 'updated'})"
    if artifact.kind == "ticket":
        verb = "Closed" if artifact.is_closed_ticket else "Ticket"
        return f"{verb} {ticket_label(artifact)}"
    if artifact.kind == "review":
        verdict = review_verdict(artifact.extra)
        return f'Reviewed {ref} "{title}"' + (f" ({verdict})" if verdict else "")
    kind = md_text(artifact.kind.replace("_", " ").capitalize(), 40)
    return f'{kind} {ref} "{title}"'


def _manual_line(artifact: Artifact) -> str:
    kind = md_text(artifact.kind.replace("_", " ").capitalize(), 40)
    title = md_link(f'"{md_text(artifact.title)}"', artifact.url)
    line = f"{kind} {title}"
    if artifact.endorser:
        line = f"{kind} from {md_text(artifact.endorser, 80)}: {title}"
    if artifact.outcome:
        line += f" — outcome: {md_text(artifact.outcome, 300)}"
    return line


def review_verdict(extra: Mapping[str, Any]) -> str:
    states = _states(extra)
    if "CHANGES_REQUESTED" in states:
        return "changes requested"
    if "APPROVED" in states or extra.get("approved") is True:
        return "approved"
    return "commented" if states else ""


def reviews_summary(reviews: Sequence[Artifact]) -> str:
    """`Reviewed 7 pull requests: 4 approvals, 2 change requests, 11 comments (acme/a, acme/b)`."""
    # A review round can both request changes and, later, approve: it counts for both.
    approvals = sum(
        1 for r in reviews if "APPROVED" in _states(r.extra) or r.extra.get("approved") is True
    )
    changes = sum(1 for r in reviews if "CHANGES_REQUESTED" in _states(r.extra))
    comments = sum(_count(r.extra) for r in reviews)
    parts = [
        plural(count, noun)
        for count, noun in (
            (approvals, "approval"),
            (changes, "change request"),
            (comments, "comment"),
        )
        if count
    ]
    repos = sorted({r.repo for r in reviews if r.repo})
    shown = ", ".join(md_text(r, 80) for r in repos[:5])
    if len(repos) > 5:
        shown += f", +{len(repos) - 5} more"
    line = f"Reviewed {plural(len(reviews), 'pull request')}" + (
        f": {', '.join(parts)}" if parts else ""
    )
    return line + (f" ({shown})" if shown else "")


def _states(extra: Mapping[str, Any]) -> set[str]:
    value = extra.get("review_states") or extra.get("states") or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return set()
    return {str(s).upper().replace(" ", "_") for s in value}


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
