"""Keycloak's ClientModelTest (testsuite .../model/ClientModelTest.java), ported through the Admin REST API: the realm
``original`` made anew for each test (``isImportAfterEachMethod``), each Java transaction one or more admin calls.

The removal tests are about caches: a scope mapping to a role that is then deleted must vanish from the client
that held it, whichever way the role goes (``from.removeRole`` is ``DELETE clients/{id}/roles/{name}``,
``realm.removeRole`` is ``DELETE roles/{name}``). ``persist`` and ``json`` compare what ClientModelTest.assertEquals
compares: clientId, name, description, baseUrl, adminUrl (``managementUrl``), redirect URIs, web origins and
registered nodes.
"""

from __future__ import annotations

from typing import Any

import pytest

from model_port import call, create, new_realm, ok
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/original"
ADDRESS = {
    "name": "address",
    "protocol": "openid-connect",
    "protocolMapper": "oidc-address-mapper",
    "config": {"id.token.claim": "true", "access.token.claim": "true", "userinfo.token.claim": "true"},
}


async def set_up_client(env: Env, realm: str = REALM) -> str:
    """setUpClient: ``app-name`` with three roles, two redirect URIs, two web origins, two registered nodes and the
    address mapper; its id."""
    rep = {
        "clientId": "app-name",
        "name": "Application",
        "description": "Description",
        "baseUrl": "http://base",
        "adminUrl": "http://management",
        "protocol": "openid-connect",
        "redirectUris": ["redirect-1", "redirect-2"],
        "webOrigins": ["origin-1", "origin-2"],
        "protocolMappers": [ADDRESS],
    }
    uuid = await create(env, f"{realm}/clients", rep)
    for role in ("role-1", "role-2", "role-3"):
        await create(env, f"{realm}/clients/{uuid}/roles", {"name": role})
    for node in ("node1", "10.20.30.40"):
        await ok(env, "POST", f"{realm}/clients/{uuid}/nodes", {"node": node})
    return uuid


