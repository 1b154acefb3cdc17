"""Pairing from commit messages, whatever the platform: trailers read as git reads them,
the owner told apart from partners, partners counted once, the item's date."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from fakes.pairing_keys import partner_key

from connectors.pairing import Change, OwnerIdentity, PairedCommit, pairing_items, partners
from connectors.trailers import Person, co_authors, parse_person, trailers

OWNER = OwnerIdentity.of(
    "octo", ["Octo Cat"], ["octo.cat@corp.example", "1+octo@users.noreply.github.com"]
)
T0 = datetime(2026, 9, 1, tzinfo=UTC)

MESSAGES = {
    "two, keys in any case": (
        "Title\n\nBody\n\nCo-authored-by: Ada <ada@x.io>\nco-AUTHORED-by: Bob",
        [("Co-authored-by", "Ada <ada@x.io>"), ("co-AUTHORED-by", "Bob")],
    ),
    "no blank line after the title": ("Title\nCo-authored-by: Ada <ada@x.io>", []),
    "a line of prose in the last paragraph": (
        "Title\n\nPaired today.\nCo-authored-by: Ada <ada@x.io>",
        [],
    ),
    "prose beside a sign-off, a quarter trailers": (
        "Title\n\nPaired today.\nSigned-off-by: Z <z@z.io>\nCo-authored-by: Ada <ada@x.io>",
        [("Signed-off-by", "Z <z@z.io>"), ("Co-authored-by", "Ada <ada@x.io>")],
    ),
    "GitHub's squash divider": (
        "Title (#4)\n\n* one\n\n---------\n\nCo-authored-by: Ada <ada@x.io>\n",
        [("Co-authored-by", "Ada <ada@x.io>")],
    ),
    "a continuation line": (
        "Title\n\nCo-authored-by: Ada\n  Lovelace <ada@x.io>\nFixes: #3",
        [("Co-authored-by", "Ada Lovelace <ada@x.io>"), ("Fixes", "#3")],
    ),
    "not the last paragraph": (
        "Title\n\nCo-authored-by: Ada <ada@x.io>\n\nMore words after it.",
        [],
    ),
    "trailing comment and blank lines": (
        "Title\n\nCo-authored-by: Ada <ada@x.io>\n\n# a comment\n\n",
        [("Co-authored-by", "Ada <ada@x.io>")],
    ),
    "a space before the colon": (
        "Title\n\nCo-authored-by : Ada <ada@x.io>",
        [("Co-authored-by", "Ada <ada@x.io>")],
    ),
    "a token with a space is no trailer": ("Title\n\nCo authored by: Ada <ada@x.io>", []),
    "windows line ends": (
        "Title\r\n\r\nCo-authored-by: Ada <ada@x.io>\r\n",
        [("Co-authored-by", "Ada <ada@x.io>")],
    ),
}


@pytest.mark.parametrize("name", MESSAGES)
def test_trailers_are_read_as_git_reads_them(name: str) -> None:
    message, expected = MESSAGES[name]
    assert trailers(message) == expected


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("name", MESSAGES)
def test_trailers_agree_with_git_interpret_trailers(name: str) -> None:
    message, _ = MESSAGES[name]
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse", "--no-divider"],
        input=message,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    by_git = [tuple(p.strip() for p in line.split(":", 1)) for line in parsed.splitlines()]
    assert trailers(message) == by_git


def test_co_authors_with_and_without_email_and_malformed_ones_skipped() -> None:
    message = (
        "Title\n\nCo-authored-by: Ada Lovelace <ada@x.io>\nCO-AUTHORED-BY: Bob\n"
        "Co-authored-by: <carol@x.io>\nCo-authored-by: dave@x.io\n"
        "Co-authored-by: Eve <not an e-mail>\nCo-authored-by:\nReviewed-by: Zed <z@x.io>"
    )
    assert co_authors(message) == [
        Person("Ada Lovelace", "ada@x.io"),
        Person("Bob"),
        Person("carol@x.io", "carol@x.io"),
        Person("dave@x.io", "dave@x.io"),
    ]
    assert parse_person("Eve <eve@x.io") is None


def commit(author: Person, message: str, minutes: int = 0) -> PairedCommit:
    oid = f"{abs(hash((author, message))):040x}"[:40]
    return PairedCommit(oid, message, author, T0 + timedelta(minutes=minutes))


ME = Person("Octo Cat", "octo.cat@corp.example", "octo")


def keys(found: list[object]) -> list[str]:
    return [p.key for p in found]  # type: ignore[attr-defined]


def test_the_owner_never_pairs_with_themself_by_login_name_or_email() -> None:
    message = (
        "Work\n\nCo-authored-by: octo <x@y.z>\nCo-authored-by: OCTO  cat <other@y.z>\n"
        "Co-authored-by: Someone <1+OCTO@users.noreply.github.com>\n"
        "Co-authored-by: O. <Octo.Cat@Corp.Example>\nCo-authored-by: Ada <ada@x.io>"
    )
    assert keys(partners("github", [commit(ME, message)], OWNER)) == [partner_key("ada@x.io")]


def test_a_commit_without_the_owner_is_no_pairing_of_theirs() -> None:
    ada = Person("Ada", "ada@x.io", "ada")
    assert partners("github", [commit(ada, "Solo\n\nCo-authored-by: Bob <b@x.io>")], OWNER) == []
    assert partners("github", [commit(ME, "Solo\n\nSigned-off-by: Ada <ada@x.io>")], OWNER) == []


def test_a_colleague_naming_the_owner_is_the_partner_with_their_login() -> None:
    ada = Person("Ada Lovelace", "ada@x.io", "ada")
    found = partners("github", [commit(ada, "Fix\n\nCo-authored-by: Octo Cat <o@o.o>")], OWNER)
    assert [(p.email, p.name, p.login) for p in found] == [("ada@x.io", "Ada Lovelace", "ada")]


def test_partners_are_one_by_email_then_by_name_and_logins_come_free() -> None:
    commits = [
        commit(ME, "A\n\nCo-authored-by: carol danvers", 1),
        commit(ME, "B\n\nCo-authored-by: Carol  Danvers <carol@x.io>", 2),
        commit(ME, "C\n\nCo-authored-by: Bob Li <3+bob@users.noreply.github.com>", 3),
        commit(ME, "D\n\nCo-authored-by: Robert Li <bob@work.io>", 4),
        commit(Person("Bob Li", "bob@work.io", "bob"), "E", 5),  # GitHub: bob@work.io is bob
    ]
    found = partners("github", commits, OWNER)
    bob, carol = found
    assert bob.email == "3+bob@users.noreply.github.com" and bob.key == "3-bob-" + bob.key[-6:]
    assert bob.login == "bob" and bob.emails == {"bob@work.io", "3+bob@users.noreply.github.com"}
    assert [c.message[0] for c in bob.commits] == ["C", "D"]
    assert [c.message[0] for c in carol.commits] == ["A", "B"] and carol.email == "carol@x.io"
    assert carol.name == "carol danvers"  # as the earliest commit writes it
    assert keys(found) == sorted(
        [partner_key("3+bob@users.noreply.github.com"), partner_key("carol@x.io")]
    )


def test_the_owners_work_email_is_learnt_from_their_own_commits_in_the_change() -> None:
    ada = Person("Ada", "ada@x.io", "ada")
    commits = [
        commit(Person("O.", "octo@home.example", "octo"), "Start"),
        commit(ada, "Go on\n\nCo-authored-by: O. C. <octo@home.example>", 1),
    ]
    assert keys(partners("github", commits, OWNER)) == [partner_key("ada@x.io")]


def change(**fields: object) -> Change:
    base: dict[str, object] = {
        "platform": "github",
        "ref": "acme/api#7",
        "repo": "acme/api",
        "url": "https://github.example/acme/api/pull/7",
        "title": "Add tracing",
        "author": "octo",
        "state": "merged",
        "created_at": T0 - timedelta(days=1),
        "merged_at": T0 + timedelta(days=2),
        "closed_at": T0 + timedelta(days=2),
    }
    return Change(**{**base, **fields})  # type: ignore[arg-type]


def test_the_item_counts_at_the_merge_and_names_the_partner_and_the_change() -> None:
    commits = [
        commit(ME, "Spans\n\nCo-authored-by: Ada <ada@x.io>", 5),
        commit(ME, "More spans\n\nCo-authored-by: Ada <ada@x.io>", 50),
    ]
    (item,) = pairing_items("gh", change(), commits, OWNER)
    assert (
        item.kind == "pairing"
        and item.external_id == f"acme/api#7:pairing:{partner_key('ada@x.io')}"
    )
    assert "ada@x.io" not in item.external_id
    assert item.title == "Paired with Ada: Add tracing" and item.author == "octo"
    assert item.created_at == T0 + timedelta(minutes=5)
    assert item.occurred_at == item.updated_at == T0 + timedelta(days=2)
    assert item.body == "Spans\nMore spans"
    assert item.extra["partner"] == "Ada" and item.extra["partner_email"] == "ada@x.io"
    assert item.extra["pull_request"] == "acme/api#7" and item.extra["own_change"] is True
    assert item.extra["paired_commits"] == 2


def test_an_open_change_counts_at_its_last_paired_commit() -> None:
    commits = [commit(ME, "Spans\n\nCo-authored-by: Ada <ada@x.io>", 5)]
    open_change = change(state="open", merged_at=None, closed_at=None)
    (item,) = pairing_items("gh", open_change, commits, OWNER)
    assert item.occurred_at == T0 + timedelta(minutes=5) == item.updated_at


def test_the_items_do_not_depend_on_the_order_the_api_lists_commits_in() -> None:
    commits = [
        commit(ME, "A\n\nCo-authored-by: carol danvers", 1),
        commit(ME, "B\n\nCo-authored-by: Carol Danvers <carol@x.io>", 2),
        commit(Person("Bob Li", "bob@work.io", "bob"), "C\n\nCo-authored-by: Octo Cat", 3),
        commit(ME, "D\n\nCo-authored-by: Robert Li <3+bob@users.noreply.github.com>", 4),
    ]
    oldest_first = pairing_items("gh", change(), commits, OWNER)
    newest_first = pairing_items("gh", change(), commits[::-1], OWNER)
    assert [i.extra["partner_email"] for i in oldest_first] == [
        "3+bob@users.noreply.github.com",
        "carol@x.io",
    ]
    assert [i.extra["partner"] for i in oldest_first] == ["Bob Li", "carol danvers"]
    assert newest_first == oldest_first
