"""Keycloak's own client-credentials scenarios, one test per method of its testsuite class
``org.keycloak.testsuite.oauth.ServiceAccountTest`` (testsuite/integration-arquillian/tests/base);
``ResourceOwnerPasswordCredentialsGrantTest`` is in test_keycloak_password_grant_test.py and ``UserInfoTest``
in test_keycloak_userinfo_test.py.

Each class's realm is imported through ``POST /admin/realms``; every change goes through the admin API, and
events are polled as Keycloak's ``events.poll()`` does. Keycloak's time offset is the fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from keycloak_port import (
    client_uuid,
    forget,
    get,
    import_realm,
    one_event,
    poll,
    post,
    put,
    update_client,
    update_realm,
    user_id,
)
from support import claims, header, refresh, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

EVENT_TYPES = [
    "LOGIN",
    "LOGIN_ERROR",
    "LOGOUT",
    "REFRESH_TOKEN",
    "REFRESH_TOKEN_ERROR",
    "CLIENT_LOGIN",
    "CLIENT_LOGIN_ERROR",
    "INTROSPECT_TOKEN",
    "INTROSPECT_TOKEN_ERROR",
    "REVOKE_GRANT",
    "USER_INFO_REQUEST",
    "USER_INFO_REQUEST_ERROR",
]
TEST_USER = "test-user@localhost"


def audience_mapper(client_id: str) -> dict[str, Any]:
    return {
        "name": f"audience-{client_id}",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"included.client.audience": client_id, "access.token.claim": "true"},
    }


def service_client(client_id: str, secret: str = "secret1", **extra: Any) -> dict[str, Any]:
    return {
        "clientId": client_id,
        "secret": secret,
        "serviceAccountsEnabled": True,
        "protocolMappers": [audience_mapper(client_id)],
        **extra,
    }


# --- ServiceAccountTest --------------------------------------------------------------------------------
REFRESH_ON = "service-account-cl-refresh-on"
PLAIN = "service-account-cl"


@pytest.fixture
async def sa(env: Env) -> AsyncIterator[Env]:
    """ServiceAccountTest.addTestRealms: the refresh-on client's service account user is imported with the
    realm; service-account-cl's is made for it."""
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "enabledEventTypes": EVENT_TYPES,
        "clients": [
            service_client(REFRESH_ON, attributes={"client_credentials.use_refresh_token": "true"}),
            service_client(PLAIN),
            {"clientId": "service-account-disabled", "secret": "secret1"},
            service_client("service-account-cl-special-secrets", "secret/with=special?character"),
        ],
        "users": [
            {"username": TEST_USER, "enabled": True},
            {"username": f"service-account-{REFRESH_ON}", "enabled": True, "serviceAccountClientId": REFRESH_ON},
        ],
    }
    await import_realm(env, rep)
    yield env
    forget(env)


async def client_credentials(env: Env, client_id: str, secret: str) -> Any:
    """oauth.doClientCredentialsGrantAccessTokenRequest: Keycloak's test OAuthClient asks for ``openid``."""
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": "openid"}
    return await env.http.post(token_url("test"), data=form)


async def session_stats(env: Env) -> list[dict[str, str]]:
    stats: list[dict[str, str]] = await get(env, "/client-session-stats")
    return stats


async def introspect(env: Env, token: str, client_id: str = PLAIN) -> bool:
    form = {"client_id": client_id, "client_secret": "secret1", "token": token}
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return bool(response.json()["active"])


async def userinfo(env: Env, token: str) -> Any:
    return await env.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {token}"})


def assert_service_claims(access: dict[str, Any], client_id: str) -> None:
    assert access["client_id"] == client_id
    assert "clientAddress" in access and "clientHost" in access


