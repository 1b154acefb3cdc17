"""The brief as Markdown, and as one self-contained HTML page (the export's page shell:
its Content-Security-Policy forbids every fetch)."""

from __future__ import annotations

from html import escape

from collector.brief.model import LINKS_SHOWN, Backing, Brief, Section, Sentence
from collector.export.html import html_page
from collector.export.minimd import inline, render_blocks
from collector.progress.lines import md_link, md_text
from collector.progress.weeks import date_label

# One page: sections follow each other when printed (the export starts each on a page).
BRIEF_STYLE = """
section h2 { margin-top: 1.4rem; }
@media print {
  section { break-before: auto; page-break-before: auto; }
}
"""


def title_line(brief: Brief) -> str:
    return f"Brief · {md_text(brief.owner)}"


def scope_line(brief: Brief) -> str:
    parts = [brief.period.text()[:1].upper() + brief.period.text()[1:]]
    parts.append(f"as of {date_label(brief.as_of)}")
    parts.append("drafted from the ledger's evidence and your own notes")
    if brief.redacted:
        parts.append("private repositories redacted")
    return " · ".join(parts)


def render_brief_markdown(brief: Brief) -> str:
    parts = [f"# {title_line(brief)}", "", f"_{scope_line(brief)}_"]
    for section in brief.sections:
        parts += ["", f"## {section.title}", "", section_markdown(section)]
    return "\n".join(parts) + "\n"


def section_markdown(section: Section) -> str:
    if not section.sentences:
        return section.empty
    return "\n".join(f"- {sentence_markdown(s)}" for s in section.sentences)


def sentence_markdown(sentence: Sentence) -> str:
    """The sentence, then what backs it in brackets: `(acme/checkout#412, CORE-118)`."""
    end = "" if sentence.text.endswith((".", "!", "?")) else "."
    return f"{sentence.text}{end} ({backing_markdown(sentence.backing)})"


def backing_markdown(backing: tuple[Backing, ...]) -> str:
    shown = [md_link(b.label, b.url) for b in backing[:LINKS_SHOWN]]
    more = len(backing) - LINKS_SHOWN
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def render_brief_html(brief: Brief) -> str:
    header = (
        f'<h1>{inline(title_line(brief))}</h1>\n<p class="scope">{inline(scope_line(brief))}</p>\n'
    )
    body = "\n".join(
        f'<section id="{escape(s.id)}">\n<h2>{inline(s.title)}</h2>\n'
        f"{render_blocks(section_markdown(s))}\n</section>"
        for s in brief.sections
    )
    return html_page(f"Brief · {brief.owner}", header, body, style=BRIEF_STYLE)
