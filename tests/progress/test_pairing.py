"""Pairing on the growth map: who the engineer paired with this cycle, in which
repositories and for which skills, and a suggestion to rotate when every pairing of the
last six weeks was with one person or in one repository."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fakes.github_data import generate
from fakes.github_harness import serving, write_config
from pairing_data import add_pairings, add_session, pairing
from progress_data import CONFIG, NOW
from sqlalchemy import select
from typer.testing import CliRunner

from collector.cli import app
from collector.config import Settings, load_settings
from collector.ledger import Ledger, open_ledger
from collector.ledger.models import ItemRow
from collector.progress import build_growth_map, render_map_markdown, render_map_text

TODAY = NOW.date()  # Wednesday 25 Nov 2026, week 4 of cycle 1 (from 2 Nov)
GRACE = ("Grace Hopper", "grace@acme.example")
LINUS = ("Linus", "linus@acme.example")
LONG_NAME = ("Grace Brewster Murray Hopper", "grace@acme.example")


def page(ledger: Ledger, settings: Settings) -> tuple[str, str]:
    with ledger.read() as session:
        view = build_growth_map(session, settings, TODAY)
    return render_map_text(view), render_map_markdown(view)


def test_partners_with_their_repositories_and_skills(
    fixed_ledger: Ledger, gm_settings: Settings
) -> None:
    add_pairings(
        fixed_ledger,
        [
            pairing(*GRACE, "acme/checkout#412", "2026-11-18T10:00:00"),
            pairing(*GRACE, "acme/payments#20", "2026-11-10T10:00:00"),
            pairing(*LINUS, "acme/deploy#7", "2026-11-05T10:00:00"),
            # Before the cycle: not shown.
            pairing(
                "Barbara Liskov", "bl@acme.example", "acme/checkout#303", "2026-10-27T10:00:00"
            ),
        ],
        mapped={"acme/checkout#412:pairing:grace": "mentoring"},
    )
    add_session(fixed_ledger, "Grace Hopper", TODAY, "retry budgets")
    text, markdown = page(fixed_ledger, gm_settings)
    block = text.split("\nPairing this cycle\n", 1)[1].split("\n\n", 1)[0]
    assert block.splitlines() == [
        "  Grace Hopper: 3 pairings · acme/checkout, acme/payments · Mentoring and feedback",
        "  Linus: 1 pairing · acme/deploy",
    ]
    assert "Barbara" not in text and "rotate" not in text  # two partners, three repositories
    assert "## Pairing this cycle\n\n- Grace Hopper: 3 pairings · acme/checkout, " in markdown
    assert max(len(line) for line in text.splitlines()) <= 100


def test_every_pairing_with_one_person_suggests_rotating(
    fixed_ledger: Ledger, gm_settings: Settings
) -> None:
    add_pairings(
        fixed_ledger,
        [
            pairing(*GRACE, "acme/checkout#412", "2026-11-18T10:00:00"),
            pairing(*GRACE, "acme/payments#20", "2026-11-10T10:00:00"),
        ],
    )
    add_session(fixed_ledger, "grace  hopper", TODAY)  # the same person, however typed
    text, markdown = page(fixed_ledger, gm_settings)
    rotation = (
        "↻ every pairing in the last 6 weeks (3) was with Grace Hopper: rotate, pair with "
        "someone else"
    )
    assert f"  {rotation}" in text
    assert f"\n{rotation}" in markdown


def test_every_pairing_in_one_repository_suggests_rotating(
    fixed_ledger: Ledger, gm_settings: Settings
) -> None:
    add_pairings(
        fixed_ledger,
        [
            pairing(*GRACE, "acme/checkout#412", "2026-11-18T10:00:00"),
            pairing(*LINUS, "acme/checkout#302", "2026-11-10T10:00:00"),
        ],
    )
    text, _ = page(fixed_ledger, gm_settings)
    assert "was in acme/checkout: rotate, pair on another repository" in " ".join(text.split())


def test_one_pairing_or_a_varied_six_weeks_suggests_nothing(
    fixed_ledger: Ledger, gm_settings: Settings
) -> None:
    add_pairings(
        fixed_ledger,
        [pairing(*GRACE, "acme/checkout#412", "2026-11-18T10:00:00")],
    )
    text, _ = page(fixed_ledger, gm_settings)
    assert "Grace Hopper: 1 pairing · acme/checkout" in text and "rotate" not in text
    # A session by hand names no repository: the repositories then prove nothing.
    add_session(fixed_ledger, "Linus", TODAY)
    text, _ = page(fixed_ledger, gm_settings)
    assert "rotate" not in text


def test_no_pairing_shows_nothing(fixed_ledger: Ledger, gm_settings: Settings) -> None:
    text, markdown = page(fixed_ledger, gm_settings)
    assert "Pairing" not in text and "Pairing" not in markdown


def test_a_long_partner_list_wraps_within_100_columns(
    fixed_ledger: Ledger, gm_settings: Settings
) -> None:
    repos = [f"acme/a-rather-long-repository-name-{n}" for n in range(5)]
    items = [
        pairing(*LONG_NAME, f"{repo}#{n}", "2026-11-18T10:00:00") for n, repo in enumerate(repos)
    ]
    add_pairings(fixed_ledger, items)
    text, _ = page(fixed_ledger, gm_settings)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    start = lines.index("Pairing this cycle")
    joined = " ".join(line.strip() for line in lines[start + 1 : start + 4])
    assert joined.startswith("Grace Brewster Murray Hopper: 5 pairings · acme/a-rather-long-")
    assert all(repo in joined for repo in repos)  # wrapped, never cut


def _export(ledger: Ledger, settings: Settings, *, redact: bool) -> str:
    from collector.export import ExportFormat, ExportOptions, export_bytes, resolve_period

    period = resolve_period(
        since=None, until=None, cycle=1, quarter=None,
        cycles=list(settings.growth_map.cycles), zone=settings.owner.zone, now=NOW,
    )  # fmt: skip
    options = ExportOptions(redact_private=redact, with_rules=False)
    with ledger.read() as session:
        data = export_bytes(session, settings, period, options, TODAY, ExportFormat.md)
    return data.decode()


def test_the_exports_map_names_partners_but_not_private_work(
    fixed_ledger: Ledger, gm_settings: Settings
) -> None:
    add_pairings(
        fixed_ledger,
        [
            pairing(*GRACE, "acme/checkout#412", "2026-11-18T10:00:00"),
            pairing("Ken", "ken@acme.example", "acme/vault#3", "2026-11-19T10:00:00", private=True),
        ],
        mapped={"acme/vault#3:pairing:ken": "mentoring"},
    )
    plain = _export(fixed_ledger, gm_settings, redact=False)
    section = plain.split("### Pairing this cycle\n\n", 1)[1].split("\n\n", 1)[0]
    assert section.splitlines() == [
        "- Grace Hopper: 1 pairing · acme/checkout",
        "- Ken: 1 pairing · acme/vault · Mentoring and feedback",
    ]
    redacted = _export(fixed_ledger, gm_settings, redact=True)
    section = redacted.split("### Pairing this cycle\n\n", 1)[1].split("\n\n", 1)[0]
    assert section.splitlines() == [
        "- a colleague: 1 pairing · private repository · Mentoring and feedback",
        "- Grace Hopper: 1 pairing · acme/checkout",
    ]
    assert "Ken" not in redacted and "vault" not in redacted


def test_pairings_collected_from_the_fake_github_show_on_the_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end: `Co-authored-by:` trailers collected by the pairing stream, on the map
    as one line per partner, with the count of their pairing items."""
    dataset = generate(owner_prs=30, other_prs=20)
    monkeypatch.setenv("GITHUB_TOKEN", "owner-token")
    with serving(dataset) as fake:
        config = write_config(tmp_path, fake)
        result = CliRunner().invoke(
            app, ["collect", "--config", str(config), "--since", "2026-08-01"]
        )
        assert result.exit_code == 0, result.stderr
    settings = load_settings(config, env={})
    ledger = open_ledger(settings.ledger_url, settings.owner.key)
    try:
        with ledger.read() as session:
            items = session.scalars(select(ItemRow).where(ItemRow.kind == "pairing")).all()
            assert items, "the fake's plans pair the owner with colleagues"
            today = max(i.occurred_at for i in items).date()
            view = build_growth_map(session, settings, today)
    finally:
        ledger.close()
    window = today - timedelta(weeks=6, days=-1)
    recent = [i for i in items if i.occurred_at.date() >= window]
    expected: dict[str, int] = {}
    for row in recent:
        expected[row.extra["partner"]] = expected.get(row.extra["partner"], 0) + 1
    text = render_map_text(view)
    assert view.pairing is not None and "\nPairing in the last 6 weeks\n" in text
    assert {p.name: p.pairings for p in view.pairing.partners} == expected
    for name, count in expected.items():
        assert f"  {name}: {count} pairing" in text


def test_a_pairing_for_a_skill_the_map_lacks_names_the_closest(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    config.write_text(CONFIG.replace("[owner]", f'[ledger]\nurl = "{url}"\n\n[owner]', 1))
    base = ["add", "pairing", "--with", "Grace", "--date", "2026-11-19", "--config", str(config)]
    result = CliRunner().invoke(app, [*base, "--destination", "B", "--skill", "mentorng"])
    assert result.exit_code == 2
    assert "destination B has no skill 'mentorng'" in result.stderr
    assert "the closest is 'mentoring'" in result.stderr
    result = CliRunner().invoke(app, [*base, "--destination", "b", "--skill", "mentoring"])
    assert result.exit_code == 2 and "the closest is 'B'" in result.stderr
