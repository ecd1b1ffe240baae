"""The pure rules of doorkeep.oauth.admin_role_claims (Keycloak's TokenUtil.convertTokenRolesFromOtherClaims and
AdminRoleTokenPostProcessor.removeTransientAdminRoles)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from doorkeep.model import Role
from doorkeep.oauth.admin_role_claims import convert, held_admin_names, is_admin_client, named_admin_roles, strip


@pytest.mark.parametrize(
    ("realm", "client_id", "admin"),
    [
        ("demo", "realm-management", True),
        ("master", "realm-management", True),
        ("master", "demo-realm", True),
        ("master", "master-realm", True),
        ("demo", "demo-realm", False),
        ("master", "account", False),
        ("demo", None, False),
    ],
)
def test_admin_clients_are_realm_management_and_masters_realm_clients(
    realm: str, client_id: str | None, admin: bool
) -> None:
    assert is_admin_client(realm, client_id) is admin


def test_converted_roles_are_a_set_and_entries_that_are_no_access_go_once_one_is() -> None:
    token: dict[str, Any] = {
        "realm_access": {"roles": ["a", "a", "b"], "verify_caller": True},
        "resource_access": {"app": {"roles": ["x", "x"]}, "odd": {"roles": ["y"], "extra": 1}, "str": "z"},
    }
    convert(token)
    assert token == {
        "realm_access": {"roles": ["a", "b"], "verify_caller": True},
        "resource_access": {"app": {"roles": ["x"]}},
    }


@pytest.mark.parametrize(
    "value",
    [{"roles": "admin"}, {"roles": [1]}, {"roles": ["a"], "x": 1}, {"verify_caller": "yes"}, ["admin"], "admin"],
)
def test_a_value_that_is_no_access_stays_as_mapped(value: Any) -> None:
    token = {"realm_access": value, "resource_access": {"app": value}}
    convert(token)
    assert token == {"realm_access": value, "resource_access": {"app": value}}


def test_held_names_are_masters_realm_roles_and_admin_clients_roles_only() -> None:
    roles = [
        Role("1", "r", "admin"),
        Role("2", "r", "create-realm"),
        Role("3", "r", "manage-users", client_id="rm"),
        Role("4", "r", "view-users", client_id="app"),
        Role("5", "r", "custom", client_id="rm"),
    ]
    clients = {"rm": "realm-management", "app": "app"}
    assert held_admin_names("master", roles, clients) == {"admin", "create-realm", "manage-users"}
    assert held_admin_names("demo", roles, clients) == {"manage-users"}


def test_strip_keeps_held_and_plain_names_and_never_changes_what_it_was_given() -> None:
    token: dict[str, Any] = {
        "realm_access": {"roles": ["admin", "create-realm", "user"]},
        "resource_access": {
            "realm-management": {"roles": ["manage-users", "view-users", "custom"]},
            "demo-realm": {"roles": "impersonation"},
            "app": {"roles": ["manage-users"]},
        },
    }
    given = copy.deepcopy(token)
    nested = token["resource_access"]
    assert named_admin_roles(token, "master") == {
        "admin",
        "create-realm",
        "manage-users",
        "view-users",
        "impersonation",
    }
    strip(token, "master", frozenset({"create-realm", "view-users"}))
    assert token == {
        "realm_access": {"roles": ["create-realm", "user"]},
        "resource_access": {
            "realm-management": {"roles": ["view-users", "custom"]},
            "demo-realm": {"roles": []},
            "app": {"roles": ["manage-users"]},
        },
    }
    assert nested == given["resource_access"]  # the mapped (perhaps kept) objects are untouched


def test_outside_master_realm_access_and_realm_clients_are_not_looked_at() -> None:
    token: dict[str, Any] = {
        "realm_access": {"roles": ["admin"]},
        "resource_access": {"demo-realm": {"roles": ["manage-users"]}},
    }
    assert named_admin_roles(token, "demo") == set()
    before = copy.deepcopy(token)
    strip(token, "demo", frozenset())
    assert token == before