async def client_login_with_refresh(env: Env, access_alg: str = "RS256") -> None:
    """ServiceAccountTest.clientCredentialsAuthSuccessWithRefreshToken."""
    response = await client_credentials(env, REFRESH_ON, "secret1")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (header(body["access_token"])["alg"], header(body["access_token"])["typ"]) == (access_alg, "JWT")
    assert (header(body["refresh_token"])["alg"], header(body["refresh_token"])["typ"]) == ("HS512", "JWT")
    assert "cty" not in header(body["access_token"]) and "cty" not in header(body["refresh_token"])
    access, refresh_claims = claims(body["access_token"]), claims(body["refresh_token"])
    account = await user_id(env, f"service-account-{REFRESH_ON}")
    event = await one_event(env)
    assert (event["type"], event["clientId"], event["userId"]) == ("CLIENT_LOGIN", REFRESH_ON, account)
    assert event["sessionId"] == access["sid"] == refresh_claims["sid"]
    assert event["details"]["token_id"] == access["jti"]
    assert event["details"]["refresh_token_id"] == refresh_claims["jti"]
    assert event["details"]["username"] == f"service-account-{REFRESH_ON}"
    assert_service_claims(access, REFRESH_ON)
    refreshed = await refresh(env.http, "test", REFRESH_ON, body["refresh_token"], secret="secret1")
    assert refreshed.status_code == 200, refreshed.text
    assert claims(refreshed.json()["access_token"])["sid"] == access["sid"]
    assert claims(refreshed.json()["refresh_token"])["sid"] == access["sid"]
    event = await one_event(env)
    assert (event["type"], event["clientId"], event["userId"]) == ("REFRESH_TOKEN", REFRESH_ON, account)
    assert event["sessionId"] == access["sid"]
    assert event["details"]["refresh_token_id"] == refresh_claims["jti"]
    assert event["details"]["refresh_token_type"] == "Refresh"
    assert event["details"]["client_auth_method"] == "client-secret"


