"""Keycloak's ClientByAttributesTest (tests/base/.../tests/admin/client/) over HTTP.

The Java class calls ``ClientProvider.getClientByAttribute`` on the server (run-on-server), which no client can
reach. What an admin sees of the same lookup is ``GET clients?q=jwt.credential.sub:<value>`` (ClientsResource
.getClients over JpaClientProvider.searchClientsByAttributes; ``jwt.credential.sub`` is one of
JpaClientProviderFactory's REQUIRED_SEARCHABLE_ATTRIBUTES). The realm is the class's ClientByAttributesRealm:
``client1`` with the value ``value1``, ``client2`` and ``client3`` both with ``value2``.

The listing names every match where the model's single lookup throws "Multiple clients found with the same
attribute name and value"; the Admin API's search never throws that (ClientsResource lists), so the port asserts
the two matches. The cache timestamp of lookupByAttributeTestCached is no wire fact: the port asserts that the
lookup answers the same before and after ``clear-realm-cache`` (204).
"""

from __future__ import annotations

import pytest

from keycloak_port import get
from role_port import call, create, import_test_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

SUB = "jwt.credential.sub"


@pytest.fixture
async def by_attributes(env: Env) -> Env:
    """ClientByAttributesRealm: three clients, two sharing the ``jwt.credential.sub`` value."""
    await import_test_realm(env)
    for client_id, value in (("client1", "value1"), ("client2", "value2"), ("client3", "value2")):
        await create(env, "/clients", {"clientId": client_id, "attributes": {SUB: value}})
    return env


async def found(env: Env, value: str) -> list[str]:
    listed = await get(env, "/clients", q=f"{SUB}:{value}")
    return [c["clientId"] for c in listed]


async def test_lookup_by_attribute(by_attributes: Env) -> None:
    """ClientByAttributesTest#lookupByAttribute: ``value1`` finds ``client1``, its attribute as stored."""
    listed = await get(by_attributes, "/clients", q=f"{SUB}:value1")
    assert [c["clientId"] for c in listed] == ["client1"]
    assert listed[0]["attributes"][SUB] == "value1"


async def test_lookup_by_attribute_multiple_matches(by_attributes: Env) -> None:
    """ClientByAttributesTest#lookupByAttributeMultipleMatches: the shared value finds both clients (the model's
    single lookup refuses them; the listing is no single lookup), and no partial value matches."""
    assert await found(by_attributes, "value2") == ["client2", "client3"]
    assert await found(by_attributes, "value") == []
    assert await found(by_attributes, "VALUE1") == []


async def test_lookup_by_attribute_test_cached(by_attributes: Env) -> None:
    """ClientByAttributesTest#lookupByAttributeTestCached: the same answer twice, and again once the realm's
    cache is cleared (``POST clear-realm-cache``, 204)."""
    first = await get(by_attributes, "/clients", q=f"{SUB}:value1")
    assert await get(by_attributes, "/clients", q=f"{SUB}:value1") == first
    cleared = await call(by_attributes, "POST", "/clear-realm-cache")
    assert cleared.status_code == 204, cleared.text
    assert await get(by_attributes, "/clients", q=f"{SUB}:value1") == first
