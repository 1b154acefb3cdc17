from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from collector.errors import UsageError
from collector.timeparse import parse_when

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14d", datetime(2026, 11, 14, 12, 0, tzinfo=UTC)),
        ("6w", datetime(2026, 10, 17, 12, 0, tzinfo=UTC)),
        ("12h", datetime(2026, 11, 28, 0, 0, tzinfo=UTC)),
        ("2026-11-14", datetime(2026, 11, 13, 23, 0, tzinfo=UTC)),  # midnight in Berlin
        ("2026-07-14", datetime(2026, 7, 13, 22, 0, tzinfo=UTC)),  # summer time
        ("2026-11-14T09:30", datetime(2026, 11, 14, 8, 30, tzinfo=UTC)),
        ("2026-11-14T09:30+05:00", datetime(2026, 11, 14, 4, 30, tzinfo=UTC)),
        ("2026-11-14T09:30:00Z", datetime(2026, 11, 14, 9, 30, tzinfo=UTC)),
    ],
)
def test_when_forms(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW, tz=BERLIN) == expected


@pytest.mark.parametrize("text", ["", "soon", "14x", "2026-13-01", "-3d"])
def test_malformed_when_names_the_option_and_the_forms(text: str) -> None:
    with pytest.raises(UsageError, match=r"--until .* use 2026-11-14"):
        parse_when(text, now=NOW, tz=BERLIN, option="--until")
