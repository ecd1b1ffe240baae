"""Keycloak's CompositeRealmRoleMappingsTest (tests/base/.../tests/admin/user/CompositeRealmRoleMappingsTest.java)
ported one method to one test: ``GET users/{id}/role-mappings/realm/composite`` and
``GET groups/{id}/role-mappings/realm/composite`` (``roles().realmLevel().listEffective([brief])``,
RoleMapperResource.getCompositeRealmRoleMappings) list the effective realm roles of a user or a group: direct
mappings, composites expanded to any depth, and roles reached through a group and its parent groups (for a
group too: a child group inherits its parent's roles), never a client role; ``briefRepresentation`` decides
whether the roles' attributes are shown.

As the Java class's ``@TestSetup`` does, the roles, groups and users are made once for the module, through the
admin API, on one app (group_port.shared_env); the tests only read.

The client side is test_keycloak_composite_client_role_mappings_test.py. The other role-mapping classes of
tests/base/.../tests/admin are not ported:

* RoleMappingDeleteResourceTest and AllEffectiveRoleMappingResourceTest: they call the admin console's REST
  extension (``ui-ext/role-mapping-delete``, ``ui-ext/effective-roles-all``), which Doorkeep does not serve (its
  console is its own, admin_console/).

RoleMappingSearchTest (the ``available`` / ``composite`` / ``inherited`` views) is ported in
test_keycloak_role_mapping_search_test.py.
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from role_port import TEST_REALM, create, names, ok
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

ALL = ("ROLE_NESTED_COMPOSITE", "ROLE_COMPOSITE", "LEAF_1", "LEAF_2", "LEAF_3", "LEAF_WITH_ATTRS")


async def _role(env: Env, name: str) -> dict[str, Any]:
    return dict(await ok(env, "GET", f"/roles/{name}"))


async def _compose(env: Env, name: str, *parts: str) -> None:
    await create(env, "/roles", {"name": name})
    await ok(env, "POST", f"/roles/{name}/composites", [await _role(env, part) for part in parts])


@pytest.fixture(scope="module")
async def ids(shared_env: Env) -> dict[str, str]:
    """The Java ``setup()``: leaves, a two-level composite and ROLE_GROUP_ONLY; PARENT_GROUP (holding
    ROLE_GROUP_ONLY) with CHILD_GROUP under it, COMPOSITE_GROUP holding ROLE_NESTED_COMPOSITE; four users without
    their default roles: USER_1 holds ROLE_NESTED_COMPOSITE (and a client role), USER_2 LEAF_1, USER_3 nothing,
    USER_4 is a member of CHILD_GROUP."""
    env = shared_env
    await fresh_realm(env, TEST_REALM)
    for leaf in ("LEAF_1", "LEAF_2", "LEAF_3"):
        await create(env, "/roles", {"name": leaf})
    attributes = {"env": ["production"], "tier": ["premium"]}
    await create(env, "/roles", {"name": "LEAF_WITH_ATTRS", "attributes": attributes})
    await _compose(env, "ROLE_COMPOSITE", "LEAF_1", "LEAF_2", "LEAF_WITH_ATTRS")
    await _compose(env, "ROLE_NESTED_COMPOSITE", "ROLE_COMPOSITE", "LEAF_3")
    await create(env, "/roles", {"name": "ROLE_GROUP_ONLY"})
    parent = await create(env, "/groups", {"name": "PARENT_GROUP"})
    child = await create(env, f"/groups/{parent}/children", {"name": "CHILD_GROUP"})
    composite_group = await create(env, "/groups", {"name": "COMPOSITE_GROUP"})
    nested = await _role(env, "ROLE_NESTED_COMPOSITE")
    await ok(env, "POST", f"/groups/{composite_group}/role-mappings/realm", [nested])
    await ok(env, "POST", f"/groups/{parent}/role-mappings/realm", [await _role(env, "ROLE_GROUP_ONLY")])
    users = {name: await create(env, "/users", {"username": name}) for name in ("USER_1", "USER_2", "USER_3", "USER_4")}
    default_role = await _role(env, "default-roles-test")
    for user in users.values():
        await ok(env, "DELETE", f"/users/{user}/role-mappings/realm", [default_role])
    client = await create(env, "/clients", {"clientId": "TEST_CLIENT"})
    await create(env, f"/clients/{client}/roles", {"name": "CLIENT_LEAF"})
    client_leaf = await ok(env, "GET", f"/clients/{client}/roles/CLIENT_LEAF")
    await ok(env, "POST", f"/users/{users['USER_1']}/role-mappings/clients/{client}", [client_leaf])
    await ok(env, "POST", f"/users/{users['USER_1']}/role-mappings/realm", [nested])
    await ok(env, "POST", f"/users/{users['USER_2']}/role-mappings/realm", [await _role(env, "LEAF_1")])
    await ok(env, "PUT", f"/users/{users['USER_4']}/groups/{child}")
    return {"parent": parent, "child": child, "composite_group": composite_group, **users}


async def _effective(env: Env, owner: str, brief: bool | None = None) -> list[dict[str, Any]]:
    """``listEffective()`` (the server's default) or ``listEffective(brief)`` of ``users/{id}`` or ``groups/{id}``."""
    params = {} if brief is None else {"briefRepresentation": str(brief).lower()}
    found: list[dict[str, Any]] = await ok(env, "GET", f"{owner}/role-mappings/realm/composite", **params)
    return found


def _named(roles: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found = [r for r in roles if r["name"] == name]
    assert found, f"{name} not found in effective roles"
    return found[0]


async def test_user1_effective_realm_roles(env: Env, ids: dict[str, str]) -> None:
    effective = await _effective(env, f"/users/{ids['USER_1']}")
    assert names(effective) == set(ALL)
    assert len(effective) == 6


async def test_user2_effective_realm_roles(env: Env, ids: dict[str, str]) -> None:
    effective = await _effective(env, f"/users/{ids['USER_2']}")
    assert names(effective) == {"LEAF_1"}
    assert len(effective) == 1


async def test_user_with_no_roles_returns_empty(env: Env, ids: dict[str, str]) -> None:
    assert await _effective(env, f"/users/{ids['USER_3']}") == []


async def test_group_inherited_role_is_effective(env: Env, ids: dict[str, str]) -> None:
    effective = await _effective(env, f"/users/{ids['USER_4']}")
    assert names(effective) == {"ROLE_GROUP_ONLY"}, "a parent group's role is inherited by a child group's member"
    assert len(effective) == 1


async def test_no_client_role_leaks_into_realm_results(env: Env, ids: dict[str, str]) -> None:
    leaked = [r["name"] for r in await _effective(env, f"/users/{ids['USER_1']}") if r.get("clientRole")]
    assert not leaked, f"Client role leaked into realm composite results: {leaked}"


async def test_brief_representation_omits_attributes(env: Env, ids: dict[str, str]) -> None:
    role = _named(await _effective(env, f"/users/{ids['USER_1']}", brief=True), "LEAF_WITH_ATTRS")
    assert "attributes" not in role, "briefRepresentation should not include attributes"


async def test_full_representation_includes_attributes(env: Env, ids: dict[str, str]) -> None:
    role = _named(await _effective(env, f"/users/{ids['USER_1']}", brief=False), "LEAF_WITH_ATTRS")
    assert role.get("attributes") is not None, "Full representation should include attributes"
    assert role["attributes"]["env"] == ["production"]
    assert role["attributes"]["tier"] == ["premium"]


async def test_composite_role_flag_is_correct(env: Env, ids: dict[str, str]) -> None:
    flags = {r["name"]: r["composite"] for r in await _effective(env, f"/users/{ids['USER_1']}")}
    assert (flags["ROLE_NESTED_COMPOSITE"], flags["ROLE_COMPOSITE"], flags["LEAF_1"]) == (True, True, False), flags


async def test_brief_and_full_return_same_roles(env: Env, ids: dict[str, str]) -> None:
    brief = names(await _effective(env, f"/users/{ids['USER_1']}", brief=True))
    full = names(await _effective(env, f"/users/{ids['USER_1']}", brief=False))
    assert brief == full, "Brief and full representations should return the same roles"


async def test_child_group_effective_realm_roles_includes_parent_group_role(env: Env, ids: dict[str, str]) -> None:
    effective = await _effective(env, f"/groups/{ids['child']}")
    assert names(effective) == {"ROLE_GROUP_ONLY"}, "a child group inherits its parent group's realm roles"
    assert len(effective) == 1


async def test_parent_group_effective_realm_roles(env: Env, ids: dict[str, str]) -> None:
    effective = await _effective(env, f"/groups/{ids['parent']}")
    assert names(effective) == {"ROLE_GROUP_ONLY"}
    assert len(effective) == 1


async def test_group_composite_role_expands_correctly(env: Env, ids: dict[str, str]) -> None:
    effective = await _effective(env, f"/groups/{ids['composite_group']}")
    assert names(effective) == set(ALL)
    assert len(effective) == 6
