"""Userinfo's refusals as Keycloak 26's UserInfoEndpoint gives them (``OAuth2Error.json(false)``): the error in
the ``WWW-Authenticate`` challenge only, an empty text body, and the specific description of the first check
that failed, in ``issueUserInfo``'s order. A failure of the session lookup
(UserSessionUtil.findValidSessionForAccessToken) is described by its Errors code (``user_session_not_found``,
``session_expired``, ``invalid_token`` for a token older than its session, and for a token without ``sid``
``user_not_found`` / ``user_disabled``); the user checks after a valid session keep their sentences."""

from __future__ import annotations

import httpx
import pytest

from support import claims, password_grant, seed_client, seed_realm, seed_user, token_url, update_client, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
USERINFO = token_url("test", "userinfo")


def assert_refused(response: httpx.Response, status: int, challenge: str) -> None:
    """Keycloak's answer: the status, exactly this challenge, an empty ``text/plain`` body."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["www-authenticate"] == challenge, response.headers
    assert response.headers["content-type"] == "text/plain;charset=utf-8"
    assert response.content == b""


def invalid_token(description: str) -> str:
    return f'Bearer realm="test", error="invalid_token", error_description="{description}"'


async def grant(env: Env, scope: str | None = "openid") -> dict[str, str]:
    response = await password_grant(env.http, "test", "app", scope=scope)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def userinfo(env: Env, access_token: str) -> httpx.Response:
    return await env.http.get(USERINFO, headers={"Authorization": f"Bearer {access_token}"})


async def test_a_token_without_the_openid_scope_is_403_insufficient_scope(realm: Env) -> None:
    tokens = await grant(realm, scope=None)
    assert_refused(
        await userinfo(realm, tokens["access_token"]),
        403,
        'Bearer realm="test", error="insufficient_scope", error_description="Missing openid scope"',
    )
    assert (await userinfo(realm, (await grant(realm))["access_token"])).status_code == 200


async def test_no_token_is_a_bare_401_challenge_naming_the_realm(realm: Env) -> None:
    token = (await grant(realm))["access_token"]
    for response in (
        await realm.http.get(USERINFO),
        await realm.http.get(USERINFO, headers={"Authorization": "Bearer"}),
        await realm.http.get(USERINFO, headers={"Authorization": "Bearer    "}),
        await realm.http.get(USERINFO, params={"access_token": token}),
        await realm.http.post(USERINFO, data={"x": "1"}),
    ):
        assert_refused(response, 401, 'Bearer realm="test"')


async def test_a_bad_signature_is_token_verification_failed(realm: Env) -> None:
    token = (await grant(realm))["access_token"]
    assert_refused(await userinfo(realm, token[:-4] + "AAAA"), 401, invalid_token("Token verification failed"))


async def test_the_openid_scope_is_checked_before_the_client(realm: Env) -> None:
    """A token without ``openid`` of a client that is disabled (its checks come after the scope's): 403."""
    tokens = await grant(realm, scope=None)
    await update_client(realm.db, "test", "app", enabled=False)
    assert (await userinfo(realm, tokens["access_token"])).status_code == 403


async def test_a_deleted_client_fails_the_token_verification(realm: Env) -> None:
    """With DPoP on (Keycloak 26's default), withDPoPVerifier looks the token's client up inside the verifier:
    a deleted client fails there, "Token verification failed" (the event's reason says "Client not found"),
    before the ``openid`` scope check and the endpoint's own "Client not found"."""
    tokens = await grant(realm, scope=None)
    client = await update_client(realm.db, "test", "app")
    deleted = await realm.http.delete(f"/admin/realms/test/clients/{client.id}", headers=await realm.admin_headers())
    assert deleted.status_code == 204, deleted.text
    assert_refused(await userinfo(realm, tokens["access_token"]), 401, invalid_token("Token verification failed"))


async def test_a_revoked_token_is_token_verification_failed_even_when_its_client_is_disabled(realm: Env) -> None:
    tokens = await grant(realm)
    form = {"token": tokens["access_token"], "client_id": "app", "client_secret": "secret"}
    assert (await realm.http.post(token_url("test", "revoke"), data=form)).status_code == 200
    await update_client(realm.db, "test", "app", enabled=False)
    assert_refused(await userinfo(realm, tokens["access_token"]), 401, invalid_token("Token verification failed"))


async def test_a_disabled_client_is_client_disabled_before_the_user_is_looked_at(realm: Env) -> None:
    tokens = await grant(realm)
    await update_user(realm.db, "test", "user1", enabled=False)
    await update_client(realm.db, "test", "app", enabled=False)
    assert_refused(await userinfo(realm, tokens["access_token"]), 401, invalid_token("Client disabled"))


async def test_a_logged_out_session_is_described_user_session_not_found(realm: Env) -> None:
    tokens = await grant(realm)
    form = {"client_id": "app", "client_secret": "secret", "refresh_token": tokens["refresh_token"]}
    assert (await realm.http.post(token_url("test", "logout"), data=form)).status_code == 204
    assert_refused(
        await userinfo(realm, tokens["access_token"]),
        401,
        invalid_token("user_session_not_found"),
    )


async def test_an_idle_session_still_stored_is_described_session_expired(env: Env) -> None:
    await seed_realm(env.db, env.clock, access_token_lifespan=36000, sso_session_idle_timeout=600)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    tokens = await grant(env)
    env.clock.advance(601)
    assert_refused(await userinfo(env, tokens["access_token"]), 401, invalid_token("session_expired"))


async def test_a_disabled_user_of_a_live_session_is_the_sentence_user_disabled(realm: Env) -> None:
    tokens = await grant(realm)
    await update_user(realm.db, "test", "user1", enabled=False)
    assert_refused(await userinfo(realm, tokens["access_token"]), 401, invalid_token("User disabled"))


async def test_two_token_methods_and_two_parameters_are_400_in_the_challenge_too(realm: Env) -> None:
    token = (await grant(realm))["access_token"]
    both = await realm.http.post(USERINFO, data={"access_token": token}, headers={"Authorization": f"Bearer {token}"})
    assert_refused(
        both,
        400,
        'Bearer realm="test", error="invalid_request", '
        'error_description="More than one method used for including an access token"',
    )
    twice = await realm.http.post(
        USERINFO,
        content=f"access_token={token}&access_token={token}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_refused(twice, 400, 'Bearer realm="test", error="invalid_request", error_description="Duplicate parameter"')


async def _service_account_token(env: Env) -> str:
    await seed_client(env.db, "test", "robot", service_accounts=True)
    form = {"grant_type": "client_credentials", "client_id": "robot", "client_secret": "secret", "scope": "openid"}
    response = await env.http.post(token_url("test"), data=form)
    assert response.status_code == 200, response.text
    token = str(response.json()["access_token"])
    assert "sid" not in claims(token)  # a transient session: findValidSession checks the user itself
    return token


async def test_a_service_account_token_of_a_disabled_user_is_described_user_disabled(realm: Env) -> None:
    token = await _service_account_token(realm)
    assert (await userinfo(realm, token)).status_code == 200
    await update_user(realm.db, "test", "service-account-robot", enabled=False)
    assert_refused(await userinfo(realm, token), 401, invalid_token("user_disabled"))


async def test_a_service_account_token_of_a_deleted_user_is_described_user_not_found(realm: Env) -> None:
    token = await _service_account_token(realm)
    user = await update_user(realm.db, "test", "service-account-robot")
    async with realm.db.transaction() as tx:
        await tx.users.delete(user.id)
    assert_refused(await userinfo(realm, token), 401, invalid_token("user_not_found"))
