"""Bad times on the command line: every option that takes a date, a datetime, a relative
time, an ISO week, a quarter or `--wait` seconds ends in success or a one-line usage error
(exit 2) naming the option, never in "unexpected error" (exit 1).

The options are found by walking the CLI, so a new time option joins these tests (and fails
them until it says how to call its command)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer.main
from fakes import memory
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from collector.cli import app
from reliability.bad_input import invoke, memory_source, write_config

EXAMPLES = 150 * int(os.environ.get("GROWTHMAP_RELIABILITY_SCALE", "1"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

EXTRA = """
[[growth_map.destinations]]
id = "A"
title = "Be trusted"
skills = [{ id = "testing", name = "Testing" }]
"""

# What each command needs besides its time option. A time option this table does not know
# fails `test_every_time_option_is_exercised`: add its command here.
TIME_PARAMS = {"since", "until", "when", "as_of", "quarter", "wait", "week"}
COMMANDS: dict[str, list[str]] = {
    "collect": [],
    "items": [],
    "export": [],
    "brief": [],
    "feedback add": ["--from", "Grace", "--went-well", "a calm on-call"],
    "add": ["talk", "--title", "A talk", "--destination", "A", "--skill", "testing"],
    "review accept": ["--kind", "pull_request"],
    "review reject": ["--kind", "pull_request"],
    "skill set": ["A/testing", "P"],
    "log draft": [],
    "log show": [],
    "log edit": [],
}


@dataclass(frozen=True)
class TimeOption:
    command: str
    param: str
    flag: str | None  # None: a positional argument

    def args(self, value: str) -> list[str]:
        given = [f"{self.flag}={value}"] if self.flag else ["--", value]
        return [*self.command.split(), *COMMANDS[self.command], *given]

    @property
    def shown_name(self) -> str:
        return self.flag or self.param.upper()


def time_options() -> list[TimeOption]:
    found = []

    def walk(command: Any, path: list[str]) -> None:  # typer's click commands and groups
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])
            return
        for param in command.params:
            if param.name in TIME_PARAMS:
                flag = param.opts[0] if param.param_type_name == "option" else None
                found.append(TimeOption(" ".join(path), param.name, flag))

    walk(typer.main.get_command(app), [])
    return found


OPTIONS = time_options()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    world = memory_source(monkeypatch)
    world.items["things"] = [memory.make_item(1, updated=datetime.now(UTC) - timedelta(days=2))]
    monkeypatch.setenv("EDITOR", "true")  # `log edit`: saved unchanged
    # UTC+14: the far side of every date line.
    yield write_config(tmp_path, timezone="Pacific/Kiritimati", extra=EXTRA)


def run(config: Path, args: list[str]) -> tuple[int, str]:
    result = invoke(config, *args)
    return result.exit_code, result.stderr


def assert_clean_outcome(option: TimeOption, value: str, code: int, stderr: str) -> None:
    assert "Traceback" not in stderr and "unexpected error" not in stderr, stderr
    assert code in (0, 2), f"{option.command} {option.shown_name} {value!r}: exit {code}\n{stderr}"
    if code == 2:
        errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and len(stderr.strip().splitlines()) == 1, stderr
        assert option.shown_name in errors[0], stderr


def test_every_time_option_is_exercised() -> None:
    found = {(o.command, o.shown_name) for o in OPTIONS}
    assert {o.command for o in OPTIONS} <= set(COMMANDS), "add the new command to COMMANDS"
    # The walk must keep finding the options the issue named (a rename would hide one).
    assert {
        ("collect", "--since"),
        ("collect", "--until"),
        ("collect", "--wait"),
        ("items", "--since"),
        ("export", "--quarter"),
        ("export", "--as-of"),
        ("log show", "WEEK"),
        ("add", "--date"),
        ("skill set", "--date"),
    } <= found


# The cases the issue reported, and the edges of the accepted range.
REPORTED = [
    ("items", "--since", "0001-01-01"),
    ("collect", "--since", "99999999999d"),
    ("collect", "--since", "1000000w"),
    ("collect", "--since", "9999999999h"),
    ("collect", "--until", "0001-01-01"),
    ("export", "--quarter", "0000Q1"),
    ("export", "--quarter", "9999Q4"),
    ("log show", "WEEK", "9999-W52"),
    ("add", "--date", "9999-12-31T23:59:59+00:00"),
    ("collect", "--wait", "nan"),
    ("collect", "--wait", "-1"),
    ("collect", "--wait", "-inf"),
    ("export", "--as-of", "9999-12-31"),
    ("skill set", "--date", "0001-01-01"),
    ("items", "--since", "9999-12-31T23:59:59-05:00"),
    ("export", "--since", "1" * 5000 + "d"),
]


def option(command: str, name: str) -> TimeOption:
    return next(o for o in OPTIONS if o.command == command and o.shown_name == name)


@pytest.mark.parametrize(("command", "name", "value"), REPORTED)
def test_reported_out_of_range_times_are_usage_errors(
    config: Path, command: str, name: str, value: str
) -> None:
    chosen = option(command, name)
    code, stderr = run(config, chosen.args(value))
    assert code == 2 and ("out of range" in stderr or "is not a number of seconds" in stderr)
    assert_clean_outcome(chosen, value, code, stderr)


@pytest.mark.parametrize(
    ("command", "name", "value"),
    [
        ("items", "--since", "1970-01-01"),
        ("collect", "--since", "1970-01-01T00:00-12:00"),
        ("export", "--quarter", "2999Q4"),
        ("log show", "WEEK", "2999-W52"),
        ("log show", "WEEK", "1970-W01"),
        ("collect", "--wait", "0.5"),
    ],
)
def test_times_at_the_edges_of_the_range_work(
    config: Path, command: str, name: str, value: str
) -> None:
    code, stderr = run(config, option(command, name).args(value))
    assert code == 0, stderr


def _years() -> st.SearchStrategy[int]:
    edges = st.sampled_from([0, 1, 1969, 1970, 2999, 3000, 9999, 10000, 99999])
    return edges | st.integers(0, 12000)


def _offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


TIMES = st.one_of(
    st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", _years(), st.integers(0, 13), st.integers(0, 32)
    ),
    st.builds(
        lambda moment, minutes: moment.isoformat() + _offset(minutes),
        st.datetimes(),
        st.integers(-1439, 1439),
    ),
    st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes")),
    st.builds(lambda n, unit: f"{n}{unit}", st.integers(0, 10**25), st.sampled_from("mhdw")),
    st.builds(lambda y, n: f"{y}-W{n:02d}", _years(), st.integers(0, 60)),
    st.builds(lambda y, q: f"{y}Q{q}", _years(), st.integers(0, 5)),
    st.floats().map(repr),
    st.integers(-(10**30), 10**30).map(str),
    st.text(max_size=30),
)


@PROPERTY
@given(chosen=st.sampled_from(OPTIONS), value=TIMES)
@example(chosen=option("log show", "WEEK"), value="last")
@example(chosen=option("collect", "--until"), value="1970-01-02")
def test_any_time_on_any_time_option_is_success_or_a_usage_error(
    config: Path, chosen: TimeOption, value: str
) -> None:
    code, stderr = run(config, chosen.args(value))
    assert_clean_outcome(chosen, value, code, stderr)
