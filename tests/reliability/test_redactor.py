"""The redactor on its own: every derived form of a credential it is built with, from the
settings and the environment, is masked wherever it sits in a text, cut short or whole;
ordinary text passes untouched; it never fails, whatever the text."""

from __future__ import annotations

import base64
import io
import json
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collector.config import load_settings
from collector.core.credentials import MASK, Credential, Redactor, redacted_output
from reliability.harness import write_config
from reliability.leaks import WINDOW, forbidden_forms, leaks

TOKEN = "ATATT" + "3xFfGF0R3dact0rS3cretT0ken=0A1B2C3D"  # a fake, split so scanners pass it
EMAIL = "alice@example.com"
BASIC = "Basic " + base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
LEDGER_PASSWORD = "pg-Pa55word-0f-the-ledger"


@pytest.fixture
def redact(tmp_path: Path) -> Redactor:
    """Built as the commands build it: from a config with a Jira Cloud source (its
    `email`) on a PostgreSQL ledger with a password, and the environment."""
    config = write_config(
        tmp_path,
        '[[sources]]\nname = "jira"\ntype = "jira"\nbase_url = "https://x.atlassian.net"\n'
        f'token_env = "JIRA_TOKEN"\nemail = "{EMAIL}"\n',
        ledger_url=f"postgresql+psycopg://ada:{quote(LEDGER_PASSWORD)}@db.example/growthmap",
    )
    env = {"JIRA_TOKEN": TOKEN + "\n", "PGPASSWORD": "from-the-environment-42", "HOME": "/home/ada"}
    return Redactor.for_settings(load_settings(config, env), env)


def test_each_derived_form_of_the_jira_cloud_credential_is_masked(redact: Redactor) -> None:
    forbidden = forbidden_forms(TOKEN, {BASIC}, [EMAIL])
    texts = {
        "header": f"Authorization: {BASIC}",
        "json": json.dumps({"request_headers": {"Authorization": BASIC}}),
        "json with escaped slashes": json.dumps({"h": BASIC}).replace("/", "\\/"),
        "url-encoded": "echo?auth=" + quote(BASIC, safe=""),
        "form-encoded": "auth=" + quote_plus(BASIC),
        "lower-case escapes": quote(BASIC, safe="").lower(),
        "html": f"<pre>Authorization: {BASIC}</pre>",
        "bearer": f"Bearer {TOKEN}",
        "token": f"Authorization: token {TOKEN}",
        "base64 alone": base64.b64encode(TOKEN.encode()).decode(),
        "url-safe base64": base64.urlsafe_b64encode(f"{EMAIL}:{TOKEN}".encode()).decode(),
        "repr": repr({"token": TOKEN}),
    }
    # base64(user:token) for users no config names, at each of base64's alignments, and
    # with no `Basic` before it to give it away.
    for user in ("", "x", "ab", "x-access-token", "oauth2"):
        pair = base64.b64encode(f"{user}:{TOKEN}".encode()).decode()
        texts[f"{user!r}:token"] = f"credentials={pair}"
        texts[f"token:{user!r}"] = base64.b64encode(f"{TOKEN}:{user}".encode()).decode()
    shown = {name: redact(text) for name, text in texts.items()}
    assert leaks(shown, forbidden) == {}
    assert all(MASK in text for text in shown.values()), shown
    assert shown["header"] == f"Authorization: Basic {MASK}"
    assert shown["bearer"] == f"Bearer {MASK}"


@pytest.mark.parametrize("form", [TOKEN, BASIC, quote(BASIC, safe="")])
def test_a_form_cut_short_at_any_length_keeps_no_part_of_the_secret(
    redact: Redactor, form: str
) -> None:
    """A message limited to N characters (Jira's 300, `status`'s 120) may end anywhere."""
    forbidden = forbidden_forms(TOKEN, {BASIC}, [EMAIL])
    for cut in range(len(form) + 1):
        for shown in (form[:cut] + "…", "…" + form[cut:]):
            assert leaks({shown: redact(shown)}, forbidden) == {}, (cut, redact(shown))


