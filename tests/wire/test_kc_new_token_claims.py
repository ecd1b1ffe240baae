"""Keycloak's new-framework token-claim classes that had no port (``org.keycloak.tests.oauth``):
AudienceDisabledClientTest (@4ca4eb59) and ClientSessionNoteMapperTest (@d3e4d53a), one test per method, each
naming the method it follows. The realms are imported through ``POST /admin/realms``; clients are disabled and
removed through the admin API, as ``realm.updateClientWithCleanup`` and ``clients().get(id).remove()`` do."""

from __future__ import annotations

from typing import Any

import pytest

import keycloak_port as port
from browser_flow import REDIRECT, exchange, login
from support import claims, password_grant, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio

FRONTEND = "frontend-client"


def audience_mapper(name: str, client: str | None, custom: str | None) -> dict[str, Any]:
    config = {"access.token.claim": "true"}
    if client is not None:
        config["included.client.audience"] = client
    if custom is not None:
        config["included.custom.audience"] = custom
    return {"name": name, "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper", "config": config}


def audience_realm() -> dict[str, Any]:
    """AudienceDisabledClientTest.AudienceRealm."""
    hardcoded_role = {
        "name": "role-service-hardcoded-role",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-role-mapper",
        "config": {"role": "role-service.role-service-role", "access.token.claim": "true"},
    }
    return {
        "realm": "test",
        "enabled": True,
        "clients": [
            {"clientId": "resolved-service", "bearerOnly": True},
            {"clientId": "hardcoded-service", "bearerOnly": True},
            {"clientId": "role-service", "bearerOnly": True},
            {
                "clientId": FRONTEND,
                "secret": "secret",
                "directAccessGrantsEnabled": True,
                "fullScopeAllowed": True,
                "protocolMappers": [
                    audience_mapper("hardcoded-service-audience", "hardcoded-service", None),
                    audience_mapper("custom-audience", None, "custom-audience"),
                    hardcoded_role,
                ],
            },
        ],
        "roles": {
            "client": {
                "resolved-service": [{"name": "resolved-service-role"}],
                "role-service": [{"name": "role-service-role"}],
            }
        },
        "users": [
            {
                "username": "john",
                "enabled": True,
                "firstName": "John",
                "lastName": "Doe",
                "email": "john@email.cz",
                "credentials": [{"type": "password", "value": "password", "temporary": False}],
                "clientRoles": {"resolved-service": ["resolved-service-role"]},
            }
        ],
    }


@pytest.fixture
async def audience(env: Env) -> Env:
    await port.import_realm(env, audience_realm())
    return env


async def grant(env: Env) -> dict[str, Any]:
    response = await password_grant(env.http, "test", FRONTEND, "john", secret="secret")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def audiences(token: dict[str, Any]) -> list[str]:
    aud = token.get("aud")
    return [] if aud is None else [aud] if isinstance(aud, str) else list(aud)


async def disable(env: Env, client_id: str) -> None:
    await port.update_client(env, client_id, enabled=False)


async def test_audience_resolve_ignores_disabled_client(audience: Env) -> None:
    """AudienceDisabledClientTest.testAudienceResolveIgnoresDisabledClient: a client in the audience through the
    user's role of it leaves the audience and resource_access once disabled."""
    token = claims((await grant(audience))["access_token"])
    assert "resolved-service" in audiences(token) and "resolved-service" in token["resource_access"]
    await disable(audience, "resolved-service")
    token = claims((await grant(audience))["access_token"])
    assert "resolved-service" not in audiences(token)
    assert "resolved-service" not in token.get("resource_access", {})


async def test_hardcoded_audience_mapper_ignores_disabled_client(audience: Env) -> None:
    """AudienceDisabledClientTest.testHardcodedAudienceMapperIgnoresDisabledClient: a custom audience stays."""
    token = claims((await grant(audience))["access_token"])
    assert {"hardcoded-service", "custom-audience"} <= set(audiences(token))
    await disable(audience, "hardcoded-service")
    token = claims((await grant(audience))["access_token"])
    assert "hardcoded-service" not in audiences(token) and "custom-audience" in audiences(token)


