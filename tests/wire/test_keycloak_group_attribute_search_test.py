"""Keycloak 26's GroupAttributeSearchTest (tests/base/.../tests/admin/group/GroupAttributeSearchTest.java), ported
one method to one test over HTTP: ``GET groups?q=key:value`` with ``populateHierarchy``, ``first``/``max`` and
``briefRepresentation``, on a server started as GroupSearchServerConfig starts it
(``--spi-group-jpa-searchable-attributes=url,org,test "123"``). One app for the module, the realm ``test``
imported anew for each test instead of the Java cleanups.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator
from typing import Any

import pytest

import group_port
from doorkeep.settings import Settings
from group_port import fresh_realm
from role_port import TEST_REALM, call, create, ok
from wire_env import Env, make_env, prepared_postgres

pytestmark = pytest.mark.anyio
anyio_backend, env = group_port.anyio_backend, group_port.env

GROUP1, GROUP2, GROUP3 = "group1", "group2", "group3"
PARENT_GROUP, CHILD_GROUP = "parentGroup", "childGroup"
ATTR_ORG_NAME, ATTR_ORG_VAL = "org", 'Test_"organisation"'
ATTR_URL_NAME, ATTR_URL_VAL = "url", "https://foo.bar/clflds"
ATTR_FILTERED_NAME, ATTR_FILTERED_VAL = "filtered", "does_not_matter"
ATTR_QUOTES_NAME, ATTR_QUOTES_NAME_ESCAPED = 'test "123"', '"test \\"123\\""'
ATTR_QUOTES_VAL, ATTR_QUOTES_VAL_ESCAPED = 'field="blah blah"', '"field=\\"blah blah\\""'
SEARCHABLE = (ATTR_URL_NAME, ATTR_ORG_NAME, ATTR_QUOTES_NAME)  # GroupSearchServerConfig
BASE = Settings(db_url="", bootstrap_admin_username="admin", bootstrap_admin_password="admin", max_body_bytes=65536)


@pytest.fixture(scope="module")
async def shared_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Env]:
    """GroupSearchServerConfig: the app (SQLite, or PostgreSQL with DOORKEEP_WIRE_ENGINE=postgresql) with the
    searchable group attributes, once for the module."""
    postgres = os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql"
    if postgres:
        url = await prepared_postgres(request.getfixturevalue("postgres_server"))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('group_attributes') / 'doorkeep.db'}"
    settings = dataclasses.replace(BASE, db_url=url, group_searchable_attributes=SEARCHABLE)
    env, db = await make_env(url, settings, prepared=postgres)
    try:
        yield env
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await fresh_realm(env, TEST_REALM)


def reps() -> dict[str, dict[str, Any]]:
    """The @BeforeEach init: the groups' representations."""
    return {
        GROUP1: {"name": GROUP1, "attributes": {ATTR_ORG_NAME: [ATTR_ORG_VAL], ATTR_URL_NAME: [ATTR_URL_VAL]}},
        GROUP2: {
            "name": GROUP2,
            "attributes": {ATTR_FILTERED_NAME: [ATTR_FILTERED_VAL], ATTR_URL_NAME: [ATTR_URL_VAL]},
        },
        GROUP3: {"name": GROUP3, "attributes": {ATTR_ORG_NAME: ["fake group"], ATTR_QUOTES_NAME: [ATTR_QUOTES_VAL]}},
        PARENT_GROUP: {"name": PARENT_GROUP, "attributes": {ATTR_ORG_NAME: ["parentOrg"]}},
        CHILD_GROUP: {"name": CHILD_GROUP, "attributes": {ATTR_ORG_NAME: ["childOrg"]}},
    }


def build_search_query(*keys_and_values: str) -> str:
    """GroupAttributeSearchTest.buildSearchQuery: ``name:value`` pairs separated by blanks."""
    pairs = zip(keys_and_values[::2], keys_and_values[1::2], strict=True)
    return " ".join(f"{name}:{value}" for name, value in pairs)


