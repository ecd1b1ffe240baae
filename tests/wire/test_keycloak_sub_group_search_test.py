"""Keycloak 26's SubGroupSearchTest (tests/base/.../tests/admin/group/SubGroupSearchTest.java), ported one method
to one test over HTTP: ``GET groups/{id}/children`` with ``search``, ``exact``, ``first``/``max`` and
``briefRepresentation``, the subgroups made with ``POST groups/{id}/children`` as ``GroupResource.subGroup``
makes them. GroupSearchTest.querySubGroups (test_keycloak_group_search_test.py) searches the same endpoint over
subgroups moved under their parent, and a nested one; this is the Java class's own realm and steps.
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from role_port import TEST_REALM, call, create, ok
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

# GroupSearchTest's constants, which the Java class imports
ATTR_ORG_NAME = "org"
ATTR_QUOTES_NAME = 'test "123"'
ATTR_QUOTES_VAL = 'field="blah blah"'


@pytest.fixture
async def realm_id(env: Env) -> str:
    """The class's managed realm."""
    return await fresh_realm(env, TEST_REALM)


async def test_query_sub_groups(env: Env, realm_id: str) -> None:
    parent_id = await create(env, "/groups", {"name": "parentGroup", "attributes": {ATTR_ORG_NAME: ["parentOrg"]}})

    async def sub_group(rep: dict[str, Any]) -> None:
        response = await call(env, "POST", f"/groups/{parent_id}/children", rep)
        assert response.status_code == 201, response.text

    for i in range(1, 6):
        attributes = {ATTR_ORG_NAME: ["keycloak org"], ATTR_QUOTES_NAME: [ATTR_QUOTES_VAL]}
        await sub_group({"name": f"kcgroup-{i}", "attributes": attributes})
    for i in range(1, 4):
        await sub_group({"name": f"testgroup-{i}"})

    async def sub_groups(search: str, exact: bool, first: int, max_results: int, brief: bool) -> list[dict[str, Any]]:
        """``GroupResource.getSubGroups(search, exact, first, max, briefRepresentation)``."""
        params = {"search": search, "exact": str(exact).lower(), "first": first, "max": max_results}
        found: list[dict[str, Any]] = await ok(
            env, "GET", f"/groups/{parent_id}/children", briefRepresentation=str(brief).lower(), **params
        )
        return found

    found = await sub_groups("kc", False, 0, 10, True)
    assert [g["name"] for g in found] == [f"kcgroup-{i}" for i in range(1, 6)]  # ordered by name
    assert all("attributes" not in g for g in found)  # the brief representation has none
    found = await sub_groups("test", False, 0, 10, True)
    assert [g["name"] for g in found] == [f"testgroup-{i}" for i in range(1, 4)]
    assert len(await sub_groups("gro", False, 0, 10, True)) == 8
    assert await sub_groups("nonexistent", False, 0, 10, False) == []

    (found_one,) = await sub_groups("kcgroup-2", True, 0, 10, False)
    assert found_one["name"] == "kcgroup-2"
    assert set(found_one["attributes"]) == {ATTR_ORG_NAME, ATTR_QUOTES_NAME}
