"""Make upstream text safe to show on a terminal: titles come from other people."""

from __future__ import annotations

import re

# ANSI CSI/OSC sequences and every C0/C1 control character except tab and newline.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str | None, *, one_line: bool = True) -> str:
    """Text without escape sequences or control characters (newlines folded if one_line)."""
    if not text:
        return ""
    text = _CONTROLS.sub("", _ESCAPES.sub("", text))
    if one_line:
        text = " ".join(text.split())
    return text
