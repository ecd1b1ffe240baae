"""python-keycloak (a Keycloak client library nobody here wrote) against a real ``doorkeep start-dev``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from keycloak import KeycloakAdmin, KeycloakOpenID, KeycloakPostError

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DEMO_REALM, DoorkeepProcess, SeedRealm, StartServer

pytestmark = pytest.mark.interop


@pytest.fixture(params=["demo realm imported at start", "realm seeded into the data directory"])
def realm_server(request: pytest.FixtureRequest, start_server: StartServer) -> tuple[DoorkeepProcess, SeedRealm]:
    """A server with a realm that exists without the admin API: ``--import-realm`` of the demo, or a seed."""
    if request.param.startswith("demo"):
        server, seed = start_server(import_realms=[DEMO_REALM]), SeedRealm.from_realm_json(DEMO_REALM)
        own_audience(server, seed)  # the seeded realm's clients have it already (interop.server._seed)
        return server, seed
    seed = SeedRealm()
    return start_server(seed=seed), seed


def own_audience(server: DoorkeepProcess, seed: SeedRealm) -> None:
    """Give the realm's client its own id in its access tokens' audience, so that it may introspect them: Keycloak
    26.6.2 answers an introspection only for a client in the token's ``aud``."""
    admin = KeycloakAdmin(
        server_url=server.base_url,
        username=ADMIN_USERNAME,
        password=ADMIN_PASSWORD,
        realm_name=seed.name,
        user_realm_name="master",
    )
    config = {"included.custom.audience": seed.client_id, "access.token.claim": "true"}
    mapper = {"name": "own audience", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper"}
    client_uuid = admin.get_client_id(seed.client_id)
    assert client_uuid is not None
    admin.add_mapper_to_client(client_uuid, {**mapper, "config": config})


def openid(server: DoorkeepProcess, realm: str, client_id: str, secret: str) -> KeycloakOpenID:
    return KeycloakOpenID(server_url=server.base_url, realm_name=realm, client_id=client_id, client_secret_key=secret)


def unverified(oidc: KeycloakOpenID, token: str) -> dict[str, Any]:
    return dict(oidc.decode_token(token, validate=False))


def error_body(error: KeycloakPostError) -> dict[str, Any]:
    assert error.response_body is not None
    return dict(json.loads(error.response_body))


def userinfo(oidc: KeycloakOpenID, access_token: str) -> dict[str, Any]:
    body = oidc.userinfo(access_token)
    assert isinstance(body, dict), body
    return body


def test_admin_api_sets_up_a_realm_that_python_keycloak_then_logs_into(start_server: StartServer) -> None:
    server = start_server()
    admin = KeycloakAdmin(
        server_url=server.base_url,
        username=ADMIN_USERNAME,
        password=ADMIN_PASSWORD,
        realm_name="master",
        user_realm_name="master",
    )
    admin.create_realm({"realm": "pykc", "enabled": True})
    admin.change_current_realm("pykc")
    client_uuid = admin.create_client(
        {
            "clientId": "pykc-app",
            "secret": "pykc-secret",
            "publicClient": False,
            "directAccessGrantsEnabled": True,
            "standardFlowEnabled": True,
            "redirectUris": ["http://127.0.0.1/callback"],
            # its own id in its access tokens' audience, so that it may introspect them (Keycloak 26.6.2)
            "protocolMappers": [
                {
                    "name": "own audience",
                    "protocol": "openid-connect",
                    "protocolMapper": "oidc-audience-mapper",
                    "config": {"included.custom.audience": "pykc-app", "access.token.claim": "true"},
                }
            ],
        }
    )
    user_id = admin.create_user(
        {
            "username": "bob",
            "enabled": True,
            "email": "bob@example.com",
            "emailVerified": True,
            "firstName": "Bob",
            "lastName": "Builder",
        }
    )
    admin.set_user_password(user_id, "bob-password", temporary=False)
    assert admin.create_realm_role({"name": "reader"}) == "reader"
    admin.assign_realm_roles(user_id, [admin.get_realm_role("reader")])
    admin.create_client_role(client_uuid, {"name": "editor"})
    admin.assign_client_role(user_id, client_uuid, [admin.get_client_role(client_uuid, "editor")])

    oidc = openid(server, "pykc", "pykc-app", "pykc-secret")
    token = oidc.token("bob", "bob-password")
    access = oidc.decode_token(token["access_token"], validate=True)
    assert access["sub"] == user_id
    assert access["preferred_username"] == "bob"
    assert {"reader", "offline_access", "uma_authorization"} <= set(access["realm_access"]["roles"])
    assert access["resource_access"]["pykc-app"] == {"roles": ["editor"]}
    assert userinfo(oidc, token["access_token"])["email"] == "bob@example.com"
    refreshed = oidc.refresh_token(token["refresh_token"])
    assert oidc.introspect(refreshed["access_token"])["active"] is True
    assert oidc.logout(refreshed["refresh_token"]) == {}


def test_password_grant_refresh_introspection_userinfo_certs_and_logout_work_through_python_keycloak(
    realm_server: tuple[DoorkeepProcess, SeedRealm],
) -> None:
    server, seed = realm_server
    oidc = openid(server, seed.name, seed.client_id, seed.client_secret)
    token = oidc.token(seed.username, seed.password)
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 300
    assert token["refresh_expires_in"] == 1800
    assert token["not-before-policy"] == 0
    assert "openid" in token["scope"].split()
    assert "id_token" in token

    issuer = f"{server.base_url}/realms/{seed.name}"
    access = oidc.decode_token(token["access_token"], validate=True)  # fetches the realm's certs itself
    assert access["iss"] == issuer
    assert access["typ"] == "Bearer"
    assert access["azp"] == seed.client_id
    assert access["sid"] == token["session_state"]
    id_token = oidc.decode_token(token["id_token"], validate=True)
    assert id_token["aud"] == seed.client_id
    assert id_token["sub"] == access["sub"]
    assert unverified(oidc, token["refresh_token"])["typ"] == "Refresh"

    refreshed = oidc.refresh_token(token["refresh_token"])
    assert refreshed["session_state"] == token["session_state"]
    assert refreshed["refresh_expires_in"] > 0
    assert oidc.decode_token(refreshed["access_token"], validate=True)["sid"] == token["session_state"]

    info = oidc.introspect(refreshed["access_token"])
    assert info["active"] is True
    assert info["username"] == seed.username
    assert info["client_id"] == seed.client_id
    assert info["sub"] == access["sub"]
    assert info["token_type"] == "Bearer"

    assert userinfo(oidc, refreshed["access_token"]) == {
        "sub": access["sub"],
        "email_verified": seed.email_verified,
        "name": f"{seed.first_name} {seed.last_name}",
        "preferred_username": seed.username,
        "given_name": seed.first_name,
        "family_name": seed.last_name,
        "email": seed.email,
    }

    assert oidc.logout(refreshed["refresh_token"]) == {}  # python-keycloak insists on exactly 204
    assert oidc.introspect(refreshed["access_token"]) == {"active": False}
    with pytest.raises(KeycloakPostError) as failed:
        oidc.refresh_token(token["refresh_token"])
    assert failed.value.response_code == 400
    assert error_body(failed.value) == {"error": "invalid_grant", "error_description": "Session not active"}


def test_offline_token_from_python_keycloak_refreshes_introspects_and_dies_with_logout(
    realm_server: tuple[DoorkeepProcess, SeedRealm],
) -> None:
    server, seed = realm_server
    oidc = openid(server, seed.name, seed.client_id, seed.client_secret)
    token = oidc.token(seed.username, seed.password, scope="openid offline_access")
    offline = unverified(oidc, token["refresh_token"])
    assert offline["typ"] == "Offline"
    assert "exp" not in offline
    assert token["refresh_expires_in"] == 0
    assert "offline_access" in token["scope"].split()

    refreshed = oidc.refresh_token(token["refresh_token"])
    assert unverified(oidc, refreshed["refresh_token"])["typ"] == "Offline"
    assert refreshed["refresh_expires_in"] == 0
    assert refreshed["session_state"] == token["session_state"]
    assert oidc.decode_token(refreshed["access_token"], validate=True)["sid"] == token["session_state"]

    # with Revoke Refresh Token on (the demo realm) the used offline token is spent; the new one is current.
    # python-keycloak sends no token_type_hint, so Keycloak's access_token provider answers, and it has
    # no reuse check (only the refresh_token provider does): the spent token still introspects active.
    current = refreshed["refresh_token"] if seed.revoke_refresh_token else token["refresh_token"]
    assert oidc.introspect(token["refresh_token"])["active"] is True
    info = oidc.introspect(current)
    assert info["active"] is True
    assert info["typ"] == "Offline"
    assert info["sid"] == token["session_state"]

    assert oidc.logout(current) == {}
    assert oidc.introspect(refreshed["refresh_token"])["active"] is False
    for spent in (token["refresh_token"], refreshed["refresh_token"]):
        with pytest.raises(KeycloakPostError) as failed:
            oidc.refresh_token(spent)
        assert failed.value.response_code == 400
        assert error_body(failed.value) == {
            "error": "invalid_grant",
            "error_description": "Offline user session not found",
        }
