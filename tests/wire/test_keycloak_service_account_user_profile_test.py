"""Keycloak's ServiceAccountUserProfileTest (testsuite/.../oauth/ServiceAccountUserProfileTest.java), one test
per method: a service account's user as the Admin REST updates it under the user profile.

The realm is the Java test's RealmBuilder realm: ``test`` with the four clients (two with service accounts, one
without, one with a secret of special characters) and ``test-user@localhost``. The service account user is the
one of ``service-account-cl-refresh-on`` (``service-account-service-account-cl-refresh-on``); Keycloak's import
links the user it names, Doorkeep's import makes it for the client with service accounts on, the same user.
"""

from __future__ import annotations

from typing import Any

import pytest

import keycloak_port as port
from wire_env import Env

pytestmark = pytest.mark.anyio

REFRESH_ON = "service-account-cl-refresh-on"


def realm_rep() -> dict[str, Any]:
    def client(client_id: str, secret: str, service_accounts: bool, **attributes: str) -> dict[str, Any]:
        rep = {"clientId": client_id, "secret": secret, "serviceAccountsEnabled": service_accounts}
        return {**rep, "enabled": True, "attributes": attributes}

    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "clients": [
            client(REFRESH_ON, "secret1", True, **{"client_credentials.use_refresh_token": "true"}),
            client("service-account-cl", "secret1", True),
            client("service-account-disabled", "secret1", False),
            client("service-account-cl-special-secrets", "secret/with=special?character", True),
        ],
        "users": [{"username": "test-user@localhost", "enabled": True}],
    }


@pytest.fixture
async def kc(env: Env) -> Env:
    await port.import_realm(env, realm_rep())
    return env


async def service_account(env: Env) -> str:
    """The id of ``service-account-cl-refresh-on``'s service account user."""
    found = await port.get(env, f"/clients/{await port.client_uuid(env, REFRESH_ON)}/service-account-user")
    assert found["username"] == f"service-account-{REFRESH_ON}"
    return str(found["id"])


async def test_do_not_update_username(kc: Env) -> None:
    """ServiceAccountUserProfileTest.testDoNotUpdateUsername: with "email as username" on, writing the service
    account back keeps its username and no e-mail; giving it an e-mail keeps the username too."""
    await port.update_realm(kc, registrationEmailAsUsername=True)
    user_id = await service_account(kc)
    rep = await port.get(kc, f"/users/{user_id}")
    username = rep["username"]
    assert rep.get("email") is None
    await port.put(kc, f"/users/{user_id}", rep)
    rep = await port.get(kc, f"/users/{user_id}")
    assert rep.get("email") is None and rep["username"] == username
    rep["email"] = "test@keycloak.org"
    await port.put(kc, f"/users/{user_id}", rep)
    rep = await port.get(kc, f"/users/{user_id}")
    assert rep["email"] == "test@keycloak.org" and rep["username"] == username


async def test_set_any_attribute(kc: Env) -> None:
    """ServiceAccountUserProfileTest.testSetAnyAttribute: a service account takes an attribute the user profile
    does not declare."""
    user_id = await service_account(kc)
    rep = await port.get(kc, f"/users/{user_id}")
    rep["attributes"] = {"attr-1": ["attr-1-value"]}
    await port.put(kc, f"/users/{user_id}", rep)
    rep = await port.get(kc, f"/users/{user_id}")
    assert rep["attributes"]["attr-1"] == ["attr-1-value"], rep


async def test_a_service_accounts_username_is_read_only(kc: Env) -> None:
    """Beyond the port: even where administrators may edit usernames, a service account's username is read-only
    (ServiceAccountAttributes.isReadOnly): 400 ``error-user-attribute-read-only``, the name kept."""
    await port.update_realm(kc, editUsernameAllowed=True)
    user_id = await service_account(kc)
    rep = await port.get(kc, f"/users/{user_id}")
    response = await kc.http.put(
        f"{port.ADMIN}/users/{user_id}", json={**rep, "username": "renamed"}, headers=await port.admin_headers(kc)
    )
    assert response.status_code == 400, response.text
    assert response.json()["errorMessage"] == "error-user-attribute-read-only", response.text
    assert (await port.get(kc, f"/users/{user_id}"))["username"] == rep["username"]
