"""Keycloak's MigrateTo25_0_0 on import: a realm file written before Keycloak 25 (or without ``keycloakVersion``,
which Keycloak's MigrationModelManager takes for the oldest) that has no ``basic`` client scope gets it as a realm
default and as a default scope of every OpenID Connect client. Without it, access tokens would carry no ``sub``
(Keycloak 25+ puts it there only through the basic scope's Subject mapper). A file from 25 on that left the scope
out keeps it out, as Keycloak runs no migration for it.
"""

from __future__ import annotations

from typing import Any

import pytest

import keycloak_port as port
from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

PROFILE = {
    "name": "profile",
    "protocol": "openid-connect",
    "protocolMappers": [
        {
            "name": "username",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-usermodel-property-mapper",
            "config": {"user.attribute": "username", "claim.name": "preferred_username", "access.token.claim": "true"},
        }
    ],
}


def realm_rep(version: str | None) -> dict[str, Any]:
    """A Keycloak 24-style export: its client scopes and default lists name no ``basic``."""
    rep: dict[str, Any] = {
        "realm": "test",
        "enabled": True,
        "clientScopes": [PROFILE],
        "defaultDefaultClientScopes": ["profile"],
        "clients": [
            {
                "clientId": "app",
                "secret": "secret",
                "directAccessGrantsEnabled": True,
                "defaultClientScopes": ["profile"],
            }
        ],
        "users": [
            {
                "username": "alice",
                "enabled": True,
                "credentials": [{"type": "password", "value": "password", "temporary": False}],
            }
        ],
    }
    if version is not None:
        rep["keycloakVersion"] = version
    return rep


async def user_id(env: Env) -> str:
    return await port.user_id(env, "alice")


@pytest.mark.parametrize("version", ["24.0.5", None, "21.1.2", "24.0.5-SNAPSHOT"])
async def test_a_file_from_before_25_gets_the_basic_scope_everywhere(env: Env, version: str | None) -> None:
    await port.import_realm(env, realm_rep(version))
    granted = await password_grant(env.http, "test", "app", "alice")
    assert granted.status_code == 200, granted.text
    token = claims(granted.json()["access_token"])
    assert token["sub"] == await user_id(env) and token["preferred_username"] == "alice"
    assert "auth_time" in token  # the basic scope's other mapper
    defaults = await port.get(env, "/default-default-client-scopes")
    assert {s["name"] for s in defaults} == {"profile", "basic"}
    for client_id in ("app", "account", "admin-cli"):
        uuid = await port.client_uuid(env, client_id)
        linked = {s["name"] for s in await port.get(env, f"/clients/{uuid}/default-client-scopes")}
        assert "basic" in linked, client_id


@pytest.mark.parametrize("version", ["25.0.0", "26.0.7"])
async def test_a_file_from_25_on_without_the_basic_scope_is_taken_as_it_is(env: Env, version: str) -> None:
    await port.import_realm(env, realm_rep(version))
    granted = await password_grant(env.http, "test", "app", "alice")
    assert granted.status_code == 200, granted.text
    token = claims(granted.json()["access_token"])
    assert "sub" not in token and token["preferred_username"] == "alice"
    uuid = await port.client_uuid(env, "app")
    assert {s["name"] for s in await port.get(env, f"/clients/{uuid}/default-client-scopes")} == {"profile"}


async def test_a_file_that_has_the_basic_scope_keeps_its_own_links(env: Env) -> None:
    rep = realm_rep("24.0.5")
    rep["clientScopes"].append({"name": "basic", "protocol": "openid-connect"})
    await port.import_realm(env, rep)
    uuid = await port.client_uuid(env, "app")
    assert {s["name"] for s in await port.get(env, f"/clients/{uuid}/default-client-scopes")} == {"profile"}
