"""The export as one self-contained HTML page: the Markdown sections rendered without raw
HTML and without images, two inline SVG charts, inline CSS with a print stylesheet. A
Content-Security-Policy forbids every fetch, so the page reads the same offline."""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt

from collector.core.textsafe import clean
from collector.export.html_map import MAP_STYLE, growth_map_html
from collector.export.markdown import (
    NO_ENTRIES,
    Section,
    figures,
    log_blocks,
    scope_line,
    sections,
    title_line,
)
from collector.export.minimd import inline, render_blocks
from collector.export.model import ExportModel
from collector.export.svg import evidence_chart, level_chart
from collector.progress.lines import unmarked

# For the engineer's own edits (full CommonMark): raw HTML off (it is shown as text),
# images off (they would be fetched). growthmap's own Markdown goes through `minimd`.
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")

CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'"

STYLE = """
:root { --ink: #0f172a; --muted: #475569; --rule: #e2e8f0; --accent: #2563eb; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.35rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem;
  margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; color: var(--muted); }
.scope { color: var(--muted); margin: 0 0 .8rem; }
ul.figures { display: flex; flex-wrap: wrap; gap: .6rem; list-style: none; padding: 0;
  margin: 0 0 1.1rem; }
ul.figures li { background: #f1f5f9; border-radius: 6px; padding: .45rem .8rem; margin: 0;
  color: var(--muted); font-size: .9rem; }
ul.figures .figure { display: block; font-size: 1.4rem; font-weight: 700; color: var(--ink);
  line-height: 1.2; }
nav ol { display: flex; flex-wrap: wrap; gap: .2rem 1.4rem; list-style: none; padding: 0;
  margin: 0 0 1rem; font-size: .92rem; }
a { color: var(--accent); text-decoration: none; overflow-wrap: anywhere; }
ul, ol { padding-left: 1.3rem; }
li { margin: .15rem 0; }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, monospace; background: #f1f5f9;
  padding: 0 .25em; border-radius: 3px; }
figure { margin: 1rem 0 1.8rem; }
article.entry { border-left: 3px solid var(--rule); padding-left: 1rem; margin: 1.4rem 0; }
article.entry h3 { margin-top: .2rem; }
figcaption { color: var(--muted); font-size: .9rem; margin-bottom: .3rem; }
svg.chart { width: 100%; height: auto; }
svg .axis { stroke: #94a3b8; stroke-width: 1; }
svg .today { stroke: #0f172a; stroke-width: 1; stroke-dasharray: 3 3; }
svg .tick, svg .legend, svg .label { font: 12px system-ui, sans-serif; fill: var(--muted); }
svg .label { fill: var(--ink); }
svg .level { font: bold 11px system-ui, sans-serif; fill: #0f172a; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 11pt; max-width: none; padding: 0; }
  nav { display: none; }
  section { break-before: page; page-break-before: always; }
  section:first-of-type { break-before: auto; page-break-before: auto; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  li, figure { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; }
}
"""


def render_html(model: ExportModel) -> str:
    growth_map, *rest = sections(model)
    charts = Section("charts", "Charts", "")
    # The overview first: the skills with their progress, then the shape of the period.
    ordered = [growth_map, charts, *rest]
    memo: dict[str, str] = {}  # each artifact's line as HTML, for every section naming it
    body = [_section(s, model, memo) for s in ordered]
    nav = "".join(f'<li><a href="#{s.id}">{inline(s.title)}</a></li>' for s in ordered)
    header = (
        f"<h1>{inline(title_line(model))}</h1>\n"
        f'<p class="scope">{inline(scope_line(model))}</p>\n{_figures(model)}'
    )
    return html_page(
        f"Evidence for review · {model.owner_name}",
        header,
        f'<nav aria-label="Sections"><ol>{nav}</ol></nav>\n' + "\n".join(body),
        style=MAP_STYLE,
    )


def html_page(title: str, header: str, body: str, *, style: str = "") -> str:
    """The self-contained page every HTML output of growthmap is: the CSP that forbids
    every fetch, no referrer, the stylesheet with its print rules (and `style`). `title`
    is plain text; `header` and `body` are HTML."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(clean(title))}</title>\n<style>{STYLE}{style}</style>\n</head>\n"
        f"<body>\n<header>\n{header}</header>\n{body}\n</body>\n</html>\n"
    )


def _figures(model: ExportModel) -> str:
    """The period at a glance, as a row of figures."""
    cells = "".join(
        f'<li><span class="figure">{number}</span> {escape(label)}</li>'
        for number, label in figures(model)
    )
    return f'<ul class="figures" aria-label="At a glance">{cells}</ul>\n'


def _section(section: Section, model: ExportModel, memo: dict[str, str]) -> str:
    heading = f"<h2>{inline(section.title)}</h2>"
    if section.id == "charts":
        content = (
            "<figure><figcaption>Evidence per week per destination (distinct artifacts)"
            f"</figcaption>\n{evidence_chart(model)}</figure>\n"
            "<figure><figcaption>Skill levels over time</figcaption>\n"
            f"{level_chart(model)}</figure>"
        )
    elif section.id == "growth-map":
        content = growth_map_html(model.growth_map, with_suggested=model.options.include_suggested)
    elif section.id == "log":
        blocks = log_blocks(model)
        content = "\n".join(
            '<article class="entry">'
            + (_MD.render(unmarked(text)) if edited else render_blocks(text, memo))
            + "</article>"
            for edited, text in blocks
        ) or render_blocks(NO_ENTRIES)
    else:
        content = render_blocks(section.body, memo)
    return f'<section id="{escape(section.id)}">\n{heading}\n{content}\n</section>'
