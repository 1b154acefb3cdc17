"""The connector contract, one suite that every connector passes (vdirsyncer's way):
streams declared as readers, well-formed Items, idempotent fetches that respect `since`,
every request counted, and failures mapped to the error tree. Each connector runs against
its loopback fake through its real client library."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from reliability.worlds import World, open_world

from connectors.base import Connector, Runtime
from connectors.errors import AuthError, ConfigProblem, Unreachable
from connectors.item import KINDS, STATES, Item
from connectors.registry import connector_class

CONNECTORS = ["github", "gitlab", "jira-cloud", "jira-server"]


def served(world: World) -> int:
    """How many requests the world's fake answered."""
    count = world.fake.requests  # an int (GitHub's fake), else a list of what was asked
    return count if isinstance(count, int) else len(count)


def make(world: World, *, token: str | None = None, **keys: Any) -> Connector:
    section = tomllib.loads(world.source_toml(**keys))["sources"][0]
    cls = connector_class(section["type"])
    config = cls.config_model.model_validate(section)
    runtime = Runtime(sleep=lambda _: None, logger=logging.getLogger("growthmap.contract"))
    return cls(config, token or world.token, runtime)


@pytest.fixture(params=CONNECTORS)
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    with open_world(request.param) as opened:
        yield opened


def fetch_all(connector: Connector, since: datetime) -> dict[str, list[Item]]:
    try:
        return {s.name: list(connector.fetch(s.name, since)) for s in connector.streams()}
    finally:
        connector.close()


def test_streams_are_declared_by_readers_with_known_kinds_and_needs(world: World) -> None:
    cls = type(make(world))
    names = [s.name for s in cls.all_streams]
    assert names == [r.stream.name for r in cls.readers] and len(set(names)) == len(names)
    for stream in cls.all_streams:
        assert stream.kind in KINDS
        assert set(stream.needs) <= set(names) - {stream.name}
    assert 1 <= cls.parallel_streams <= 3  # a small bound, gentle on every API


def test_items_are_well_formed_and_each_stream_yields_an_item_once(world: World) -> None:
    connector = make(world)
    found = fetch_all(connector, world.since)
    assert any(found.values()), "the world holds evidence for this connector"
    kinds = {s.name: s.kind for s in connector.streams()}
    for stream, items in found.items():
        ids = [i.external_id for i in items]
        assert len(ids) == len(set(ids)), f"{stream} yielded an item twice"
        for item in items:
            assert (item.source, item.kind) == (connector.name, kinds[stream])
            assert item.external_id and item.url.startswith(("http://", "https://"))
            assert item.state in STATES
            for moment in (item.created_at, item.updated_at, item.occurred_at):
                assert moment.utcoffset() == timedelta(0)


def test_the_same_window_twice_gives_the_same_items(world: World) -> None:
    first = fetch_all(make(world), world.since)
    second = fetch_all(make(world), world.since)
    assert {
        s: {(i.external_id, i.content_hash()) for i in items} for s, items in first.items()
    } == {s: {(i.external_id, i.content_hash()) for i in items} for s, items in second.items()}


def test_a_later_since_gives_no_item_the_wider_window_did_not(world: World) -> None:
    wide = fetch_all(make(world), world.since)
    later = world.since + (datetime.now(UTC) - world.since) / 2
    narrow = fetch_all(make(world), later)
    for stream, items in narrow.items():
        assert {i.external_id for i in items} <= {i.external_id for i in wide[stream]}


def test_every_request_is_counted(world: World) -> None:
    before = served(world)
    connector = make(world)
    fetch_all(connector, world.since)
    assert connector.stats.requests == served(world) - before > 0


def test_a_rejected_token_is_an_auth_error_without_the_token(world: World) -> None:
    connector = make(world, token="not-the-token-0123456789")
    first = connector.streams()[0].name
    with pytest.raises(AuthError) as caught:
        list(connector.fetch(first, world.since))
    connector.close()
    assert "not-the-token-0123456789" not in caught.value.user_message()


def test_a_server_nobody_answers_is_unreachable(world: World) -> None:
    template = make(world, max_retries=1)
    template.close()
    config = template.config.model_copy(update={"base_url": "http://127.0.0.1:9"})
    dead = type(template)(config, world.token, template.runtime)  # the discard port
    with pytest.raises(Unreachable):
        list(dead.fetch(dead.streams()[0].name, world.since))
    dead.close()


def test_an_unknown_stream_is_a_config_problem_naming_the_streams(world: World) -> None:
    connector = make(world)
    with pytest.raises(ConfigProblem) as caught:
        connector.fetch("no_such_stream", world.since)
    connector.close()
    assert connector.all_streams[0].name in caught.value.user_message()
