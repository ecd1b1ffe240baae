"""Keycloak 26's ClientSearchTest (tests/base/.../tests/admin/client/ClientSearchTest.java with its
AbstractClientSearchTest), ported one Java test method to one pytest of the same name: the admin API's
client search by attributes, ``GET /admin/realms/test/clients?q=key:value …`` (``clients().query(q)``).

The realm is AbstractClientSearchTest's ClientSearchRealmConfig, made through the admin API: ``client1``
(``org`` and ``url``), ``client2`` (``url`` and ``filtered``) and ``client3`` (``org`` with another value and
an attribute whose name and value hold double quotes). ClientSearchTest's server runs with
``spi-client-jpa-searchable-attributes=url,org,test "123"``; so does its server here
(``--spi-client-jpa-searchable-attributes``).

Tested elsewhere, not repeated: the ``clientId`` search with ``search=true`` (an infix match, ``%`` and ``_``
literal), in test_profile_and_search.py; ``q`` over the always-searchable attributes, and the 400 for an
attribute that is not searchable when no option is set (ClientSearchJpaTest.testJpaSearchableAttributesUnset),
in test_admin_clients_keycloak_parity.py.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from doorkeep.settings import Settings
from keycloak_port import ADMIN, admin_headers, import_realm
from wire_env import Env, make_env

pytestmark = pytest.mark.anyio

CLIENT_ID_1, CLIENT_ID_2, CLIENT_ID_3 = "client1", "client2", "client3"
ATTR_ORG_NAME, ATTR_ORG_VAL = "org", 'Test_"organisation"'
ATTR_URL_NAME, ATTR_URL_VAL = "url", "https://foo.bar/clflds"
ATTR_QUOTES_NAME, ATTR_QUOTES_NAME_ESCAPED = 'test "123"', '"test \\"123\\""'
ATTR_QUOTES_VAL, ATTR_QUOTES_VAL_ESCAPED = 'field="blah blah"', '"field=\\"blah blah\\""'
ATTR_FILTERED_NAME, ATTR_FILTERED_VAL = "filtered", "does_not_matter"
BASE = Settings(db_url="", bootstrap_admin_username="admin", bootstrap_admin_password="admin", max_body_bytes=65536)


async def started(request: pytest.FixtureRequest, tmp_path: Path, searchable: tuple[str, ...]) -> AsyncIterator[Env]:
    """The app (SQLite, or PostgreSQL with DOORKEEP_WIRE_ENGINE=postgresql) with these searchable client
    attributes, and the ClientSearchRealmConfig realm imported."""
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    env, db = await make_env(url, dataclasses.replace(BASE, db_url=url, client_searchable_attributes=searchable))
    try:
        clients = [
            {"clientId": CLIENT_ID_1, "attributes": {ATTR_ORG_NAME: ATTR_ORG_VAL, ATTR_URL_NAME: ATTR_URL_VAL}},
            {
                "clientId": CLIENT_ID_2,
                "attributes": {ATTR_URL_NAME: ATTR_URL_VAL, ATTR_FILTERED_NAME: ATTR_FILTERED_VAL},
            },
            {"clientId": CLIENT_ID_3, "attributes": {ATTR_ORG_NAME: "fake val", ATTR_QUOTES_NAME: ATTR_QUOTES_VAL}},
        ]
        await import_realm(env, {"realm": "test", "enabled": True, "clients": clients})
        yield env
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()


@pytest.fixture
async def searchable_server(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Env]:
    """ClientSearchTest.SearchableServer."""
    async for env in started(request, tmp_path, (ATTR_URL_NAME, ATTR_ORG_NAME, ATTR_QUOTES_NAME)):
        yield env


async def query(env: Env, q: str) -> tuple[int, list[str]]:
    """``clients().query(q)``: the status and the clientIds found."""
    response = await env.http.get(f"{ADMIN}/clients", params={"q": q}, headers=await admin_headers(env))
    found = [c["clientId"] for c in response.json()] if response.status_code == 200 else []
    return response.status_code, found


async def search(env: Env, q: str, *expected: str) -> None:
    """AbstractClientSearchTest.search: exactly these clients, in any order."""
    status, found = await query(env, q)
    assert status == 200, (q, status)
    assert sorted(found) == sorted(expected), q


async def test_query_search(searchable_server: Env) -> None:
    env = searchable_server
    await search(env, f"{ATTR_ORG_NAME}:{ATTR_ORG_VAL}", CLIENT_ID_1)
    await search(env, f"{ATTR_URL_NAME}:{ATTR_URL_VAL}", CLIENT_ID_1, CLIENT_ID_2)
    await search(env, f"{ATTR_ORG_NAME}:{ATTR_ORG_VAL} {ATTR_URL_NAME}:{ATTR_URL_VAL}", CLIENT_ID_1)
    await search(env, f"{ATTR_ORG_NAME}:wrong val {ATTR_URL_NAME}:{ATTR_URL_VAL}")
    await search(env, f"{ATTR_QUOTES_NAME_ESCAPED}:{ATTR_QUOTES_VAL_ESCAPED}", CLIENT_ID_3)

    # "filtered" is not a searchable attribute: the request is refused.
    status, _ = await query(env, f"{ATTR_URL_NAME}:{ATTR_URL_VAL} {ATTR_FILTERED_NAME}:{ATTR_FILTERED_VAL}")
    assert status == 400
