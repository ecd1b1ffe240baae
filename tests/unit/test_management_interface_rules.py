"""When Keycloak's management interface opens and what it serves (ManagementPropertyMappers.isManagementEnabled)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from doorkeep.server.management import Interface, interface
from doorkeep.settings import Settings


def plan(**values: Any) -> Interface | None:
    return interface(dataclasses.replace(Settings(), **values))


@pytest.mark.parametrize(
    ("values", "opened"),
    [
        ({}, None),
        ({"health_enabled": True}, (True, False)),
        ({"metrics_enabled": True}, (False, True)),
        ({"health_enabled": True, "metrics_enabled": True}, (True, True)),
        ({"health_enabled": True, "http_management_health_enabled": False}, None),
        ({"health_enabled": True, "metrics_enabled": True, "http_management_health_enabled": False}, (False, True)),
        ({"health_enabled": True, "metrics_enabled": True, "legacy_observability_interface": True}, None),
    ],
)
def test_the_interface_opens_when_health_or_metrics_is_exposed_on_it(
    values: dict[str, Any], opened: tuple[bool, bool] | None
) -> None:
    found = plan(**values)
    assert (None if found is None else (found.health, found.metrics)) == opened


def test_its_port_host_and_path_default_to_9000_and_the_main_servers() -> None:
    assert plan(metrics_enabled=True) == Interface("127.0.0.1", 9000, "", health=False, metrics=True)
    inherited = plan(metrics_enabled=True, http_relative_path="/auth/", http_host="0.0.0.0")
    assert inherited is not None and (inherited.prefix, inherited.host) == ("/auth", "0.0.0.0")
    own = plan(
        metrics_enabled=True,
        http_relative_path="/auth",
        http_management_relative_path="/management",
        http_management_host="localhost",
        http_management_port=9100,
    )
    assert own is not None and (own.prefix, own.host, own.port) == ("/management", "localhost", 9100)
    assert plan(metrics_enabled=True, http_relative_path="/auth", http_management_relative_path="/") is not None
    root = plan(metrics_enabled=True, http_relative_path="/auth", http_management_relative_path="/")
    assert root is not None and root.prefix == ""
