"""The GitHub connector against the fake GitHub on loopback (real PyGithub, real HTTP)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from fakes.github_data import Dataset, doc_title, generate
from fakes.github_fake import FakeGitHub
from fakes.github_harness import Clock, collect, connector, ids, serving, start_fake

from connectors.errors import AuthError, ConfigProblem, RateLimited, SourceUnavailable
from connectors.http import RequestStats, counting_into

SINCE = datetime(2026, 8, 1, tzinfo=UTC)
STREAMS = ("pull_requests", "reviews", "design_docs")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate(owner_prs=200, other_prs=120)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(dataset: Dataset, clock: Clock) -> Iterator[FakeGitHub]:
    with serving(dataset, clock) as server:
        yield server


def expected(dataset: Dataset, stream: str, until: datetime) -> set[str]:
    oracle = {
        "pull_requests": dataset.expected_authored,
        "reviews": dataset.expected_reviewed,
        "design_docs": dataset.expected_docs,
        "issues": dataset.expected_tickets,
    }[stream]
    return oracle(SINCE, until)


@pytest.mark.parametrize("stream", [*STREAMS, "issues"])
def test_every_item_arrives_exactly_once(
    fake: FakeGitHub, clock: Clock, dataset: Dataset, stream: str
) -> None:
    items = collect(connector(fake, clock, streams=[stream]), stream, SINCE)

    assert sorted(ids(items)) == sorted(expected(dataset, stream, clock.now))
    assert len(items) > 5
    assert all(i.extra["platform"] == "github" for i in items)


def test_reviews_exclude_own_prs_and_pending_only(
    fake: FakeGitHub, clock: Clock, dataset: Dataset
) -> None:
    items = {i.external_id: i for i in collect(connector(fake, clock), "reviews", SINCE)}
    pending_only = [
        p.ref + "/review"
        for p in dataset.prs
        if any(r.author == "octo" for r in p.reviews)
        and all(r.state == "PENDING" for r in p.reviews if r.author == "octo")
    ]
    own_replies = [
        p.ref + "/review"
        for p in dataset.prs
        if p.author == "octo" and any(r.author == "octo" for r in p.reviews)
    ]

    assert pending_only and own_replies  # the dataset holds both traps
    assert not set(pending_only) & set(items)
    assert not set(own_replies) & set(items)
    assert all(i.author == "octo" and i.extra["pr_author"] != "octo" for i in items.values())
    assert all("PENDING" not in i.extra["review_states"] for i in items.values())


def test_late_review_counts_with_its_states_and_times(
    fake: FakeGitHub, clock: Clock, dataset: Dataset
) -> None:
    late = next(
        p
        for p in dataset.prs
        if p.author != "octo"
        and any(r.state == "CHANGES_REQUESTED" and r.author == "octo" for r in p.reviews)
    )
    items = {i.external_id: i for i in collect(connector(fake, clock), "reviews", SINCE)}
    item = items[late.ref + "/review"]
    mine = [r for r in late.reviews if r.author == "octo"]

    assert item.extra["review_states"] == [r.state for r in mine]
    assert item.occurred_at == max(r.submitted_at for r in mine if r.submitted_at)
    assert item.extra["review_comments"] == sum(r.comments for r in mine)
    assert item.external_id != late.ref


def test_pull_request_fields(fake: FakeGitHub, clock: Clock, dataset: Dataset) -> None:
    items = {i.external_id: i for i in collect(connector(fake, clock), "pull_requests", SINCE)}
    big = next(p for p in dataset.prs if len(p.files) > 100)
    reviewed = next(
        p
        for p in dataset.prs
        if p.author == "octo" and p.merged and any(r.author == "octo" for r in p.reviews)
    )

    assert len(items[big.ref].paths) == 150 == items[big.ref].changed_files
    item = items[reviewed.ref]
    others = [r for r in reviewed.reviews if r.author != "octo"]
    assert item.state == "merged" and item.occurred_at == reviewed.merged
    assert item.extra["reviews_received"] == len(others)
    assert item.extra["approvals"] == len({r.author for r in others if r.state == "APPROVED"})
    assert item.url.endswith(f"/{reviewed.repo}/pull/{reviewed.number}")
    assert len(item.body) <= 1000


def test_design_docs_by_pr_and_direct_commit(
    fake: FakeGitHub, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        items = {i.external_id: i for i in collect(connector(fake, clock), "design_docs", SINCE)}

    cache = items["acme/web:docs/design/web-cache.md"]
    assert [t["type"] for t in cache.extra["touched_by"]] == ["commit", "commit"]
    assert cache.url.endswith("/acme/web/blob/trunk/docs/design/web-cache.md")
    assert "acme/api:adr/0001-use-postgres.md" in items
    assert "acme/api:rfcs/0042-big-change.md" in items  # on the big PR's second page of files
    assert "acme/api:docs/design/alice.md" not in items  # someone else's commit
    assert "acme/api:README.md" not in items
    assert "acme/secret" in caplog.text and "skipped" in caplog.text


def test_design_doc_title_and_earlier_changes(
    fake: FakeGitHub, clock: Clock, dataset: Dataset
) -> None:
    changes = sorted(c.committed for c in dataset.commits if "docs/design/web-cache.md" in c.files)
    since = changes[-1] - timedelta(days=1)  # the window holds only the latest change
    items = {i.external_id: i for i in collect(connector(fake, clock), "design_docs", since)}
    doc = items["acme/web:docs/design/web-cache.md"]

    assert doc.title == doc_title("docs/design/web-cache.md")
    assert len(doc.extra["touched_by"]) == 2
    assert doc.created_at == changes[0] and doc.occurred_at == changes[-1]
    open_only = [i for i in items.values() if i.state == "open"]
    assert open_only and all(i.title == i.path.rsplit("/", 1)[-1] for i in open_only)


def test_design_doc_touched_by_pr_names_the_pr(
    fake: FakeGitHub, clock: Clock, dataset: Dataset
) -> None:
    items = {i.external_id: i for i in collect(connector(fake, clock), "design_docs", SINCE)}
    big = next(p for p in dataset.prs if len(p.files) > 100)
    doc = items["acme/api:rfcs/0042-big-change.md"]
    assert [t["ref"] for t in doc.extra["touched_by"]] == [big.ref]
    assert doc.state == "merged" and doc.occurred_at == big.merged


def test_second_run_yields_the_same_items(fake: FakeGitHub, clock: Clock) -> None:
    for stream in STREAMS:
        first = collect(connector(fake, clock), stream, SINCE)
        second = collect(connector(fake, clock), stream, SINCE)
        assert [i.content_hash() for i in first] == [i.content_hash() for i in second], stream


def test_cold_run_request_budget(fake: FakeGitHub, clock: Clock, dataset: Dataset) -> None:
    conn = connector(fake, clock, login="octo")
    n = len(dataset.expected_authored(SINCE, clock.now))
    before = fake.requests
    items = collect(conn, "pull_requests", SINCE)

    assert len(items) == n
    assert fake.requests - before == conn.stats.requests
    assert conn.stats.requests <= n / 40 + 10, conn.stats.requests


def test_warm_run_costs_at_most_two_requests_per_stream(fake: FakeGitHub, clock: Clock) -> None:
    since = clock.now - timedelta(hours=1)
    for stream in (*STREAMS, "issues"):
        conn = connector(fake, clock, streams=[stream])  # login from the token: one request
        assert collect(conn, stream, since) == []
        assert conn.stats.requests <= 2, (stream, conn.stats.requests)


def test_window_over_1000_results_is_split(clock: Clock) -> None:
    dataset = generate(owner_prs=40, other_prs=10, crowded_prs=1100)
    server = start_fake(dataset, clock)
    try:
        conn = connector(server, clock, page_size=100)
        items = collect(conn, "pull_requests", SINCE)
        searches = [
            s.body["variables"]["q"] for s in server.log if s.body and "q" in s.body["variables"]
        ]
    finally:
        server.stop()
    assert sorted(ids(items)) == sorted(dataset.expected_authored(SINCE, clock.now))
    assert len(items) > 1100
    assert len(set(searches)) > 2  # the crowded window was halved


def test_faults_are_survived_and_items_arrive_once(
    fake: FakeGitHub, clock: Clock, dataset: Dataset
) -> None:
    fake.inject("502", "graphql", skip=1)
    fake.inject("secondary", "graphql", skip=2)
    fake.inject("drop", "graphql", skip=3)
    fake.inject("503", "rest")
    fake.inject("secondary_no_header", "rest")
    fake.inject("drop", "rest", skip=1)
    conn = connector(fake, clock)
    got = {s: collect(conn, s, SINCE) for s in STREAMS}

    for stream, items in got.items():
        assert sorted(ids(items)) == sorted(expected(dataset, stream, clock.now)), stream
    assert fake.faults == []
    assert conn.stats.retries >= 6 and conn.stats.rate_limit_waits >= 2
    # retry-after honoured (a second past it, never before); a minute without it
    assert 30 in clock.sleeps and 60 in clock.sleeps
    assert conn._transport.page_size < 100  # a 502 asks for smaller pages afterwards


def test_primary_rate_limit_waits_until_reset(
    fake: FakeGitHub, clock: Clock, dataset: Dataset, caplog: pytest.LogCaptureFixture
) -> None:
    fake.inject("primary", "graphql", skip=1)
    fake.inject("graphql_rate_limited", "graphql", skip=2)
    conn = connector(fake, clock)
    with caplog.at_level(logging.WARNING):
        items = collect(conn, "pull_requests", SINCE)

    assert sorted(ids(items)) == sorted(expected(dataset, "pull_requests", clock.now))
    assert [s for s in clock.sleeps if s >= 100] == [121, 121]  # reset is 120 s away
    assert "rate limit" in caplog.text and "waiting" in caplog.text


def test_rate_limit_longer_than_allowed_raises(fake: FakeGitHub, clock: Clock) -> None:
    fake.inject("graphql_rate_limited", "graphql", skip=1)
    conn = connector(fake, clock, max_rate_limit_wait=60)
    with pytest.raises(RateLimited) as raised:
        collect(conn, "pull_requests", SINCE)
    assert raised.value.reset_at is not None
    assert clock.sleeps == []


def test_incomplete_search_results_are_retried(
    fake: FakeGitHub, clock: Clock, dataset: Dataset
) -> None:
    fake.inject("incomplete", "search")
    items = collect(connector(fake, clock), "issues", SINCE)
    assert sorted(ids(items)) == sorted(expected(dataset, "issues", clock.now))


def test_endless_502s_end_in_source_unavailable(fake: FakeGitHub, clock: Clock) -> None:
    fake.inject("502", "graphql", times=10)
    conn = connector(fake, clock, max_retries=3)
    with pytest.raises(SourceUnavailable, match="after 4 attempts"):
        collect(conn, "reviews", SINCE)
    assert conn.stats.requests == 4 and len(clock.sleeps) == 3


def test_invalid_token_is_an_auth_error_without_the_token(fake: FakeGitHub, clock: Clock) -> None:
    conn = connector(fake, clock, token="s3cr3t-wrong")
    with pytest.raises(AuthError) as raised:
        collect(conn, "pull_requests", SINCE)
    assert "401" in str(raised.value)
    assert "s3cr3t" not in str(raised.value) + repr(conn) + raised.value.user_message()


def test_unknown_login_is_a_config_problem(fake: FakeGitHub, clock: Clock) -> None:
    with pytest.raises(ConfigProblem, match="no user 'nobody-here'"):
        collect(connector(fake, clock, login="nobody-here"), "pull_requests", SINCE)


def test_allow_lists_narrow_the_items(fake: FakeGitHub, clock: Clock) -> None:
    api = collect(connector(fake, clock, repos=["acme/api"]), "pull_requests", SINCE)
    globbed = collect(connector(fake, clock, repos=["acme/a*"]), "pull_requests", SINCE)
    assert api and {i.repo for i in api} == {"acme/api"}
    assert ids(globbed) == ids(api)


def test_check_names_the_tokens_user(fake: FakeGitHub, clock: Clock) -> None:
    conn = connector(fake, clock, login="alice")
    assert conn.check() == "octo" and conn.stats.requests == 1
    conn.close()
    with pytest.raises(AuthError):
        connector(fake, clock, token="wrong", login="alice").check()


def test_github_com_layout_without_api_prefix(
    fake: FakeGitHub, clock: Clock, dataset: Dataset
) -> None:
    conn = connector(fake, clock, base_url=fake.root)
    items = collect(conn, "reviews", SINCE)
    assert sorted(ids(items)) == sorted(expected(dataset, "reviews", clock.now))
    assert any(s.path == "/graphql" for s in fake.log)


def test_the_token_stays_out_of_logs_and_items(
    fake: FakeGitHub, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    fake.inject("502", "graphql")
    with caplog.at_level(logging.DEBUG):
        items = collect(connector(fake, clock), "pull_requests", SINCE)
    assert "Authorization" in caplog.text or "retry" in caplog.text  # something was logged
    assert "owner-token" not in caplog.text
    assert not any("owner-token" in repr(i) for i in items)


def test_streams_read_at_once_give_what_they_give_alone_and_count_their_own_requests(
    fake: FakeGitHub, clock: Clock, dataset: Dataset
) -> None:
    conn = connector(fake, clock)  # the login is learned once, whichever stream asks first
    assert conn.parallel_streams == 3

    def read(stream: str) -> tuple[list[str], int]:
        with counting_into(RequestStats()) as mine:
            return ids(collect(conn, stream, SINCE)), mine.requests

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = dict(zip(STREAMS, pool.map(read, STREAMS), strict=True))

    for stream, (found, _) in results.items():
        assert sorted(found) == sorted(expected(dataset, stream, clock.now)), stream
    assert sum(n for _, n in results.values()) == conn.stats.requests == fake.requests
    assert sum(1 for s in fake.log if s.body and "query Viewer" in s.body["query"]) == 1
