"""Keycloak's AdminClientTest (tests/base/.../tests/admin/, the new test framework): the "advanced" ways the Java
admin client signs in, over HTTP: a service account's client credentials (re-authenticating once its token
expired, refused once the client is disabled, with an optional client scope asked for or not), and a user through
admin-cli (the session closed with the admin client, refused once admin-cli or the user is disabled, offline
tokens included). ``noClientSecretWithClientCredentialsAuthSuccess`` is @Disabled in Keycloak (mTLS).

TestRealmConfig: realm ``test`` with ``test-user@localhost`` (realm-admin, offline_access) and the client
``service-account-cl`` (secret ``secret1``, service accounts) whose service account holds realm-admin."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from keycloak_port import get, put, update_client, update_user, user_id
from support import grant_client_roles, seed_client, seed_user, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

USER = "test-user@localhost"
CLIENT_ID, CLIENT_SECRET = "service-account-cl", "secret1"


async def _setup(realm: Env) -> None:
    user = await seed_user(
        realm.db, realm.clock, "test", USER, realm_roles=("offline_access",), email="testuser@localhost.com"
    )
    await grant_client_roles(realm.db, user, "realm-management", "realm-admin")
    client = await seed_client(realm.db, "test", CLIENT_ID, secret=CLIENT_SECRET, service_accounts=True)
    async with realm.db.transaction() as tx:
        account = await tx.users.get_service_account(client)
    assert account is not None
    await grant_client_roles(realm.db, account, "realm-management", "realm-admin")


async def _client_credentials(realm: Env, scope: str | None = None) -> dict[str, Any]:
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    response = await realm.http.post(token_url("test"), data=form | ({"scope": scope} if scope else {}))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _password(realm: Env, scope: str | None = None) -> dict[str, Any]:
    form = {"grant_type": "password", "client_id": "admin-cli", "username": USER, "password": "password"}
    response = await realm.http.post(token_url("test"), data=form | ({"scope": scope} if scope else {}))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _realm(realm: Env, tokens: dict[str, Any]) -> httpx.Response:
    """``adminClient.realm("test").toRepresentation()``."""
    return await realm.http.get("/admin/realms/test", headers={"Authorization": f"Bearer {tokens['access_token']}"})


def _loaded(response: httpx.Response) -> None:
    assert response.status_code == 200 and response.json()["realm"] == "test", response.text


async def test_client_credentials_auth_success(realm: Env) -> None:
    """AdminClientTest#clientCredentialsAuthSuccess: after the token expired the admin client signs in again."""
    await _setup(realm)
    _loaded(await _realm(realm, await _client_credentials(realm)))
    realm.clock.advance(1000)
    _loaded(await _realm(realm, await _client_credentials(realm)))


async def test_client_credentials_client_disabled(realm: Env) -> None:
    """AdminClientTest#clientCredentialsClientDisabled: NotAuthorizedException once the client is disabled."""
    await _setup(realm)
    tokens = await _client_credentials(realm)
    _loaded(await _realm(realm, tokens))
    await update_client(realm, CLIENT_ID, enabled=False)
    assert (await _realm(realm, tokens)).status_code == 401


async def test_admin_auth_close_user_session(realm: Env) -> None:
    """AdminClientTest#adminAuthCloseUserSession: closing the admin client logs its session out."""
    await _setup(realm)
    uid = await user_id(realm, USER)
    tokens = await _password(realm)
    _loaded(await _realm(realm, tokens))
    assert len(await get(realm, f"/users/{uid}/sessions")) == 1
    form = {"client_id": "admin-cli", "refresh_token": tokens["refresh_token"]}
    assert (await realm.http.post(token_url("test", "logout"), data=form)).status_code == 204
    assert await get(realm, f"/users/{uid}/sessions") == []


async def test_admin_auth_client_disabled(realm: Env) -> None:
    """AdminClientTest#adminAuthClientDisabled"""
    await _setup(realm)
    tokens = await _password(realm)
    _loaded(await _realm(realm, tokens))
    await update_client(realm, "admin-cli", enabled=False)
    assert (await _realm(realm, tokens)).status_code == 401


async def test_admin_auth_user_disabled(realm: Env) -> None:
    """AdminClientTest#adminAuthUserDisabled: the online and the offline admin client both refused."""
    await _setup(realm)
    online, offline = await _password(realm), await _password(realm, "offline_access")
    _loaded(await _realm(realm, online))
    _loaded(await _realm(realm, offline))
    await update_user(realm, USER, enabled=False)
    assert (await _realm(realm, online)).status_code == 401
    assert (await _realm(realm, offline)).status_code == 401


async def test_scoped_client_credentials_auth_success(realm: Env) -> None:
    """AdminClientTest#scopedClientCredentialsAuthSuccess: a scope created with its own id, optional on the client,
    is in the token when asked for and not otherwise; either token reads the scope."""
    await _setup(realm)
    scope_id = "0d3a6bd1-6c39-4a5e-a0b2-8f0f8f0a1c11"
    response = await realm.http.post(
        "/admin/realms/test/client-scopes",
        json={"id": scope_id, "name": "myScope", "protocol": "openid-connect"},
        headers=await realm.admin_headers(),
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"].endswith(f"/client-scopes/{scope_id}")
    (client,) = await get(realm, "/clients", clientId=CLIENT_ID)
    await put(realm, f"/clients/{client['id']}/optional-client-scopes/{scope_id}", None)
    for asked, present in (("myScope", True), (None, False)):
        tokens = await _client_credentials(realm, asked)
        assert ("myScope" in tokens["scope"].split()) is present, tokens["scope"]
        read = await realm.http.get(
            f"/admin/realms/test/client-scopes/{scope_id}",
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        assert read.status_code == 200, read.text
