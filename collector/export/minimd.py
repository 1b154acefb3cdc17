"""A small, fast Markdown-to-HTML renderer for the Markdown growthmap itself generates
(headings, lists, paragraphs, rules, links, emphasis, code, backslash escapes): a year of
evidence is 20,000 lines, which a full CommonMark parser renders too slowly.

Safe by construction: every character of text goes through `html.escape`, a link becomes
an anchor only when its target is an http(s) URL, and nothing else makes a tag."""

from __future__ import annotations

import re
from html import escape

from collector.progress.lines import LINE_MARK, unmarked

_HEADING = re.compile(r"^(#{1,6}) +(.*?)\s*$")
_BULLET = re.compile(r"^[-*+] +(.*)$")
_NUMBERED = re.compile(r"^\d{1,9}[.)] +(.*)$")
_RULE = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ESCAPABLE = frozenset("\\`*_{}[]()#+-.!<>~|\"'")
_TASK = {"[x] ": "☑ ", "[X] ": "☑ ", "[ ] ": "☐ "}
_LINK_TAIL = re.compile(r"\]\(([^()\s]*)\)")


class _Blocks:
    def __init__(self, memo: dict[str, str] | None) -> None:
        self.out: list[str] = []
        self.paragraph: list[str] = []
        self.items: list[str] = []
        self.kind = ""
        self.memo = memo

    def inline(self, text: str) -> str:
        """`inline`, each part between LINE_MARKs rendered once for the whole `memo`."""
        memo = self.memo
        if memo is None or LINE_MARK not in text:
            return inline(text)
        html = []
        for part in text.split(LINE_MARK):
            found = memo.get(part)
            if found is None:
                found = memo[part] = inline(part)
            html.append(found)
        return "".join(html)

    def close(self) -> None:
        if self.paragraph:
            lines = self.paragraph
            html = "".join(
                self.inline(line[:-2]) + "<br>\n"
                if line.endswith("  ")
                else self.inline(line) + "\n"
                for line in lines
            )
            self.out.append(f"<p>{html.rstrip()}</p>")
            self.paragraph = []
        if self.items:
            body = "".join(f"<li>{item}</li>\n" for item in self.items)
            self.out.append(f"<{self.kind}>\n{body}</{self.kind}>")
            self.items = []

    def item(self, kind: str, text: str) -> None:
        if self.paragraph or (self.items and self.kind != kind):
            self.close()
        self.kind = kind
        box = _TASK.get(text[:4])
        self.items.append(box + self.inline(text[4:]) if box else self.inline(text))

    def line(self, line: str) -> None:
        if line[:2] == "- " and line[2:3] not in ("", " ", "-", "*", "_"):
            self.item("ul", line[2:])  # most lines growthmap writes: no rule, one space
        elif not line.strip():
            self.close()
        elif heading := _HEADING.match(line):
            self.close()
            level = len(heading.group(1))
            self.out.append(f"<h{level}>{self.inline(heading.group(2))}</h{level}>")
        elif _RULE.match(line):
            self.close()
            self.out.append("<hr>")
        elif bullet := _BULLET.match(line):
            self.item("ul", bullet.group(1))
        elif numbered := _NUMBERED.match(line):
            self.item("ol", numbered.group(1))
        elif self.items and line.startswith("  "):  # a list item's continuation
            self.items[-1] += " " + self.inline(line.strip())
        else:
            if self.items:
                self.close()
            self.paragraph.append(line)


def render_blocks(text: str, memo: dict[str, str] | None = None) -> str:
    """Markdown blocks as HTML; fenced code is shown verbatim (escaped). With a `memo`,
    the lines a marked LineBook set between LINE_MARKs are rendered once across calls."""
    blocks = _Blocks(memo)
    fence = ""
    for line in text.splitlines():
        if fence:
            if line.strip().startswith(fence):
                blocks.out.append("</code></pre>")
                fence = ""
            else:
                blocks.out.append(escape(unmarked(line)))
            continue
        opening = _FENCE.match(line)
        if opening:
            blocks.close()
            fence = opening.group(1)
            blocks.out.append("<pre><code>")
            continue
        blocks.line(line)
    if fence:
        blocks.out.append("</code></pre>")
    blocks.close()
    return "\n".join(blocks.out)


_SPECIAL = re.compile(r"[\\`\[*_]")
# A link's label up to its `]`: escaped characters are skipped, a `[` ends the attempt.
_LABEL = re.compile(r"(?:[^\[\]\\]|\\.)*\]", re.DOTALL)


def inline(text: str) -> str:
    """Escapes, code spans, links, `**strong**`, `*em*` / `_em_`; the rest is text."""
    out: list[str] = []
    open_tags: list[str] = []
    i, size = 0, len(text)
    while i < size:
        found = _SPECIAL.search(text, i)
        if found is None:
            out.append(escape(text[i:]))
            break
        start = found.start()
        if start > i:  # plain text up to the next marker, escaped in one go
            out.append(escape(text[i:start]))
        i = _marker(text, start, out, open_tags)
    out += [f"</{tag}>" for tag in reversed(open_tags)]
    return "".join(out)


def _marker(text: str, i: int, out: list[str], open_tags: list[str]) -> int:
    """Render the markup (or literal) at `i`; return where the text goes on."""
    char = text[i]
    if char == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPABLE:
        out.append(escape(text[i + 1]))
        return i + 2
    if char == "`" and (end := text.find("`", i + 1)) > i:
        out.append(f"<code>{escape(text[i + 1 : end])}</code>")
        return end + 1
    if char == "[" and (link := _link(text, i)) is not None:
        out.append(link[0])
        return link[1]
    if text.startswith("**", i):
        out.append(_toggle("strong", open_tags))
        return i + 2
    if char == "*" or (char == "_" and _word_edge(text, i)):
        out.append(_toggle("em", open_tags))
        return i + 1
    out.append(escape(char))
    return i + 1


def _toggle(tag: str, open_tags: list[str]) -> str:
    if open_tags and open_tags[-1] == tag:
        open_tags.pop()
        return f"</{tag}>"
    if tag in open_tags:  # mismatched nesting: show the marker as text
        return "**" if tag == "strong" else "*"
    open_tags.append(tag)
    return f"<{tag}>"


def _word_edge(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not (before.isalnum() and after.isalnum())


def _link(text: str, start: int) -> tuple[str, int] | None:
    """`[label](url)` at `start`: the anchor (or the bare label for an unsafe target)."""
    label_end = _LABEL.match(text, start + 1)
    if label_end is None:  # no `]`, or a `[` first: not a link
        return None
    i = label_end.end() - 1  # at the `]`
    tail = _LINK_TAIL.match(text, i)
    if tail is None:
        return None
    label = inline(text[start + 1 : i])
    target = tail.group(1)
    # An http(s) target only (never javascript: and the like); the attribute is escaped.
    if not target.lower().startswith(("http://", "https://")):
        return label, tail.end()
    html = f'<a href="{escape(target, quote=True)}">{label}</a>'
    return html, tail.end()