async def test_client_credentials_auth_success(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsAuthSuccess."""
    response = await client_credentials(sa, REFRESH_ON, "secret1")
    assert response.status_code == 200, response.text
    stats = await session_stats(sa)  # use_refresh_token: a stored session (KEYCLOAK-9551's older clients)
    assert [s["clientId"] for s in stats] == [REFRESH_ON]
    await poll(sa)
    await client_login_with_refresh(sa)


async def test_client_credentials_logout(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsLogout."""
    response = await client_credentials(sa, REFRESH_ON, "secret1")
    assert response.status_code == 200, response.text
    body = response.json()
    access, refresh_claims = claims(body["access_token"]), claims(body["refresh_token"])
    account = await user_id(sa, f"service-account-{REFRESH_ON}")
    event = await one_event(sa)
    assert (event["type"], event["userId"], event["sessionId"]) == ("CLIENT_LOGIN", account, access["sid"])
    assert event["details"]["client_auth_method"] == "client-secret"
    form = {"client_id": REFRESH_ON, "client_secret": "secret1", "refresh_token": body["refresh_token"]}
    logout = await sa.http.post(token_url("test", "logout"), data=form)
    assert logout.status_code == 204, logout.text
    event = await one_event(sa)
    assert (event["type"], event["clientId"], event["userId"]) == ("LOGOUT", REFRESH_ON, account)
    assert event["sessionId"] == access["sid"] and "redirect_uri" not in event.get("details", {})
    refused = await refresh(sa.http, "test", REFRESH_ON, body["refresh_token"], secret="secret1")
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
    event = await one_event(sa)
    assert (event["type"], event["error"], event["clientId"]) == ("REFRESH_TOKEN_ERROR", "invalid_token", REFRESH_ON)
    assert event["sessionId"] == refresh_claims["sid"] and event.get("userId") is None
    assert event["details"]["refresh_token_id"] == refresh_claims["jti"]
    assert "token_id" not in event["details"] and "updated_refresh_token_id" not in event["details"]


async def test_client_credentials_invalid_client_credentials(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsInvalidClientCredentials."""
    response = await client_credentials(sa, PLAIN, "secret2")
    assert (response.status_code, response.json()["error"]) == (401, "unauthorized_client")
    event = await one_event(sa)
    assert (event["type"], event["error"], event["clientId"]) == (
        "CLIENT_LOGIN_ERROR",
        "invalid_client_credentials",
        PLAIN,
    )
    assert event.get("sessionId") is None and event.get("userId") is None


async def test_client_credentials_disabled_service_account(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsDisabledServiceAccount."""
    response = await client_credentials(sa, "service-account-disabled", "secret1")
    assert (response.status_code, response.json()["error"]) == (401, "unauthorized_client")
    event = await one_event(sa)
    assert (event["type"], event["error"]) == ("CLIENT_LOGIN_ERROR", "invalid_client")
    assert event["clientId"] == "service-account-disabled"
    assert event.get("sessionId") is None and event.get("userId") is None
    assert "username" not in event.get("details", {}) and "response_type" not in event.get("details", {})


async def test_change_client_id_test(sa: Env) -> None:
    """ServiceAccountTest.changeClientIdTest: the service account's username follows the client's new id."""
    await update_client(sa, REFRESH_ON, clientId="updated-client")
    account = await user_id(sa, "service-account-updated-client")
    response = await client_credentials(sa, "updated-client", "secret1")
    assert response.status_code == 200, response.text
    access = claims(response.json()["access_token"])
    assert access["client_id"] == "updated-client"
    event = await one_event(sa)
    assert (event["type"], event["clientId"], event["userId"]) == ("CLIENT_LOGIN", "updated-client", account)
    assert event["sessionId"] == access["sid"] and event["details"]["token_id"] == access["jti"]
    assert event["details"]["username"] == "service-account-updated-client"
    assert event["details"]["refresh_token_type"] == "Refresh"
    assert event["details"]["client_auth_method"] == "client-secret"
    await update_client(sa, "updated-client", clientId=REFRESH_ON)
    assert await user_id(sa, f"service-account-{REFRESH_ON}") == account


async def test_refresh_token_refresh_for_disabled_service_account(sa: Env) -> None:
    """ServiceAccountTest.refreshTokenRefreshForDisabledServiceAccount (with the refresh-on client: the
    default client_credentials response has no refresh token to try)."""
    response = await client_credentials(sa, REFRESH_ON, "secret1")
    assert response.status_code == 200, response.text
    await update_client(sa, REFRESH_ON, serviceAccountsEnabled=False)
    refused = await refresh(sa.http, "test", REFRESH_ON, response.json()["refresh_token"], secret="secret1")
    assert refused.status_code == 400, refused.text
    await update_client(sa, REFRESH_ON, serviceAccountsEnabled=True)
    account = await get(sa, f"/clients/{await client_uuid(sa, REFRESH_ON)}/service-account-user")
    assert account["username"] == f"service-account-{REFRESH_ON}"


async def test_client_credentials_auth_request_client_es256_realm_ps256(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsAuthRequest_ClientES256_RealmPS256."""
    await update_realm(sa, defaultSignatureAlgorithm="PS256")
    await update_client(sa, REFRESH_ON, attributes={"access.token.signed.response.alg": "ES256"})
    await poll(sa)
    await client_login_with_refresh(sa, access_alg="ES256")


async def test_fail_manage_password(sa: Env) -> None:
    """ServiceAccountTest.failManagePassword: a service account's credentials cannot be set."""
    uid = await user_id(sa, f"service-account-{REFRESH_ON}")
    rep = await get(sa, f"/users/{uid}")
    rep["credentials"] = [{"type": "password", "value": "password", "temporary": False}]
    await put(sa, f"/users/{uid}", rep, status=400)


async def client_credentials_without_refresh_token(env: Env) -> str:
    """ServiceAccountTest.clientCredentialsAuthSuccessWithoutRefreshTokenImpl: the access token."""
    response = await client_credentials(env, PLAIN, "secret1")
    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" not in body
    access = claims(body["access_token"])
    assert "sid" not in access
    assert access["jti"].startswith("trrtcc:")  # transient session, regular token, client_credentials
    account = await user_id(env, f"service-account-{PLAIN}")
    event = await one_event(env)
    assert (event["type"], event["clientId"], event["userId"]) == ("CLIENT_LOGIN", PLAIN, account)
    assert event.get("sessionId") is None
    assert event["details"]["token_id"] == access["jti"]
    assert event["details"]["username"] == f"service-account-{PLAIN}"
    assert event["details"]["client_auth_method"] == "client-secret"
    assert event["details"]["grant_type"] == "client_credentials"
    assert await session_stats(env) == []  # no session for the transient login (KEYCLOAK-9551)
    assert await introspect(env, body["access_token"])
    event = await one_event(env)
    assert (event["type"], event["clientId"], event["userId"]) == ("INTROSPECT_TOKEN", PLAIN, account)
    assert event.get("sessionId") is None
    return str(body["access_token"])


async def test_client_credentials_auth_success_without_refresh_token_revoke_token(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsAuthSuccessWithoutRefreshToken_revokeToken."""
    token = await client_credentials_without_refresh_token(sa)
    form = {"client_id": PLAIN, "client_secret": "secret1", "token": token, "token_type_hint": "access_token"}
    revoked = await sa.http.post(token_url("test", "revoke"), data=form)
    assert revoked.status_code == 200, revoked.text
    event = await one_event(sa)
    assert (event["type"], event["clientId"]) == ("REVOKE_GRANT", PLAIN)
    assert event["userId"] == await user_id(sa, f"service-account-{PLAIN}")
    assert event.get("sessionId") is None and event["details"]["token_id"] == claims(token)["jti"]
    assert not await introspect(sa, token)
    event = await one_event(sa)
    assert (event["type"], event["error"], event["clientId"]) == ("INTROSPECT_TOKEN_ERROR", "invalid_token", PLAIN)
    assert event.get("userId") is None and event.get("sessionId") is None
    assert await poll(sa) == []


async def test_client_credentials_auth_success_without_refresh_token_pair_wise_subject(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsAuthSuccessWithoutRefreshToken_pairWiseSubject (the mapper is
    stored; Doorkeep does not compute pairwise subjects, which the Keycloak test does not look at)."""
    uuid = await client_uuid(sa, PLAIN)
    await update_client(sa, PLAIN, redirectUris=["http://localhost:8180/auth/realms/master/app/auth"])
    mapper = {
        "name": "pairwise subject identifier",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-sha256-pairwise-sub-mapper",
        "config": {},
    }
    await post(sa, f"/clients/{uuid}/protocol-mappers/models", mapper, status=201)
    await client_credentials_without_refresh_token(sa)


async def test_user_info_for_service_account_without_refresh_token_impl(sa: Env) -> None:
    """ServiceAccountTest.userInfoForServiceAccountWithoutRefreshTokenImpl: a transient session's token."""
    response = await client_credentials(sa, PLAIN, "secret1")
    assert response.status_code == 200 and "refresh_token" not in response.json(), response.text
    info = await userinfo(sa, response.json()["access_token"])
    assert info.status_code == 200, (info.status_code, info.headers)
    assert info.json()["preferred_username"] == f"service-account-{PLAIN}"


async def test_user_info_for_service_account_with_refresh_token_impl(sa: Env) -> None:
    """ServiceAccountTest.userInfoForServiceAccountWithRefreshTokenImpl."""
    response = await client_credentials(sa, REFRESH_ON, "secret1")
    assert response.status_code == 200 and "refresh_token" in response.json(), response.text
    info = await userinfo(sa, response.json()["access_token"])
    assert info.status_code == 200, (info.status_code, info.headers)
    assert info.json()["preferred_username"] == f"service-account-{REFRESH_ON}"
    form = {"client_id": REFRESH_ON, "client_secret": "secret1", "refresh_token": response.json()["refresh_token"]}
    assert (await sa.http.post(token_url("test", "logout"), data=form)).status_code == 204


async def test_client_credentials_auth_success_with_url_encoded_special_characters_secret(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsAuthSuccessWithUrlEncodedSpecialCharactersSecret (KEYCLOAK-18704)."""
    response = await client_credentials(sa, "service-account-cl-special-secrets", "secret/with=special?character")
    assert response.status_code == 200, response.text
