"""Keycloak's ClientCountTest (tests/base/.../tests/admin/client/, the new test framework): ``GET
clients/count`` answers the number of the realm's clients, of those whose clientId contains ``search`` (any
case), or of those matching the attribute query ``q`` (the server started with ``env`` searchable,
``--spi-client-jpa-searchable-attributes``); ClientsResource.getClientsCount.

The @BeforeEach: count-test-alpha, and count-test-beta and count-test-gamma with the attribute env=production."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from admin_support import make_admin
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

CLIENTS = "/admin/realms/test/clients"


@pytest.fixture
async def searchable(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    """SearchableServer: an app on the same database with ``env`` a searchable client attribute."""
    env = dataclasses.replace(
        realm, settings=dataclasses.replace(realm.settings, client_searchable_attributes=("env",))
    )
    async with client_at(env, "127.0.0.1") as http:
        yield http


async def _created(realm: Env) -> list[str]:
    ids = []
    for client_id, attributes in (
        ("count-test-alpha", {}),
        ("count-test-beta", {"env": "production"}),
        ("count-test-gamma", {"env": "production"}),
    ):
        body = {"clientId": client_id, "enabled": True, "attributes": attributes}
        response = await realm.http.post(CLIENTS, json=body, headers=await realm.admin_headers())
        assert response.status_code == 201, response.text
        ids.append(response.headers["location"].rsplit("/", 1)[-1])
    return ids


async def _count(realm: Env, http: httpx.AsyncClient, **params: str) -> int:
    response = await http.get(f"{CLIENTS}/count", params=params, headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    counted = response.json()
    assert isinstance(counted, int)
    return counted


async def test_total_count_includes_created_clients(realm: Env, searchable: httpx.AsyncClient) -> None:
    """ClientCountTest#testTotalCountIncludesCreatedClients"""
    await _created(realm)
    listed = await realm.http.get(CLIENTS, headers=await realm.admin_headers())
    assert await _count(realm, searchable) == len(listed.json()) >= 3


async def test_count_with_search_filter(realm: Env, searchable: httpx.AsyncClient) -> None:
    """ClientCountTest#testCountWithSearchFilter: a substring of the clientId, in any case."""
    await _created(realm)
    assert await _count(realm, searchable, search="count-test") == 3
    assert await _count(realm, searchable, search="COUNT-TEST-A") == 1


async def test_count_with_attribute_filter(realm: Env, searchable: httpx.AsyncClient) -> None:
    """ClientCountTest#testCountWithAttributeFilter"""
    await _created(realm)
    assert await _count(realm, searchable, q="env:production") == 2


async def test_count_decreases_after_deletion(realm: Env, searchable: httpx.AsyncClient) -> None:
    """ClientCountTest#testCountDecreasesAfterDeletion"""
    ids = await _created(realm)
    before = await _count(realm, searchable, search="count-test")
    deleted = await realm.http.delete(f"{CLIENTS}/{ids[0]}", headers=await realm.admin_headers())
    assert deleted.status_code == 204
    assert await _count(realm, searchable, search="count-test") == before - 1


async def test_search_filter_no_match(realm: Env, searchable: httpx.AsyncClient) -> None:
    """ClientCountTest#testSearchFilterNoMatch"""
    await _created(realm)
    assert await _count(realm, searchable, search="no-such-client-xyz") == 0


async def test_an_attribute_that_is_not_searchable_is_400_and_query_clients_alone_counts_nothing(realm: Env) -> None:
    """getClientsCount's ModelException (an attribute the server cannot search) is 400 invalid_request; a caller
    who may list but not view clients is counted none (no per-client permissions in Doorkeep); without even
    query-clients, 403."""
    await _created(realm)
    refused = await realm.http.get(
        f"{CLIENTS}/count", params={"q": "env:production"}, headers=await realm.admin_headers()
    )
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_request")
    _, query_only = await make_admin(realm, "test", "lister", "query-clients")
    assert (await realm.http.get(f"{CLIENTS}/count", headers=query_only)).json() == 0
    _, nobody = await make_admin(realm, "test", "nobody")
    assert (await realm.http.get(f"{CLIENTS}/count", headers=nobody)).status_code == 403
