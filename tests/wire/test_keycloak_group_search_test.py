"""Keycloak's GroupSearchTest (tests/base/.../tests/admin/group/GroupSearchTest.java, formerly
testsuite/integration-arquillian/.../admin/group/GroupSearchTest.java), ported one method to one test over HTTP:
``GET groups`` with ``search``, ``exact``, ``first``/``max``, ``briefRepresentation`` and ``subGroupsCount``,
``GET groups/count`` (``search``, ``top``), ``GET groups/{id}/children`` and ``group-by-path``, against a realm
``test`` with admin events on (GroupSearchTestRealmConfig).

Attribute search (``q``) is GroupAttributeSearchTest's (test_keycloak_group_attribute_search_test.py) and the
subgroup search of the children endpoint SubGroupSearchTest's (test_keycloak_sub_group_search_test.py); the basic
tree, counting and the ``top`` count are also in test_admin_groups.py.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

import group_port
from group_port import add_sub_group, create_group, fresh_realm
from role_port import TEST_REALM, assert_event, call, ok
from wire_env import Env

pytestmark = pytest.mark.anyio
# One app for the module (group_port.shared_env), each test on a realm ``test`` imported anew.
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

ATTR_ORG_NAME = "org"
ATTR_QUOTES_NAME = 'test "123"'
ATTR_QUOTES_VAL = 'field="blah blah"'


@pytest.fixture
async def realm_id(env: Env) -> str:
    """GroupSearchTestRealmConfig: realm ``test`` with events, and the admin events AdminEvents keeps."""
    return await fresh_realm(env, {**TEST_REALM, "eventsEnabled": True})


async def groups(env: Env, search: str | None = None, **params: Any) -> list[dict[str, Any]]:
    """``groups().groups(...)``: GET groups, the admin client's parameters as query parameters."""
    if search is not None:
        params["search"] = search
    found: list[dict[str, Any]] = await ok(env, "GET", "/groups", **params)
    return found


async def count(env: Env, **params: Any) -> int:
    return int((await ok(env, "GET", "/groups/count", **params))["count"])


def group(name: str, **attributes: str) -> dict[str, Any]:
    return {"name": name, **({"attributes": {k: [v] for k, v in attributes.items()}} if attributes else {})}


