"""Make upstream text safe to show on a terminal: titles come from other people."""

from __future__ import annotations

import json
import re

# ANSI CSI/OSC sequences and every C0/C1 control character except tab and newline.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.")
# Bidi embeddings, overrides and isolates too: they make a title read backwards ("Trojan
# Source"). Plain direction marks stay, right-to-left text needs them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str | None, *, one_line: bool = True) -> str:
    """Text without escape sequences or control characters (newlines folded if one_line)."""
    if not text:
        return ""
    text = _CONTROLS.sub("", _ESCAPES.sub("", text))
    if one_line:
        text = " ".join(text.split())
    return text


# JSON escapes C0 controls itself; these it leaves raw, and a terminal may act on them.
_UNSAFE = [*range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in _UNSAFE}


def json_line(value: object) -> str:
    """`value` as one line of JSON that is safe to print: every character survives, as an
    escape where a terminal would act on it (inside JSON strings, escapes are lossless)."""
    return json.dumps(value, ensure_ascii=False).translate(_JSON_ESCAPES)
