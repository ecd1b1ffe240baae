"""Keycloak's own grant scenarios, one test per method of its testsuite classes
``org.keycloak.testsuite.oauth.ServiceAccountTest`` and ``ResourceOwnerPasswordCredentialsGrantTest``
(testsuite/integration-arquillian/tests/base); ``UserInfoTest`` is in test_keycloak_userinfo_test.py.

Each class's realm is imported through ``POST /admin/realms``; every change goes through the admin API, and
events are polled as Keycloak's ``events.poll()`` does. Keycloak's time offset is the fake clock."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from doorkeep.users import otp
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
from support import claims, header, password_grant, refresh, token_url
from totp_codes import totp
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


# --- ResourceOwnerPasswordCredentialsGrantTest ---------------------------------------------------------
OWNER = "resource-owner"
OTP_SECRET = "totpSecret"
MULTI_OTP = ["firstOTPIsPreferredCredential", *(f"{i}-th OTP authenticator" for i in range(2, 11))]


def ropc_user(username: str, email: str | None = None) -> dict[str, Any]:
    rep: dict[str, Any] = {"username": username, "enabled": True}
    if email is not None:
        rep["email"] = email
    return {**rep, "credentials": [{"type": "password", "value": "password", "temporary": False}]}


@pytest.fixture
async def ro(env: Env) -> AsyncIterator[Env]:
    """ResourceOwnerPasswordCredentialsGrantTest.addTestRealms. The users' OTP credentials (UserBuilder's
    ``totpSecret``) go into the store, as Doorkeep's realm import reads password credentials only."""
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "enabledEventTypes": EVENT_TYPES,
        "clients": [
            {"clientId": OWNER, "secret": "secret", "directAccessGrantsEnabled": True},
            {"clientId": "resource-owner-public", "publicClient": True, "directAccessGrantsEnabled": True},
            {
                "clientId": "resource-owner-refresh",
                "secret": "secret",
                "directAccessGrantsEnabled": True,
                "attributes": {"use.refresh.tokens": "false"},
            },
        ],
        "users": [
            ropc_user(TEST_USER),
            ropc_user("direct-login", "direct-login@localhost"),
            ropc_user("direct-login-otp"),
            ropc_user("direct-login-multiple-otps"),
        ],
    }
    await import_realm(env, rep)
    await add_otp(env, "direct-login-otp", [OTP_SECRET])
    await add_otp(env, "direct-login-multiple-otps", MULTI_OTP)
    await poll(env)
    yield env
    forget(env)


async def add_otp(env: Env, username: str, secrets: list[str]) -> None:
    """The user's OTP credentials, the first one the oldest (the preferred one)."""
    uid = await user_id(env, username)
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        for i, secret in enumerate(secrets):
            cred = otp.new_credential(uid, otp.policy(realm), secret, None, env.clock.now_ms() - 1000 + i)
            await tx.users.add_credential(cred)


def code(env: Env, secret: str) -> str:
    return totp(secret.encode(), now=env.clock.now())


async def direct(env: Env, username: str, password: str = "password", client: str = OWNER, **kw: Any) -> Any:
    """oauth.doPasswordGrantRequest; ``secret`` None sends no client secret (a public client)."""
    secret = kw.pop("secret", None if client == "resource-owner-public" else "secret")
    return await password_grant(env.http, "test", client, username, password, secret=secret, **kw)


def assert_login_error(event: dict[str, Any], error: str, user: str | None, **details: str) -> None:
    assert (event["type"], event["clientId"], event["error"]) == ("LOGIN_ERROR", OWNER, error), event
    assert event.get("userId") == user and event.get("sessionId") is None, event
    for key, value in details.items():
        assert event["details"][key] == value, event


