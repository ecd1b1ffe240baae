"""A login of a client already in the user session keeps its client session (TokenManager.attachAuthenticationSession).

Keycloak looks the client's session up in the user session and, while it is valid, keeps it: only the redirect URI,
the notes of the new login and the timestamp change. Its start stays, so the refresh tokens of the client's earlier
logins in that session are still good; an expired client session is restarted instead (a new start, for the new
login's tokens).
"""

from __future__ import annotations

import pytest

from browser_flow import exchange, login
from support import assert_error, claims, refresh, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio


async def tokens_of_a_login(env: Env) -> dict[str, str]:
    answer = await exchange(env.http, "test", "app", (await login(env.http, "test", "app"))["code"])
    assert answer.status_code == 200, answer.text
    body: dict[str, str] = answer.json()
    return body


async def test_an_sso_login_keeps_the_client_session_and_the_refresh_tokens_of_earlier_logins(realm: Env) -> None:
    await update_client(realm.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    first = await tokens_of_a_login(realm)
    realm.clock.advance(10)
    second = await tokens_of_a_login(realm)  # over the SSO cookie, into the same user session
    assert claims(second["access_token"])["sid"] == claims(first["access_token"])["sid"]
    response = await refresh(realm.http, "test", "app", first["refresh_token"])
    assert response.status_code == 200, response.text


async def test_an_sso_login_restarts_an_expired_client_session(realm: Env) -> None:
    attributes = {"client.session.idle.timeout": "5"}
    await update_client(realm.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",), attributes=attributes)
    first = await tokens_of_a_login(realm)
    realm.clock.advance(10)
    second = await tokens_of_a_login(realm)
    assert claims(second["access_token"])["sid"] == claims(first["access_token"])["sid"]
    assert (await refresh(realm.http, "test", "app", second["refresh_token"])).status_code == 200
    # The first login's token lived as long as its client session (its exp is the session's idle end).
    assert_error(
        await refresh(realm.http, "test", "app", first["refresh_token"]), 400, "invalid_grant", "Token is not active"
    )