async def test_query_sub_groups(env: Env, realm_id: str) -> None:
    parent = {"name": "parentGroup", "attributes": {ATTR_ORG_NAME: ["parentOrg"]}}
    parent_id = await create_group(env, realm_id, parent)
    for i in range(1, 6):
        child = {
            "name": f"kcgroup-{i}",
            "attributes": {ATTR_ORG_NAME: [f"kcgroup-{i}"], ATTR_QUOTES_NAME: [ATTR_QUOTES_VAL]},
        }
        await add_sub_group(env, parent, child)
        if i == 2:
            await add_sub_group(env, child, {"name": f"kcsubgroup-{i}"})
    for i in range(1, 4):
        await add_sub_group(env, parent, {"name": f"testgroup-{i}"})

    async def children(search: str, exact: bool, brief: bool, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await ok(
            env,
            "GET",
            f"/groups/{parent_id}/children",
            search=search,
            exact=str(exact).lower(),
            first=0,
            max=10,
            briefRepresentation=str(brief).lower(),
            **params,
        )
        return found

    sub_groups = await children("kc", False, True)
    assert [g["name"] for g in sub_groups] == [f"kcgroup-{i}" for i in range(1, 6)]  # ordered by name
    assert all("attributes" not in g for g in sub_groups)  # the brief representation
    sub_groups = await children("test", False, True)
    assert [g["name"] for g in sub_groups] == [f"testgroup-{i}" for i in range(1, 4)]
    assert len(await children("gro", False, True)) == 8
    assert await children("nonexistent", False, False) == []

    (found,) = await children("kcgroup-2", True, False)
    assert (found["name"], found["subGroupCount"]) == ("kcgroup-2", 1)
    assert set(found["attributes"]) == {ATTR_ORG_NAME, ATTR_QUOTES_NAME}
    (found,) = await children("kcgroup-2", True, False, subGroupsCount="false")
    assert found["name"] == "kcgroup-2" and "subGroupCount" not in found

    (top,) = await groups(env, "kcgroup-2", exact="true", first=0, max=1, briefRepresentation="true")
    assert top["name"] == "parentGroup"
    (nested,) = top["subGroups"]
    assert (nested["name"], nested["subGroupCount"]) == ("kcgroup-2", 1)
    params = {"exact": "true", "first": 0, "max": 1, "briefRepresentation": "true", "subGroupsCount": "false"}
    (top,) = await groups(env, "kcgroup-2", **params)
    assert top["name"] == "parentGroup"
    (nested,) = top["subGroups"]
    assert nested["name"] == "kcgroup-2" and "subGroupCount" not in nested


async def test_search_for_groups_should_only_return_matching_elements_or_intermediate_paths(
    env: Env, realm_id: str
) -> None:
    """KEYCLOAK-18380."""
    needle = "test1234"
    g1, g2, g3 = group("g1"), group(f"g2-{needle}"), group("g3")
    g3_1 = group(f"g3.1-{needle}")
    for top in (g1, g2, g3):
        await create_group(env, realm_id, top)
    await add_sub_group(env, g1, group("g1.1-bubu"))
    await add_sub_group(env, g1, group(f"g1.2-{needle}"))
    await add_sub_group(env, g3, g3_1)
    await add_sub_group(env, g3_1, group("g3.1.1"))

    result = await groups(env, needle, first=0, max=100)
    assert [g["name"] for g in result] == ["g1", f"g2-{needle}", "g3"]
    assert [g["name"] for g in result[0]["subGroups"]] == [f"g1.2-{needle}"]
    assert [g["name"] for g in result[2]["subGroups"]] == [f"g3.1-{needle}"]


async def test_search_groups_by_name(env: Env, realm_id: str) -> None:
    await create_group(env, realm_id, group("group-name-1"))
    await create_group(env, realm_id, group("group-name-2"))
    full = {"first": 0, "max": 20, "briefRepresentation": "false"}
    assert len(await groups(env, "group-name", exact="false", **full)) == 2
    assert len(await groups(env, "group-name-1", exact="true", **full)) == 1
    assert await groups(env, "group-name", exact="true", **full) == []


async def test_search_and_count_groups(env: Env, realm_id: str) -> None:
    first_group_id = ""
    for i in range(20):
        group_id = await create_group(env, realm_id, group(f"group{i}"))
        if i == 0:
            first_group_id = group_id

    all_groups = await groups(env)
    assert len(all_groups) == 20
    assert len(await groups(env, first=0, max=7)) == 7
    assert len(await groups(env, max=7)) == 7
    assert len(await groups(env, first=10)) == 10
    assert len(await groups(env, first=5, max=7)) == 7
    assert len(await groups(env, first=15, max=7)) == 5
    search = await groups(env, "group1", first=0, max=20)
    assert len(search) == 11 and all("group1" in g["name"] for g in search)
    no_result = await groups(env, "abcd", first=0, max=20)
    assert no_result == []

    assert await count(env) == len(all_groups)
    assert await count(env, search="group1") == len(search)
    assert await count(env, search="abcd") == 0

    level2 = {"name": "group1111"}
    response = await call(env, "POST", f"/groups/{first_group_id}/children", level2)
    assert response.status_code == 201, response.text
    await assert_event(env, realm_id, "CREATE", f"groups/{first_group_id}/children", "GROUP", level2)
    assert await count(env, top="true") == len(all_groups)
    assert await count(env, top="false") == len(all_groups) + 1

    await call(env, "POST", f"/groups/{first_group_id}/children", {"name": "group111111"})
    search = await groups(env, "group11", first=0, max=10)
    assert len(search) == 2
    group0 = next(g for g in search if g["name"] == "group0")
    assert {g["name"] for g in group0["subGroups"]} == {"group1111", "group111111"}
    assert await count(env, search="group11") == count_leaf_groups(search)


def count_leaf_groups(found: list[dict[str, Any]]) -> int:
    return sum(count_leaf_groups(g["subGroups"]) if g["subGroups"] else 1 for g in found)


async def test_order_groups_by_name(env: Env, realm_id: str) -> None:
    test_groups = [group(f"group{i}") for i in range(40)]
    random.shuffle(test_groups)
    for rep in test_groups:
        await create_group(env, realm_id, rep)

    def in_strict_order(found: list[dict[str, Any]]) -> bool:
        names = [g["name"] for g in found]
        return all(a < b for a, b in itertools.pairwise(names))

    all_groups = await groups(env, first=0, max=100)
    assert len(all_groups) == 40 and in_strict_order(all_groups)
    first_page = await groups(env, first=0, max=20)
    assert len(first_page) == 20 and in_strict_order(first_page)
    second_page = await groups(env, first=20, max=20)
    assert len(second_page) == 20 and in_strict_order(second_page)
    assert first_page[-1]["name"] < second_page[0]["name"]


async def test_search_groups_on_group_hierarchies(env: Env, realm_id: str) -> None:
    """KEYCLOAK-18390."""
    search_for = "a6d7f1ba-6a0c-4c3e-9a39-0f9e0b1e2d3c"
    g1, g1_1 = group("g1"), group(f"g1.1-{search_for}")
    g1_id = await create_group(env, realm_id, g1)
    await add_sub_group(env, g1, g1_1)

    found = await groups(env, search_for, first=0, max=10)
    assert found and (found[0]["id"], found[0]["name"]) == (g1_id, "g1")
    nested = found[0]["subGroups"][0]
    assert (nested["id"], nested["name"]) == (g1_1["id"], g1_1["name"])


async def parent_and_child_group(env: Env, realm_id: str, parent_name: str, child_name: str) -> None:
    """``testParentAndChildGroup``: Keycloak's default (GroupProvider.DEFAULT_ESCAPE_SLASHES is false) builds
    paths from the names as they are, a slash in a name included."""
    parent = group(parent_name)
    await create_group(env, realm_id, parent)
    child = group(child_name)
    response = await call(env, "POST", f"/groups/{parent['id']}/children", child)
    assert response.status_code == 201, response.text
    child["id"] = response.headers["location"].rsplit("/", 1)[-1]
    await assert_event(env, realm_id, "CREATE", f"groups/{parent['id']}/children", "GROUP", child)

    (found,) = await groups(env, parent_name, exact="true", first=0, max=1, briefRepresentation="true")
    assert found["id"] == parent["id"] and found["subGroups"] == []
    assert found["path"] == f"/{parent_name}"
    (found,) = await groups(env, child_name, exact="true", first=0, max=1, briefRepresentation="true")
    assert found["id"] == parent["id"]
    (nested,) = found["subGroups"]
    assert nested["id"] == child["id"] and nested["path"] == f"/{parent_name}/{child_name}"

    by_path = await ok(env, "GET", f"/group-by-path/{parent_name}")
    assert by_path["id"] == parent["id"]
    by_path = await ok(env, "GET", f"/group-by-path/{parent_name}/{child_name}")
    assert by_path["id"] == child["id"]
    await ok(env, "DELETE", f"/groups/{child['id']}")


async def test_groups_with_spaces(env: Env, realm_id: str) -> None:
    await parent_and_child_group(env, realm_id, "parent space", "child space")


async def test_groups_with_slashes(env: Env, realm_id: str) -> None:
    await parent_and_child_group(env, realm_id, "parent/slash", "child/slash")
