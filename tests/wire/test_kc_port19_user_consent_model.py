"""Keycloak's UserConsentModelTest (testsuite .../model/UserConsentModelTest.java), ported through the real app: the
realm ``original`` (clients foo-client and bar-client, client scopes foo and bar, users john and mary) made through
the Admin REST API, the consents granted by the users themselves through the Account REST API
(``POST /account/applications/{clientId}/consent``, UserConsentManager.addConsent underneath) and read through the
admin API's ``users/{id}/consents`` (UserConsentManager.getConsentsStream): john grants foo-client the scope foo
and bar-client the scope bar, mary grants foo-client foo.

The users get a password, e-mail and names so that they can sign in (Keycloak 26's profile asks for them), and sign
in at a public client ``direct`` of the realm, whose token the account API takes.

Not ported:

* setupEnv's "update should fail as grant doesn't yet exist": UserConsentManager.updateConsent's ModelException
  has no HTTP form; the account API's PUT and POST both upsert (AccountRestService.upsert).
* The ``hardcoded-client`` of HardcodedClientStorageProvider (mary's consent to it in basicConsentTest,
  getAllConsentTest and revokeTest) and deleteClientStorageTest: Doorkeep has no client storage providers.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from model_port import call, client_uuid, create, new_realm, ok, user_id
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/original"
ACCOUNT = "/realms/original/account"


async def set_up(env: Env) -> dict[str, str]:
    """setupEnv; the client scopes' ids by name."""
    await new_realm(env, "original")
    for client_id in ("foo-client", "bar-client"):
        await create(env, f"{REALM}/clients", {"clientId": client_id})
    direct = {"clientId": "direct", "publicClient": True, "directAccessGrantsEnabled": True}
    await create(env, f"{REALM}/clients", direct)
    scopes = {
        name: await create(env, f"{REALM}/client-scopes", {"name": name, "protocol": "openid-connect"})
        for name in ("foo", "bar")
    }
    for username in ("john", "mary"):
        rep = {"username": username, "enabled": True, "email": f"{username}@keycloak.org", "firstName": username}
        password = [{"type": "password", "value": "password", "temporary": False}]
        await create(env, f"{REALM}/users", {**rep, "lastName": "Doe", "credentials": password})
    await grant(env, "john", "foo-client", [scopes["foo"]])
    await grant(env, "john", "bar-client", [scopes["bar"]])
    await grant(env, "mary", "foo-client", [scopes["foo"]])
    return scopes


async def account(env: Env, username: str, method: str, client_id: str, body: Any = None) -> httpx.Response:
    """The user's own Account REST call on their consent to ``client_id``."""
    response = await password_grant(env.http, "original", "direct", username, "password", secret=None)
    assert response.status_code == 200, response.text
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    return await env.http.request(method, f"{ACCOUNT}/applications/{client_id}/consent", json=body, headers=headers)


async def grant(env: Env, username: str, client_id: str, scope_ids: list[str]) -> None:
    """UserConsentManager.addConsent, by the user: ``client_id`` granted these client scopes."""
    body = {"grantedScopes": [{"id": scope_id} for scope_id in scope_ids]}
    response = await account(env, username, "POST", client_id, body)
    assert response.status_code == 200, response.text


async def consents(env: Env, username: str) -> dict[str, dict[str, Any]]:
    """UserConsentManager.getConsentsStream: the user's consents by clientId."""
    uid = await user_id(env, "original", username)
    return {c["clientId"]: c for c in await ok(env, "GET", f"{REALM}/users/{uid}/consents")}


def assert_granted(consent: dict[str, Any], *scopes: str) -> None:
    assert sorted(consent["grantedClientScopes"]) == sorted(scopes), consent
    assert consent["createdDate"] is not None, "Created Date should be set"
    assert consent["lastUpdatedDate"] is not None, "Last Updated Date should be set"


async def test_basic_consent_test(env: Env) -> None:
    """basicConsentTest: john's consents to foo-client (foo) and bar-client (bar), mary's to foo-client (foo), each
    with its dates; mary has none to bar-client."""
    await set_up(env)
    john, mary = await consents(env, "john"), await consents(env, "mary")
    assert_granted(john["foo-client"], "foo")
    assert_granted(john["bar-client"], "bar")
    assert_granted(mary["foo-client"], "foo")
    assert "bar-client" not in mary


async def test_get_all_consent_test(env: Env) -> None:
    """getAllConsentTest: john has two consents, mary one, to foo-client with the scope foo."""
    await set_up(env)
    assert set(await consents(env, "john")) == {"foo-client", "bar-client"}
    mary = await consents(env, "mary")
    assert set(mary) == {"foo-client"} and mary["foo-client"]["grantedClientScopes"] == ["foo"]


async def test_update_with_client_scope_removal_test(env: Env) -> None:
    """updateWithClientScopeRemovalTest: john's consent to foo-client updated without the scope foo keeps no scope,
    and its last update is after its creation."""
    await set_up(env)
    assert (await consents(env, "john"))["foo-client"]["grantedClientScopes"] == ["foo"]
    env.clock.advance(5)
    response = await account(env, "john", "PUT", "foo-client", {"grantedScopes": []})
    assert response.status_code == 200, response.text
    consent = (await consents(env, "john"))["foo-client"]
    assert consent["grantedClientScopes"] == []
    assert consent["createdDate"] < consent["lastUpdatedDate"], "Created date should be less than last updated date"


async def test_revoke_test(env: Env) -> None:
    """revokeTest: john's consent to foo-client revoked (UserConsentManager.revokeConsentForClient, the admin
    API's ``DELETE users/{id}/consents/{clientId}``) is gone; his other one and mary's stay."""
    await set_up(env)
    uid = await user_id(env, "original", "john")
    await ok(env, "DELETE", f"{REALM}/users/{uid}/consents/foo-client")
    assert set(await consents(env, "john")) == {"bar-client"}
    assert set(await consents(env, "mary")) == {"foo-client"}
    gone = await call(env, "DELETE", f"{REALM}/users/{uid}/consents/foo-client")
    assert gone.status_code == 404, gone.text


async def test_delete_user_test(env: Env) -> None:
    """deleteUserTest: users holding consents are removed without a referential error."""
    await set_up(env)
    for username in ("john", "mary"):
        uid = await user_id(env, "original", username)
        await ok(env, "DELETE", f"{REALM}/users/{uid}")
        assert (await call(env, "GET", f"{REALM}/users/{uid}")).status_code == 404


async def test_delete_client_scope_test(env: Env) -> None:
    """deleteClientScopeTest: the client scope foo removed, john's consent to foo-client holds no scope."""
    scopes = await set_up(env)
    await ok(env, "DELETE", f"{REALM}/client-scopes/{scopes['foo']}")
    assert (await consents(env, "john"))["foo-client"]["grantedClientScopes"] == []
    assert (await consents(env, "john"))["bar-client"]["grantedClientScopes"] == ["bar"]


async def test_delete_client_test(env: Env) -> None:
    """deleteClientTest: bar-client removed, john's consent to it is gone and the one to foo-client stays."""
    await set_up(env)
    await ok(env, "DELETE", f"{REALM}/clients/{await client_uuid(env, 'original', 'bar-client')}")
    assert await ok(env, "GET", f"{REALM}/clients", clientId="bar-client") == []
    john = await consents(env, "john")
    assert set(john) == {"foo-client"}
    assert_granted(john["foo-client"], "foo")
