"""Keycloak 26's ``org.keycloak.testsuite.admin.client.ServiceAccountClientTest``
(testsuite/integration-arquillian/tests/base/.../admin/client/), its one method ported to one test.

AbstractClientTest's realm ``test`` is imported through ``POST /admin/realms`` with admin events on; the
client is created, changed and its service account deleted through the admin API, as the Java test does with
the admin client. ``oauth.doClientCredentialsGrantAccessTokenRequest`` is a client-credentials grant asking
for ``openid`` (Keycloak's test OAuthClient's default scope). Nothing is left out.

Elsewhere: the ``service_account`` scope's mappers and what a client's scope lists show in
test_service_account_scope.py; the client-credentials refusals' texts in test_keycloak_service_account_test.py.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from doorkeep.errors import CC_DISABLED, CC_NO_USER
from keycloak_port import ADMIN, admin_headers, forget, get, import_realm, put
from support import claims, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

CLIENT_ID = "service-account-client"
SCOPE = "service_account"  # ServiceAccountConstants.SERVICE_ACCOUNT_SCOPE


@pytest.fixture
async def realm(env: Env) -> AsyncIterator[Env]:
    """AbstractClientTest: the realm ``test``, its admin events recorded (with representations)."""
    await import_realm(
        env, {"realm": "test", "enabled": True, "adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    )
    yield env
    forget(env)


async def _default_scope_names(env: Env, uuid: str) -> list[str]:
    return [scope["name"] for scope in await get(env, f"/clients/{uuid}/default-client-scopes")]


async def _client_credentials(env: Env) -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": "password", "scope": "openid"}
    return await env.http.post(token_url("test"), data=form)


def _assert_service_account_claims(response: httpx.Response) -> None:
    """``oauth.verifyToken`` and the three claims the ``service_account`` scope's mappers add."""
    assert response.status_code == 200, response.text
    access = claims(response.json()["access_token"])
    assert access["client_id"] == CLIENT_ID
    assert access["clientHost"] is not None and access["clientAddress"] is not None


async def test_service_account_enable_disable(realm: Env) -> None:
    """ServiceAccountClientTest.testServiceAccountEnableDisable: the ``service_account`` scope is a default
    scope of the client exactly while its service accounts are enabled (re-enabling makes it default again
    even after it was moved to the optional ones); the client-credentials grant carries the scope's claims,
    is refused (401, as ClientCredentialsGrantType answers both) with ``unauthorized_client`` while disabled
    and with ``invalid_request`` once the service account user is deleted."""
    headers = await admin_headers(realm)
    [scope] = [s for s in await get(realm, "/client-scopes") if s["name"] == SCOPE]
    rep: dict[str, Any] = {
        "clientId": CLIENT_ID,
        "protocol": "openid-connect",
        "secret": "password",
        "serviceAccountsEnabled": True,
        "clientAuthenticatorType": "client-secret",
        "publicClient": False,
    }
    created = await realm.http.post(f"{ADMIN}/clients", json=rep, headers=headers)
    assert created.status_code == 201, created.text
    uuid = created.headers["location"].rsplit("/", 1)[-1]
    # AbstractClientTest.createClient: the CREATE admin event on clients/{id} with the representation sent
    [event] = (await get(realm, "/admin-events"))[:1]
    assert (event["operationType"], event["resourceType"]) == ("CREATE", "CLIENT")
    assert event["resourcePath"] == f"clients/{uuid}"
    assert json.loads(event["representation"])["clientId"] == CLIENT_ID
    assert SCOPE in await _default_scope_names(realm, uuid)
    _assert_service_account_claims(await _client_credentials(realm))

    # service accounts off: the scope is no longer a default one and the grant is refused
    await put(realm, f"/clients/{uuid}", {**rep, "serviceAccountsEnabled": False})
    assert SCOPE not in await _default_scope_names(realm, uuid)
    refused = await _client_credentials(realm)
    assert refused.status_code == 401, refused.text
    assert refused.json() == {"error": "unauthorized_client", "error_description": CC_DISABLED}

    # re-enabled: the scope is back as a default one
    await put(realm, f"/clients/{uuid}", {**rep, "serviceAccountsEnabled": True})
    assert SCOPE in await _default_scope_names(realm, uuid)
    _assert_service_account_claims(await _client_credentials(realm))

    # the scope moved to the optional ones; enabling again assigns it as a default one once more
    removed = await realm.http.delete(f"{ADMIN}/clients/{uuid}/default-client-scopes/{scope['id']}", headers=headers)
    assert removed.status_code == 204, removed.text
    added = await realm.http.put(f"{ADMIN}/clients/{uuid}/optional-client-scopes/{scope['id']}", headers=headers)
    assert added.status_code == 204, added.text
    assert SCOPE not in await _default_scope_names(realm, uuid)
    await put(realm, f"/clients/{uuid}", {**rep, "serviceAccountsEnabled": True})
    assert SCOPE in await _default_scope_names(realm, uuid)
    _assert_service_account_claims(await _client_credentials(realm))

    # the service account user deleted: the grant is an invalid_request
    account = await get(realm, f"/clients/{uuid}/service-account-user")
    deleted = await realm.http.delete(f"{ADMIN}/users/{account['id']}", headers=headers)
    assert deleted.status_code == 204, deleted.text
    gone = await _client_credentials(realm)
    assert gone.status_code == 401, gone.text
    assert gone.json() == {"error": "invalid_request", "error_description": CC_NO_USER}