async def grant_access_token(env: Env, login: str, client: str, uid: str, otp_code: str | None = None) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessToken: LOGIN, then a refresh in the same session."""
    extra = {} if otp_code is None else {"otp": otp_code}
    response = await direct(env, login, client=client, **extra)
    assert response.status_code == 200, response.text
    body = response.json()
    access, refresh_claims = claims(body["access_token"]), claims(body["refresh_token"])
    event = await one_event(env)
    assert (event["type"], event["clientId"], event["userId"]) == ("LOGIN", client, uid)
    assert event["sessionId"] == access["sid"] == refresh_claims["sid"]
    assert event["details"]["grant_type"] == "password"
    assert event["details"]["token_id"] == access["jti"]
    assert event["details"]["refresh_token_id"] == refresh_claims["jti"]
    assert event["details"]["username"] == login
    assert not {"code_id", "redirect_uri", "consent"} & set(event["details"])
    assert login in (access["preferred_username"], access.get("email"))
    secret = None if client == "resource-owner-public" else "secret"
    refreshed = await refresh(env.http, "test", client, body["refresh_token"], secret=secret)
    assert refreshed.status_code == 200, refreshed.text
    assert claims(refreshed.json()["access_token"])["sid"] == access["sid"]
    assert claims(refreshed.json()["refresh_token"])["sid"] == access["sid"]
    event = await one_event(env)
    assert (event["type"], event["clientId"], event["userId"]) == ("REFRESH_TOKEN", client, uid)
    assert event["sessionId"] == access["sid"]
    assert event["details"]["refresh_token_id"] == refresh_claims["jti"]


async def test_grant_access_token_username(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenUsername."""
    await grant_access_token(ro, "direct-login", OWNER, await user_id(ro, "direct-login"))


