from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes import memory

from connectors import registry


@pytest.fixture(autouse=True)
def memory_source_type() -> Iterator[None]:
    registry.register(memory.TYPE, memory.TARGET)
    memory.WORLD.__init__()  # type: ignore[misc]
    yield