def test_the_ledger_password_and_credential_variables_are_known_other_variables_not(
    redact: Redactor,
) -> None:
    text = f"could not connect as ada:{LEDGER_PASSWORD} (from-the-environment-42) in /home/ada"
    assert redact(text) == f"could not connect as ada:{MASK} ({MASK}) in /home/ada"
    assert redact(quote(LEDGER_PASSWORD)) == MASK


def test_credentials_of_unknown_origin_are_masked_by_their_shape() -> None:
    redact = Redactor()
    texts = {
        "Authorization: Basic dXNlcjpwYXNzd29yZDEyMzQ1Njc4OQ==": "Authorization: Basic ***",
        '{"Private-Token": "glpat-UnknownT0kenValue99"}': '{"Private-Token": "***"}',
        "proxy-authorization=Bearer abcdefghijklmnop1234": "proxy-authorization=Bearer ***",
        "Cookie: JSESSIONID=ABCDEF0123456789; atlassian.xsrf.token=x": "Cookie: ***",
        "sent Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig123 to": "sent Bearer *** to",
    }
    for text, expected in texts.items():
        assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Basic authentication is disabled on this site",
        "the token lacks a scope or SSO authorization for this",
        "Authorization: the token expired",
        "Bearer tokens are accepted; cookie banner fixed",
        "source jira: http://127.0.0.1:8080 rejected the credentials (HTTP 401 on myself)",
        "Fix the basic-auth fallback in 2026-W07 (#1234)",
    ],
)
def test_ordinary_text_passes_untouched(redact: Redactor, text: str) -> None:
    assert redact(text) == text


def test_short_values_are_not_taken_for_secrets() -> None:
    redact = Redactor([Credential("abc12", ("ada",)), ""])
    assert redact("abc12 is a branch") == "abc12 is a branch"


def test_a_latin1_token_is_masked_in_basic_auth_as_requests_encodes_it() -> None:
    token = "pässwörd-0123456789"
    redact = Redactor([Credential(token, ("ada",))])
    sent = base64.b64encode(b"ada:" + token.encode("latin-1")).decode()
    assert redact(f"Authorization: Basic {sent}") == f"Authorization: Basic {MASK}"


def test_bytes_are_redacted_and_other_bytes_kept() -> None:
    redact = Redactor([TOKEN])
    assert redact.redact_bytes(b"\xff " + TOKEN.encode() + b" \xfe") == b"\xff *** \xfe"
    data = b"\xff\xfe plain bytes, nothing to mask"
    assert redact.redact_bytes(data) is data


def test_everything_written_to_stdout_and_stderr_passes_through_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    redact = Redactor([Credential(TOKEN, (EMAIL,))])
    with redacted_output(lambda: redact):
        print("token", TOKEN)
        print(f"error: {BASIC}", file=sys.stderr)
        sys.stdout.flush()
        sys.stdout.buffer.write(f"export {TOKEN}\n".encode())
        sys.stdout.writelines([TOKEN, "\n"])
    assert (sys.stdout, sys.stderr) == (out, err)  # put back
    out.flush()
    written = out.buffer.getvalue().decode()  # type: ignore[attr-defined]
    assert TOKEN not in written and written.count(MASK) == 3
    assert err.getvalue() == f"error: Basic {MASK}\n"


@settings(max_examples=300, deadline=None)
@given(
    before=st.text(st.characters(exclude_categories=())),
    after=st.text(st.characters(exclude_categories=())),
    form=st.sampled_from(
        [TOKEN, BASIC, quote(BASIC, safe=""), base64.b64encode(TOKEN.encode()).decode()]
    ),
    cut=st.integers(min_value=0, max_value=200),
)
def test_whatever_surrounds_a_form_no_window_of_the_secret_survives(
    before: str, after: str, form: str, cut: int
) -> None:
    redact = Redactor([Credential(TOKEN, (EMAIL,))])
    shown = redact(before + form[: max(cut, WINDOW)] + after)
    forbidden = {f for f in forbidden_forms(TOKEN, {BASIC}, [EMAIL]) if f not in before + after}
    assert leaks({"shown": shown}, forbidden) == {}
