"""`safe_url`'s fast path (no urlsplit for bracket-free URLs, added for exports of a year
of evidence) decides exactly as urlsplit does."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from collector.core.textsafe import clean
from collector.progress.lines import safe_url


def reference(url: str | None) -> str | None:
    if not url:
        return None
    value = clean(url)
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https"):
        return None
    return quote(value, safe="/:?#=&%+@;,.~-_!$'*")


PREFIXES = st.sampled_from(["http://", "HTTPS://", "https:", "javascript:", "//", "", "h ttp:"])


@given(PREFIXES, st.text(max_size=30))
def test_fast_path_matches_urlsplit(prefix: str, rest: str) -> None:
    assert safe_url(prefix + rest) == reference(prefix + rest)


def test_known_cases() -> None:
    assert safe_url("https://github.example/a/pull/1") == "https://github.example/a/pull/1"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://[bad/x") is None
