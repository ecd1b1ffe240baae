"""python-keycloak 7.1.1 against ``doorkeep start-dev``: sessions, consents and offline tokens seen through
KeycloakAdmin, events, and the KeycloakOpenID calls (discovery, keys, the authorization URL, the grants,
userinfo, introspection, refresh and logout). Realm setup is in ``test_python_keycloak_admin.py``.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from keycloak import KeycloakDeleteError, KeycloakPostError
from keycloak.pkce_utils import generate_code_challenge, generate_code_verifier

from browser_flow import REDIRECT, code_from, form_action, form_fields
from interop.python_keycloak_support import admin_of, body_of, openid, raw_json
from interop.server import DoorkeepProcess, SeedRealm

pytestmark = pytest.mark.interop


# --- sessions, consents and offline access ------------------------------------------------------
def test_sessions_appear_in_python_keycloak_and_user_logout_ends_them(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    user_id = admin.get_user_id(seed.username)
    client_uuid = admin.get_client_id(seed.client_id)
    assert user_id is not None and client_uuid is not None
    online = oidc.token(seed.username, seed.password)
    offline = oidc.token(seed.username, seed.password, scope="openid offline_access")

    sessions = admin.get_sessions(user_id)
    assert [s["id"] for s in sessions] == [online["session_state"]]
    assert sessions[0]["username"] == seed.username
    assert sessions[0]["userId"] == user_id
    assert sessions[0]["ipAddress"] == "127.0.0.1"
    assert sessions[0]["clients"] == {client_uuid: seed.client_id}
    assert sessions[0]["start"] % 1000 == 0

    assert [s["id"] for s in admin.get_client_all_sessions(client_uuid)] == [online["session_state"]]
    offline_sessions = raw_json(admin, f"clients/{client_uuid}/offline-sessions")
    assert [s["id"] for s in offline_sessions] == [offline["session_state"]]
    assert raw_json(admin, f"clients/{client_uuid}/offline-session-count") == {"count": 1}
    assert raw_json(admin, f"users/{user_id}/offline-sessions/{client_uuid}")[0]["id"] == offline["session_state"]
    assert admin.get_client_sessions_stats() == [
        {"id": client_uuid, "clientId": seed.client_id, "active": "1", "offline": "1"},
    ]

    time.sleep(1.1)  # notBefore has one-second resolution: a token issued in the logout's second stays valid
    assert admin.user_logout(user_id) == {}
    assert admin.get_sessions(user_id) == []
    assert admin.get_client_all_sessions(client_uuid) == []
    with pytest.raises(KeycloakPostError) as stale:
        oidc.refresh_token(offline["refresh_token"])
    assert stale.value.response_code == 400
    assert body_of(stale.value) == {"error": "invalid_grant", "error_description": "Stale token"}


def test_revoking_consent_through_python_keycloak_kills_the_offline_token(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    user_id = admin.get_user_id(seed.username)
    client_uuid = admin.get_client_id(seed.client_id)
    assert user_id is not None and client_uuid is not None
    offline = oidc.token(seed.username, seed.password, scope="openid offline_access")
    assert oidc.refresh_token(offline["refresh_token"])["refresh_expires_in"] == 0

    assert admin.user_consents(user_id) == [
        {
            "clientId": seed.client_id,
            "grantedClientScopes": [],
            "createdDate": None,
            "lastUpdatedDate": None,
            "additionalGrants": [{"client": client_uuid, "key": "Offline Token"}],
        }
    ]
    assert admin.revoke_consent(user_id, seed.client_id) == {}
    assert admin.user_consents(user_id) == []
    assert raw_json(admin, f"clients/{client_uuid}/offline-session-count") == {"count": 0}
    assert oidc.introspect(offline["refresh_token"]) == {"active": False}
    with pytest.raises(KeycloakPostError) as dead:
        oidc.refresh_token(offline["refresh_token"])
    assert dead.value.response_code == 400
    assert body_of(dead.value) == {"error": "invalid_grant", "error_description": "Offline user session not found"}

    with pytest.raises(KeycloakDeleteError) as again:
        admin.revoke_consent(user_id, seed.client_id)
    assert again.value.response_code == 404
    assert body_of(again.value) == {"error": "Consent nor offline token not found"}


# --- events -------------------------------------------------------------------------------------
def test_events_are_switched_on_and_read_back_through_python_keycloak(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    assert admin.set_events({"eventsEnabled": True, "enabledEventTypes": ["LOGIN", "LOGIN_ERROR", "LOGOUT"]}) == {}
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    token = oidc.token(seed.username, seed.password)
    with pytest.raises(KeycloakPostError):  # 400 invalid_grant since Keycloak 26.6
        oidc.token(seed.username, "wrong password")
    oidc.logout(token["refresh_token"])

    user_id = admin.get_user_id(seed.username)
    found = admin.get_events()
    # Doorkeep stamps events in whole seconds (times in ms, always ending in 000), so events of one second
    # come back in no particular order; Keycloak stamps milliseconds.
    assert sorted(e["type"] for e in found) == ["LOGIN", "LOGIN_ERROR", "LOGOUT"]
    assert all(e["realmId"] == admin.get_realm("interop")["id"] for e in found)
    by_type = {e["type"]: e for e in found}
    login = by_type["LOGIN"]
    assert login["clientId"] == seed.client_id
    assert login["userId"] == user_id
    assert login["sessionId"] == token["session_state"]
    assert login["details"]["grant_type"] == "password"
    assert login["details"]["username"] == seed.username
    assert by_type["LOGIN_ERROR"]["error"] == "invalid_user_credentials"
    assert by_type["LOGOUT"]["sessionId"] == token["session_state"]
    assert [e["type"] for e in admin.get_events({"type": "LOGIN"})] == ["LOGIN"]
    assert len(admin.get_events({"user": user_id, "max": 1})) == 1
    assert admin.get_events({"client": "no-such-client"}) == []


# --- KeycloakOpenID -----------------------------------------------------------------------------
def test_discovery_keys_and_authorization_url_come_from_python_keycloak(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    issuer = f"{seeded_server.base_url}/realms/{seed.name}"
    well_known = oidc.well_known()
    assert well_known["issuer"] == issuer
    assert well_known["token_endpoint"] == f"{issuer}/protocol/openid-connect/token"
    assert "offline_access" in well_known["scopes_supported"]

    certs = oidc.certs()
    assert [k["alg"] for k in certs["keys"] if k["use"] == "sig" and k["kty"] == "RSA"] == ["RS256"]
    public_key = oidc.public_key()
    assert public_key.startswith("MII")

    url = oidc.auth_url(redirect_uri="http://127.0.0.1/callback", scope="openid offline_access", state="s1", nonce="n1")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == well_known["authorization_endpoint"]
    assert parse_qs(parts.query) == {
        "client_id": [seed.client_id],
        "response_type": ["code"],
        "redirect_uri": ["http://127.0.0.1/callback"],
        "scope": ["openid offline_access"],
        "state": ["s1"],
        "nonce": ["n1"],
    }


def test_an_authorization_url_from_python_keycloak_leads_through_the_login_page_to_an_offline_token(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    client_uuid = admin.get_client_id(seed.client_id)
    assert client_uuid is not None
    admin.update_client(client_uuid, {"redirectUris": [REDIRECT]})
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    verifier = generate_code_verifier()
    challenge, method = generate_code_challenge(verifier)
    url = oidc.auth_url(
        redirect_uri=REDIRECT,
        scope="openid offline_access",
        state="st4te",
        nonce="n0nce",
        code_challenge=challenge,
        code_challenge_method=method,
    )

    with httpx.Client() as browser:  # what the user's browser does with that URL
        page = browser.get(url)
        assert page.status_code == 200, page.text[:300]
        answer = browser.post(
            urljoin(str(page.url), form_action(page.text)),
            data={**form_fields(page.text), "username": seed.username, "password": seed.password},
        )
    redirect = code_from(answer)
    assert redirect["state"] == "st4te"
    assert redirect["iss"] == f"{seeded_server.base_url}/realms/{seed.name}"

    token = oidc.token(
        grant_type="authorization_code", code=redirect["code"], redirect_uri=REDIRECT, code_verifier=verifier
    )
    assert oidc.decode_token(token["id_token"], validate=True)["nonce"] == "n0nce"
    assert oidc.decode_token(token["refresh_token"], validate=False)["typ"] == "Offline"
    assert set(token["scope"].split()) >= {"openid", "offline_access"}
    user_id = admin.get_user_id(seed.username)
    assert user_id is not None
    assert admin.get_sessions(user_id) == []  # a first login asking for offline access keeps no online session
    assert raw_json(admin, f"users/{user_id}/offline-sessions/{client_uuid}")[0]["id"] == token["session_state"]
    with pytest.raises(KeycloakPostError) as reused:
        oidc.token(
            grant_type="authorization_code", code=redirect["code"], redirect_uri=REDIRECT, code_verifier=verifier
        )
    assert reused.value.response_code == 400
    assert body_of(reused.value) == {"error": "invalid_grant", "error_description": "Code not valid"}


def test_python_keycloaks_admin_connection_outlives_its_access_token_and_its_session(
    seeded_server: DoorkeepProcess,
) -> None:
    setup = admin_of(seeded_server)
    setup.update_realm("master", {"accessTokenLifespan": 1, "ssoSessionIdleTimeout": 3})
    admin = admin_of(seeded_server, "interop")
    assert admin.users_count() == 1  # logs in: a 1 s access token, a 3 s refresh token (whole seconds)
    first = admin.connection.token
    assert first is not None
    time.sleep(1.2)
    assert admin.users_count() == 1  # refreshed through the refresh token
    refreshed = admin.connection.token
    assert refreshed is not None
    assert refreshed["session_state"] == first["session_state"]
    time.sleep(4.1)
    assert admin.users_count() == 1  # the refresh token is dead: python-keycloak logs in again
    again = admin.connection.token
    assert again is not None
    assert again["session_state"] != first["session_state"]


def test_client_credentials_userinfo_introspection_refresh_and_logout_work_through_python_keycloak(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    service = openid(seeded_server, seed.name, seed.service_client_id, seed.service_client_secret)
    token = service.token(grant_type="client_credentials")
    assert token["token_type"] == "Bearer"
    assert "refresh_token" not in token
    assert "session_state" not in token
    access = service.decode_token(token["access_token"], validate=True)
    assert access["azp"] == seed.service_client_id
    assert access["preferred_username"] == f"service-account-{seed.service_client_id}"
    assert "sid" not in access
    info = service.introspect(token["access_token"])
    assert info["active"] is True
    assert info["client_id"] == seed.service_client_id

    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    user_token = oidc.token(seed.username, seed.password)
    user_info = oidc.userinfo(user_token["access_token"])
    assert isinstance(user_info, dict)
    assert user_info["preferred_username"] == seed.username
    assert user_info["sub"] == oidc.decode_token(user_token["access_token"], validate=True)["sub"]
    refreshed = oidc.refresh_token(user_token["refresh_token"])
    assert refreshed["session_state"] == user_token["session_state"]
    assert oidc.logout(refreshed["refresh_token"]) == {}
    assert oidc.introspect(refreshed["access_token"]) == {"active": False}