async def test_hardcoded_audience_mapper_ignores_removed_client(audience: Env) -> None:
    """AudienceDisabledClientTest.testHardcodedAudienceMapperIgnoresRemovedClient."""
    token = claims((await grant(audience))["access_token"])
    assert "hardcoded-service" in audiences(token)
    await port.delete(audience, f"/clients/{await port.client_uuid(audience, 'hardcoded-service')}")
    token = claims((await grant(audience))["access_token"])
    assert "hardcoded-service" not in audiences(token) and "custom-audience" in audiences(token)


async def test_hardcoded_role_mapper_ignores_disabled_client(audience: Env) -> None:
    """AudienceDisabledClientTest.testHardcodedRoleMapperIgnoresDisabledClient: a role a mapper adds does not bring
    the disabled client back."""
    token = claims((await grant(audience))["access_token"])
    assert "role-service" in audiences(token) and "role-service" in token["resource_access"]
    await disable(audience, "role-service")
    token = claims((await grant(audience))["access_token"])
    assert "role-service" not in audiences(token)
    assert "role-service" not in token.get("resource_access", {})


async def test_refresh_ignores_disabled_client(audience: Env) -> None:
    """AudienceDisabledClientTest.testRefreshIgnoresDisabledClient: the refresh succeeds without the disabled
    clients, and the rotated refresh token's original audience (``aud_x``, where carried) drops them too."""
    first = await grant(audience)
    assert {"resolved-service", "hardcoded-service"} <= set(audiences(claims(first["access_token"])))
    await disable(audience, "resolved-service")
    await disable(audience, "hardcoded-service")
    response = await refresh(audience.http, "test", FRONTEND, first["refresh_token"], secret="secret")
    assert response.status_code == 200, response.text
    token = claims(response.json()["access_token"])
    assert not {"resolved-service", "hardcoded-service"} & set(audiences(token))
    assert "resolved-service" not in token.get("resource_access", {})
    assert "custom-audience" in audiences(token)
    original = claims(response.json()["refresh_token"]).get("aud_x") or []
    assert not {"resolved-service", "hardcoded-service"} & set([original] if isinstance(original, str) else original)


# --- ClientSessionNoteMapperTest --------------------------------------------------------------------------------

CLAIM = "client_session_note_startedAt"


async def test_maps_client_session_note_to_access_token_response(env: Env) -> None:
    """ClientSessionNoteMapperTest.mapsClientSessionNoteToAccessTokenResponse: the client session's ``startedAt``
    note as a field of the token response."""
    mapper = {
        "name": "client-session-note-mapper",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-clientsessionmodel-note-mapper",
        "config": {"claim.name": CLAIM, "client.session.note": "startedAt", "access.tokenResponse.claim": "true"},
    }
    user = {
        "username": "test-user@localhost",
        "enabled": True,
        "email": "test-user@localhost",
        "firstName": "Tom",
        "lastName": "Brady",
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    app = {"clientId": "test-app", "secret": "password", "redirectUris": [REDIRECT], "protocolMappers": [mapper]}
    await port.import_realm(env, {"realm": "test", "enabled": True, "clients": [app], "users": [user]})
    code = (await login(env.http, "test", "test-app", "test-user@localhost", redirect_uri=REDIRECT))["code"]
    response = await exchange(env.http, "test", "test-app", code, secret="password")
    assert response.status_code == 200, response.text
    assert response.json().get(CLAIM) is not None, response.json()
    # Not in the Java class: a refresh answers the same client session's note, and a second login's refresh its
    # own session's (the refresh grant keeps a user's mapped claims across sessions, never this one).
    started = response.json()[CLAIM]
    env.clock.advance(5)
    refreshed = await refresh(env.http, "test", "test-app", response.json()["refresh_token"], secret="password")
    assert refreshed.status_code == 200 and refreshed.json()[CLAIM] == started, refreshed.text
    env.http.cookies.clear()
    code = (await login(env.http, "test", "test-app", "test-user@localhost", redirect_uri=REDIRECT))["code"]
    second = (await exchange(env.http, "test", "test-app", code, secret="password")).json()
    again = await refresh(env.http, "test", "test-app", second["refresh_token"], secret="password")
    assert again.json()[CLAIM] == str(int(started) + 5) == second[CLAIM], again.text
