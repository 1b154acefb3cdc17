"""`--redact private` leaves nothing of a private repository in any format."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_data import CONFIG, PRIVATE_DRAFT, PRIVATE_REPO, PRIVATE_REVIEW_TITLE, PRIVATE_TITLE
from export_support import export
from fakes.fixed_ledger import write_settings

from collector.config import Settings
from collector.export import ExportFormat, ExportOptions
from collector.export.private import PRIVATE_REPO as NEUTRAL_REPO
from collector.export.private import Redaction, is_private
from collector.ledger import Ledger

SECRETS = (PRIVATE_REPO, "secret-payroll", "secret\\-payroll", PRIVATE_TITLE, PRIVATE_REVIEW_TITLE)


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_redacted_exports_hold_no_private_name_or_title(
    fixed_ledger: Ledger, ex_settings: Settings, fmt: ExportFormat
) -> None:
    plain = export(fixed_ledger, ex_settings, fmt, ExportOptions(include_suggested=True))
    assert PRIVATE_REPO in plain and PRIVATE_TITLE in plain  # the test can fail
    options = ExportOptions(include_suggested=True, redact_private=True)
    text = export(fixed_ledger, ex_settings, fmt, options)
    for secret in SECRETS:
        assert secret not in text, (fmt, secret)
    assert NEUTRAL_REPO in text
    # Public work is still named.
    assert "acme/checkout" in text and "Structured logging for checkout" in text


def test_free_text_loses_private_links_titles_and_names() -> None:
    redaction = Redaction(frozenset({PRIVATE_REPO}), frozenset({PRIVATE_TITLE}))
    text = redaction.text(PRIVATE_DRAFT) or ""
    assert 'Merged private repository#7 "private work" (+40/−10)' in text
    assert "https://" not in text
    keep = "See [acme/checkout#1](https://github.example/acme/checkout/pull/1)"
    assert redaction.text(keep) == keep


def test_redaction_only_when_asked() -> None:
    off = Redaction(frozenset({PRIVATE_REPO}), frozenset({PRIVATE_TITLE}), enabled=False)
    assert off.text(PRIVATE_DRAFT) == PRIVATE_DRAFT


@pytest.mark.parametrize(
    ("extra", "private"),
    [
        ({"private": True}, True),
        ({"visibility": "PRIVATE"}, True),
        ({"visibility": "internal"}, True),
        ({"visibility": "public"}, False),
        ({"private": "yes"}, False),
        ({}, False),
        (None, False),
    ],
)
def test_private_flags(extra: dict[str, object] | None, private: bool) -> None:
    assert is_private(extra) is private


def test_many_private_titles_only_present_ones_replaced() -> None:
    titles = frozenset({f"Secret project number {n}" for n in range(3000)} | {PRIVATE_TITLE})
    redaction = Redaction(frozenset({PRIVATE_REPO}), titles)
    text = f"Shipped {PRIVATE_TITLE}; then Secret project number 2999, see acme/public#1."
    assert redaction.text(text) == ("Shipped private work; then private work, see acme/public#1.")


JIRA_SOURCE = """
[[sources]]
name = "jira"
type = "jira"
base_url = "https://jira.acme.example"
token_env = "JIRA_TOKEN"
deployment = "server"
private = true
"""


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_a_source_configured_private_has_every_item_redacted(
    fixed_ledger: Ledger, tmp_path: Path, ledger_url: str, fmt: ExportFormat
) -> None:
    # A company's Jira knows no public or private projects: the user says so once.
    private_jira = write_settings(tmp_path, CONFIG + JIRA_SOURCE, ledger_url)
    options = ExportOptions(include_suggested=True, redact_private=True)
    plain = export(fixed_ledger, private_jira, fmt, ExportOptions(include_suggested=True))
    assert "Trace checkout latency" in plain  # the test can fail

    text = export(fixed_ledger, private_jira, fmt, options)

    assert "Trace checkout latency" not in text and "/browse/CORE-118" not in text
    assert "acme/checkout" in text  # GitHub work is not private
