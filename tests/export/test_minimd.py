"""The HTML export's renderer of growthmap's own Markdown: structure right, nothing raw."""

from __future__ import annotations

import pytest

from collector.export.minimd import inline, render_blocks
from collector.progress.lines import md_link, md_text


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("plain & simple", "plain &amp; simple"),
        (md_text("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<b>raw</b>", "&lt;b&gt;raw&lt;/b&gt;"),
        ("**Goal:** ship *it*", "<strong>Goal:</strong> ship <em>it</em>"),
        ("_as of today_", "<em>as of today</em>"),
        ("snake_case_name", "snake_case_name"),
        ("`a <b> c`", "<code>a &lt;b&gt; c</code>"),
        (
            md_link(md_text("acme/x#1"), "https://example.com/a?b=1&c=2"),
            '<a href="https://example.com/a?b=1&amp;c=2">acme/x#1</a>',
        ),
        ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),
        ("[click](javascript:alert)", "click"),
        (
            '[x](https://e.example/"onmouseover=y)',
            '<a href="https://e.example/&quot;onmouseover=y">x</a>',
        ),
        ("[x] done", "[x] done"),
        ("**unclosed", "<strong>unclosed</strong>"),
    ],
)
def test_inline(markdown: str, html: str) -> None:
    assert inline(markdown) == html


def test_blocks() -> None:
    text = "## Title\n\n- one\n- two\n\n1. first\n2. second\n\nline one  \nline two\n\n---\n"
    assert render_blocks(text) == (
        "<h2>Title</h2>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        "<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n"
        "<p>line one<br>\nline two</p>\n<hr>"
    )


def test_task_list_boxes() -> None:
    assert render_blocks("- [x] cycle (1)\n- [ ] first artifact") == (
        "<ul>\n<li>☑ cycle (1)</li>\n<li>☐ first artifact</li>\n</ul>"
    )


def test_fenced_code_is_verbatim_and_escaped() -> None:
    html = render_blocks("```\n<script>x</script>\n**not bold**\n```\nafter")
    assert html == (
        "<pre><code>\n&lt;script&gt;x&lt;/script&gt;\n**not bold**\n</code></pre>\n<p>after</p>"
    )
