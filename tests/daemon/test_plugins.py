"""GROWTHMAP_CONNECTOR_PLUGINS: source types from the environment (how subprocess tests
load their fake connector)."""

from __future__ import annotations

import pytest
from fakes import slow

from connectors import registry


def test_plugins_from_the_environment_become_source_types(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(registry.PLUGINS_ENV, f" {slow.TYPE}={slow.TARGET} , ")
    assert slow.TYPE in registry.source_types() and "github" in registry.source_types()
    assert registry.connector_class(slow.TYPE) is slow.SlowConnector
    monkeypatch.delenv(registry.PLUGINS_ENV)
    assert slow.TYPE not in registry.source_types()


@pytest.mark.parametrize("value", ["slow", "slow=fakes.slow", "=fakes.slow:SlowConnector"])
def test_a_malformed_entry_is_refused_with_the_expected_form(value: str) -> None:
    with pytest.raises(ValueError) as caught:
        registry.plugins(value)
    assert "GROWTHMAP_CONNECTOR_PLUGINS" in str(caught.value)
    assert "is not TYPE=module:Class" in str(caught.value)
