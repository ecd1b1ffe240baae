"""Which refusal wins at userinfo when an access token has two faults at once (Keycloak 26's issueUserInfo).

The order: the token's signature and type and the ``azp`` client's not-before and revocation ("Token
verification failed"), the client's ``enabled`` ("Client disabled"), the session lookup
(findValidSessionForAccessToken: its Errors code as the description), then the user ("User disabled"). Each is
401 with the error in the ``WWW-Authenticate`` challenge and an empty body; none of them writes.
"""

from __future__ import annotations

import httpx
import pytest

from support import claims, password_grant, refresh, token_url, update_client, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
USERINFO = token_url("test", "userinfo")


def assert_challenge(response: httpx.Response, description: str) -> None:
    assert response.status_code == 401, (response.status_code, response.text)
    expected = f'Bearer realm="test", error="invalid_token", error_description="{description}"'
    assert response.headers["www-authenticate"] == expected, response.headers
    assert response.content == b""


async def grant(env: Env) -> dict[str, str]:
    response = await password_grant(env.http, "test", "app", scope="openid")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def userinfo(env: Env, token: str) -> httpx.Response:
    return await env.http.get(USERINFO, headers={"Authorization": f"Bearer {token}"})


async def expire_sessions(env: Env) -> None:
    """The session ends (idle timeout lowered to 60 s) while the access token (300 s) is still within its exp."""
    await update_realm(env.db, "test", sso_session_idle_timeout=60)
    env.clock.advance(61)


async def test_a_disabled_client_wins_over_an_expired_session(realm: Env) -> None:
    tokens = await grant(realm)
    await expire_sessions(realm)
    await update_client(realm.db, "test", "app", enabled=False)
    assert_challenge(await userinfo(realm, tokens["access_token"]), "Client disabled")


async def test_the_clients_not_before_wins_over_a_disabled_client_and_user(realm: Env) -> None:
    tokens = await grant(realm)
    realm.clock.advance(1)
    await update_client(realm.db, "test", "app", not_before=realm.clock.now(), enabled=False)
    await update_user(realm.db, "test", "user1", enabled=False)
    assert_challenge(await userinfo(realm, tokens["access_token"]), "Token verification failed")


async def test_an_expired_session_wins_over_a_disabled_user(realm: Env) -> None:
    tokens = await grant(realm)
    await expire_sessions(realm)
    await update_user(realm.db, "test", "user1", enabled=False)
    assert_challenge(await userinfo(realm, tokens["access_token"]), "session_expired")


async def test_a_session_detached_by_a_reused_refresh_token_wins_over_a_disabled_user(realm: Env) -> None:
    """A reused rotated refresh token detaches the client session: its access tokens then find no session
    holding the client (KEYCLOAK.md §6.3), which is checked before the user."""
    await update_realm(realm.db, "test", revoke_refresh_token=True)
    tokens = await grant(realm)
    assert (await refresh(realm.http, "test", "app", tokens["refresh_token"])).status_code == 200
    assert (await refresh(realm.http, "test", "app", tokens["refresh_token"])).status_code == 400
    await update_user(realm.db, "test", "user1", enabled=False)
    assert_challenge(await userinfo(realm, tokens["access_token"]), "user_session_not_found")


@pytest.mark.parametrize("kind", ["refresh_token", "id_token"])
async def test_a_token_that_is_no_access_token_fails_verification_whatever_its_session(realm: Env, kind: str) -> None:
    tokens = await grant(realm)
    assert claims(tokens[kind])["typ"] in ("Refresh", "ID")
    await expire_sessions(realm)
    assert_challenge(await userinfo(realm, tokens[kind]), "Token verification failed")