def assert_same_client(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    """ClientModelTest.assertEquals."""
    for field in ("clientId", "name", "description", "baseUrl", "adminUrl", "registeredNodes"):
        assert expected.get(field) == actual.get(field), field
    assert set(actual["redirectUris"]) <= set(expected["redirectUris"])
    assert set(actual["webOrigins"]) <= set(expected["webOrigins"])


async def scope_mappings(env: Env, uuid: str) -> list[dict[str, Any]]:
    """``client.getScopeMappingsStream()``: the realm and client roles in the client's scope."""
    mappings = await ok(env, "GET", f"{REALM}/clients/{uuid}/scope-mappings")
    found = list(mappings.get("realmMappings", []))
    for client in mappings.get("clientMappings", {}).values():
        found.extend(client["mappings"])
    return found


async def scoped_to_client_role(env: Env) -> tuple[str, str]:
    """Client ``from`` with role ``clientRole`` in the scope of client ``scoped`` (full scope off); their ids."""
    source = await create(env, f"{REALM}/clients", {"clientId": "from"})
    await create(env, f"{REALM}/clients/{source}/roles", {"name": "clientRole"})
    role = await ok(env, "GET", f"{REALM}/clients/{source}/roles/clientRole")
    scoped = await create(env, f"{REALM}/clients", {"clientId": "scoped", "fullScopeAllowed": False})
    await ok(env, "POST", f"{REALM}/clients/{scoped}/scope-mappings/clients/{source}", [role])
    assert [r["name"] for r in await scope_mappings(env, scoped)] == ["clientRole"]
    return source, scoped


async def test_client_role_removal_and_client_scope(env: Env) -> None:
    """testClientRoleRemovalAndClientScope: the role and its client removed, the scoped client holds no mapping."""
    await new_realm(env, "original")
    source, scoped = await scoped_to_client_role(env)
    await ok(env, "DELETE", f"{REALM}/clients/{source}/roles/clientRole")
    await ok(env, "DELETE", f"{REALM}/clients/{source}")
    assert await scope_mappings(env, scoped) == []
    await ok(env, "DELETE", f"{REALM}/clients/{scoped}")


async def test_client_role_removal_and_client_scope_same_tx(env: Env) -> None:
    """testClientRoleRemovalAndClientScopeSameTx: right after the role goes (its client still there), the scoped
    client holds no mapping; both clients then removed."""
    await new_realm(env, "original")
    source, scoped = await scoped_to_client_role(env)
    await ok(env, "DELETE", f"{REALM}/clients/{source}/roles/clientRole")
    assert await scope_mappings(env, scoped) == []
    await ok(env, "DELETE", f"{REALM}/clients/{scoped}")
    await ok(env, "DELETE", f"{REALM}/clients/{source}")


async def test_realm_role_removal_and_client_scope(env: Env) -> None:
    """testRealmRoleRemovalAndClientScope: a realm role in a client's scope, deleted; the client holds no mapping."""
    await new_realm(env, "original")
    await create(env, f"{REALM}/roles", {"name": "clientRole"})
    role = await ok(env, "GET", f"{REALM}/roles/clientRole")
    scoped = await create(env, f"{REALM}/clients", {"clientId": "scoped", "fullScopeAllowed": False})
    await ok(env, "POST", f"{REALM}/clients/{scoped}/scope-mappings/realm", [role])
    await ok(env, "DELETE", f"{REALM}/roles-by-id/{role['id']}")
    assert await scope_mappings(env, scoped) == []
    await ok(env, "DELETE", f"{REALM}/clients/{scoped}")


async def test_circular_client_scopes(env: Env) -> None:
    """testCircularClientScopes: two clients each holding the other's role in scope; reading and removing one of
    them neither loops nor fails, and the other loses the mapping."""
    await new_realm(env, "original")
    one = await create(env, f"{REALM}/clients", {"clientId": "scoped1"})
    two = await create(env, f"{REALM}/clients", {"clientId": "scoped2"})
    await create(env, f"{REALM}/clients/{one}/roles", {"name": "role1"})
    await create(env, f"{REALM}/clients/{two}/roles", {"name": "role2"})
    role1 = await ok(env, "GET", f"{REALM}/clients/{one}/roles/role1")
    role2 = await ok(env, "GET", f"{REALM}/clients/{two}/roles/role2")
    await ok(env, "POST", f"{REALM}/clients/{one}/scope-mappings/clients/{two}", [role2])
    await ok(env, "POST", f"{REALM}/clients/{two}/scope-mappings/clients/{one}", [role1])
    assert (await ok(env, "GET", f"{REALM}/clients/{one}"))["clientId"] == "scoped1"
    await ok(env, "DELETE", f"{REALM}/clients/{one}")
    assert await scope_mappings(env, two) == []


async def test_persist(env: Env) -> None:
    """persist: the client read back by clientId is the one made; its nodes unregistered, then it is removed."""
    await new_realm(env, "original")
    uuid = await set_up_client(env)
    made = await ok(env, "GET", f"{REALM}/clients/{uuid}")
    (actual,) = await ok(env, "GET", f"{REALM}/clients", clientId="app-name")
    assert_same_client(made, actual)
    assert set(actual["registeredNodes"]) == {"node1", "10.20.30.40"}
    assert {r["name"] for r in await ok(env, "GET", f"{REALM}/clients/{uuid}/roles")} == {"role-1", "role-2", "role-3"}
    for node in ("node1", "10.20.30.40"):
        await ok(env, "DELETE", f"{REALM}/clients/{uuid}/nodes/{node}")
    assert "registeredNodes" not in await ok(env, "GET", f"{REALM}/clients/{uuid}")
    await ok(env, "DELETE", f"{REALM}/clients/{uuid}")


async def test_json(env: Env) -> None:
    """json: the client's representation, its id and its mappers' ids dropped, makes an equal client in realm
    ``copy`` (RepresentationToModel.createClient is what ``POST clients`` runs)."""
    await new_realm(env, "original")
    uuid = await set_up_client(env)
    rep = await ok(env, "GET", f"{REALM}/clients/{uuid}")
    rep.pop("id")
    for mapper in rep["protocolMappers"]:
        mapper.pop("id", None)
    await new_realm(env, "copy")
    copy_id = await create(env, "/copy/clients", rep)
    copied = await ok(env, "GET", f"/copy/clients/{copy_id}")
    assert_same_client(rep, copied)
    assert [m["protocolMapper"] for m in copied["protocolMappers"]] == ["oidc-address-mapper"]
    await ok(env, "DELETE", f"/copy/clients/{copy_id}")
    await ok(env, "DELETE", "/copy")


async def test_add_application_with_id(env: Env) -> None:
    """testAddApplicationWithId: a client made with an id of the caller's choosing is found by that id."""
    await new_realm(env, "original")
    wanted = "6f1c0d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f"
    assert await create(env, f"{REALM}/clients", {"id": wanted, "clientId": "application2"}) == wanted
    assert (await ok(env, "GET", f"{REALM}/clients/{wanted}"))["clientId"] == "application2"
    await ok(env, "DELETE", f"{REALM}/clients/{wanted}")


async def three_scopes(env: Env) -> dict[str, str]:
    """scope1, scope2 and scope3, openid-connect; their ids by name."""
    return {
        name: await create(env, f"{REALM}/client-scopes", {"name": name, "protocol": "openid-connect"})
        for name in ("scope1", "scope2", "scope3")
    }


async def bound(env: Env, uuid: str) -> tuple[set[str], set[str]]:
    """``client.getClientScopes(true)`` and ``getClientScopes(false)``, narrowed to scope1..3."""
    mine = {"scope1", "scope2", "scope3"}
    default = {s["name"] for s in await ok(env, "GET", f"{REALM}/clients/{uuid}/default-client-scopes")}
    optional = {s["name"] for s in await ok(env, "GET", f"{REALM}/clients/{uuid}/optional-client-scopes")}
    return default & mine, optional & mine


async def test_client_scopes_binding(env: Env) -> None:
    """testClientScopesBinding: scope1 bound as a default, scope2 and scope3 as optional; scope1 and scope2
    unbound, scope3 alone stays optional."""
    await new_realm(env, "original")
    uuid = await create(env, f"{REALM}/clients", {"clientId": "templatized", "protocol": "openid-connect"})
    ids = await three_scopes(env)
    await ok(env, "PUT", f"{REALM}/clients/{uuid}/default-client-scopes/{ids['scope1']}")
    await ok(env, "PUT", f"{REALM}/clients/{uuid}/optional-client-scopes/{ids['scope2']}")
    await ok(env, "PUT", f"{REALM}/clients/{uuid}/optional-client-scopes/{ids['scope3']}")
    assert await bound(env, uuid) == ({"scope1"}, {"scope2", "scope3"})
    await ok(env, "DELETE", f"{REALM}/clients/{uuid}/default-client-scopes/{ids['scope1']}")
    await ok(env, "DELETE", f"{REALM}/clients/{uuid}/optional-client-scopes/{ids['scope2']}")
    assert await bound(env, uuid) == (set(), {"scope3"})
    await ok(env, "DELETE", f"{REALM}/clients/{uuid}")
    for scope_id in ids.values():
        await ok(env, "DELETE", f"{REALM}/client-scopes/{scope_id}")


async def test_default_default_client_scopes(env: Env) -> None:
    """testDefaultDefaultClientScopes: the realm's default scopes (scope1 default, scope2 and scope3 optional) are
    bound to a client made after; once scope1 and scope2 leave the realm's defaults, a new client gets scope3
    alone, as optional."""
    await new_realm(env, "original")
    ids = await three_scopes(env)
    await ok(env, "PUT", f"{REALM}/default-default-client-scopes/{ids['scope1']}")
    await ok(env, "PUT", f"{REALM}/default-optional-client-scopes/{ids['scope2']}")
    await ok(env, "PUT", f"{REALM}/default-optional-client-scopes/{ids['scope3']}")
    foo = await create(env, f"{REALM}/clients", {"clientId": "foo", "protocol": "openid-connect"})
    assert await bound(env, foo) == ({"scope1"}, {"scope2", "scope3"})
    await ok(env, "DELETE", f"{REALM}/clients/{foo}")
    await ok(env, "DELETE", f"{REALM}/default-default-client-scopes/{ids['scope1']}")
    await ok(env, "DELETE", f"{REALM}/default-optional-client-scopes/{ids['scope2']}")
    foo2 = await create(env, f"{REALM}/clients", {"clientId": "foo2", "protocol": "openid-connect"})
    assert await bound(env, foo2) == (set(), {"scope3"})
    await ok(env, "DELETE", f"{REALM}/clients/{foo2}")
    await ok(env, "DELETE", f"{REALM}/client-scopes/{ids['scope1']}")
    await ok(env, "DELETE", f"{REALM}/client-scopes/{ids['scope2']}")
    await ok(env, "DELETE", f"{REALM}/default-optional-client-scopes/{ids['scope3']}")
    await ok(env, "DELETE", f"{REALM}/client-scopes/{ids['scope3']}")
    assert (await call(env, "GET", f"{REALM}/client-scopes/{ids['scope3']}")).status_code == 404


async def test_registered_nodes_of_a_new_client_are_host_names_to_times(env: Env) -> None:
    """Not in ClientModelTest: ``registeredNodes`` that are not host names to integers are a 400, nothing made;
    an update leaves the registered nodes as they were."""
    await new_realm(env, "original")
    for bad in (["node1"], {"node1": "soon"}, {"node1": True}):
        response = await call(env, "POST", f"{REALM}/clients", {"clientId": "bad", "registeredNodes": bad})
        assert response.status_code == 400, response.text
    assert await ok(env, "GET", f"{REALM}/clients", clientId="bad") == []
    # RepresentationToModel.updateClient does not read them: an update neither adds nor drops a node
    uuid = await create(env, f"{REALM}/clients", {"clientId": "good", "registeredNodes": {"node1": 10}})
    rep = await ok(env, "GET", f"{REALM}/clients/{uuid}")
    await ok(env, "PUT", f"{REALM}/clients/{uuid}", {**rep, "registeredNodes": {"node2": 20}})
    assert (await ok(env, "GET", f"{REALM}/clients/{uuid}"))["registeredNodes"] == {"node1": 10}