async def query(env: Env, q: str, **params: Any) -> list[dict[str, Any]]:
    """``groups().query(q, ...)``: GET groups?q=..."""
    sent = {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()}
    found: list[dict[str, Any]] = await ok(env, "GET", "/groups", q=q, **sent)
    return found


async def search(env: Env, q: str, *expected: str) -> None:
    assert sorted(g["name"] for g in await query(env, q)) == sorted(expected)


async def sub_group(env: Env, parent_id: str, rep: dict[str, Any]) -> None:
    """``GroupResource.subGroup``: a new group made under the parent."""
    response = await call(env, "POST", f"/groups/{parent_id}/children", rep)
    assert response.status_code == 201, response.text


async def test_query_search(env: Env, realm_id: str) -> None:
    groups = reps()
    for name in (GROUP1, GROUP2, GROUP3):
        await create(env, "/groups", groups[name])

    await search(env, build_search_query(ATTR_ORG_NAME, ATTR_ORG_VAL), GROUP1)
    await search(env, build_search_query(ATTR_URL_NAME, ATTR_URL_VAL), GROUP1, GROUP2)
    await search(env, build_search_query(ATTR_ORG_NAME, ATTR_ORG_VAL, ATTR_URL_NAME, ATTR_URL_VAL), GROUP1)
    await search(env, build_search_query(ATTR_ORG_NAME, "wrong val", ATTR_URL_NAME, ATTR_URL_VAL))
    await search(env, build_search_query(ATTR_QUOTES_NAME_ESCAPED, ATTR_QUOTES_VAL_ESCAPED), GROUP3)
    # "filtered" is no searchable attribute: JPA leaves it out of the query
    q = build_search_query(ATTR_URL_NAME, ATTR_URL_VAL, ATTR_FILTERED_NAME, ATTR_FILTERED_VAL)
    await search(env, q, GROUP1, GROUP2)


async def test_nested_group_query_search(env: Env, realm_id: str) -> None:
    groups = reps()
    parent_id = await create(env, "/groups", groups[PARENT_GROUP])
    await sub_group(env, parent_id, groups[CHILD_GROUP])

    (found,) = await query(env, build_search_query(ATTR_ORG_NAME, "childOrg"))
    assert found["name"] == PARENT_GROUP
    assert [g["name"] for g in found["subGroups"]] == [CHILD_GROUP]


async def test_nested_group_query_search_no_hierarchy(env: Env, realm_id: str) -> None:
    groups = reps()
    parent_id = await create(env, "/groups", groups[PARENT_GROUP])
    await sub_group(env, parent_id, groups[CHILD_GROUP])
    await sub_group(env, parent_id, {"name": "test_child"})

    (found,) = await query(env, build_search_query(ATTR_ORG_NAME, "childOrg"), populateHierarchy=False)
    assert found["name"] == CHILD_GROUP
    assert found["path"] == f"/{PARENT_GROUP}/{CHILD_GROUP}"


async def test_query_paging(env: Env, realm_id: str) -> None:
    groups = reps()
    await create(env, "/groups", groups[GROUP1])
    await create(env, "/groups", groups[GROUP2])
    q = build_search_query(ATTR_URL_NAME, ATTR_URL_VAL)

    (first_group,) = await query(env, q, populateHierarchy=True, first=0, max=1, briefRepresentation=True)
    assert first_group["name"] == GROUP1
    (second_group,) = await query(env, q, populateHierarchy=True, first=1, max=1, briefRepresentation=True)
    assert second_group["name"] == GROUP2
    assert await query(env, q, populateHierarchy=True, first=2, max=1, briefRepresentation=True) == []


async def test_query_full_representation(env: Env, realm_id: str) -> None:
    groups = reps()
    await create(env, "/groups", groups[GROUP1])
    q = build_search_query(ATTR_ORG_NAME, ATTR_ORG_VAL)
    (found,) = await query(env, q, populateHierarchy=True, first=0, max=100, briefRepresentation=False)
    assert found["name"] == GROUP1
    # the full representation carries the attributes, the brief one does not
    assert found["attributes"] == groups[GROUP1]["attributes"]
