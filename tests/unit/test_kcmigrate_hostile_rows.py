"""Security sweep (session 47): ``migrate-from-keycloak``'s newer entities from a hostile Keycloak database. Stored
organization invitations, organization groups and required actions' configuration that no Keycloak writes
(oversized, NUL bytes, missing or wrong-typed values, references to nothing) are refused by ``plan`` with a clear
message naming the row, before anything is written, or carried as harmless; never an unexplained failure."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from doorkeep.realms.exportimport.plan import ImportError_
from doorkeep.realms.kcmigrate.migrate import Migration, plan

REALM = {"id": "r", "name": "shop", "enabled": True, "organizations_enabled": True}
ORG = {"id": "o1", "group_id": "g1", "name": "ACME", "alias": "acme", "enabled": True, "realm_id": "r"}
INVITATION = {
    "id": "i1",
    "organization_id": "o1",
    "email": "new@acme.example",
    "first_name": None,
    "last_name": None,
    "created_at": 1_700_000_000,
    "expires_at": 1_700_003_600,
    "invite_link": "https://id.example/realms/shop/login-actions/action-token?key=SECRET-TOKEN",
}


def _plan(**rows: list[dict[str, Any]]) -> Migration:
    tables: defaultdict[str, list[dict[str, Any]]] = defaultdict(list, rows)
    tables["org"] = tables["org"] or [ORG]
    tables["keycloak_group"] = [
        {"id": "g1", "name": "acme", "type": 1, "parent_group": None},
        *tables["keycloak_group"],
    ]
    return plan(REALM, tables, 1_700_000_000)


def test_a_plain_invitation_is_carried() -> None:
    [kept] = _plan(org_invitation=[INVITATION]).invitations
    assert (kept.email, kept.expires_at) == ("new@acme.example", 1_700_003_600)


@pytest.mark.parametrize(
    "change",
    [
        {"email": "x" * 300 + "@acme.example"},
        {"email": None},
        {"email": "a\x00@acme.example"},
        {"email": 7},
        {"first_name": "f" * 300},
        {"last_name": "l\x00"},
        {"invite_link": "https://id.example/" + "k" * 3000},
        {"id": "i" * 200},
        {"id": None},
        {"created_at": "yesterday"},
        {"expires_at": 10**30},
    ],
)
def test_an_invitation_no_keycloak_writes_is_refused_naming_it_without_its_link(change: dict[str, Any]) -> None:
    with pytest.raises((ImportError_, ValueError)) as refused:
        _plan(org_invitation=[{**INVITATION, **change}])
    message = str(refused.value)
    assert "invitation" in message and "SECRET-TOKEN" not in message and len(message) < 400, message


def test_an_invitation_of_an_organization_not_carried_is_left_out() -> None:
    assert _plan(org_invitation=[{**INVITATION, "organization_id": "elsewhere"}]).invitations == []


@pytest.mark.parametrize(
    "group",
    [
        {"id": "g2", "name": "loop", "type": 1, "parent_group": "g2"},
        {"id": "g2", "name": "orphan", "type": 1, "parent_group": "nowhere"},
    ],
)
def test_an_organization_group_in_a_loop_or_under_nothing_is_left_out(group: dict[str, Any]) -> None:
    """Names no Keycloak writes are the import path's to refuse (tests/wire/test_security_sweep_s47_realm_files.py)."""
    [org] = _plan(keycloak_group=[group]).plan.organizations
    assert not org.get("groups")


@pytest.mark.parametrize(
    "config",
    [
        {"required_action_id": "a1", "name": "max_auth_age", "value": "9" * 100000},
        {"required_action_id": "a1", "name": "k" * 5000, "value": "1"},
        {"required_action_id": "a1", "name": "max_auth_age", "value": "\x00"},
        {"required_action_id": "nowhere", "name": "max_auth_age", "value": "1"},
        {"required_action_id": "a1", "name": None, "value": "1"},
    ],
)
def test_a_required_action_config_no_keycloak_writes_is_refused_or_harmless(config: dict[str, Any]) -> None:
    action = {"id": "a1", "alias": "UPDATE_PASSWORD", "name": "Update Password", "provider_id": "UPDATE_PASSWORD",
              "enabled": True, "default_action": False, "priority": 1}  # fmt: skip
    try:
        migration = _plan(required_action_provider=[action], required_action_config=[config])
    except (ImportError_, ValueError) as refused:
        assert "required action" in str(refused).lower() or "requiredActions" in str(refused), refused
        return
    from doorkeep.oauth.required_actions import max_auth_age

    assert max_auth_age(migration.plan.realm, "UPDATE_PASSWORD") == 300  # the default, never an overflow


@pytest.mark.parametrize("alias", [None, "", "a" * 5000, "x\x00"])
def test_a_required_action_with_no_usable_alias_is_refused(alias: str | None) -> None:
    action = {"id": "a1", "alias": alias, "name": "n", "provider_id": "UPDATE_PASSWORD", "enabled": True,
              "default_action": False, "priority": 1}  # fmt: skip
    with pytest.raises((ImportError_, ValueError)):
        _plan(required_action_provider=[action])
