"""Keycloak's new-framework PartialImportClientTest (tests/base/.../tests/admin/partialimport/): clients by
``POST partialImport`` with FAIL, SKIP and OVERWRITE, with their service-account users, built-in clients left
alone, and a base URL of an illegal scheme refused (ClientsPartialImport, UsersPartialImport).

The ``…WithServiceAccountsAndAuthorization`` methods give each client authorization-services settings, which
Doorkeep lacks (docs/admin-api.md: ``authz/resource-server`` answers 501): ported with the service accounts
only, the authorization settings and their assertions left out. AbstractPartialImportTest's
``clientServiceAccount`` is made where a test uses it."""

from __future__ import annotations

from typing import Any

import pytest

from partial_import_port import (
    NUM_ENTITIES,
    REALM,
    check_fail,
    check_overwrite,
    check_skip,
    clients,
    do_import,
    make_realm,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

SERVICE_CLIENT = "clientServiceAccount"


@pytest.fixture
async def realm(env: Env) -> Env:
    return await make_realm(env)


async def get(realm: Env, path: str, **params: str) -> Any:
    response = await realm.http.get(f"{REALM}{path}", params=params, headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def test_illegal_scheme_base_url_partial_import(realm: Env) -> None:
    """PartialImportClientTest#testIllegalSchemeBaseUrlPartialImport: 400, and no client made."""
    client = {
        "clientId": "evil-partial-import-test",
        "enabled": True,
        "publicClient": True,
        "redirectUris": ["http://localhost/*"],
        "baseUrl": "javascript:confirm(document.domain)/*",
    }
    response = await realm.http.post(
        f"{REALM}/partialImport",
        json={"clients": [client], "ifResourceExists": "FAIL"},
        headers=await realm.admin_headers(),
    )
    assert response.status_code == 400, response.text
    assert "Base URL uses an illegal scheme" in response.text
    assert await get(realm, "/clients", clientId="evil-partial-import-test") == []


async def test_add_clients(realm: Env) -> None:
    """PartialImportClientTest#testAddClients"""
    results = await do_import(realm, clients(with_service_accounts=False), "FAIL")
    assert results["added"] == NUM_ENTITIES
    for result in results["results"]:
        assert (await get(realm, f"/clients/{result['id']}"))["name"].startswith("client")


async def test_add_clients_with_service_accounts(realm: Env) -> None:
    """PartialImportClientTest#testAddClientsWithServiceAccountsAndAuthorization, without the authorization
    settings: each client and its service-account user added; the user imported is the client's service
    account (beyond the Java class, which does not look)."""
    results = await do_import(realm, clients(with_service_accounts=True), "FAIL")
    assert results["added"] == NUM_ENTITIES * 2
    user_ids = {r["id"] for r in results["results"] if r["resourceType"] == "USER"}
    for result in results["results"]:
        if result["resourceType"] == "CLIENT":
            client = await get(realm, f"/clients/{result['id']}")
            assert client["name"].startswith("client")
            assert client["serviceAccountsEnabled"] is True
            assert (await get(realm, f"/clients/{result['id']}/service-account-user"))["id"] in user_ids
        else:
            assert (await get(realm, f"/users/{result['id']}"))["username"].startswith("service-account-client")


async def test_add_clients_fail(realm: Env) -> None:
    """PartialImportClientTest#testAddClientsFail"""
    await check_fail(realm, clients(with_service_accounts=False))


async def test_add_clients_skip(realm: Env) -> None:
    """PartialImportClientTest#testAddClientsSkip"""
    await check_skip(realm, clients(with_service_accounts=False))


async def test_add_clients_skip_with_service_accounts(realm: Env) -> None:
    """PartialImportClientTest#testAddClientsSkipWithServiceAccountsAndAuthorization (no authorization)"""
    await check_skip(realm, clients(with_service_accounts=True), NUM_ENTITIES * 2)


async def test_add_clients_overwrite(realm: Env) -> None:
    """PartialImportClientTest#testAddClientsOverwrite"""
    await check_overwrite(realm, clients(with_service_accounts=False))


async def test_add_clients_overwrite_with_service_accounts(realm: Env) -> None:
    """PartialImportClientTest#testAddClientsOverwriteWithServiceAccountsAndAuthorization (no authorization)"""
    await check_overwrite(realm, clients(with_service_accounts=True), NUM_ENTITIES * 2)


async def test_add_clients_overwrite_service_accounts_with_no_service_accounts(realm: Env) -> None:
    """PartialImportClientTest#testAddClientsOverwriteServiceAccountsWithNoServiceAccounts: the clients
    overwritten without service accounts take their service-account users with them."""
    assert (await do_import(realm, clients(with_service_accounts=True), "OVERWRITE"))["added"] == NUM_ENTITIES * 2
    for i in range(NUM_ENTITIES):
        assert len(await get(realm, "/users", username=f"service-account-client{i}")) == 1
    overwritten = await do_import(realm, clients(with_service_accounts=False), "OVERWRITE")
    assert overwritten["overwritten"] == NUM_ENTITIES
    for i in range(NUM_ENTITIES):
        assert await get(realm, "/users", username=f"service-account-client{i}") == []


async def test_overwrite_existing_client_with_roles(realm: Env) -> None:
    """PartialImportClientTest#testOverwriteExistingClientWithRoles (KEYCLOAK-3042): master's ``broker`` client
    and its roles, imported with OVERWRITE, do not fail."""
    headers = await realm.admin_headers()
    broker = await realm.http.get("/admin/realms/master/clients", params={"clientId": "broker"}, headers=headers)
    client = broker.json()[0]
    roles = (await realm.http.get(f"/admin/realms/master/clients/{client['id']}/roles", headers=headers)).json()
    await do_import(realm, {"clients": [client], "roles": {"client": {"broker": roles}}}, "OVERWRITE")


async def test_overwrite_existing_internal_client(realm: Env) -> None:
    """PartialImportClientTest#testOverwriteExistingInternalClient (KEYCLOAK-6058): built-in clients are not
    overwritten. Doorkeep's master realm has no per-realm ``{realm}-realm`` clients, so the
    ``master-realm`` client goes in as its clientId alone (ClientsPartialImport.isInternalClient looks no
    further)."""
    headers = await realm.admin_headers()
    params = {"clientId": "security-admin-console"}
    console = (await realm.http.get("/admin/realms/master/clients", params=params, headers=headers)).json()[0]
    found = [console, {"clientId": "master-realm", "name": "master Realm"}]
    assert (await do_import(realm, {"clients": found}, "OVERWRITE"))["overwritten"] == 0


async def test_overwrite_existing_client_with_service_account(realm: Env) -> None:
    """PartialImportClientTest#testOverwriteExistingClientWithServiceAccount: the overwritten client still has
    its service-account user."""
    headers = await realm.admin_headers()
    body = {
        "clientId": SERVICE_CLIENT,
        "name": SERVICE_CLIENT,
        "secret": "secret",
        "protocol": "openid-connect",
        "rootUrl": "http://localhost/foo",
        "publicClient": False,
        "serviceAccountsEnabled": True,
    }
    created = await realm.http.post(f"{REALM}/clients", json=body, headers=headers)
    assert created.status_code == 201, created.text
    rep = await get(realm, f"/clients/{created.headers['location'].rsplit('/', 1)[-1]}")
    assert (await do_import(realm, {"clients": [rep]}, "OVERWRITE"))["overwritten"] == 1
    client = (await get(realm, "/clients", clientId=SERVICE_CLIENT))[0]
    await get(realm, f"/clients/{client['id']}/service-account-user")


async def test_service_account_of_an_unknown_client_is_refused(realm: Env) -> None:
    """Beyond the Java class: a user naming, as serviceAccountClientId, a client that is nowhere gets
    RepresentationToModel.createUser's message as a 400 (Keycloak's RuntimeException), and nothing is written."""
    user = {"username": "service-account-ghost", "serviceAccountClientId": "ghost"}
    response = await realm.http.post(
        f"{REALM}/partialImport", json={"users": [user]}, headers=await realm.admin_headers()
    )
    assert response.status_code == 400, response.text
    assert response.json() == {
        "errorMessage": "Unable to find client specified for service account link. Client: ghost"
    }
    assert await get(realm, "/users", username="service-account-ghost") == []