async def test_grant_access_token_email(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenEmail."""
    await grant_access_token(ro, "direct-login@localhost", OWNER, await user_id(ro, "direct-login"))


async def test_grant_access_token_public(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenPublic."""
    await grant_access_token(ro, "direct-login", "resource-owner-public", await user_id(ro, "direct-login"))


async def test_grant_access_token_with_unassigned_dynamic_scope(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenWithUnassignedDynamicScope."""
    response = await direct(ro, "direct-login", client="resource-owner-public", scope="unknown-scope:123")
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_scope", "error_description": "Invalid scopes: unknown-scope:123"}


async def test_grant_access_token_with_totp(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenWithTotp."""
    uid = await user_id(ro, "direct-login-otp")
    await grant_access_token(ro, "direct-login-otp", OWNER, uid, code(ro, OTP_SECRET))


async def test_grant_access_token_with_multiple_totp(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenWithMultipleTotp: only the preferred (first)
    OTP credential is checked."""
    uid = await user_id(ro, "direct-login-multiple-otps")
    await grant_access_token(ro, "direct-login-multiple-otps", OWNER, uid, code(ro, MULTI_OTP[0]))
    for secret in MULTI_OTP[1:]:
        response = await direct(ro, "direct-login-multiple-otps", otp=code(ro, secret))
        assert response.status_code == 401, (secret, response.text)


async def test_grant_access_token_missing_totp(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenMissingTotp."""
    response = await direct(ro, "direct-login-otp")
    assert (response.status_code, response.json()["error"]) == (401, "invalid_grant")
    assert_login_error(await one_event(ro), "invalid_user_credentials", await user_id(ro, "direct-login-otp"))


async def test_grant_access_token_invalid_totp(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenInvalidTotp."""
    response = await direct(ro, "direct-login-otp", otp=code(ro, "totpSecret2"))
    assert (response.status_code, response.json()["error"]) == (401, "invalid_grant")
    assert_login_error(await one_event(ro), "invalid_user_credentials", await user_id(ro, "direct-login-otp"))


@pytest.mark.parametrize(("client_alg", "realm_alg"), [("ES256", "PS256"), ("PS256", "ES256")])
async def test_grant_request_client_alg_realm_alg(ro: Env, client_alg: str, realm_alg: str) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantRequest_ClientES256_RealmPS256 and
    grantRequest_ClientPS256_RealmES256: the client's access-token algorithm; refresh tokens stay HS512."""
    await update_realm(ro, defaultSignatureAlgorithm=realm_alg)
    await update_client(ro, OWNER, attributes={"access.token.signed.response.alg": client_alg})
    await poll(ro)
    response = await direct(ro, "direct-login")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (header(body["access_token"])["alg"], header(body["access_token"])["typ"]) == (client_alg, "JWT")
    assert (header(body["refresh_token"])["alg"], header(body["refresh_token"])["typ"]) == ("HS512", "JWT")
    assert "cty" not in header(body["access_token"]) and "cty" not in header(body["refresh_token"])
    await poll(ro)
    await grant_access_token(ro, "direct-login", OWNER, await user_id(ro, "direct-login"))


async def test_grant_access_token_logout(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenLogout."""
    response = await direct(ro, TEST_USER)
    assert response.status_code == 200, response.text
    body = response.json()
    access, refresh_claims = claims(body["access_token"]), claims(body["refresh_token"])
    event = await one_event(ro)
    assert (event["type"], event["sessionId"]) == ("LOGIN", access["sid"])
    assert event["details"]["client_auth_method"] == "client-secret"
    form = {"client_id": OWNER, "client_secret": "secret", "refresh_token": body["refresh_token"]}
    assert (await ro.http.post(token_url("test", "logout"), data=form)).status_code == 204
    event = await one_event(ro)
    assert (event["type"], event["sessionId"], event["clientId"]) == ("LOGOUT", access["sid"], OWNER)
    refused = await refresh(ro.http, "test", OWNER, body["refresh_token"])
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
    event = await one_event(ro)
    assert (event["type"], event["error"], event["clientId"]) == ("REFRESH_TOKEN_ERROR", "invalid_token", OWNER)
    assert event["sessionId"] == refresh_claims["sid"] and event.get("userId") is None
    assert event["details"]["refresh_token_id"] == refresh_claims["jti"]
    assert "token_id" not in event["details"] and "updated_refresh_token_id" not in event["details"]


@pytest.mark.parametrize("secret", ["invalid", None])
async def test_grant_access_token_invalid_or_missing_client_credentials(ro: Env, secret: str | None) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenInvalidClientCredentials and
    grantAccessTokenMissingClientCredentials."""
    response = await direct(ro, TEST_USER, secret=secret)
    assert (response.status_code, response.json()["error"]) == (401, "unauthorized_client")
    assert_login_error(await one_event(ro), "invalid_client_credentials", None)


async def test_grant_access_token_client_not_allowed(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenClientNotAllowed."""
    await update_client(ro, OWNER, directAccessGrantsEnabled=False)
    response = await direct(ro, TEST_USER)
    assert (response.status_code, response.json()["error"]) == (400, "unauthorized_client")
    assert_login_error(await one_event(ro), "not_allowed", None)


async def test_grant_access_token_verify_email(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenVerifyEmail: the realm's verifyEmail makes
    the unverified user's VERIFY_EMAIL, which a direct grant cannot perform."""
    await update_realm(ro, verifyEmail=True)
    response = await direct(ro, TEST_USER)
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": "Account is not fully set up"}
    assert_login_error(await one_event(ro), "resolve_required_actions", None, reason="Account is not fully set up")
    assert (await get(ro, f"/users/{await user_id(ro, TEST_USER)}"))["requiredActions"] == ["VERIFY_EMAIL"]


async def test_grant_access_token_verify_email_invalid_password(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenVerifyEmailInvalidPassword: the password is
    checked before any required action."""
    await update_realm(ro, verifyEmail=True)
    response = await direct(ro, TEST_USER, "bad-password")
    assert response.status_code == 401, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}
    event = await one_event(ro)
    assert_login_error(event, "invalid_user_credentials", await user_id(ro, TEST_USER), grant_type="password")


async def test_grant_access_token_expired_password(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenExpiredPassword: forceExpiredPasswordChange(1)
    two days on gives the user UPDATE_PASSWORD."""
    await update_realm(ro, passwordPolicy="forceExpiredPasswordChange(1)")
    ro.clock.advance(60 * 60 * 48)
    response = await direct(ro, TEST_USER)
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": "Account is not fully set up"}
    assert_login_error(await one_event(ro), "resolve_required_actions", None)
    assert (await get(ro, f"/users/{await user_id(ro, TEST_USER)}"))["requiredActions"] == ["UPDATE_PASSWORD"]


async def test_grant_access_token_expired_password_invalid_password(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenExpiredPasswordInvalidPassword."""
    await update_realm(ro, passwordPolicy="forceExpiredPasswordChange(1)")
    ro.clock.advance(60 * 60 * 48)
    response = await direct(ro, TEST_USER, "bad-password")
    assert response.status_code == 401, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}
    event = await one_event(ro)
    assert_login_error(event, "invalid_user_credentials", await user_id(ro, TEST_USER), grant_type="password")
    assert (await get(ro, f"/users/{await user_id(ro, TEST_USER)}"))["requiredActions"] == []


async def test_grant_access_token_invalid_user_credentials_perf(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenInvalidUserCredentialsPerf: an unknown user
    costs a password hash too, so the answer's time does not tell which usernames exist."""
    timings = {TEST_USER: 0.0, "invalid": 0.0}
    await direct(ro, "invalid", "invalid")  # warmed up first; the attempts alternate, so load hits both alike
    for _ in range(5):
        for username in timings:
            start = time.perf_counter()
            assert (await direct(ro, username, "invalid")).status_code == 401
            timings[username] += time.perf_counter() - start
    timings = {"invalid password": timings[TEST_USER], "user not found": timings["invalid"]}
    assert timings["user not found"] * 2 > timings["invalid password"], timings


async def test_grant_access_token_invalid_user_credentials(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenInvalidUserCredentials."""
    response = await direct(ro, TEST_USER, "invalid")
    assert response.status_code == 401, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}
    event = await one_event(ro)
    assert_login_error(event, "invalid_user_credentials", await user_id(ro, TEST_USER), grant_type="password")


async def test_grant_access_token_user_not_found(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenUserNotFound."""
    response = await direct(ro, "invalid", "invalid")
    assert (response.status_code, response.json()["error"]) == (401, "invalid_grant")
    assert_login_error(await one_event(ro), "user_not_found", None, grant_type="password", username="invalid")


async def test_grant_access_token_missing_grant_type(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenMissingGrantType."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = await ro.http.post(token_url("test"), headers=headers)
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_request", "error_description": "Missing form parameter: grant_type"}


async def test_grant_access_token_unsupported_grant_type(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenUnsupportedGrantType."""
    response = await ro.http.post(token_url("test"), data={"grant_type": "unsupported_grant_type"})
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "unsupported_grant_type", "error_description": "Unsupported grant_type"}


async def test_grant_access_token_no_refresh_token(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenNoRefreshToken."""
    response = await direct(ro, "direct-login", client="resource-owner-refresh")
    assert response.status_code == 200, response.text
    assert "access_token" in response.json() and "refresh_token" not in response.json()


async def test_grant_access_token_service_account_user_of_other_client(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenServiceAccountUserOfOtherClient: a service
    account cannot log in with a password (ValidateUsername: invalid_user, "User is a service account")."""
    await update_client(ro, OWNER, serviceAccountsEnabled=True)
    response = await direct(ro, f"service-account-{OWNER}", client="resource-owner-refresh")
    assert response.status_code == 401, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}
    (event,) = await poll(ro)
    assert (event["type"], event["clientId"], event["error"]) == (
        "LOGIN_ERROR",
        "resource-owner-refresh",
        "invalid_user",
    )
    assert event.get("userId") is None and event.get("sessionId") is None
    assert event["details"]["grant_type"] == "password"
    assert event["details"]["reason"] == "User is a service account"
