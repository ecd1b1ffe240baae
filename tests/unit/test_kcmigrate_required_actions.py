"""Keycloak's REQUIRED_ACTION_PROVIDER and REQUIRED_ACTION_CONFIG rows to realm-export JSON
(realms.kcmigrate.required_actions), through the import path: the realm keeps Keycloak's actions, their order
and each one's configuration."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from doorkeep.realms import required_actions as ra
from doorkeep.realms.kcmigrate.migrate import plan


def _action(row_id: str, alias: str, priority: int, **columns: Any) -> dict[str, Any]:
    return {"id": row_id, "alias": alias, "name": alias.title(), "provider_id": alias, "enabled": True,
            "default_action": False, "priority": priority, **columns}  # fmt: skip


def _migrated(**rows: list[dict[str, Any]]) -> list[ra.RequiredAction]:
    tables: defaultdict[str, list[dict[str, Any]]] = defaultdict(list, rows)
    return ra.of(plan({"id": "r", "name": "shop", "enabled": True}, tables, 1_700_000_000).plan.realm)


def test_the_actions_keep_their_order_switches_and_configuration() -> None:
    found = _migrated(
        required_action_provider=[
            _action("a2", "UPDATE_PROFILE", 40, default_action=True),
            _action("a1", "UPDATE_PASSWORD", 30, enabled=False),
            _action("a3", "CONFIGURE_TOTP", 10),
        ],
        required_action_config=[
            {"required_action_id": "a1", "name": "max_auth_age", "value": "60"},
            {"required_action_id": "a3", "name": "add-recovery-codes", "value": "true"},
            {"required_action_id": "a3", "name": "max_auth_age", "value": "0"},
            {"required_action_id": "a3", "name": "unset", "value": None},
        ],
    )
    assert [(a.alias, a.enabled, a.default_action, a.priority) for a in found] == [
        ("CONFIGURE_TOTP", True, False, 10),
        ("UPDATE_PASSWORD", False, False, 30),
        ("UPDATE_PROFILE", True, True, 40),
    ]
    assert [a.config for a in found] == [
        {"add-recovery-codes": "true", "max_auth_age": "0"},
        {"max_auth_age": "60"},
        {},
    ]


def test_a_realm_without_rows_keeps_the_defaults() -> None:
    assert [a.alias for a in _migrated()] == [a.alias for a in ra.defaults()]
