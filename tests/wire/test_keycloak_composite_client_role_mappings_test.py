"""Keycloak's CompositeClientRoleMappingsTest (tests/base/.../tests/admin/user/CompositeClientRoleMappingsTest.java)
ported one method to one test: ``GET users/{id}/role-mappings/clients/{client}/composite`` (the admin client's
``roles().clientLevel(client).listEffective([brief])``, ClientRoleMappingsResource.getCompositeClientRoleMappings)
lists a user's effective roles of one client, composites expanded to any depth, with ``briefRepresentation``
deciding whether the roles' attributes are shown.

As the Java class's ``@TestSetup`` does, the clients, roles and users are made once for the module, through the
admin API, on one app (group_port.shared_env); the tests only read.
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

A_ROLES = ("A_NESTED_COMPOSITE", "A_COMPOSITE", "A_LEAF_1", "A_LEAF_2", "A_LEAF_3", "A_LEAF_WITH_ATTRS")


async def _role(env: Env, client: str, name: str) -> dict[str, Any]:
    return dict(await ok(env, "GET", f"/clients/{client}/roles/{name}"))


async def _compose(env: Env, client: str, name: str, *parts: str) -> None:
    """``roles().create(name)`` then ``roles().get(name).addComposites(parts)``."""
    await create(env, f"/clients/{client}/roles", {"name": name})
    reps = [await _role(env, client, part) for part in parts]
    await ok(env, "POST", f"/clients/{client}/roles/{name}/composites", reps)


async def _grant(env: Env, user: str, client: str, name: str) -> None:
    """``users().get(user).roles().clientLevel(client).add([role])``."""
    await ok(env, "POST", f"/users/{user}/role-mappings/clients/{client}", [await _role(env, client, name)])


@pytest.fixture(scope="module")
async def ids(shared_env: Env) -> dict[str, str]:
    """The Java ``setup()``: CLIENT_A's leaves and its two-level composite, CLIENT_B's composite; USER_1 holds
    A_NESTED_COMPOSITE and B_LEAF_1, USER_2 A_LEAF_1 and B_COMPOSITE, USER_3 nothing."""
    env = shared_env
    await fresh_realm(env, TEST_REALM)
    a = await create(env, "/clients", {"clientId": "CLIENT_A"})
    for leaf in ("A_LEAF_1", "A_LEAF_2", "A_LEAF_3"):
        await create(env, f"/clients/{a}/roles", {"name": leaf})
    attributes = {"env": ["production"], "tier": ["premium"]}
    await create(env, f"/clients/{a}/roles", {"name": "A_LEAF_WITH_ATTRS", "attributes": attributes})
    await _compose(env, a, "A_COMPOSITE", "A_LEAF_1", "A_LEAF_2", "A_LEAF_WITH_ATTRS")
    await _compose(env, a, "A_NESTED_COMPOSITE", "A_COMPOSITE", "A_LEAF_3")
    b = await create(env, "/clients", {"clientId": "CLIENT_B"})
    for leaf in ("B_LEAF_1", "B_LEAF_2"):
        await create(env, f"/clients/{b}/roles", {"name": leaf})
    await _compose(env, b, "B_COMPOSITE", "B_LEAF_1", "B_LEAF_2")
    users = {name: await create(env, "/users", {"username": name}) for name in ("USER_1", "USER_2", "USER_3")}
    await _grant(env, users["USER_1"], a, "A_NESTED_COMPOSITE")
    await _grant(env, users["USER_1"], b, "B_LEAF_1")
    await _grant(env, users["USER_2"], a, "A_LEAF_1")
    await _grant(env, users["USER_2"], b, "B_COMPOSITE")
    return {"a": a, "b": b, **users}


async def _effective(env: Env, user: str, client: str, brief: bool | None = None) -> list[dict[str, Any]]:
    """``listEffective()`` (no parameter: the server's default) or ``listEffective(brief)``."""
    params = {} if brief is None else {"briefRepresentation": str(brief).lower()}
    found: list[dict[str, Any]] = await ok(
        env, "GET", f"/users/{user}/role-mappings/clients/{client}/composite", **params
    )
    return found


def _named(roles: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found = [r for r in roles if r["name"] == name]
    assert found, f"{name} not found in effective roles"
    return found[0]


async def test_user1_effective_client_a_roles(env: Env, ids: dict[str, str]) -> None:
    effective = await _effective(env, ids["USER_1"], ids["a"])
    assert names(effective) == set(A_ROLES)
    assert len(effective) == 6


async def test_user1_effective_client_b_roles(env: Env, ids: dict[str, str]) -> None:
    effective = await _effective(env, ids["USER_1"], ids["b"])
    assert names(effective) == {"B_LEAF_1"}
    assert len(effective) == 1


async def test_user2_effective_client_a_roles(env: Env, ids: dict[str, str]) -> None:
    effective = await _effective(env, ids["USER_2"], ids["a"])
    assert names(effective) == {"A_LEAF_1"}
    assert len(effective) == 1


async def test_user2_effective_client_b_roles(env: Env, ids: dict[str, str]) -> None:
    effective = await _effective(env, ids["USER_2"], ids["b"])
    assert names(effective) == {"B_COMPOSITE", "B_LEAF_1", "B_LEAF_2"}
    assert len(effective) == 3


async def test_cross_client_isolation(env: Env, ids: dict[str, str]) -> None:
    leaked = [r["name"] for r in await _effective(env, ids["USER_1"], ids["b"]) if r["name"].startswith("A_")]
    assert not leaked, f"Client A role leaked into Client B results: {leaked}"


async def test_user_with_no_roles_returns_empty(env: Env, ids: dict[str, str]) -> None:
    assert await _effective(env, ids["USER_3"], ids["a"]) == []


async def test_brief_representation_omits_attributes(env: Env, ids: dict[str, str]) -> None:
    effective = await _effective(env, ids["USER_1"], ids["a"], brief=True)
    for role in effective:
        assert role.get("id") is not None and role.get("name") is not None, role
    assert "attributes" not in _named(effective, "A_LEAF_WITH_ATTRS"), (
        "briefRepresentation should not include attributes"
    )


async def test_full_representation_includes_attributes(env: Env, ids: dict[str, str]) -> None:
    role = _named(await _effective(env, ids["USER_1"], ids["a"], brief=False), "A_LEAF_WITH_ATTRS")
    assert role.get("attributes") is not None, "Full representation should include attributes"
    assert role["attributes"]["env"] == ["production"]
    assert role["attributes"]["tier"] == ["premium"]


async def test_composite_role_flag_is_correct(env: Env, ids: dict[str, str]) -> None:
    flags = {r["name"]: r["composite"] for r in await _effective(env, ids["USER_1"], ids["a"])}
    assert flags == {name: name in ("A_NESTED_COMPOSITE", "A_COMPOSITE") for name in A_ROLES}


async def test_brief_and_full_return_same_roles(env: Env, ids: dict[str, str]) -> None:
    brief = names(await _effective(env, ids["USER_1"], ids["a"], brief=True))
    full = names(await _effective(env, ids["USER_1"], ids["a"], brief=False))
    assert brief == full, "Brief and full representations should return the same roles"
