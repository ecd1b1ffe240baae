"""Shared set-up of the wire port of Keycloak's ClientTest: the realm ``test`` of AbstractAdminTest (admin
events with their representations on, the user ``test-user@localhost`` / ``password``), imported anew for
each test on the module's one app (group_port's ``shared_env``); ClientTest's ``createClient`` (``my-app`` and
its CREATE event) and ``createAppClient`` (the confidential ``test-app`` with an admin URL and a notBefore a
minute ago)."""

from __future__ import annotations

from typing import Any

from role_port import TEST_REALM, assert_event, create, ok
from wire_env import Env

USER = "test-user@localhost"
REALM = {
    **TEST_REALM,
    "users": [
        {
            "username": USER,
            "email": USER,
            "enabled": True,
            "credentials": [{"type": "password", "value": "password"}],
        }
    ],
}
MASKED = "**********"
# RealmManager's clients of every new realm, and Constants.ADMIN_CLI_CLIENT_ID
DEFAULT_CLIENTS = {"account", "account-console", "realm-management", "security-admin-console", "broker", "admin-cli"}


async def client_ids(env: Env) -> set[str]:
    """``Assert.assertNames(realm.clients().findAll(), ...)``."""
    return {c["clientId"] for c in await ok(env, "GET", "/clients")}


async def create_client(env: Env, realm_id: str) -> dict[str, Any]:
    """``createClient``: ``my-app`` with a description, found by clientId, its CREATE event checked; the
    representation sent, with the new id."""
    rep: dict[str, Any] = {"clientId": "my-app", "description": "my-app description", "enabled": True}
    client_uuid = await create(env, "/clients", rep)
    (found,) = await ok(env, "GET", "/clients", clientId="my-app")
    assert found["clientId"] == "my-app"
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}", "CLIENT", rep)
    return {**rep, "id": client_uuid}


async def create_app_client(env: Env, realm_id: str, admin_url: str, redirect_uri: str) -> dict[str, Any]:
    """``createAppClient``: the confidential ``test-app`` (secret ``secret``) with ``admin_url`` and
    ``redirect_uri``, its notBefore a minute before now."""
    rep: dict[str, Any] = {
        "clientId": "test-app",
        "adminUrl": admin_url,
        "redirectUris": [redirect_uri],
        "secret": "secret",
        "protocol": "openid-connect",
        "notBefore": env.clock.now() - 60,
    }
    client_uuid = await create(env, "/clients", rep)
    # the recorded representation has the secret masked (StripSecretsUtils)
    await assert_event(env, realm_id, "CREATE", f"clients/{client_uuid}", "CLIENT", {**rep, "secret": MASKED})
    return {**rep, "id": client_uuid}


def assert_client(client: dict[str, Any], stored: dict[str, Any]) -> None:
    """``assertClient``: each field the expected representation sets equals the stored one (URIs as sets)."""
    for key in (
        "clientId",
        "name",
        "enabled",
        "alwaysDisplayInConsole",
        "bearerOnly",
        "publicClient",
        "fullScopeAllowed",
        "rootUrl",
        "adminUrl",
        "baseUrl",
        "surrogateAuthRequired",
        "clientAuthenticatorType",
        "notBefore",
    ):
        if client.get(key) is not None:
            assert client[key] == stored.get(key), (key, client[key], stored.get(key))
    for key in ("redirectUris", "webOrigins"):
        if client.get(key) is not None:
            assert set(client[key]) == set(stored.get(key) or []), key
