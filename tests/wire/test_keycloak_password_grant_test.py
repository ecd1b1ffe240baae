"""Keycloak's own direct-grant scenarios, one test per method of its testsuite class
``org.keycloak.testsuite.oauth.ResourceOwnerPasswordCredentialsGrantTest``
(testsuite/integration-arquillian/tests/base), over HTTP with the class's realm imported through
``POST /admin/realms``; every change goes through the admin API, events are polled as Keycloak's
``events.poll()`` does, and Keycloak's time offset is the fake clock.

Every ``invalid_grant`` of the direct grant flow (a wrong password or OTP, an unknown user, a service account's
user) is HTTP 400, as Keycloak 26.6 made it (keycloak/keycloak#46528, "invalid_grant errors now return HTTP 400",
the 26.6.0 upgrading note): the class read 401 when it was ported, and these tests were changed with it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from doorkeep.users import otp, passwords
from keycloak_port import forget, get, import_realm, one_event, poll, update_client, update_realm, user_id
from support import claims, header, password_grant, refresh, token_url
from totp_codes import totp
from wire_env import Env

pytestmark = pytest.mark.anyio

EVENT_TYPES = ["LOGIN", "LOGIN_ERROR", "LOGOUT", "REFRESH_TOKEN", "REFRESH_TOKEN_ERROR"]
TEST_USER = "test-user@localhost"


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
        assert response.status_code == 400, (secret, response.text)


async def test_grant_access_token_missing_totp(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenMissingTotp."""
    response = await direct(ro, "direct-login-otp")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
    assert_login_error(await one_event(ro), "invalid_user_credentials", await user_id(ro, "direct-login-otp"))


async def test_grant_access_token_invalid_totp(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenInvalidTotp."""
    response = await direct(ro, "direct-login-otp", otp=code(ro, "totpSecret2"))
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
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
    assert response.status_code == 400, response.text
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
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}
    event = await one_event(ro)
    assert_login_error(event, "invalid_user_credentials", await user_id(ro, TEST_USER), grant_type="password")
    assert (await get(ro, f"/users/{await user_id(ro, TEST_USER)}"))["requiredActions"] == []


async def test_grant_access_token_invalid_user_credentials_perf(ro: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenInvalidUserCredentialsPerf: an unknown user
    costs a password hash too, so the answer's time does not tell which usernames exist. Keycloak's test compares
    wall-clock times; here each attempt's hash verifications are counted (the real ``verify`` still runs)."""
    hashed: list[str] = []
    real_verify, real_dummy = passwords.verify, passwords.dummy_hash

    def counting_verify(password: str, secret_data: dict[str, Any], credential_data: dict[str, Any]) -> bool:
        hashed.append("verify")
        return real_verify(password, secret_data, credential_data)

    def counting_dummy(password: str, algorithm: str | None, iterations: int) -> None:
        hashed.append("dummy")
        real_dummy(password, algorithm, iterations)

    monkeypatch.setattr(passwords, "verify", counting_verify)
    monkeypatch.setattr(passwords, "dummy_hash", counting_dummy)
    assert (await direct(ro, TEST_USER, "invalid")).status_code == 400
    assert hashed == ["verify"]  # the user's own hash
    hashed.clear()
    assert (await direct(ro, "invalid", "invalid")).status_code == 400
    assert hashed == ["dummy"]  # no such user: one hash as the realm's policy hashes (AuthenticatorUtils.dummyHash)


async def test_grant_access_token_invalid_user_credentials(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenInvalidUserCredentials."""
    response = await direct(ro, TEST_USER, "invalid")
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}
    event = await one_event(ro)
    assert_login_error(event, "invalid_user_credentials", await user_id(ro, TEST_USER), grant_type="password")


async def test_grant_access_token_user_not_found(ro: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantTest.grantAccessTokenUserNotFound."""
    response = await direct(ro, "invalid", "invalid")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
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
    assert response.status_code == 400, response.text
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
